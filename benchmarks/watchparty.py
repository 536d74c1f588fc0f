"""100,000 pending reminders across 1,000 servers: the timer dispatcher against a 60-second poller (issue 7).

Run: ``python -m benchmarks.watchparty`` (about 80 s). One SQLite file is seeded with 100,000 pending
reminder rows for 1,000 servers (100 each): most are days ahead, ``--due`` of them come due during a
real-time window of ``--window`` seconds, and 500 came due just before "the restart" (within the grace
window). Each contender then runs in its own fresh process on its own copy of that file, both at once:

* ``dispatcher``: filmbot's ``TimerDispatcher`` (one task sleeping until the earliest due row);
* ``poll-60s``: the baseline, a loop that claims due rows every 60 s, as ``discord.ext.tasks`` loops do.

Both use the same ``TimerStore`` (the same claim transaction, fsync on commit) and a handler that only
records the wall-clock time it ran, so the difference is the scheduling alone; the real reminder
handler's Discord calls are not part of this. Printed per contender: resident memory (after resuming,
and the peak), time to restart and resume (open + migrate-check the store, claim the overdue rows,
find the next due one), and firing lateness p50 / p99 / max over the timers that came due in the window.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from benchmarks._stats import percentile, table
from bot.clock import SystemClock
from bot.store import Store
from bot.store.timers import encode_time
from bot.timers import Firing, TimerDispatcher

SERVERS = 1_000
PENDING = 100_000
OVERDUE = 500
KIND = "watchparty-reminder"


async def seed(path: Path, due_in_window: int, window: float, lead: float) -> float:
    """Write the rows; return the epoch second at which the window starts."""
    store = await Store.open(path)
    rng = random.Random(7)
    start = time.time() + lead
    rows = []
    for n in range(PENDING):
        guild = n % SERVERS
        if n < due_in_window:
            due = start + rng.uniform(0, window)
        elif n < due_in_window + OVERDUE:
            due = time.time() - rng.uniform(1, 600)  # came due while "the bot was down"
        else:
            due = start + rng.uniform(2 * 86400, 30 * 86400)
        rows.append(
            (
                KIND,
                f"{guild}:{n}",
                encode_time(datetime.fromtimestamp(due, UTC)),
                json.dumps({"guild": guild, "offset": 3600}),
                encode_time(datetime.now(UTC)),
            )
        )
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO timers (kind, ref, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)", rows
        )
    await store.close()
    return start


async def run_contender(mode: str, path: Path, until: float, expect: int) -> dict[str, object]:
    process = psutil.Process()
    lateness: list[float] = []
    overdue_late: list[float] = []
    window_fired = 0
    done = asyncio.Event()
    caught_up = asyncio.Event()
    began = time.perf_counter()

    async def on_fire(firing: Firing) -> None:
        nonlocal window_fired
        late = time.time() - firing.timer.due_at.timestamp()
        if int(firing.timer.ref.split(":")[1]) < expect:
            lateness.append(late)
            window_fired += 1
            if window_fired == expect:
                done.set()
        else:
            overdue_late.append(late)
            if len(overdue_late) == OVERDUE:
                caught_up.set()

    store = await Store.open(path)
    clock = SystemClock()
    peak = process.memory_info().rss
    if mode == "dispatcher":
        dispatcher = TimerDispatcher(store, clock, grace=timedelta(minutes=15))
        dispatcher.register(KIND, on_fire)
        dispatcher.start()
        # Resumed once the start-up claim has run and the dispatcher sleeps until the next due row.
        await caught_up.wait()
        resumed = time.perf_counter() - began
        stop = dispatcher.stop
    else:
        inflight: set[asyncio.Task[None]] = set()

        async def poll_loop() -> None:
            recover = True
            while True:
                now = clock.now()
                for timer in await store.timers.claim_due(now, recover=recover):
                    firing = Firing(timer=timer, now=now, late_by=max(now - timer.due_at, timedelta(0)))

                    async def fire(f: Firing = firing) -> None:
                        await on_fire(f)
                        await store.timers.finish(f.timer.id, "fired", fired_at=clock.now(), late_by=0.0)

                    task = asyncio.create_task(fire())
                    inflight.add(task)
                    task.add_done_callback(inflight.discard)
                recover = False
                await asyncio.sleep(60)

        poller = asyncio.create_task(poll_loop())
        await caught_up.wait()
        resumed = time.perf_counter() - began

        async def stop() -> None:
            poller.cancel()
            await asyncio.gather(poller, *inflight, return_exceptions=True)

    rss_resumed = process.memory_info().rss
    while time.time() < until and not done.is_set():
        peak = max(peak, process.memory_info().rss)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=1.0)
    peak = max(peak, process.memory_info().rss)
    await stop()
    await store.close()
    return {
        "mode": mode,
        "resume_s": resumed,
        "rss_resumed": rss_resumed,
        "rss_peak": peak,
        "fired": len(lateness),
        "expected": expect,
        "lateness": lateness,
    }


def child(args: argparse.Namespace) -> None:
    result = asyncio.run(run_contender(args.child, Path(args.db), args.until, args.due))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--due", type=int, default=3_000, help="timers that come due during the window")
    parser.add_argument(
        "--window", type=float, default=50.0, help="seconds over which they come due (under one poll period)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="filmbot-bench-") as tmp:
        base = Path(tmp) / "seed.sqlite3"
        print(f"seeding {PENDING:,} pending reminders across {SERVERS:,} servers ...", flush=True)
        seeded = time.perf_counter()
        lead = 10.0  # seeding (~4 s) and the children starting happen before the window
        start = asyncio.run(seed(base, args.due, args.window, lead))
        print(
            f"  seeded in {time.perf_counter() - seeded:.1f} s; {args.due:,} come due over {args.window:.0f} s"
        )
        copies = {}
        for mode in ("dispatcher", "poll-60s"):
            copies[mode] = Path(tmp) / f"{mode}.sqlite3"
            shutil.copy(base, copies[mode])
        # A poller can be up to 60 s late for the last timer: give it the window plus a full period.
        until = start + args.window + 65
        procs = {
            mode: subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.watchparty",
                    "--child",
                    mode,
                    "--db",
                    str(path),
                    "--until",
                    str(until),
                    "--due",
                    str(args.due),
                ],
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            for mode, path in copies.items()
        }
        results = {}
        for mode, proc in procs.items():
            out, _ = proc.communicate(timeout=args.window + 180)
            results[mode] = json.loads(out.decode().strip().splitlines()[-1])
    rows = [
        [
            "contender",
            "RSS resumed",
            "RSS peak",
            "restart+resume",
            "fired",
            "late p50",
            "late p99",
            "late max",
        ]
    ]
    for mode, r in results.items():
        late = r["lateness"]
        rows.append(
            [
                mode,
                f"{r['rss_resumed'] / 2**20:.1f} MiB",
                f"{r['rss_peak'] / 2**20:.1f} MiB",
                f"{r['resume_s'] * 1000:.0f} ms",
                f"{r['fired']}/{r['expected']}",
                f"{percentile(late, 50) * 1000:.1f} ms",
                f"{percentile(late, 99) * 1000:.1f} ms",
                f"{max(late) * 1000:.1f} ms" if late else "-",
            ]
        )
    print()
    print(table(rows))
    print(
        f"\n{PENDING:,} pending rows, {SERVERS:,} servers, {OVERDUE} overdue at restart (fired on resume), "
        f"{args.due:,} due in a {args.window:.0f} s window; lateness = handler wall time - due time."
    )


if __name__ == "__main__":
    main()
