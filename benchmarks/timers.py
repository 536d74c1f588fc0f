"""100,000 pending timers across 1,000 servers fired by one process and by two, each exactly once.

Run: ``python -m benchmarks.timers`` (SQLite: one process). With ``BENCH_POSTGRES`` set to a PostgreSQL
server's DSN (``benchmarks._engines``) the same runs on PostgreSQL with one process and with two sharing a
database of their own. Each run seeds ``--timers`` rows (server ``n % 1000``) due at random over a
real-time window of ``--window`` seconds starting ``--lead`` seconds ahead, then starts the processes:
each is filmbot's ``TimerDispatcher`` (leases, claims of at most its concurrency, group-committed
outcomes) with a handler that only records when it ran, so the figures are the dispatcher and the store,
not Discord. A process stops once no timer is pending or running.

Printed per run: timers fired, how many exactly once (and any twice or never), each process's share,
lateness (run time minus due time) p50 / p99 / max, and the rate they were fired at (all of them over
the time from the first due to the last fired: below the rate they come due, a backlog builds up and
lateness grows with it). Figures depend on the machine; compare the rows of
one run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._engines import ENGINES, database
from benchmarks._stats import percentile, table
from bot.clock import SystemClock
from bot.database_url import database_env, database_location
from bot.store import Store
from bot.store.timers import encode_time
from bot.timers import Firing, TimerDispatcher

SERVERS = 1_000
KIND = "bench-reminder"


async def seed(database: str, count: int, window: float, lead: float) -> None:
    """Replace every timer with ``count`` pending ones due over the window that starts ``lead`` s from now."""
    store = await Store.open(database_location(database))
    rng = random.Random(15)
    start = time.time() + lead
    created = encode_time(datetime.now(UTC))
    rows = [
        (
            KIND,
            f"{n % SERVERS}:{n}",
            encode_time(datetime.fromtimestamp(start + rng.uniform(0, window), UTC)),
            json.dumps({"guild": n % SERVERS}),
            created,
        )
        for n in range(count)
    ]
    try:
        async with store.db.transaction() as tx:
            await tx.execute("DELETE FROM watch_party_deliveries")
            await tx.execute("DELETE FROM timers")
            await tx.executemany(
                "INSERT INTO timers (kind, ref, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)", rows
            )
    finally:
        await store.close()


async def worker(database: str) -> dict[str, object]:
    """One process: fire what it claims until nothing is pending or running; report each firing."""
    fired: list[tuple[int, float, float]] = []

    async def on_fire(firing: Firing) -> None:
        at = time.time()
        fired.append((firing.timer.id, at - firing.timer.due_at.timestamp(), at))

    store = await Store.open(database_location(database))
    dispatcher = TimerDispatcher(store, SystemClock())
    dispatcher.register(KIND, on_fire)
    dispatcher.start()
    try:
        while True:
            await asyncio.sleep(0.5)
            row = await store.db.fetchone("SELECT count(*) FROM timers WHERE state IN ('pending', 'running')")
            if row is not None and row[0] == 0:
                break
    finally:
        await dispatcher.stop()
        await store.close()
    return {"owner": dispatcher.owner, "fired": fired}


@dataclass
class Outcome:
    engine: str
    processes: int
    timers: int
    shares: list[int]
    once: int
    twice: int
    never: int
    lateness: list[float]
    span: float  # seconds from the first timer's due time to the last firing

    def row(self) -> list[str]:
        late = self.lateness or [float("nan")]
        return [
            self.engine,
            str(self.processes),
            f"{self.timers:,}",
            f"{self.once:,}",
            f"{self.twice:,} / {self.never:,}",
            " + ".join(f"{n:,}" for n in self.shares),
            f"{percentile(late, 50) * 1000:,.0f} ms",
            f"{percentile(late, 99) * 1000:,.0f} ms",
            f"{max(late) * 1000:,.0f} ms",
            f"{self.timers / self.span:,.0f}/s",
        ]


async def run(engine: str, database: str, processes: int, args: argparse.Namespace) -> Outcome:
    print(f"{engine}, {processes} process(es): seeding {args.timers:,} timers ...", flush=True)
    await seed(database, args.timers, args.window, args.lead)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.timers",
            "--worker",
            database,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        for _ in range(processes)
    ]
    reports = []
    for proc in procs:
        out, _ = await asyncio.wait_for(proc.communicate(), args.lead + args.window + 600)
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed (status {proc.returncode})")
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    counts: collections.Counter[int] = collections.Counter()
    first_due, last_fired = float("inf"), 0.0
    lateness = []
    for report in reports:
        for timer_id, late, at in report["fired"]:
            counts[timer_id] += 1
            lateness.append(late)
            first_due, last_fired = min(first_due, at - late), max(last_fired, at)
    return Outcome(
        engine,
        processes,
        args.timers,
        [len(report["fired"]) for report in reports],
        once=sum(1 for n in counts.values() if n == 1),
        twice=sum(1 for n in counts.values() if n > 1),
        never=args.timers - len(counts),
        lateness=lateness,
        span=max(last_fired - first_due, 1e-9),
    )


async def measure(args: argparse.Namespace) -> list[Outcome]:
    """SQLite with one process; PostgreSQL (``BENCH_POSTGRES``) with one and with two, each on a fresh database."""
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="filmbot-bench-") as tmp:
        for engine in ENGINES:
            for processes in (1,) if engine == "sqlite" else (1, 2):
                async with database(engine, Path(tmp), f"timers_{processes}") as where:
                    name = "SQLite" if engine == "sqlite" else "PostgreSQL"
                    outcomes.append(await run(name, database_env(where), processes, args))
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--timers", type=int, default=100_000, help="pending timers (default 100,000)")
    parser.add_argument("--window", type=float, default=30.0, help="seconds over which they come due")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds before the window (processes start)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(worker(args.worker))))
        return
    outcomes = asyncio.run(measure(args))
    if "postgresql" not in ENGINES:
        print(
            "PostgreSQL not measured: set BENCH_POSTGRES to a server's DSN (a user that may create databases)"
        )
    head = [
        "engine",
        "procs",
        "timers",
        "exactly once",
        "twice / never",
        "fired by",
        "late p50",
        "p99",
        "max",
        "fired at",
    ]
    print(table([head, *(o.row() for o in outcomes)]))


if __name__ == "__main__":
    main()
