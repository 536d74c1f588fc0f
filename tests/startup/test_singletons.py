"""What a deployment does once happens only in shard 0's process: with shards split over processes on one
database, the others neither schedule the IMDb refresh, nor restore feed timers, nor sync commands."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.catalog.download.service import TIMER_KIND as REFRESH
from bot.client import FilmBot
from bot.letterboxd.polling import TIMER_KIND as FEED_POLL
from bot.settings import Settings, Shards
from bot.store import Store


async def prepared(settings: Settings) -> FilmBot:
    """The bot's services as ``filmbot run`` builds them (``prepare``; what Discord adds is not needed:
    the sharded client only adds connections)."""
    bot = FilmBot(settings)
    await bot.prepare()
    return bot


@pytest.fixture
async def followed(settings: Settings) -> AsyncIterator[Settings]:
    """Settings with a daily refresh, on a database where a followed feed lost its poll timer."""
    store = await Store.open(settings.database)
    try:
        feed = await store.letterboxd.add_feed("cinephile")
        await store.letterboxd.set_follow(100, 400, feed, store.clock.now())
        assert await store.letterboxd.feeds_without_timer(FEED_POLL) == [feed]
    finally:
        await store.close()
    yield dataclasses.replace(settings, imdb_refresh="daily")


@pytest.mark.parametrize(
    ("shards", "singletons"),
    [
        (None, True),  # one process, one connection
        (Shards(4, None), True),  # one process, every shard
        (Shards(4, (0, 1)), True),  # shard 0's process
        (Shards(4, (2, 3)), False),  # another process of the same bot
    ],
)
async def test_only_shard_zeros_process_does_the_once_per_deployment_jobs(
    followed: Settings, shards: Shards | None, singletons: bool
) -> None:
    bot = await prepared(dataclasses.replace(followed, shards=shards))
    try:
        assert bot.runs_singletons is singletons
        refresh = await bot.store.timers.for_ref(REFRESH, "imdb")
        assert [t.state for t in refresh] == (["pending"] if singletons else [])
        assert bool(await bot.store.letterboxd.feeds_without_timer(FEED_POLL)) is not singletons
    finally:
        await bot.close()
