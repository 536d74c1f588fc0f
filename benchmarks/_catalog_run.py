"""What ``benchmarks.catalog`` runs in a fresh interpreter, one measurement per process, each printing one
JSON object on its last line: ``python -m benchmarks._catalog_run TASK ARGS…``.

- ``import DATASET DATABASE``: import IMDb-layout files into a new database (films/s, seconds);
- ``bot DATABASE QUERIES``: ``FilmBot.prepare()`` (store, cards, services, cogs) as ``filmbot run`` does,
  then every query through ``FilmService.autocomplete`` (the bot's own lookup), then RSS;
- ``memory DATABASE QUERIES``: the same bot, plus today's in-memory title index built from the store the
  way the bot built it before migration 0007 (the baseline);
- ``difflib DATABASE QUERIES LIMIT``: ``difflib.get_close_matches`` over every title (the naive baseline);
- ``stall DATABASE DATASET DATASET``: a prepared bot answering an autocomplete and writing a member's
  rating every 20 ms, first for a few seconds with nothing imported (what the machine's load alone
  costs), then while ``filmbot films import`` (another process, as a refresh's child is) imports the
  first dataset, then while the bot itself imports the second: the longest event-loop stall of each, and
  the longest wait of the bot's writes (and how many failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil

from benchmarks._stats import percentile
from bot.catalog.importing import import_catalog
from bot.client import FilmBot
from bot.settings import Settings
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
Lookup = Callable[[str], Awaitable[list[str]]]
IDLE_SECONDS = 5.0


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def _since_start() -> float:
    """Seconds since this process started (interpreter, imports and all)."""
    return time.time() - psutil.Process().create_time()


async def _import(dataset: str, database: str) -> dict[str, Any]:
    store = await Store.open(database)
    try:
        started, cpu = time.perf_counter(), _cpu()
        report = await import_catalog(store, Path(dataset), "imdb")
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    finally:
        await store.close()
    return {"films": report.added, "seconds": seconds, "cpu_s": cpu}


def _cpu() -> float:
    """CPU seconds this process has used, every thread's, and its children that have ended (the process
    reading IMDb's files): on a busy machine, wall time is not ours."""
    used = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        used += usage.ru_utime + usage.ru_stime
    return used


@contextlib.asynccontextmanager
async def _bot(database: str) -> AsyncIterator[FilmBot]:
    settings = Settings(database=Path(database), films_dir=REPO / "data" / "films", log_level="WARNING")
    bot = FilmBot(settings, offline=True)
    try:
        yield bot
    finally:
        await bot.close()


async def _grade(lookup: Lookup, queries: list[list[str]]) -> dict[str, Any]:
    """Time each query; for queries of three letters or more, whether the film's label comes first or
    in the first five."""
    times: list[float] = []
    first = top5 = graded = 0
    for typed, title in queries:
        started = time.perf_counter()
        names = await lookup(typed)
        times.append(time.perf_counter() - started)
        if len(typed) > 2:
            graded += 1
            first += bool(names) and names[0].startswith(title)
            top5 += any(n.startswith(title) for n in names[:5])
    return {
        "queries": len(times),
        "p50": percentile(times, 50) * 1000,
        "p99": percentile(times, 99) * 1000,
        "max": max(times) * 1000,
        "first": first / graded,
        "top5": top5 / graded,
    }


async def _filmbot(database: str, queries: list[list[str]]) -> dict[str, Any]:
    async with _bot(database) as bot:
        started = time.perf_counter()
        await bot.prepare()
        ready, since_start = time.perf_counter() - started, _since_start()
        rss_ready = _rss_mb()

        async def lookup(typed: str) -> list[str]:
            return [c.name for c in await bot.films.autocomplete(typed)]

        result = await _grade(lookup, queries)
        films = await bot.store.db.fetchone("SELECT count(*) FROM films")
    return result | {
        "ready_s": ready,
        "started_s": since_start,
        "rss_mb": rss_ready,
        "rss_after_mb": _rss_mb(),
        "films": films[0] if films else 0,
    }


async def _memory(database: str, queries: list[list[str]]) -> dict[str, Any]:
    from benchmarks._memory_index import TitleIndex

    async with _bot(database) as bot:
        started = time.perf_counter()
        await bot.prepare()
        summaries = await bot.store.films.summaries()
        popularity = await bot.store.catalog.popularity()
        index = await asyncio.to_thread(TitleIndex, summaries, popularity)
        del summaries, popularity
        ready, since_start = time.perf_counter() - started, _since_start()
        rss_ready = _rss_mb()

        async def lookup(typed: str) -> list[str]:
            films = [m.film for m in index.search(typed, 25)] if typed.strip() else index.first(25)
            return [f.label for f in films]

        result = await _grade(lookup, queries)
    return result | {
        "ready_s": ready,
        "started_s": since_start,
        "rss_mb": rss_ready,
        "rss_after_mb": _rss_mb(),
        "films": len(index),
    }


