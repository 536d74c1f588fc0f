"""Fixtures shared by the e2e tests that run filmbot online (a test module may define its own instead)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.enrich.wikidata_items import populated
from tests.enrich.wikidata_server import FakeWikidata
from tests.tmdb.fake_tmdb import FakeTmdb


@pytest.fixture
async def tmdb() -> AsyncIterator[FakeTmdb]:
    """A local TMDB knowing the films of ``tests.tmdb.fixtures``."""
    async with FakeTmdb() as server:
        yield server


@pytest.fixture
async def wikidata() -> AsyncIterator[FakeWikidata]:
    """A local Wikidata with the test items: it knows none of the catalog's films (TMDB alone adds to them)."""
    async with populated() as server:
        yield server
