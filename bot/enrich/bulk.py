"""``filmbot films enrich [TITLE … | --all] [--older-than DAYS]``: fetch many films online at once.

The providers are built for a bulk run: Wikidata asked one request at a time, at most five a second, with
``maxlag`` (Wikimedia's etiquette for tools no one is waiting on), TMDB within its own limits; a few films
are in flight at once so one provider's pause does not idle the others. One progress line per film on
stdout, a summary at the end. Status 0 when every film was read (or a provider has no entry for it), 1
when some fetch failed (run again later: what was fetched before is kept), 2 when the bot is offline
(``FILMBOT_ONLINE=off``) or a title matches nothing, here or online.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import SystemClock
from bot.enrich.providers import build_providers, finder
from bot.enrich.service import EnrichService
from bot.errors import Ambiguous, NotFound
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.preferences.service import PreferencesService
from bot.settings import Settings
from bot.store import Store
from bot.where_to_watch.service import WhereToWatchService

FILMS_AT_ONCE = 4
ALL_LIMIT = 10_000_000


@dataclass(slots=True)
class Tally:
    films: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self, seconds: float, requests: dict[str, int]) -> str:
        asked = ", ".join(f"{name} {count:,}" for name, count in requests.items())
        rate = self.films / seconds if seconds > 0 else 0.0
        return (
            f"{self.films:,} film(s) enriched in {seconds:.1f} s ({rate:.2f} a second), "
            f"{self.failed:,} with a fetch that failed; requests: {asked or 'none'}"
        )


def films_enrich(settings: Settings, titles: list[str], every: bool, older_than: int | None) -> int:
    if not settings.online.enabled:
        print("filmbot: online enrichment is off (FILMBOT_ONLINE=off): nothing was fetched", file=sys.stderr)
        return 2
    return asyncio.run(_enrich(settings, titles, every, older_than))


async def _enrich(settings: Settings, titles: list[str], every: bool, older_than: int | None) -> int:
    clock = SystemClock()
    store = await Store.open(settings.database, clock=clock)
    providers = build_providers(settings.online, clock, interactive=False)
    service = EnrichService(
        store, clock, providers, ttl=settings.online.ttl, budget=None, finder=finder(providers)
    )
    service.on_result(
        WhereToWatchService(store, PreferencesService(store), enabled=settings.online.tmdb).record
    )
    try:
        films = await _targets(store, service, titles, every, older_than)
        if films is None:
            return 2
        started = time.monotonic()
        tally = await run_bulk(service, films)
        requests = {p.name: getattr(getattr(p, "http", None), "requests", 0) for p in providers}
        print(tally.line(time.monotonic() - started, requests))
        return 1 if tally.failed else 0
    finally:
        await service.close()
        await store.close()


async def _targets(
    store: Store, service: EnrichService, titles: list[str], every: bool, older_than: int | None
) -> list[FilmSummary] | None:
    """The films to fetch: those named (found online when the catalog lacks them), or every film (with
    ``--older-than``: only those not fetched in that many days)."""
    if every:
        before = timedelta(days=older_than) if older_than is not None else None
        return await service.due(before, ALL_LIMIT)
    found: list[FilmSummary] = []
    films = FilmService(store)
    for title in titles:
        try:
            found.append(await films.resolve(title))
        except Ambiguous as exc:
            print(f"filmbot: {exc.message} ({'; '.join(exc.hints)})", file=sys.stderr)
            return None
        except NotFound:
            try:
                found.append(await service.find_online(title))
            except NotFound as exc:
                print(f"filmbot: {exc.message}", file=sys.stderr)
                return None
    return found


async def run_bulk(service: EnrichService, films: list[FilmSummary]) -> Tally:
    """Refresh every film, a few at once, one line each as it is done."""
    tally = Tally()
    queue: asyncio.Queue[tuple[int, FilmSummary]] = asyncio.Queue()
    for number, film in enumerate(films, start=1):
        queue.put_nowait((number, film))

    async def worker() -> None:
        while not queue.empty():
            number, film = queue.get_nowait()
            report = await service.refresh(film)
            failed = report.state.problems
            tally.films += 1
            tally.failed += bool(failed)
            said = "; ".join(report.problems) if report.problems else "ok"
            print(f"[{number}/{len(films)}] {film.label}: {said}", flush=True)

    await asyncio.gather(*(worker() for _ in range(min(FILMS_AT_ONCE, len(films)))))
    return tally
