"""Shared fixtures of the enrichment tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.enrich.wikidata_items import populated
from tests.enrich.wikidata_server import FakeWikidata


@pytest.fixture
async def wikidata() -> AsyncIterator[FakeWikidata]:
    """The local Wikidata with the test items (``wikidata_items``)."""
    async with populated() as server:
        yield server
