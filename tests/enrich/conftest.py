"""Shared fixtures of the enrichment tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.enrich.fake_wikipedia import FakeWikipedia
from tests.enrich.fake_wikipedia import populate as populate_wikipedia
from tests.enrich.wikidata_items import TITLE, populated
from tests.enrich.wikidata_server import FakeWikidata


@pytest.fixture
async def wikidata() -> AsyncIterator[FakeWikidata]:
    """The local Wikidata with the test items (``wikidata_items``)."""
    async with populated() as server:
        yield server


@pytest.fixture
async def wikipedia() -> AsyncIterator[FakeWikipedia]:
    """The local Wikipedia with the article Wikidata's test film links."""
    async with FakeWikipedia() as server:
        populate_wikipedia(server, TITLE)
        yield server
