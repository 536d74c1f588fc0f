"""The real filmbot online, in process, against a local TMDB, Wikidata and Wikipedia (the e2e tests that
need all three start it here; the fixtures for TMDB and Wikidata are in this folder's ``conftest.py``)."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator import Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.enrich.fake_wikipedia import FakeWikipedia
from tests.enrich.wikidata_server import FakeWikidata
from tests.tmdb.fake_tmdb import FakeTmdb


async def start_online(
    emulator: Emulator,
    tmp_path: Path,
    tmdb: FakeTmdb,
    wikidata: FakeWikidata,
    wikipedia: FakeWikipedia,
    **env: str,
) -> InProcessBot:
    """filmbot started with every provider pointed at the local servers; ``env`` adds settings (a key)."""
    runner = InProcessBot(
        emulator, tmp_path / "filmbot.sqlite3", FILMBOT_ONLINE="on", FILMBOT_WIKIDATA_API=wikidata.api,
        FILMBOT_WIKIPEDIA_API=wikipedia.api, FILMBOT_TMDB_API=tmdb.url, FILMBOT_TMDB_IMAGES=f"{tmdb.url}/t/p",
        **env,
    )  # fmt: skip
    await runner.start()
    return runner
