"""/plot of a film whose plot only Wikipedia has, through the Discord emulator, a local Wikidata (whose
item links the article) and a local Wikipedia: fetched on first use (deferred), every phase behind spoiler tags, the CC BY-SA attribution in every plot
message, Next phase walking to the ending; and the same command with Wikipedia down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.films.models import FilmData
from bot.spoilers import render
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.enrich import wikidata_items as items
from tests.enrich.fake_api import Fault
from tests.enrich.fake_wikipedia import FILM_ARTICLE, FILM_PLOT_WORDS, FakeWikipedia
from tests.enrich.fake_wikipedia import populate as populate_wikipedia
from tests.enrich.wikidata_server import FakeWikidata, item, item_snak, statement, string_snak, time_snak
from tests.spoilers.checks import assert_no_spoiler_leak, segments

ARTICLE = "Sprint (2025 film)"
SPRINT = FilmData(slug="sprint-2025", title="Sprint", origin="import", year=2025, imdb_id="tt0000025")


@pytest.fixture
async def wiki() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:
        server.page(ARTICLE, FILM_ARTICLE, revid=1_234_567)
        populate_wikipedia(server, items.TITLE)
        yield server


@pytest.fixture
async def wikidata() -> AsyncIterator[FakeWikidata]:
    """Wikidata's item for the film, found by its IMDb id, links the article (its enwiki sitelink)."""
    async with FakeWikidata() as server:
        claims = [
            statement(item_snak("P31", "Q11424")),
            statement(time_snak("P577", "2025-09-19")),
            statement(string_snak("P345", SPRINT.imdb_id or "", "external-id")),
        ]
        server.add(item("Q90000025", "Sprint", claims, description="2025 animated film", enwiki=ARTICLE))
        server.name({"Q11424": "film"})
        items.populate(server)  # and a film the catalog lacks: The Lighthouse at Noon
        yield server


@pytest.fixture
async def bot(
    emulator: Emulator, tmp_path: Path, wiki: FakeWikipedia, wikidata: FakeWikidata
) -> AsyncIterator[InProcessBot]:
    runner = InProcessBot(
        emulator,
        tmp_path / "filmbot.sqlite3",
        FILMBOT_ONLINE="on",
        FILMBOT_CONTACT="film-club@example.org",
        FILMBOT_WIKIPEDIA_API=wiki.api,
        FILMBOT_WIKIDATA_API=wikidata.api,
    )
    await runner.start()
    assert await runner.bot.store.films.upsert(SPRINT) == "added"
    try:
        yield runner
    finally:
        await runner.stop()


def fields(message: Any) -> list[dict[str, str]]:
    return list(message.embed.get("fields", []))


def phase_names(message: Any) -> list[str]:
    return [f["name"] for f in fields(message) if f["name"] != "Source"]


async def stored_texts(bot: InProcessBot) -> list[str]:
    film = await bot.bot.films.resolve("sprint-2025")
    return [s.text for s in (await bot.bot.store.spoilers.plot(film.id)).sections]


def assert_attributed(message: Any, article: str = ARTICLE, revision: int = 1_234_567) -> None:
    source = fields(message)[-1]
    assert source["name"] == "Source"
    assert all(not hidden for _, hidden in segments(source["value"]))
    assert source["value"].startswith(f"Plot from Wikipedia's article “[{article}](")
    assert f"&oldid={revision})” (revision {revision})" in source["value"]
    assert "[CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/)" in source["value"]


async def test_plot_fetched_from_wikipedia(
    emulator: Emulator, bot: InProcessBot, driver: Driver, wiki: FakeWikipedia, wikidata: FakeWikidata
) -> None:
    result = await driver.slash("plot", film="sprint-2025")
    assert result.callback_type == 5  # deferred: fetched before answering, within Discord's deadline
    assert result.ephemeral and not result.content
    names = phase_names(result.message)
    assert names and names[-1].endswith("(the ending)") and names[0].startswith("Part 1 of")
    for field in fields(result.message)[:-1]:
        assert field["value"].startswith("||") and field["value"].endswith("||")
    assert_attributed(result.message)
    secrets = await stored_texts(bot)
    assert any(word in " ".join(secrets) for word in FILM_PLOT_WORDS)
    assert_no_spoiler_leak(result.message.raw, secrets)
    assert result.embed["description"] == f"*{render.HINT}*"  # only the hint: no premise cut from plot text
    asked = len(wiki.requests(action="parse"))
    assert asked == 1 and not wiki.requests(action="query")  # the article Wikidata links: no search
    assert (
        wikidata.requests(action="query", list="search")[0].query["srsearch"]
        == "haswbstatement:P345=tt0000025"
    )
    again = await driver.slash("plot", film="sprint-2025")
    assert phase_names(again.message) == names
    assert len(wiki.requests(action="parse")) == asked  # stored: not fetched again
    for request in wiki.log:
        assert "film-club@example.org" in request.headers["User-Agent"]
        assert "maxlag" not in request.query  # a member is waiting (maxlag is for bulk runs)
    # The film's card shows none of it (no premise was cut out of it) and lists the revision it came from.
    card = await driver.slash("film", title="sprint-2025")
    assert_no_spoiler_leak(card.message.raw, secrets)
    assert "Sprint (2025 film)" in card.embed["footer"]["text"]
    assert "CC BY-SA 4.0" in card.embed["footer"]["text"]