async def _difflib(database: str, queries: list[list[str]], limit: int) -> dict[str, Any]:
    store = await Store.open(database)
    try:
        titles = [r["title"] for r in await store.db.fetchall("SELECT title FROM films")]
    finally:
        await store.close()
    graded = [q for q in queries if len(q[0]) > 2][:limit]

    async def lookup(typed: str) -> list[str]:
        return difflib.get_close_matches(typed, titles, n=25, cutoff=0.5)

    return await _grade(lookup, graded)


async def _stall(database: str, by_process: str, by_bot: str) -> dict[str, Any]:
    """The longest event-loop stall, and autocomplete latency, while films are imported into the store
    of a running bot: first by another process (``filmbot films import``), then by the bot itself."""
    async with _bot(database) as bot:
        await bot.prepare()
        out: dict[str, Any] = {}
        for where, dataset in (("none", ""), ("process", by_process), ("bot", by_bot)):
            stalls, latencies, writes = await _while_importing(bot, dataset, where)
            out[where] = {
                "stall_ms": max(stalls) * 1000,
                "p99": percentile(latencies, 99) * 1000,
                "max": max(latencies) * 1000,
                "queries": len(latencies),
            } | writes.figures()
    return out


class _Ratings:
    """The bot's own writes meanwhile: a member's rating every 20 ms through the group-commit engine, as
    ``/rate`` makes them; how long each waited until committed, and how many failed."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.failed = 0

    async def write(self, bot: FilmBot, done: asyncio.Event) -> None:
        row = await bot.store.db.fetchone("SELECT min(id) FROM films")
        film_id = int(row[0]) if row and row[0] is not None else 0
        member = 0
        while not done.is_set():
            member += 1
            started = time.perf_counter()
            try:
                await bot.store.ratings.upsert(1, film_id, member, 1 + member % 5, now=bot.clock.now())
            except Exception:  # noqa: BLE001 - counted: a write the bot would tell a member failed
                self.failed += 1
            self.waits.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)

    def figures(self) -> dict[str, Any]:
        return {
            "write_max_ms": max(self.waits, default=0.0) * 1000,
            "write_p99_ms": percentile(self.waits, 99) * 1000 if self.waits else 0.0,
            "writes": len(self.waits),
            "writes_failed": self.failed,
        }


async def _while_importing(
    bot: FilmBot, dataset: str, where: str
) -> tuple[list[float], list[float], _Ratings]:
    done = asyncio.Event()
    stalls: list[float] = []
    latencies: list[float] = []
    ratings = _Ratings()

    async def watch() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls.append(time.perf_counter() - started - 0.005)

    async def type_titles() -> None:
        words = ["sil", "silent ri", "kingdom of the", "harbor 3", "the lost wolf", "nihgt of the"]
        n = 0
        while not done.is_set():
            started = time.perf_counter()
            await bot.films.autocomplete(words[n % len(words)])
            latencies.append(time.perf_counter() - started)
            n += 1
            await asyncio.sleep(0.02)

    async def run_import() -> None:
        try:
            if where == "none":  # the machine's own noise: the same bot and typing, nothing imported
                await asyncio.sleep(IDLE_SECONDS)
            elif where == "process":
                args = [sys.executable, "-m", "bot", "--env-file", os.devnull, "films", "import", dataset]
                env = os.environ | {"FILMBOT_DATABASE": str(bot.settings.database)}
                proc = await asyncio.create_subprocess_exec(
                    *args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                )
                _, err = await proc.communicate()
                if proc.returncode:
                    raise RuntimeError(err.decode())
            else:
                await import_catalog(bot.store, Path(dataset), "imdb")
        finally:
            done.set()

    await asyncio.gather(watch(), type_titles(), ratings.write(bot, done), run_import())
    return stalls, latencies, ratings


def main() -> None:
    task, *args = sys.argv[1:]
    queries = (
        json.loads(Path(args[1]).read_text(encoding="utf-8")) if task in ("bot", "memory", "difflib") else []
    )
    if task == "import":
        result = asyncio.run(_import(args[0], args[1]))
    elif task == "bot":
        result = asyncio.run(_filmbot(args[0], queries))
    elif task == "memory":
        result = asyncio.run(_memory(args[0], queries))
    elif task == "difflib":
        result = asyncio.run(_difflib(args[0], queries, int(args[2])))
    elif task == "stall":
        result = asyncio.run(_stall(args[0], args[1], args[2]))
    else:
        raise SystemExit(f"unknown task {task}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
