"""Catalog at scale (issue 8): import throughput, autocomplete latency, resident memory.

Run: ``python -m benchmarks.catalog`` (about 1–2 minutes on 2 cores). Measures, in one run:

- import throughput (films/s) and the importer's peak resident memory for 100,000 films, as CSV and as
  IMDb dataset files, each in a fresh subprocess (peak RSS read from the child's rusage);
- ``/film`` autocomplete latency p50/p99 through ``FilmService.autocomplete`` (the bot's own lookup path,
  its index built from the store the import wrote) at 3,000 and 100,000 films, against
  ``difflib.get_close_matches`` over the same titles, with how often each puts the right film first;
- resident memory of a prepared bot (``FilmBot.prepare()``: store, cards, title index, cogs) with the
  repository's cards only and with 100,000 imported films.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._catalog_data import SynthFilm, films, write_csv, write_imdb
from benchmarks._stats import percentile, table

REPO = Path(__file__).resolve().parent.parent
BIG, SMALL = 100_000, 3_000
DIFFLIB_QUERIES = {SMALL: 120, BIG: 12}  # difflib needs about a second per query at 100,000 titles
GOAL_P99_MS = 5.0


def _child(code: str, *args: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object. Adds the child's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    # ru_maxrss of children is the largest child so far: each measured child must outgrow the last,
    # so the figure comes from the child itself when it reports it.
    result.setdefault(
        "peak_rss_mb", max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    )
    return result


IMPORT_CODE = """
import asyncio, json, resource, sys, time
from pathlib import Path
from bot.store import Store
from bot.catalog.importing import import_catalog

async def main():
    store = await Store.open(sys.argv[2])
    started = time.perf_counter()
    report = await import_catalog(store, Path(sys.argv[1]), sys.argv[3])
    seconds = time.perf_counter() - started
    await store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"films": report.added, "seconds": seconds, "peak_rss_mb": peak}))

asyncio.run(main())
"""

BOT_RSS_CODE = """
import asyncio, json, sys
from pathlib import Path
import psutil
from bot.client import FilmBot
from bot.settings import Settings

async def main():
    settings = Settings(database=Path(sys.argv[1]), films_dir=Path("data/films"), log_level="WARNING")
    bot = FilmBot(settings, offline=True)
    await bot.prepare()
    rss = psutil.Process().memory_info().rss / 2**20
    count = len(bot.films._index)
    await bot.close()
    print(json.dumps({"films": count, "rss_mb": rss}))

