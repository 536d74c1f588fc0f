"""Fixtures of the catalog tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.catalog._dataset_server import DatasetServer, dataset, serving


@pytest.fixture
async def server() -> AsyncIterator[DatasetServer]:
    """The local dataset server with ``dataset()``'s six files (``tests/catalog/_dataset_server.py``)."""
    async with serving(dataset()) as served:
        yield served
