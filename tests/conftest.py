"""Shared fixtures. SQLite is always real: a temporary file with every migration applied."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.loader import load_cards
from bot.settings import Settings
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
FILMS_DIR = REPO / "data" / "films"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """An empty, fully migrated store in a temporary file."""
    opened = await Store.open(tmp_path / "filmbot.sqlite3")
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
def settings(tmp_path: Path) -> Settings:
    """Settings for an offline run: a temporary database and the repository's film cards."""
    return Settings.from_env(
        {"FILMBOT_DATABASE": str(tmp_path / "ask.sqlite3"), "FILMBOT_FILMS_DIR": str(FILMS_DIR)},
        env_file=None,
    )


# The loopback Discord emulator and its fixtures (emulator, driver, filmbot, filmbot_process).
pytest_plugins = ["tests.discord_emulator.plugin"]
