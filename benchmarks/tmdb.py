"""TMDB's share of a card (issue 13): what a member waits for with a TMDB key, and the requests it costs.

Run: ``python -m benchmarks.tmdb``. The real bot runs in-process against the loopback Discord emulator, a
local Wikidata and a local TMDB (``tests/tmdb/fake_tmdb.py``), both answering every request after 50, 200
or 800 ms. For each latency, ``/film`` of imported films never fetched, from the command to the card:

- **cold, TMDB id from Wikidata**: Wikidata's item gives the TMDB id (P4947): TMDB needs one request;
- **cold, TMDB by IMDb id**: Wikidata has no item: TMDB's ``find`` then the details, two requests;
- **warm** (the baseline, measured in the same run): the same films again, answered from the store;
- **another region**: after ``/settings region`` changes the country, the card again: offers of every
  country were kept, so no request.

Each row gives the requests per card to each provider.
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
from bot.films.models import ImportedFilm, Source

LATENCIES = (0.05, 0.2, 0.8)
COLD = 4  # films per cold kind and latency
IMDB = Source("imdb", "IMDb non-commercial datasets", "dataset", date(2026, 3, 1))
WORDS = (
    "Amber", "Basalt", "Cobalt", "Driftwood", "Ember", "Fjord", "Glacier", "Heron", "Indigo", "Juniper",
    "Kestrel", "Lantern", "Meadow", "Nocturne", "Obsidian", "Prairie", "Quartz", "Rosewood", "Saffron",
    "Tundra", "Umber", "Vesper", "Willow", "Xenon",
)  # fmt: skip


def _films(latency: float) -> dict[str, list[tuple[str, str, int]]]:
    """Per kind, (title, IMDb id, TMDB id) of films unique to this latency's run."""
    step = LATENCIES.index(latency) * 2 * COLD
    base = int(latency * 1000) * 100
    return {
        kind: [
            (
                f"The {WORDS[step + k * COLD + i]} Reel",
                f"tt6{base + k * 50 + i:06d}",
                700_000 + base + k * 50 + i,
            )
            for i in range(COLD)
        ]
        for k, kind in enumerate(("wikidata", "find"))
    }


def _servers(films: dict[str, list[tuple[str, str, int]]]) -> tuple[Any, Any]:
    from tests.enrich.wikidata_server import FakeWikidata, item, item_snak, statement, string_snak, time_snak
    from tests.tmdb.fake_tmdb import FakeTmdb
    from tests.tmdb.fixtures import FakeMovie, Offers

    wikidata = FakeWikidata()
    for title, imdb, tmdb_id in films["wikidata"]:
        claims = [
            statement(item_snak("P31", "Q11424")),
            statement(time_snak("P577", "2020-05-01")),
            statement(string_snak("P345", imdb, "external-id")),
            statement(string_snak("P4947", str(tmdb_id), "external-id")),
        ]
        wikidata.add(item(f"Q5{tmdb_id:07d}", title, claims))
    wikidata.name({"Q11424": "film"})
    link = "https://www.themoviedb.org/movie/{}/watch?locale={}"
    movies = [
        FakeMovie(
            id=tmdb_id, title=title, release_date="2020-05-01", imdb_id=imdb, overview=f"{title}: a premise.",
            poster_path=f"/p{tmdb_id}.jpg", runtime=100, vote_average=7.0, vote_count=120,
            cast=tuple((f"Actor {k}", f"Role {k}") for k in range(12)),
            crew=(("A Director", "Directing", "Director"),),
            watch={c: Offers(link.format(tmdb_id, c), flatrate=("Netflix",), rent=("Apple TV",)) for c in ("US", "GB")},
        )
        for kind in films.values()
        for title, imdb, tmdb_id in kind
    ]  # fmt: skip
    return wikidata, FakeTmdb(movies)


async def _timed(driver: Any, title: str) -> float:
    start = time.perf_counter()
    await driver.slash("film", title=title)
    return time.perf_counter() - start


async def _run(latency: float, workdir: Path) -> list[list[str]]:
    from tests.discord_emulator import Emulator
    from tests.discord_emulator.botrunner import InProcessBot
    from tests.tmdb.fixtures import V3_KEY

    films = _films(latency)
    wikidata, tmdb = _servers(films)
    await wikidata.start()
    await tmdb.start()
    emulator = Emulator(ack_timeout=30)
    await emulator.start()
    runner = InProcessBot(
        emulator, workdir / f"bot-{int(latency * 1000)}.sqlite3", FILMBOT_ONLINE="on",
        FILMBOT_WIKIDATA_API=wikidata.api, FILMBOT_TMDB_API=tmdb.url, TMDB_API_KEY=V3_KEY,
        FILMBOT_CONTACT="benchmark@example.org",
    )  # fmt: skip
    bot = await runner.start()
    rows: list[list[str]] = []
    try:
        every = [f for kind in films.values() for f in kind]
        await bot.store.catalog.write_batch([ImportedFilm(t, 2020, imdb_id=i) for t, i, _ in every], IMDB)
        driver = emulator.driver
        await driver.as_member("owner").slash("settings", "region", country="US")
        wikidata.latency = tmdb.latency = latency

        async def measure(what: str, titles: list[str]) -> None:
            asked = len(wikidata.log), len(tmdb.log)
            times = [await _timed(driver, t) for t in titles]
            per = [(len(wikidata.log) - asked[0]) / len(titles), (len(tmdb.log) - asked[1]) / len(titles)]
            rows.append([f"{latency * 1000:.0f} ms", what, _ms(times), f"{per[0]:.1f}", f"{per[1]:.1f}"])

        await measure("cold, TMDB id from Wikidata", [t for t, _, _ in films["wikidata"]])
        await measure("cold, TMDB by IMDb id", [t for t, _, _ in films["find"]])
        await measure("warm (from the store)", [t for t, _, _ in every])
        await driver.as_member("owner").slash("settings", "region", country="GB")
        await measure("another region", [t for t, _, _ in every])
        return rows
    finally:
        await runner.stop()
        await emulator.close()
        await tmdb.close()
        await wikidata.close()


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} / {percentile(values, 100) * 1000:.0f}"


async def main() -> None:
    rows = [["latency", "what", "command to card ms (median / max)", "Wikidata req/card", "TMDB req/card"]]
    with tempfile.TemporaryDirectory(prefix="filmbot-tmdb-bench-") as folder:
        for latency in LATENCIES:
            rows += await _run(latency, Path(folder))
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
