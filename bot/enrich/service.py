"""Enrichment: ask the online providers about a film, keep what they found, answer with what is known.

Providers (Wikidata, Wikipedia, TMDB) implement ``Provider``. They run in order, each seeing what the ones
before found (``so_far``: Wikidata's item gives Wikipedia its article and TMDB its movie id), all within
one budget (``within``) well inside Discord's 15-minute follow-up window and short for a member. What
they return is stored (``EnrichStore.record``) and handed to the hooks other features register
(``on_result``: TMDB's poster and offers, say). A provider that is down, slow or malformed only adds a
sentence to the film's problems; the film keeps what was fetched before, with its age.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.enrich.http import within
from bot.enrich.models import EnrichReport, EnrichState, FilmRef, ProviderResult
from bot.errors import NotFound
from bot.films.models import FilmSummary, ImportedFilm
from bot.store import Store

log = logging.getLogger(__name__)

# A member waits at most this long for a card that must be fetched first (Discord allows 15 minutes).
BUDGET_SECONDS = 8.0
# A provider that failed is asked again after this long, not only when the TTL has passed.
RETRY_FAILED = timedelta(hours=1)

ResultHook = Callable[[int, ProviderResult, datetime], Awaitable[object]]


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


class FilmFinder(Protocol):
    """Finds a film the catalog does not have (Wikidata's search)."""

    async def find_film(self, text: str) -> ProviderResult:
        """The best film matching ``text``, read whole; ``missing`` or ``failed`` with a sentence."""
        ...


class EnrichService:
    """Fetch-through for cards, bulk refresh, and the online search of films the catalog lacks."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        providers: tuple[Provider, ...],
        *,
        ttl: timedelta = timedelta(days=30),
        budget: float | None = BUDGET_SECONDS,
        finder: FilmFinder | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self.providers = providers
        self.ttl = ttl
        self.budget = budget
        self._finder = finder
        self._hooks: list[ResultHook] = []
        self._running: dict[int, asyncio.Task[EnrichReport]] = {}
        self._ensuring: dict[int, asyncio.Task[EnrichReport]] = {}

    @property
    def enabled(self) -> bool:
        """False with ``FILMBOT_ONLINE=off`` (no providers): the bot is fully local."""
        return bool(self.providers)

    @property
    def finds_online(self) -> bool:
        """Whether ``find_online`` can search (the bot is online and has a finder: Wikidata)."""
        return self._finder is not None

    def on_result(self, hook: ResultHook) -> None:
        """Call ``hook(film_id, result, fetched_at)`` after each provider's result is stored."""
        self._hooks.append(hook)

    async def close(self) -> None:
        for task in (*self._ensuring.values(), *self._running.values()):
            task.cancel()
        for provider in self.providers:
            await provider.close()

    async def state(self, film_id: int) -> EnrichState:
        return await self._store.enrich.state(film_id)

    async def due(self, older_than: timedelta | None, limit: int) -> list[FilmSummary]:
        """Films some provider has not answered for in ``older_than`` (None: every film), oldest first."""
        before = None if older_than is None else self._clock.now() - older_than
        return await self._store.enrich.due([p.name for p in self.providers], before, limit)

    async def needs_fetch(self, film: FilmSummary) -> bool:
        """Whether showing the film means going online first: a provider never asked, one whose answer is
        older than the TTL, or one that failed over an hour ago."""
        if not self.providers:
            return False
        if film.id in self._running:
            return True
        fetched = {f.provider: f for f in (await self._store.enrich.state(film.id)).fetches}
        now = self._clock.now()
        for provider in self.providers:
            last = fetched.get(provider.name)
            if last is None:
                return True
            if last.status == "failed" and now - last.fetched_at >= RETRY_FAILED:
                return True
            if now - (last.succeeded_at or last.fetched_at) >= self.ttl and last.status != "failed":
                return True
        return False

    async def ensure(self, film: FilmSummary) -> EnrichReport:
        """Fetch the film if it needs it (one fetch per film at a time: a second caller waits for the
        first's); the state either way."""
        # Decided once for callers arriving together: the second joins the first's check, and its fetch.
        deciding = self._ensuring.get(film.id)
        if deciding is None:
            deciding = asyncio.create_task(self._ensure(film), name=f"ensure-{film.id}")
            self._ensuring[film.id] = deciding
            deciding.add_done_callback(lambda _: self._ensuring.pop(film.id, None))
        return await asyncio.shield(deciding)

    async def _ensure(self, film: FilmSummary) -> EnrichReport:
        if not await self.needs_fetch(film):
            return EnrichReport(False, await self.state(film.id))
        return await self.refresh(film)

    async def refresh(self, film: FilmSummary) -> EnrichReport:
        """Ask every provider now, store what they say, and report."""
        running = self._running.get(film.id)
        if running is None:
            running = asyncio.create_task(self._refresh(film.id), name=f"enrich-{film.id}")
            self._running[film.id] = running
            running.add_done_callback(lambda _: self._running.pop(film.id, None))
        return await asyncio.shield(running)

    # The plot feature's PlotFetcher: /plot of a film without a plot fetches it through here.
    async def would_fetch(self, film: FilmSummary) -> bool:
        return await self.needs_fetch(film)

    async def fetch_plot(self, film: FilmSummary) -> tuple[str, ...]:
        return (await self.ensure(film)).state.problems

    async def _refresh(self, film_id: int, done: tuple[ProviderResult, ...] = ()) -> EnrichReport:
        ref = await self._store.enrich.ref(film_id)
        if ref is None:
            raise NotFound("That film is no longer in the catalog.")
        results = await self._run(ref, done)
        for result in results:
            await self._keep(film_id, result)
        problems = tuple(p for r in results for p in r.problems)
        return EnrichReport(True, await self.state(film_id), problems)

    async def _keep(self, film_id: int, result: ProviderResult) -> None:
        now = self._clock.now()
        await self._store.enrich.record(film_id, result, now)
        for hook in self._hooks:
            try:
                await hook(film_id, result, now)
            except Exception:
                log.exception("a hook failed on %s's result for film %d", result.provider, film_id)

    async def _run(self, ref: FilmRef, done: tuple[ProviderResult, ...]) -> list[ProviderResult]:
        """Each provider in order, within the budget; one that overruns it is cut off and says so."""
        loop = asyncio.get_running_loop()
        end = None if self.budget is None else loop.time() + self.budget
        results = list(done)
        asked = {r.provider for r in done}
        with within(self.budget):
            for provider in self.providers:
                if provider.name in asked:
                    continue
                left = None if end is None else end - loop.time()
                results.append(await self._ask(provider, ref, tuple(results), left))
        return results

    async def _ask(
        self, provider: Provider, ref: FilmRef, so_far: tuple[ProviderResult, ...], left: float | None
    ) -> ProviderResult:
        if left is not None and left <= 0:
            return ProviderResult.failed(provider.name, f"{provider.name}: not asked, the time ran out")
        try:
            async with asyncio.timeout(left):
                return await provider.fetch(ref, so_far)
        except TimeoutError:
            return ProviderResult.failed(
                provider.name, f"{provider.name}: did not answer within {self.budget:g} s"
            )
        except Exception:
            log.exception("%s failed on film %s", provider.name, ref.film_id)
            return ProviderResult.failed(provider.name, f"{provider.name}: failed unexpectedly (logged)")

    async def find_online(self, text: str) -> FilmSummary:
        """A film the catalog lacks, found online and added (as an imported film, indexed for search);
        a film the catalog already has under another name is returned as it is."""
        if self._finder is None:
            raise NotFound(
                f"No film in the catalog matches “{text.strip()[:100]}”, and this bot does not search "
                "online (FILMBOT_ONLINE is off)."
            )
        with within(self.budget):
            try:
                async with asyncio.timeout(self.budget):
                    found = await self._finder.find_film(text)
            except TimeoutError:
                found = ProviderResult.failed(
                    "Wikidata", f"Wikidata: did not answer within {self.budget:g} s"
                )
        if found.status != "ok" or not found.title or not found.sources:
            raise NotFound(
                f"No film in the catalog matches “{text.strip()[:100]}”, and none was found online. "
                + " ".join(found.problems)
            )
        known = await self._store.enrich.film_with(found.ids)
        if known is not None:
            if await self.needs_fetch(known):  # what was just read is kept, not asked for again
                await self._refresh(known.id, (found,))
            return known
        film = await self._add(found)
        await self._refresh(film.id, (found,))
        return film

    async def _add(self, found: ProviderResult) -> FilmSummary:
        """The found film as a new imported film: slugged, indexed, its IMDb id kept."""
        assert found.title is not None
        film = ImportedFilm(title=found.title, year=found.year, imdb_id=found.ids.imdb)
        await self._store.catalog.write_batch([film], found.sources[0])
        added = await self._store.enrich.film_named(found.title, found.year, found.ids.imdb)
        if added is None:
            raise NotFound(f"“{found.title}” was found online but could not be added to the catalog.")
        log.info("film %s added from %s", added.slug, found.provider)
        return added
