"""Shared fixtures. The database is always real: a temporary SQLite file with every migration applied, or,
with ``FILMBOT_TEST_DATABASE`` set, a fresh database on that PostgreSQL server (``tests/engines.py``).

A module that needs something different (another instant, another database name) defines a fixture of
the same name; pytest then uses the module's own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.catalog.loader import load_cards
from bot.clock import ManualClock
from bot.database_url import DatabaseLocation, database_env
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.settings import Settings
from bot.store import Store
from tests.engines import TEST_SERVER

REPO = Path(__file__).resolve().parent.parent
FILMS_DIR = REPO / "data" / "films"

# The instant the shared ``clock`` starts at: a Friday, noon UTC (so "tonight" and "Saturday" are ahead).
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)

# The film every feature's tests use: it has a card, a plot in sections, and a release year.
FILM_SLUG = "100-meters"


@pytest.fixture
def db_location(tmp_path: Path) -> Iterator[DatabaseLocation]:
    """Where a test's data lives: a SQLite file in its folder, or a fresh database on the test server."""
    if TEST_SERVER is None:
        yield tmp_path / "filmbot.sqlite3"
        return
    url = TEST_SERVER.create()
    try:
        yield url
    finally:
        TEST_SERVER.drop(url)


@pytest.fixture
async def store(db_location: DatabaseLocation) -> AsyncIterator[Store]:
    """An empty, fully migrated store."""
    opened = await Store.open(db_location)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def catalog_store(store: Store) -> Store:
    """A store with the repository's film cards loaded."""
    report = await load_cards(store, FILMS_DIR)
    assert report.ok, report.lines()
    return store


@pytest.fixture
def settings(tmp_path: Path, db_location: DatabaseLocation) -> Settings:
    """Settings for an offline run: a temporary database and the repository's film cards."""
    where = database_env(db_location) if TEST_SERVER is not None else str(tmp_path / "ask.sqlite3")
    return Settings.from_env({"FILMBOT_DATABASE": where, "FILMBOT_FILMS_DIR": str(FILMS_DIR)}, env_file=None)


@pytest.fixture
def clock() -> ManualClock:
    """A clock that stands at ``NOW`` until the test moves it (``await clock.advance(...)``)."""
    return ManualClock(NOW)


@pytest.fixture
async def films(catalog_store: Store) -> FilmService:
    """The film service over the loaded catalog."""
    return FilmService(catalog_store)


@pytest.fixture
async def film(films: FilmService) -> FilmSummary:
    """The summary of ``FILM_SLUG`` in the loaded catalog."""
    return await films.resolve(FILM_SLUG)


# The loopback Discord emulator and its fixtures (emulator, driver, filmbot, filmbot_process).
pytest_plugins = ["tests.discord_emulator.plugin"]
