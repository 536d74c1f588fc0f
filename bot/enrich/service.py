"""Enrichment: ask the online providers about a film, keep what they found, answer with what is known.

Providers (Wikidata, Wikipedia, TMDB) implement ``Provider``. They run in order, each seeing what the ones
before found (``so_far``: Wikidata's item gives Wikipedia its article and TMDB its movie id).
"""

from __future__ import annotations

from typing import Protocol

from bot.enrich.models import FilmRef, ProviderResult


class Provider(Protocol):
    """One online source of film data."""

    @property
    def name(self) -> str:
        """The provider's name as members read it ("Wikidata"), also its key in the store."""
        ...

    async def fetch(self, ref: FilmRef, so_far: tuple[ProviderResult, ...]) -> ProviderResult:
        """What the provider knows about ``ref``. Never raises for the provider's own failures (down,
        slow, malformed, no such film): those come back as a result with ``status`` and ``problems``."""
        ...

    async def close(self) -> None:
        """Close the provider's HTTP session (the bot calls it at shutdown)."""
        ...
