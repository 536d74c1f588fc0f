"""Online enrichment: what a member waits for, and what a bulk run costs (issue 13).

Run: ``python -m benchmarks.enrich``. The real bot runs in-process against the loopback Discord emulator
and a local Wikidata (``tests/enrich/wikidata_server.py``) that answers every request after 50, 200 or
800 ms. For each latency:

- **cold, by IMDb id**: ``/film`` of an imported film never fetched (search by IMDb id, the item, the labels
  of its people and companies), from the command to the card;
- **cold, online search**: ``/film`` of a title the catalog lacks (search, the candidates, the labels),
  found and added;
- **warm**: ``/film`` of the same films again, answered from the store (the baseline: no request);
- **requests per card** for each cold kind.

Then the bulk ``films enrich`` rate against Wikidata at 50 ms with the bulk providers (one request at a
time, at most five a second, ``maxlag``): films per second and requests per second against that limit.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks._stats import percentile, table
from bot.clock import SystemClock
from bot.enrich.bulk import run_bulk
from bot.enrich.providers import build_providers
from bot.enrich.service import EnrichService
from bot.films.models import ImportedFilm, Source
from bot.settings import Settings
from bot.store import Store

LATENCIES = (0.05, 0.2, 0.8)
COLD = 5  # films per cold kind and latency
CAST = 12  # people on each generated film (their labels come in one batch)
BULK_FILMS = 30
IMDB = Source("imdb", "IMDb non-commercial datasets", "dataset", date(2026, 3, 1))


def _film_item(n: int, title: str, imdb: str) -> list[dict[str, Any]]:
    """A film item and its people, in Wikidata's JSON (ids in the benchmark's own range)."""
    from tests.enrich.wikidata_server import item, item_snak, quantity_snak, statement, string_snak, time_snak

    people = [(f"Q7{n:05d}{k:02d}", f"Person {n}-{k}") for k in range(CAST + 1)]
    claims = [
        statement(item_snak("P31", "Q11424")),
        statement(item_snak("P57", people[0][0])),
        *(statement(item_snak("P161", qid)) for qid, _ in people[1:]),
        statement(time_snak("P577", "2020-05-01")),
        statement(quantity_snak("P2047", "+101", "Q7727")),
        statement(string_snak("P444", "88%"), qualifiers=[item_snak("P447", "Q105584")]),
        statement(string_snak("P345", imdb, "external-id")),
    ]
    return [item(f"Q6{n:06d}", title, claims), *(item(qid, name) for qid, name in people)]


# Titles far apart, so no typed title is taken for another film by the fuzzy title search.
WORDS = (
    "Amber", "Basalt", "Cobalt", "Driftwood", "Ember", "Fjord", "Glacier", "Heron", "Indigo", "Juniper",
    "Kestrel", "Lantern", "Meadow", "Nocturne", "Obsidian", "Prairie", "Quartz", "Rosewood", "Saffron",
    "Tundra", "Umber", "Vesper", "Willow", "Xenon", "Yarrow", "Zephyr", "Aurora", "Bramble", "Cinder", "Dahlia",
)  # fmt: skip


async def _timed(driver: Any, title: str) -> float:
    start = time.perf_counter()
    await driver.slash("film", title=title)
    return time.perf_counter() - start


async def _card_latencies(latency: float, workdir: Path) -> dict[str, tuple[list[float], float]]:
    """Per kind: the command-to-card times and the requests each card took."""
    from tests.discord_emulator import Emulator
    from tests.discord_emulator.botrunner import InProcessBot
    from tests.enrich.wikidata_server import FakeWikidata

    wikidata = await FakeWikidata().start()
    emulator = Emulator(ack_timeout=30)
    await emulator.start()
    base = int(latency * 1000) * 100
    step = LATENCIES.index(latency) * 2 * COLD
    titles = {
        "imdb": [f"The {w} Archive" for w in WORDS[step : step + COLD]],
        "search": list(WORDS[step + COLD : step + 2 * COLD]),
    }
    for kind, names in titles.items():
        for i, title in enumerate(names):
            for body in _film_item(
                base + i + (50 if kind == "search" else 0), title, f"tt8{base + i:06d}{kind[0]}"
            ):
                wikidata.add(body)
    wikidata.name({"Q105584": "Rotten Tomatoes", "Q7727": "minute", "Q11424": "film"})
    runner = InProcessBot(
        emulator, workdir / f"bot-{base}.sqlite3", FILMBOT_ONLINE="on", FILMBOT_WIKIDATA_API=wikidata.api
    )
    bot = await runner.start()
    try:
        await bot.store.catalog.write_batch(
            [ImportedFilm(t, 2020, imdb_id=f"tt8{base + i:06d}i") for i, t in enumerate(titles["imdb"])], IMDB
        )
        wikidata.latency = latency
        driver = emulator.driver
        found: dict[str, tuple[list[float], float]] = {}
        for kind, names in titles.items():
            asked = len(wikidata.log)
            times = [await _timed(driver, t) for t in names]
            found[f"cold, {'by IMDb id' if kind == 'imdb' else 'online search'}"] = (
                times,
                (len(wikidata.log) - asked) / len(names),
            )
        asked = len(wikidata.log)
        warm = [await _timed(driver, t) for t in titles["imdb"]]
        found["warm (from the store)"] = (warm, (len(wikidata.log) - asked) / len(warm))
        return found
    finally:
        await runner.stop()
        await emulator.close()
        await wikidata.close()


async def _bulk(workdir: Path) -> tuple[float, float, int]:
    """Films a second and Wikidata requests a second of a bulk run at 50 ms, and the requests made."""
    from tests.enrich.wikidata_server import FakeWikidata

    wikidata = await FakeWikidata().start()
    titles = [f"Bulk film {i}" for i in range(BULK_FILMS)]
    for i, title in enumerate(titles):
        for body in _film_item(90000 + i, title, f"tt7{i:07d}"):
            wikidata.add(body)
    wikidata.name({"Q105584": "Rotten Tomatoes", "Q7727": "minute", "Q11424": "film"})
    wikidata.latency = 0.05
    clock = SystemClock()
    store = await Store.open(workdir / "bulk.sqlite3", clock=clock)
    settings = Settings.from_env({"FILMBOT_WIKIDATA_API": wikidata.api}, env_file=None)
    providers = build_providers(settings.online, clock, interactive=False)
    service = EnrichService(store, clock, providers, budget=None)
    try:
        await store.catalog.write_batch(
            [ImportedFilm(t, 2020, imdb_id=f"tt7{i:07d}") for i, t in enumerate(titles)], IMDB
        )
        films = await service.due(None, BULK_FILMS)
        start = time.perf_counter()
        tally = await run_bulk(service, films)
        seconds = time.perf_counter() - start
        assert tally.films == BULK_FILMS and tally.failed == 0
        # N requests paced 0.2 s apart span (N - 1) intervals: the rate the limit bounds.
        return tally.films / seconds, (len(wikidata.log) - 1) / seconds, len(wikidata.log)
    finally:
        await service.close()
        await store.close()
        await wikidata.close()


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} / {percentile(values, 100) * 1000:.0f}"


async def main() -> None:
    rows = [["Wikidata latency", "what", "command to card ms (median / max)", "requests per card"]]
    with tempfile.TemporaryDirectory(prefix="filmbot-enrich-bench-") as folder:
        workdir = Path(folder)
        for latency in LATENCIES:
            for what, (times, requests) in (await _card_latencies(latency, workdir)).items():
                rows.append([f"{latency * 1000:.0f} ms", what, _ms(times), f"{requests:.1f}"])
        print(table(rows))
        print()
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # the bulk run's progress lines
            films, requests, total = await _bulk(workdir)
    print(
        table(
            [
                [
                    "bulk films enrich (50 ms)",
                    "films/s",
                    "Wikidata requests/s",
                    "limit (requests/s)",
                    "requests",
                ],
                [
                    "bulk providers",
                    f"{films:.2f}",
                    f"{requests:.2f}",
                    "5.00 (one at a time, 0.2 s apart)",
                    str(total),
                ],
            ]
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
