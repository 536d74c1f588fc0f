"""Catalog at scale (issue 12): import, database size, memory, start-up and title search, 1k to 1M films.

Run: ``python -m benchmarks.catalog`` (about 15 minutes on 2 cores, most of it importing and the in-memory
baseline at 1,000,000 films). ``--sizes 1000,100000`` runs fewer sizes; ``--reuse`` keeps the databases a
previous run imported (and prints that run's import figures) instead of importing again.

For each catalog size, synthetic IMDb-layout files (``benchmarks/_catalog_data.py``; generated once and
cached in ``$TMPDIR/filmbot-catalog-bench``) are imported into a fresh database by ``import_catalog`` in a
process of its own, then, each in a fresh process (``benchmarks/_catalog_run.py``):

- **filmbot**: ``FilmBot.prepare()`` as ``filmbot run`` does (time to ready, RSS), then the query set
  through ``FilmService.autocomplete``: the title index in the database (migration 0012);
- **in-memory** (the baseline, filmbot before migration 0012): the same bot plus the title index built in
  Python from every film, the way ``FilmService.refresh`` built it;
- **difflib**: ``difflib.get_close_matches`` over every title, on the first queries only, and only up to
  100,000 films (about 1 s a query there; 10 s at 1,000,000 films, so it is stopped above 100,000);
- **stall**: a prepared bot answering an autocomplete and writing a member's rating every 20 ms while
  20,000 more films are imported, by ``filmbot films import`` in another process (as a scheduled refresh's
  child does) and then by the bot itself: the longest event-loop stall, and the longest wait of the bot's
  writes and how many failed.

Queries (``_queries``): typed prefixes, lower case, two letters swapped, aliases or dashed titles
(graded: is the film's label first, in the first five), the 100 Meters spellings, and one- and
two-letter prefixes (timed only). A miss is mostly a typed prefix that is itself the start of other films'
names ('Harbor ' for 'Harbor 381'), which no ranking can tell apart.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks._catalog_data import SynthFilm, films, write_imdb
from benchmarks._stats import table

REPO = Path(__file__).resolve().parent.parent
SIZES = (1_000, 100_000, 300_000, 1_000_000)
# Bump when the synthetic data changes: cached files of another version are not used.
DATA_VERSION = 2
CACHE = Path(tempfile.gettempdir()) / "filmbot-catalog-bench" / f"v{DATA_VERSION}"
DIFFLIB_UP_TO = 100_000
DIFFLIB_QUERIES = {1_000: 120, 100_000: 12}
STALL_FILMS = 20_000
GOALS = {"rss_mb": 150.0, "ready_s": 3.0, "p99": 10.0, "first": 0.95, "rate": 10_000.0, "stall_ms": 50.0}
HUNDRED_METERS = ("100-meters", "100 metres", "100 m", "hyakuemu", "100m", "100 metrs")


def _run(task: str, *args: str) -> dict[str, Any]:
    """``benchmarks._catalog_run TASK ARGS`` in a fresh interpreter; its JSON result."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks._catalog_run", task, *args],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


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