asyncio.run(main())
"""


def _queries(catalog: list[SynthFilm], count: int, seed: int) -> list[tuple[str, str]]:
    """(typed text, the title that should come first): prefixes, full titles, typos, aliases."""
    counts: dict[str, int] = {}
    for film in catalog:
        counts[film.title.casefold()] = counts.get(film.title.casefold(), 0) + 1
    unique = [f for f in catalog if counts[f.title.casefold()] == 1 and len(f.title) >= 10]
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for film in rng.sample(unique, count):
        title = film.title
        kind = len(out) % 4
        if kind == 0:
            typed = title[: max(len(title) - 3, 8)]
        elif kind == 1:
            typed = title.lower()
        elif kind == 2:
            i = rng.randrange(1, len(title) - 2)
            typed = title[:i] + title[i + 1] + title[i] + title[i + 2 :]
        else:
            typed = film.aliases[0] if film.aliases else title.replace(" ", "-")
        out.append((typed, title))
    return out


async def _latency(db: Path, catalog: list[SynthFilm], seed: int) -> dict[str, float]:
    from bot.films.service import FilmService
    from bot.store import Store

    store = await Store.open(db)
    service = FilmService(store)
    started = time.perf_counter()
    await service.refresh()
    build = time.perf_counter() - started
    await store.close()

    queries = _queries(catalog, 400, seed)
    queries += [
        (q, "100 Meters") for q in ("100-meters", "100 metres", "100 m", "hyakuemu", "100m", "100 metrs")
    ]
    queries += [(q[:n], t) for q, t in queries[:50] for n in (1, 2)]  # one- and two-letter fast path
    ours: list[float] = []
    ours_first = ours_top5 = graded = 0
    for typed, title in queries:
        started = time.perf_counter()
        choices = service.autocomplete(typed)
        ours.append(time.perf_counter() - started)
        if len(typed) > 2:
            graded += 1
            ours_first += bool(choices) and choices[0].name.startswith(title)
            ours_top5 += any(c.name.startswith(title) for c in choices[:5])

    titles = [f.title for f in catalog] + ["100 Meters"]
    theirs: list[float] = []
    theirs_first = theirs_top5 = 0
    sample = [q for q in queries if len(q[0]) > 2][: DIFFLIB_QUERIES[len(catalog)]]
    for typed, title in sample:
        started = time.perf_counter()
        found = difflib.get_close_matches(typed, titles, n=25, cutoff=0.5)
        theirs.append(time.perf_counter() - started)
        theirs_first += bool(found) and found[0] == title
        theirs_top5 += title in found[:5]
    return {
        "build_s": build,
        "p50": percentile(ours, 50) * 1000,
        "p99": percentile(ours, 99) * 1000,
        "max": max(ours) * 1000,
        "first": ours_first / graded,
        "top5": ours_top5 / graded,
        "queries": len(ours),
        "difflib_p50": percentile(theirs, 50) * 1000,
        "difflib_p99": percentile(theirs, 99) * 1000,
        "difflib_first": theirs_first / len(sample),
        "difflib_top5": theirs_top5 / len(sample),
        "difflib_queries": len(sample),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="filmbot-bench-") as tmp:
        folder = Path(tmp)
        print(f"Writing a synthetic catalog of {BIG:,} films (CSV and IMDb files) …", flush=True)
        big = list(films(BIG))
        small = list(films(SMALL, seed=3))
        write_csv(folder / "big.csv", iter(big))
        write_csv(folder / "small.csv", iter(small))
        write_imdb(folder / "imdb", iter(big))

        imports = []
        for label, path, fmt, db in (
            ("CSV", folder / "big.csv", "csv", folder / "big.sqlite3"),
            ("IMDb .tsv.gz", folder / "imdb", "imdb", folder / "imdb.sqlite3"),
        ):
            print(f"Importing {BIG:,} films from {label} …", flush=True)
            imports.append((label, _child(IMPORT_CODE, str(path), str(db), fmt)))
        _child(IMPORT_CODE, str(folder / "small.csv"), str(folder / "small.sqlite3"), "csv")

        print("Timing autocomplete …", flush=True)
        latency = {
            SMALL: asyncio.run(_latency(folder / "small.sqlite3", small, 7)),
            BIG: asyncio.run(_latency(folder / "big.sqlite3", big, 7)),
        }
        print("Measuring the bot's resident memory …", flush=True)
        empty = _child(BOT_RSS_CODE, str(folder / "empty.sqlite3"))
        loaded = _child(BOT_RSS_CODE, str(folder / "big.sqlite3"))

    print()
    print(f"Import of {BIG:,} films (fresh database, one subprocess each)")
    print(
        table(
            [
                ["format", "films", "seconds", "films/s", "peak RSS"],
                *[
                    [
                        label,
                        f"{r['films']:,.0f}",
                        f"{r['seconds']:.1f}",
                        f"{r['films'] / r['seconds']:,.0f}",
                        f"{r['peak_rss_mb']:.0f} MB",
                    ]
                    for label, r in imports
                ],
            ]
        )
    )
    print()
    print("/film autocomplete: FilmService.autocomplete vs difflib.get_close_matches over the same titles")
    rows = [["films", "lookup", "queries", "p50", "p99", "max", "right film 1st / top 5", "index build"]]
    for size, r in latency.items():
        rows.append(
            [
                f"{size:,}",
                "filmbot",
                str(r["queries"]),
                f"{r['p50']:.2f} ms",
                f"{r['p99']:.2f} ms",
                f"{r['max']:.2f} ms",
                f"{r['first']:.0%} / {r['top5']:.0%}",
                f"{r['build_s']:.1f} s",
            ]
        )
        rows.append(
            [
                f"{size:,}",
                "difflib",
                str(r["difflib_queries"]),
                f"{r['difflib_p50']:.1f} ms",
                f"{r['difflib_p99']:.1f} ms",
                "",
                f"{r['difflib_first']:.0%} / {r['difflib_top5']:.0%}",
                "",
            ]
        )
    print(table(rows))
    verdict = "met" if latency[BIG]["p99"] < GOAL_P99_MS else "NOT met"
    print(f"Goal p99 < {GOAL_P99_MS:.0f} ms at {BIG:,} films: {verdict}")
    print(
        "Queries: typed prefixes, lower case, two letters swapped, aliases or dashed titles (graded), plus the\n"
        "100 Meters spellings and 1–2 letter prefixes (timed). A missed 'first' is mostly a prefix that is\n"
        "itself another film's full title ('Harbor 3' for 'Harbor 381'). difflib runs on the first queries only."
    )
    print()
    print("Resident memory of a prepared bot (store open, cards loaded, title index built, cogs loaded)")
    print(
        table(
            [
                ["catalog", "films indexed", "RSS"],
                ["cards only", f"{empty['films']:,.0f}", f"{empty['rss_mb']:.0f} MB"],
                [f"{BIG:,} imported", f"{loaded['films']:,.0f}", f"{loaded['rss_mb']:.0f} MB"],
            ]
        )
    )


if __name__ == "__main__":
    main()
