"""Scores (issue 4): durable rating upserts per second, and the chart's rendering time.

Run: ``python -m benchmarks.scores``.

1. Upserts: many members rating at once through ``RatingStore.upsert`` (group commit: concurrent ratings
   share one transaction and one fsync) against the baseline measured in the same run, ``upsert_single``
   (``GroupCommit.now``: one transaction, one commit, one fsync per rating). Both are durable:
   ``synchronous = FULL`` and every call returns only after the commit holding its rating, which is
   when a confirmation may be sent.
2. The chart: PNG render time p50/p99, and how long the event loop stalls while charts render —
   in the worker process (``bot.offload``, as the bot does) against a worker thread and rendering
   inline on the loop.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._stats import percentile, table
from bot import offload
from bot.catalog.loader import load_cards
from bot.clock import SystemClock
from bot.films.service import FilmService
from bot.offload import in_worker
from bot.scores.chart import render_chart
from bot.scores.models import RatingChange, ScoreSummary
from bot.scores.service import ScoreService
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
RATINGS = int(os.environ.get("BENCH_RATINGS", "1000"))
CHARTS = int(os.environ.get("BENCH_CHARTS", "60"))
NOW = datetime(2026, 3, 1, tzinfo=UTC)

Upsert = Callable[..., Awaitable[RatingChange]]


async def _fresh_store(directory: Path, name: str) -> tuple[Store, int]:
    store = await Store.open(directory / f"{name}.sqlite3")
    await load_cards(store, REPO / "data" / "films")
    film = await store.films.summary_by_slug("100-meters")
    assert film is not None
    return store, film.id


async def _upserts_per_second(directory: Path, name: str, grouped: bool, concurrency: int) -> float:
    store, film_id = await _fresh_store(directory, name)
    write: Upsert = store.ratings.upsert if grouped else store.ratings.upsert_single
    queue = iter(range(RATINGS))

    async def member() -> None:
        for user in queue:
            await write(1, film_id, user, (user % 20 + 1) / 2, now=NOW)

    start = time.perf_counter()
    await asyncio.gather(*(member() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    assert await store.ratings.count(1, film_id) == RATINGS  # nothing lost
    await store.close()
    return RATINGS / elapsed


async def _summary(directory: Path) -> ScoreSummary:
    store, _ = await _fresh_store(directory, "chart")
    films = FilmService(store)
    scores = ScoreService(store, films, SystemClock())
    film = await films.resolve("100-meters")
    await asyncio.gather(*(scores.rate(1, film, u, (u % 20 + 1) / 2) for u in range(200)))
    summary = await scores.summary(film, 1)
    await store.close()
    return summary


async def _loop_stall(render: Callable[[], Awaitable[object]], count: int) -> float:
    """The longest gap between 1 ms heartbeats on the loop while ``count`` charts render."""
    worst = 0.0
    done = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal worst
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            worst = max(worst, now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.01)  # the heartbeat is running before the first render starts
    for _ in range(count):
        await render()
        await asyncio.sleep(0)
    done.set()
    await beat
    return worst


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        rows = [["writer", "members at once", "ratings/s (median of 3)", "durable"]]
        await _upserts_per_second(directory, "warm-up", True, 1)
        for concurrency in (1, 50):
            grouped, single = [], []
            for run in range(3):  # interleaved, so load on the machine hits both alike
                grouped.append(
                    await _upserts_per_second(directory, f"g{concurrency}-{run}", True, concurrency)
                )
                single.append(
                    await _upserts_per_second(directory, f"s{concurrency}-{run}", False, concurrency)
                )
            rows.append(
                ["group commit (upsert)", str(concurrency), f"{statistics.median(grouped):,.0f}", "yes"]
            )
            rows.append(
                ["baseline: commit per rating", str(concurrency), f"{statistics.median(single):,.0f}", "yes"]
            )
        print(f"Durable rating upserts ({RATINGS} ratings per run, synchronous=FULL, WAL):")
        print(table(rows))

        summary = await _summary(directory)
        render_chart(summary)  # first call imports matplotlib; not a rendering time
        times = []
        for _ in range(CHARTS):
            start = time.perf_counter()
            png = render_chart(summary)
            times.append(time.perf_counter() - start)
        print(f"\nChart ({len(png):,} bytes PNG, 200 member ratings, {CHARTS} renders):")
        print(
            f"  render p50 {statistics.median(times) * 1000:.1f} ms · p99 {percentile(times, 99) * 1000:.1f} ms"
        )

        async def in_process() -> object:
            return await in_worker(render_chart, summary)

        async def threaded() -> object:
            return await asyncio.to_thread(render_chart, summary)

        async def inline() -> object:
            return render_chart(summary)

        await in_process()  # start the worker and import matplotlib there; not a stall of interest
        stall_process = await _loop_stall(in_process, 10)
        stall_thread = await _loop_stall(threaded, 10)
        stall_inline = await _loop_stall(inline, 10)
        offload.shutdown()
        print(
            "  longest event-loop stall while 10 charts render: "
            f"in the worker process (as the bot does) {stall_process * 1000:.1f} ms · "
            f"baselines: a worker thread {stall_thread * 1000:.1f} ms, inline on the loop {stall_inline * 1000:.1f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