async def test_next_phase_walks_to_the_ending(emulator: Emulator, bot: InProcessBot, driver: Driver) -> None:
    await driver.slash("plot", film="sprint-2025")  # fetched and stored
    secrets = await stored_texts(bot)
    count = len(secrets)
    message = await driver.slash("plot", film="sprint-2025", upto="Part 1")
    assert phase_names(message.message) == [f"Part 1 of {count}"]
    assert_attributed(message.message)
    for index in range(2, count + 1):
        name = f"Part {index} of {count}" + (" (the ending)" if index == count else "")
        message = await driver.click(message, label=f"Next phase: {name}")
        assert message.ephemeral
        assert phase_names(message.message)[-1] == name
        assert_attributed(message.message)
        assert_no_spoiler_leak(message.message.raw, secrets)
    assert not message.buttons


async def test_plot_with_wikipedia_down(
    emulator: Emulator, bot: InProcessBot, driver: Driver, wiki: FakeWikipedia
) -> None:
    wiki.fail(Fault.unavailable(), times=100)
    result = await driver.slash("plot", film="sprint-2025")
    assert result.ephemeral
    assert "The catalog has no plot summary for “Sprint” yet." in result.text
    assert "Wikipedia was unavailable (503), 4 times." in result.text
    # Nothing broken: the card's own plot still answers, and the film's card opens.
    assert phase_names((await driver.slash("plot", film="100-meters")).message)
    card = await driver.slash("film", title="sprint-2025")
    assert "Sprint" in card.embed["title"]


async def test_a_film_only_wikidata_knows_gets_its_plot_with_its_card(
    emulator: Emulator, bot: InProcessBot, driver: Driver, wiki: FakeWikipedia
) -> None:
    card = await driver.slash("film", title=items.TITLE)
    assert items.TITLE in card.embed["title"]
    assert [r.query["page"] for r in wiki.requests(action="parse")] == [items.TITLE]  # the card's fetch
    film = await bot.bot.films.resolve(items.TITLE)
    secrets = [s.text for s in (await bot.bot.store.spoilers.plot(film.id)).sections]
    assert_no_spoiler_leak(card.message.raw, secrets)
    result = await driver.slash("plot", film=items.TITLE)
    assert result.callback_type == 4  # stored with the card: answered at once, nothing fetched
    assert len(wiki.requests(action="parse")) == 1
    assert phase_names(result.message) == [
        "Part 1 of 4",
        "Part 2 of 4",
        "Part 3 of 4",
        "Part 4 of 4 (the ending)",
    ]
    assert_attributed(result.message, items.TITLE, 1_161_000)
    assert_no_spoiler_leak(result.message.raw, secrets)
    # The card offers the plot it fetched: its button opens the same phases, attributed.
    opened = await driver.as_member("member2").click(card, label="Plot (spoilers)")
    assert opened.ephemeral and phase_names(opened.message) == phase_names(result.message)
    assert_attributed(opened.message, items.TITLE, 1_161_000)
    assert_no_spoiler_leak(opened.message.raw, secrets)


async def test_public_plot_fetched_in_a_spoiler_channel_and_refused_elsewhere(
    emulator: Emulator, bot: InProcessBot, driver: Driver, wiki: FakeWikipedia
) -> None:
    refused = await driver.slash("plot", film="sprint-2025", public=True)
    assert refused.ephemeral and "only works in spoiler channels" in refused.text
    assert not wiki.log  # refused before anything was fetched
    await driver.as_member("moderator").slash("spoilers", "channel", "add", channel="spoilers")
    here = driver.in_channel("spoilers")
    result = await here.slash("plot", film="sprint-2025", public=True)
    assert result.callback_type == 5 and not result.ephemeral and not result.content
    assert phase_names(result.message)[-1].endswith("(the ending)")
    assert_attributed(result.message)
    assert_no_spoiler_leak(result.message.raw, await stored_texts(bot))
