"""End to end: the real filmbot online against the local Wikidata, through the Discord emulator.

``/film`` of a film only Wikidata knows (found, added, cited), ``/scores`` with Rotten Tomatoes and
Metacritic from Wikidata beside IMDb, and the same commands with Wikidata down: the card with what is
known and one line saying what could not be fetched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.films.models import ImportedFilm, Score, Source
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.enrich import wikidata_items as items
from tests.enrich.fake_api import Fault
from tests.enrich.fake_wikipedia import FakeWikipedia
from tests.enrich.fake_wikipedia import populate as populate_wikipedia
from tests.enrich.wikidata_server import FakeWikidata

IMDB_SOURCE = Source("imdb", "IMDb non-commercial datasets", "dataset", date(2026, 3, 1))


@pytest.fixture
async def wikidata() -> AsyncIterator[FakeWikidata]:
    async with items.populated() as server:
        yield server


@pytest.fixture
async def wikipedia() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:
        populate_wikipedia(server, items.TITLE)
        yield server


@pytest.fixture
async def online_bot(
    emulator: Emulator, tmp_path: Path, wikidata: FakeWikidata, wikipedia: FakeWikipedia
) -> AsyncIterator[InProcessBot]:
    runner = InProcessBot(
        emulator,
        tmp_path / "filmbot.sqlite3",
        FILMBOT_ONLINE="on",
        FILMBOT_WIKIDATA_API=wikidata.api,
        FILMBOT_WIKIPEDIA_API=wikipedia.api,
        FILMBOT_CONTACT="film-club-admin@example.org",
    )
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def test_film_only_wikidata_knows_gets_a_cited_card(
    online_bot: InProcessBot, driver: Driver, wikidata: FakeWikidata
) -> None:
    offered = await driver.autocomplete("film", "title", "lighthouse at")
    assert offered.names[-1] == "Search Wikidata for “lighthouse at”"
    shown = await driver.slash("film", title="The Lighthouse at Noon")
    assert shown.deferred and not shown.ephemeral
    card = shown.embed
    assert card["title"] == "The Lighthouse at Noon (2024)"
    values = fields(card)
    assert values["Director"] == "Aiko Tanabe [1]"
    assert values["Screenplay"] == "Ren Kobayashi [1]"
    assert "Mio Sato [1] as Hana [1]" in values["Voice cast"]
    assert values["Distribution"] == "GKIDS [1] (United States [1]), Toho [1] (Japan [1])"
    assert (
        "$3,033,000 [1] (worldwide; as of 2025-01-05; per Box Office Mojo, retrieved 2025-01-10 [1])"
        in values["Box office"]
    )
    assert values["Released"].startswith(
        "14 June 2024 [1] (Japan [1])\n4 October 2024 [1] (United States [1])"
    )
    assert "<t:" in values["Fetched online"] and "Wikidata" in values["Fetched online"]
    footer = card["footer"]["text"]
    assert f"[1] Wikidata item: item {items.FILM} (The Lighthouse at Noon)" in footer
    assert "undated; retrieved" in footer and "CC0 1.0" in footer
    # Every request said who is asking.
    assert all("film-club-admin@example.org" in r.headers["User-Agent"] for r in wikidata.log)
    # Stored: the next /film answers from the catalog at once, without asking Wikidata again.
    asked = len(wikidata.log)
    again = await driver.slash("film", title="the lighthouse at noon")
    assert again.callback_type == 4
    assert again.embed["title"] == "The Lighthouse at Noon (2024)"
    assert len(wikidata.log) == asked
    found = await driver.autocomplete("film", "title", "lighthouse at")
    assert found.names[0].startswith("The Lighthouse at Noon (2024)")


async def test_a_card_button_fetches_an_imported_film_first(
    emulator: Emulator, online_bot: InProcessBot, driver: Driver
) -> None:
    await online_bot.bot.store.catalog.write_batch(
        [ImportedFilm(items.TITLE, 2024, imdb_id=items.IMDB)], IMDB_SOURCE
    )
    film = await online_bot.bot.films.resolve("the-lighthouse-at-noon-2024")
    button = {"type": 2, "style": 2, "label": items.TITLE, "custom_id": f"filmbot:film:card:{film.id}"}
    posted = emulator.seed_message("general", "Tonight", components=[{"type": 1, "components": [button]}])
    opened = await driver.click(posted, label=items.TITLE)
    await opened.wait_settled()
    assert opened.deferred and opened.ephemeral
    assert fields(opened.embed)["Director"] == "Aiko Tanabe [2]"  # [1] is the IMDb dataset


async def test_scores_from_wikidata_beside_imdb(online_bot: InProcessBot, driver: Driver) -> None:
    imdb = Score("IMDb", "average", 7.4, "imdb", date(2026, 3, 1), scale=10, votes=2100)
    await online_bot.bot.store.catalog.write_batch(
        [ImportedFilm(items.TITLE, 2024, imdb_id=items.IMDB, scores=(imdb,))], IMDB_SOURCE
    )
    shown = await driver.slash("scores", film="the-lighthouse-at-noon-2024")
    assert not shown.ephemeral
    values = fields(shown.embed)
    ratings = values["Ratings, each on its own scale"]
    assert "IMDb: **7.4**/10" in ratings
    assert "Metacritic: **81**/100" in ratings
    assert "**93%**" in values["Approval (share who liked it, not averaged)"]
    assert "Rotten Tomatoes" in values["Approval (share who liked it, not averaged)"]
    assert "Wikidata" in values["Fetched online"]


async def test_wikidata_down_the_card_says_what_could_not_be_fetched(
    online_bot: InProcessBot, driver: Driver, wikidata: FakeWikidata
) -> None:
    wikidata.fail(Fault.unavailable(), times=1000)
    shown = await driver.slash("film", title="100-meters")
    assert not shown.ephemeral
    assert shown.embed["title"] == "100 Meters (2025)"
    values = fields(shown.embed)
    assert values["Director"].startswith("Kenji Iwaisawa")
    assert values["Fetched online"] == "Could not fetch: Wikidata: was unavailable (503), 4 times"
    scores = await driver.slash("scores", film="100-meters")
    assert "IMDb: **8.1**/10" in fields(scores.embed)["Ratings, each on its own scale"]
    assert "Could not fetch: Wikidata" in fields(scores.embed)["Fetched online"]


async def test_wikidata_down_an_unknown_title_is_answered_privately(
    online_bot: InProcessBot, driver: Driver, wikidata: FakeWikidata
) -> None:
    wikidata.fail(Fault.timeout(), times=1000)
    shown = await driver.slash("film", title="Some Film Nobody Has")
    assert shown.deferred
    (answer,) = await shown.wait_followups(1)  # the public "thinking…" message was deleted first
    assert answer.ephemeral
    assert "Some Film Nobody Has" in answer.text
    assert "Wikidata: did not answer within" in answer.text
    assert not driver.messages()  # nothing public was left behind
