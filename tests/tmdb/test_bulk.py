"""``filmbot films enrich`` with a TMDB key, as an administrator runs it (a subprocess): TMDB's poster and
offers are kept like a card's fetch-through keeps them, paced for a bulk run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.loader import load_cards
from bot.store import Store
from tests.enrich import wikidata_items as items
from tests.enrich.fake_wikipedia import FakeWikipedia
from tests.enrich.wikidata_server import FakeWikidata
from tests.startup._cli import FILMS_DIR, environment, filmbot
from tests.tmdb.fake_tmdb import FakeTmdb
from tests.tmdb.fixtures import HUNDRED_METERS, V4_TOKEN


@pytest.fixture
async def servers() -> AsyncIterator[tuple[FakeWikidata, FakeWikipedia, FakeTmdb]]:
    async with FakeWikidata() as wikidata, FakeWikipedia() as wikipedia, FakeTmdb() as tmdb:
        items.populate(wikidata)
        yield wikidata, wikipedia, tmdb


async def test_bulk_enrich_keeps_tmdbs_poster_and_offers(
    servers: tuple[FakeWikidata, FakeWikipedia, FakeTmdb], tmp_path: Path
) -> None:
    wikidata, wikipedia, tmdb = servers
    database = tmp_path / "filmbot.sqlite3"
    store = await Store.open(database)
    try:
        assert (await load_cards(store, FILMS_DIR)).ok
    finally:
        await store.close()
    env = environment(
        database, FILMBOT_ONLINE="on", FILMBOT_WIKIDATA_API=wikidata.api,
        FILMBOT_WIKIPEDIA_API=wikipedia.api, FILMBOT_TMDB_API=tmdb.url, TMDB_API_KEY=V4_TOKEN,
    )  # fmt: skip
    done = await filmbot("films", "enrich", "100-meters", env=env, cwd=tmp_path)
    assert done.status == 0, done.stderr
    assert "TMDB 2" in done.stdout.splitlines()[-1]  # the summary counts TMDB's requests
    assert V4_TOKEN not in done.stdout + done.stderr
    assert all(r.headers["Authorization"] == f"Bearer {V4_TOKEN}" for r in tmdb.log)
    store = await Store.open(database)
    try:
        film = await store.films.summary_by_slug("100-meters")
        assert film is not None
        extras = await store.where_to_watch.get(film.id, "GB")
    finally:
        await store.close()
    assert extras is not None and extras.tmdb_id == HUNDRED_METERS.id
    assert extras.poster_url is not None and extras.poster_url.endswith(str(HUNDRED_METERS.poster_path))
    assert [o.service for o in extras.options] == list(HUNDRED_METERS.watch["GB"].flatrate)
