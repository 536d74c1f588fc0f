"""``filmbot ask`` answers from the local store alone, as the README's quick start promises (no network);
``--online`` fetches as the running bot does."""

from __future__ import annotations

from pathlib import Path

from tests.enrich import wikidata_items as items
from tests.enrich.fake_wikipedia import FakeWikipedia
from tests.enrich.wikidata_server import FakeWikidata
from tests.startup._cli import environment, filmbot


async def test_ask_makes_no_request_unless_asked_to_go_online(tmp_path: Path) -> None:
    async with FakeWikidata() as wikidata, FakeWikipedia() as wikipedia:
        items.populate(wikidata)
        env = environment(
            tmp_path / "ask.sqlite3",
            FILMBOT_ONLINE="on",  # the setting says on: ask alone still stays local
            FILMBOT_WIKIDATA_API=wikidata.api,
            FILMBOT_WIKIPEDIA_API=wikipedia.api,
            FILMBOT_CONTACT="filmbot tests",
        )
        local = await filmbot("ask", "/film 100-meters", env=env, cwd=tmp_path)
        assert local.status == 0, local.stderr
        assert "100 Meters" in local.stdout and "Fetched online" not in local.stdout
        assert wikidata.log == [] and wikipedia.log == []
        online = await filmbot("ask", "--online", "/film 100-meters", env=env, cwd=tmp_path)
        assert online.status == 0, online.stderr
        assert wikidata.log, "--online asked Wikidata nothing"
