"""Fixtures for the Letterboxd tests: the catalog, a local Letterboxd serving feeds, the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.films.service import FilmService
from bot.letterboxd.http import LetterboxdHttp
from bot.letterboxd.models import Delivered, DiaryPost
from bot.letterboxd.service import LetterboxdService
from bot.preferences.service import PreferencesService
from bot.scores.service import ScoreService
from bot.store import Store
from tests.letterboxd.exports import add_catalog
from tests.letterboxd.feeds import FeedServer, serving

GUILD = 41
OTHER_GUILD = 42
CHANNEL = 9001
MEMBER = 7
OTHER_MEMBER = 8


class Channel:
    """A quiet delivery: records each post as Discord would accept it (or refuses, when told to)."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, DiaryPost]] = []
        self.refuse: Delivered | None = None
        self._next = 1

    async def post(self, channel_id: int, post: DiaryPost) -> Delivered:
        if self.refuse is not None:
            return self.refuse
        self.posts.append((channel_id, post))
        self._next += 1
        return Delivered(message_id=self._next)

    def titles(self) -> list[str]:
        return [post.pending.entry.film_title for _, post in self.posts]


@pytest.fixture
async def films(catalog_store: Store, tmp_path: Path) -> FilmService:
    await add_catalog(catalog_store, tmp_path)
    return FilmService(catalog_store)


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with serving() as server:
        yield server


@pytest.fixture
async def web(feeds: FeedServer, clock: ManualClock) -> AsyncIterator[LetterboxdHttp]:
    client = LetterboxdHttp(feeds.url, clock, timeout=2.0)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def channel() -> Channel:
    return Channel()


@pytest.fixture
async def service(
    catalog_store: Store, clock: ManualClock, films: FilmService, web: LetterboxdHttp, channel: Channel
) -> LetterboxdService:
    preferences = PreferencesService(catalog_store)
    await preferences.set_letterboxd_channel(GUILD, CHANNEL)
    scores = ScoreService(catalog_store, films, clock)
    built = LetterboxdService(catalog_store, clock, films, scores, preferences, web)
    built.poller.delivery = channel
    return built
