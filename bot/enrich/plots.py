"""Fetch-through for ``/plot``: a film without a stored plot asks the providers once, and keeps the plot.

``PlotFetchThrough`` is the ``PlotFetcher`` the plot service calls (``bot.spoilers.service``): it runs the
providers in order (each seeing what the ones before found, so Wikipedia gets the article Wikidata links),
stores the first plot one found with its source (``SpoilerStore.replace_fetched``: never over a card's
plot), and returns the sentences saying what could not be fetched. A film is not asked about again soon:
after a miss (no article, no plot section) not for ``FILMBOT_ENRICH_TTL_DAYS``, after a failure (down,
slow) not for ``RETRY_FAILED``. Concurrent requests for one film share one fetch. The whole fetch ends
within ``DEADLINE`` seconds, however slow the providers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.enrich.http import within
from bot.enrich.models import ExternalIds, FilmRef, ProviderResult
from bot.enrich.service import Provider
from bot.films.models import FilmSummary
from bot.store import Store

log = logging.getLogger(__name__)

# A member waits for this at most (the interaction is deferred); a provider slower than that is "down".
DEADLINE = 12.0
# A provider that failed (down, slow, malformed) is asked again about the same film after this long.
RETRY_FAILED = timedelta(minutes=15)


class PlotFetchThrough:
    def __init__(self, store: Store, providers: Sequence[Provider], clock: Clock, ttl: timedelta) -> None:
        self._store = store
        self._providers = tuple(providers)
        self._clock = clock
        self._ttl = ttl
        self._tried: dict[int, tuple[datetime, bool]] = {}  # film id -> (when, whether it failed)
        self._running: dict[int, asyncio.Task[tuple[str, ...]]] = {}

    async def would_fetch(self, film: FilmSummary) -> bool:
        if not self._providers or film.id in self._running:
            return bool(self._providers)
        tried = self._tried.get(film.id)
        if tried is None:
            return True
        when, failed = tried
        return self._clock.now() - when >= (RETRY_FAILED if failed else self._ttl)

    async def fetch_plot(self, film: FilmSummary) -> tuple[str, ...]:
        if film.id in self._running:
            return await asyncio.shield(self._running[film.id])
        if not await self.would_fetch(film):
            return ()
        # One fetch per film, shielded: a member's interaction giving up does not cancel it for the others.
        task = asyncio.create_task(self._fetch(film), name=f"plot-fetch-{film.id}")
        self._running[film.id] = task
        return await asyncio.shield(task)

    async def _fetch(self, film: FilmSummary) -> tuple[str, ...]:
        try:
            full = await self._store.films.get(film.slug)
            ref = FilmRef(film.id, film.title, film.year, ExternalIds(imdb=full.imdb_id if full else None))
            results: list[ProviderResult] = []
            with within(DEADLINE):
                for provider in self._providers:
                    results.append(await provider.fetch(ref, tuple(results)))
            stored = await self._store_plot(film, results)
            failed = not stored and any(r.status == "failed" for r in results)
            self._tried[film.id] = (self._clock.now(), failed)
            problems = () if stored else tuple(p for r in results for p in r.problems)
            if failed:
                problems += (f"filmbot will ask again in {RETRY_FAILED.seconds // 60} minutes.",)
            log.info(
                "plot of film %d fetched: %s",
                film.id,
                "stored"
                if stored
                else "; ".join(f"{r.provider} {r.status}" for r in results) or "no provider",
            )
            return problems
        finally:
            self._running.pop(film.id, None)

    async def _store_plot(self, film: FilmSummary, results: Sequence[ProviderResult]) -> bool:
        for result in results:
            source = next((s for s in result.sources if s.key == result.plot_source), None)
            if result.plot and source is not None:
                return await self._store.spoilers.replace_fetched(film.id, source, result.plot)
        return False

    async def close(self) -> None:
        for task in self._running.values():
            task.cancel()
        for provider in self._providers:
            await provider.close()