def _dataset(size: int) -> tuple[Path, Path]:
    """The size's IMDb files and its query set, written once and cached."""
    folder = CACHE / f"{size}"
    done = folder / "complete"
    if not done.exists():
        print(f"  writing {size:,} synthetic films …", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        catalog = list(films(size))
        write_imdb(folder / "imdb", iter(catalog))
        queries = _queries(catalog, 400, 7) + [(q, "100 Meters") for q in HUNDRED_METERS]
        queries += [(q[:n], t) for q, t in queries[:50] for n in (1, 2)]  # one- and two-letter prefixes
        (folder / "queries.json").write_text(json.dumps(queries), encoding="utf-8")
        for name, first_id in (("stall-process", 5_000_000), ("stall-bot", 6_000_000)):
            write_imdb(folder / name, films(STALL_FILMS, seed=size + first_id, first_id=first_id))
        done.touch()
    return folder / "imdb", folder / "queries.json"


def _database(size: int, dataset: Path, reuse: bool) -> tuple[Path, dict[str, Any]]:
    """The size's imported database and the import's figures (kept from the last run with ``reuse``)."""
    path = CACHE / f"{size}.sqlite3"
    record = CACHE / f"{size}.import.json"
    if reuse and path.exists() and record.exists():
        figures: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
        if {"films", "seconds", "cpu_s", "bytes"} <= figures.keys():
            return path, figures | {"cached": True}
    for stale in CACHE.glob(f"{size}.sqlite3*"):
        stale.unlink()
    print(f"  importing {size:,} films …", flush=True)
    figures = _run("import", str(dataset), str(path))
    figures["bytes"] = sum(p.stat().st_size for p in CACHE.glob(f"{size}.sqlite3*"))
    record.write_text(json.dumps(figures), encoding="utf-8")
    return path, figures


def _measure(size: int, reuse: bool) -> dict[str, Any]:
    print(f"{size:,} films", flush=True)
    dataset, queries = _dataset(size)
    database, imported = _database(size, dataset, reuse)
    print("  filmbot, in-memory baseline, difflib …", flush=True)
    result: dict[str, Any] = {"import": imported}
    result["filmbot"] = _run("bot", str(database), str(queries))
    result["memory"] = _run("memory", str(database), str(queries))
    if size <= DIFFLIB_UP_TO:
        result["difflib"] = _run("difflib", str(database), str(queries), str(DIFFLIB_QUERIES[size]))
    print("  importing into a running bot …", flush=True)
    with tempfile.TemporaryDirectory(prefix="filmbot-stall-") as tmp:
        copy = Path(tmp) / "filmbot.sqlite3"
        shutil.copyfile(database, copy)
        folder = dataset.parent
        result["stall"] = _run("stall", str(copy), str(folder / "stall-process"), str(folder / "stall-bot"))
    return result


def _import_rows(results: dict[int, dict[str, Any]]) -> list[list[str]]:
    rows = [["films", "seconds", "films/s", "CPU s (both processes)", "films per CPU s", "database"]]
    for size, r in results.items():
        i = r["import"]
        cached = " (cached run)" if i.get("cached") else ""
        rows.append(
            [f"{size:,}", f"{i['seconds']:.1f}{cached}", f"{i['films'] / i['seconds']:,.0f}", f"{i['cpu_s']:.1f}",
             f"{i['films'] / i['cpu_s']:,.0f}", f"{i['bytes'] / 2**20:,.0f} MB"]
        )  # fmt: skip
    return rows


def _search_rows(results: dict[int, dict[str, Any]]) -> list[list[str]]:
    rows = [["films", "title index", "prepare()", "ready", "RSS ready", "RSS after", "p50", "p99", "max",
             "top-1", "top-5"]]  # fmt: skip
    labels = (("filmbot", "database (new)"), ("memory", "in memory (before)"), ("difflib", "difflib"))
    for size, r in results.items():
        for key, label in labels:
            if key not in r:
                continue
            m = r[key]
            start = (
                [f"{m['ready_s']:.2f} s", f"{m['started_s']:.2f} s", f"{m['rss_mb']:.0f} MB",
                 f"{m['rss_after_mb']:.0f} MB"]
                if "ready_s" in m
                else ["", "", "", ""]
            )  # fmt: skip
            rows.append(
                [f"{size:,}", label, *start, f"{m['p50']:.2f} ms", f"{m['p99']:.2f} ms", f"{m['max']:.1f} ms",
                 f"{m['first']:.1%}", f"{m['top5']:.1%}"]
            )  # fmt: skip
    return rows


def _stall_rows(results: dict[int, dict[str, Any]]) -> list[list[str]]:
    rows = [["films", "imported by", "longest stall", "autocomplete p99 meanwhile", "max", "queries",
             "bot write: longest wait", "p99", "writes", "failed"]]  # fmt: skip
    for size, r in results.items():
        for key, label in (("none", "nothing (load alone)"), ("process", "filmbot films import"),
                           ("bot", "the bot itself")):  # fmt: skip
            s = r["stall"][key]
            rows.append(
                [
                    f"{size:,}",
                    label,
                    f"{s['stall_ms']:.1f} ms",
                    f"{s['p99']:.2f} ms",
                    f"{s['max']:.1f} ms",
                    str(s["queries"]),
                    f"{s['write_max_ms']:.0f} ms",
                    f"{s['write_p99_ms']:.0f} ms",
                    str(s["writes"]),
                    str(s["writes_failed"]),
                ]
            )
    return rows


def _goals(r: dict[str, Any]) -> list[list[str]]:
    new, imported, stall = r["filmbot"], r["import"], r["stall"]
    rate = imported["films"] / imported["seconds"]
    measured = [
        ("RSS ≤ 150 MB", new["rss_mb"] <= GOALS["rss_mb"], f"{new['rss_mb']:.0f} MB"),
        (
            "ready ≤ 3 s (from process start)",
            new["started_s"] <= GOALS["ready_s"],
            f"{new['started_s']:.2f} s",
        ),
        ("autocomplete p99 ≤ 10 ms", new["p99"] <= GOALS["p99"], f"{new['p99']:.2f} ms"),
        ("top-1 ≥ 95%", new["first"] >= GOALS["first"], f"{new['first']:.1%}"),
        ("import ≥ 10,000 films/s", rate >= GOALS["rate"], f"{rate:,.0f} films/s"),
    ]
    for key, label in (("process", "filmbot films import"), ("bot", "an import inside the bot")):
        ms = stall[key]["stall_ms"]
        measured.append((f"event-loop stall ≤ 50 ms ({label})", ms <= GOALS["stall_ms"], f"{ms:.1f} ms"))
    for key, label in (("process", "filmbot films import"), ("bot", "an import inside the bot")):
        s = stall[key]
        measured.append(
            (f"no bot write fails ({label})", s["writes_failed"] == 0,
             f"{s['writes_failed']} of {s['writes']} failed; longest wait {s['write_max_ms']:.0f} ms")
        )  # fmt: skip
    return [
        ["goal", "measured", ""],
        *[[goal, shown, "met" if met else "NOT met"] for goal, met, shown in measured],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.catalog", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(str(s) for s in SIZES), help="catalog sizes, comma-separated"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the databases a previous run imported")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    results = {size: _measure(size, args.reuse) for size in (int(s) for s in args.sizes.split(","))}
    print()
    print(f"Load average on this machine ({os.cpu_count()} cores): {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end; wall times include waiting for other work.")  # fmt: skip
    print()
    print("Import of IMDb-layout files into a fresh database (title.basics, ratings, akas; own process)")
    print(table(_import_rows(results)))
    print()
    print(
        "The bot: FilmBot.prepare(), ready (from process start), RSS, then /film autocomplete (the bot's lookup)"
    )
    print(table(_search_rows(results)))
    print(
        f"difflib runs on the first graded queries up to {DIFFLIB_UP_TO:,} films; above, a query takes ~10 s."
    )
    print()
    print(
        f"Importing {STALL_FILMS:,} more films into a running bot (an autocomplete and a rating every 20 ms "
        "meanwhile)"
    )
    print(table(_stall_rows(results)))
    largest = max(results)
    print()
    print(f"Goals at {largest:,} films")
    print(table(_goals(results[largest])))


if __name__ == "__main__":
    main()
