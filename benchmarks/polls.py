"""Poll ballots under a burst: group commit against one commit per vote (issue 6).

Run: ``python -m benchmarks.polls``. A burst of 1,000 members voting at once, measured

(a) through the store alone: ``PollStore.cast`` (group commit) vs ``PollStore.cast_now`` (one transaction
    per ballot), latency from submitting a ballot to its commit;
(b) through the whole bot over the loopback Discord emulator: the bot runs as its own process
    (``benchmarks._polls_bot``), the emulator and 1,000 members in this one; latency from the click's
    dispatch to the bot's answer, which filmbot sends only once the ballot is committed; and the bot's CPU
    time per ballot (the figure the machine's other load does not move much). The bot rows compare, in
    the same run: one commit per vote; group commit with discord.py's own connection pool (unlimited: a
    new connection per concurrent answer) as filmbot had it before; filmbot as it runs; and, when they are
    installed, filmbot with orjson (discord.py's ``speed`` extra) and with uvloop.

The interaction path itself, before and after its profiling, each change alone, is ``benchmarks.interaction``.
``BENCH_POSTGRES=postgresql://user@host/postgres`` (a user that may create databases) adds the same store
rows and filmbot's bot row on PostgreSQL (``synchronous_commit = on``), a fresh database each, in the same
run (``benchmarks._engines``).

``BENCH_PROFILE=1`` adds one more burst under a CPU profiler and prints where the bot's time went, from
the gateway frame to the acknowledgement (the profiler slows it: that run's timings are not comparable).

Durable means committed in SQLite WAL mode with ``PRAGMA synchronous = FULL`` (the WAL is fsynced at every
commit); both paths run with it, and the run checks that every ballot is in the database afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import io
import os
import pstats
import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks._bot_process import spawn
from benchmarks._engines import ENGINES, database
from benchmarks._stats import percentile, table
from bot.clock import SystemClock
from bot.database_url import DatabaseLocation
from bot.polls.models import NewPoll, PollOption
from bot.store import Store
from tests.engines import outside_rows

if TYPE_CHECKING:
    from tests.discord_emulator.views import InteractionResult

REPO = Path(__file__).resolve().parent.parent
VOTERS = int(os.environ.get("BENCH_VOTERS", "1000"))
STORE_RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# Discord refuses an interaction's first answer after 3 s (10062). The emulator here waits 30 s, so a late
# answer is still counted; the run reports how many first answers missed Discord's deadline, and fails
# when any did (the end-to-end tests assert durability only, not speed).
DISCORD_DEADLINE = 3.0


def _poll(now_clock: SystemClock) -> NewPoll:
    return NewPoll(
        guild_id=1,
        channel_id=2,
        author_id=3,
        question="Benchmark",
        mode="single",
        max_choices=1,
        anonymous=False,
        hide_results=False,
        role_id=None,
        closes_at=now_clock.now() + timedelta(hours=1),
        options=tuple(PollOption(i, f"Option {i}") for i in range(5)),
    )


# Each engine's durable setting, and what the benchmark checks it reads: every commit flushed.
_DURABLE = {
    "sqlite": ("PRAGMA synchronous", 2),
    "postgresql": ("SELECT current_setting('synchronous_commit')", "on"),
}


async def store_burst(location: DatabaseLocation, mode: str) -> tuple[float, list[float], int]:
    """Wall time, per-ballot latencies and commits for ``VOTERS`` concurrent ballots through the store."""
    clock = SystemClock()
    store = await Store.open(location)
    try:
        setting, durable = _DURABLE[store.dialect]
        async with store.db.transaction() as tx:
            row = await tx.fetchone(setting)
        assert row is not None and row[0] == durable, f"the benchmark must run with {setting} = {durable}"
        poll_id = await store.polls.insert(_poll(clock), clock.now())
        cast = store.polls.cast if mode == "group" else store.polls.cast_now
        latencies: list[float] = []

        async def vote(user: int) -> None:
            start = time.perf_counter()
            result = await cast(poll_id, user, (user % 5,), clock.now())
            latencies.append(time.perf_counter() - start)
            assert result.status == "new"

        start = time.perf_counter()
        await asyncio.gather(*(vote(user) for user in range(VOTERS)))
        wall = time.perf_counter() - start
        assert await store.polls.ballot_count(poll_id) == VOTERS
        commits = store.ballots.batches if mode == "group" else VOTERS
        return wall, latencies, commits
    finally:
        await store.close()


@dataclass(frozen=True, slots=True)
class Variant:
    """One configuration of the bot process (``benchmarks._polls_bot`` arguments) and its row's label."""

    label: str
    args: tuple[str, ...]
    needs: str = ""  # the packages the variant needs installed, separated by spaces

    @property
    def available(self) -> bool:
        return all(importlib.util.find_spec(name) is not None for name in self.needs.split())


BOT_VARIANTS = (
    Variant("bot: one commit per vote (baseline)", ("each",)),
    Variant("bot: group commit, discord.py's unlimited pool (before)", ("group", "--pool", "discord")),
    Variant("bot: group commit (filmbot)", ("group",)),
    Variant("bot: filmbot + orjson (discord.py[speed])", ("group", "--json", "orjson"), "orjson"),
    Variant("bot: filmbot + uvloop", ("group", "--loop", "uvloop"), "uvloop"),
)


@dataclass(frozen=True, slots=True)
class BotRun:
    wall: float
    latencies: list[float]
    deferred: int
    late: int
    cpu: float  # the bot process's CPU seconds during the burst
    unconfirmed: int = 0  # clicks whose member was never told "Vote recorded"
    lost: int = 0  # votes confirmed to their member but not in the database

    def check(self) -> None:
        assert not self.unconfirmed, f"{self.unconfirmed} clicks were not recorded"
        assert not self.lost, f"{self.lost} confirmed votes are not in the database"


def _cpu_seconds(pid: int) -> float:
    """The process's CPU time so far: in nanoseconds from the scheduler where Linux tells it (every
    thread's ``schedstat``), else in clock ticks (10 ms) from psutil."""
    try:
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):  # a thread that just ended
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        import psutil

        times = psutil.Process(pid).cpu_times()
        return float(times.user + times.system)


async def bot_burst(
    workdir: Path,
    args: tuple[str, ...],
    *,
    profile: Path | None = None,
    engine: str = "sqlite",
    voters: int = VOTERS,
) -> BotRun:
    async with database(engine, workdir, f"bot-{len(os.listdir(workdir))}") as location:
        return await _bot_burst(workdir, location, args, profile, voters)


async def _bot_burst(
    workdir: Path, database: DatabaseLocation, args: tuple[str, ...], profile: Path | None, voters: int
) -> BotRun:
    """One burst of ``voters`` through the bot process: wall time, click-to-answer latencies, deferrals,
    late first answers, and the bot's CPU time. With ``profile``, the bot writes a CPU profile of the burst
    there."""
    from tests.discord_emulator import Emulator
    from tests.discord_emulator.botrunner import bot_environment
    from tests.discord_emulator.world import build_default_world

    emulator = Emulator(world=build_default_world("emulator-token", member_count=voters), ack_timeout=30)
    await emulator.start()
    env = bot_environment(emulator, database, FILMBOT_LOG_LEVEL="INFO")
    if profile is not None:
        env["BENCH_PROFILE_OUT"] = str(profile)
    process = await spawn("benchmarks._polls_bot", args, env, workdir)
    try:
        driver = emulator.driver
        created = await driver.slash(
            "poll", "create", question="Burst", options="A; B; C; D; E", duration="1h"
        )
        message = created.message
        poll = next(
            int(b["custom_id"].split(":")[3])
            for b in message.buttons
            if b["custom_id"].startswith("filmbot:poll:vote:")
        )
        members = emulator.world.members[:voters]
        if profile is not None:
            process.send_signal(signal.SIGUSR1)
        cpu = _cpu_seconds(process.pid)
        start = time.perf_counter()
        results = await asyncio.gather(
            *(
                driver.lenient().as_member(m).click(message, f"filmbot:poll:vote:{poll}:{i % 5}")
                for i, m in enumerate(members)
            )
        )
        await asyncio.gather(
            *(r.wait_settled(timeout=60) for r in results if r.answered), return_exceptions=True
        )
        wall = time.perf_counter() - start
        cpu = _cpu_seconds(process.pid) - cpu
        if profile is not None:
            process.send_signal(signal.SIGUSR1)
        confirmed_votes = sum(1 for r in results if _confirmed(r))
        deferred = sum(1 for r in results if r.deferred)
        late = sum(1 for r in results if (r.latency or 0.0) > DISCORD_DEADLINE)
        # Click → the confirmation the member reads: the callback, or the follow-up after a deferral.
        confirmed: dict[int, float] = {}
        for action in emulator.actions:
            if action.kind == "followup" and action.interaction_id is not None:
                confirmed[action.interaction_id] = action.at
        latencies = [
            (confirmed[r.interaction.id] - r.interaction.dispatched_at) if r.deferred else (r.latency or 0.0)
            for r in results
            if r.answered and (r.interaction.id in confirmed or not r.deferred)
        ]
        ((stored,),) = outside_rows(database, "SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,))
        lost = max(confirmed_votes - stored, 0)
        return BotRun(wall, latencies, deferred, late, cpu, voters - confirmed_votes, lost)
    finally:
        process.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 15)
        await emulator.close()


def _confirmed(result: InteractionResult) -> bool:
    """The member read "Vote recorded" (a deferral never followed up, or no answer, is not that)."""
    try:
        return result.answered and "Vote recorded" in result.text
    except AssertionError:  # acknowledged, but no message shows an answer
        return False


def _profile_lines(path: Path, top: int = 25) -> str:
    """The functions the bot spent most CPU time in during the burst, by cumulative time."""
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _row(label: str, wall: float, latencies: list[float], extra: str, cpu: str = "-") -> list[str]:
    return [
        label,
        f"{VOTERS / wall:,.0f}",
        f"{statistics.median(latencies) * 1000:.1f}",
        f"{percentile(latencies, 99) * 1000:.1f}",
        f"{wall:.2f}",
        cpu,
        extra,
    ]


async def bot_rows(workdir: Path) -> tuple[list[list[str]], int]:
    """One row per bot variant (in one run, one after another), and the late answers of filmbot's own;
    on PostgreSQL (``BENCH_POSTGRES``), filmbot's own row once more."""
    found, late_answers = [], 0
    variants = [(v, "sqlite") for v in BOT_VARIANTS]
    variants += [(Variant(f"{BOT_VARIANTS[2].label} on PostgreSQL", ("group",)), e) for e in ENGINES[1:]]
    for variant, engine in variants:
        if not variant.available:
            found.append([variant.label, "-", "-", "-", "-", "-", f"skipped: pip install {variant.needs}"])
            continue
        run = await bot_burst(workdir, variant.args, engine=engine)
        run.check()
        cpu = f"{run.cpu / VOTERS * 1000:.2f}"
        found.append(
            _row(variant.label, run.wall, run.latencies, f"{run.deferred} deferred, {run.late} late", cpu)
        )
        # The run fails on filmbot's own late answers on SQLite (the default); PostgreSQL's are reported.
        late_answers += run.late if variant.args == ("group",) and engine == "sqlite" else 0
    return found, late_answers


async def store_rows(workdir: Path) -> list[list[str]]:
    """The store's rows, one commit per vote and group commit, on each engine: the median of the runs."""
    found = []
    for engine in ENGINES:
        on = "" if engine == "sqlite" else " on PostgreSQL"
        for mode, label in (
            ("each", f"store: one commit per vote (baseline){on}"),
            ("group", f"store: group commit{on}"),
        ):
            runs = []
            for n in range(STORE_RUNS):
                async with database(engine, workdir, f"store-{mode}-{n}") as location:
                    runs.append(await store_burst(location, mode))
            wall, latencies, commits = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
            found.append(_row(label, wall, latencies, f"{commits} commits"))
    return found


async def main() -> None:
    print(
        f"Poll ballots: a burst of {VOTERS} concurrent voters; SQLite WAL, synchronous=FULL (fsync per commit)"
        + ("; PostgreSQL, synchronous_commit=on (WAL flushed per commit)" if len(ENGINES) > 1 else "")
    )
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start\n")
    rows = [
        ["path", "ballots/s", "p50 ms", "p99 ms", "burst s", "bot CPU ms/ballot", "commits / deferred, late"]
    ]
    late_answers = 0
    with tempfile.TemporaryDirectory(prefix="filmbot-bench-polls-") as tmp:
        workdir = Path(tmp)
        rows += await store_rows(workdir)
        try:
            import tests.discord_emulator  # noqa: F401
        except ImportError:
            rows.append(
                ["bot over emulator", "-", "-", "-", "-", "-", "skipped: tests/discord_emulator not present"]
            )
            profiled = None
        else:
            more, late_answers = await bot_rows(workdir)
            rows += more
            profiled = workdir / "bot.prof" if os.environ.get("BENCH_PROFILE") else None
            if profiled is not None:
                await bot_burst(workdir, ("group",), profile=profiled)
        print(table(rows))
        if profiled is not None:
            print(
                f"\nwhere the bot's CPU went in a profiled burst (filmbot, group commit):\n{_profile_lines(profiled)}"
            )
    print(
        "\nstore rows: median of",
        STORE_RUNS,
        "runs by burst time; latency = submit → committed."
        "\nbot rows: one run each; latency = click dispatched → the confirmation the member reads (sent after"
        "\nthe commit; when the commit outlasted 2 s the bot deferred first and this is the follow-up's time)."
        "\nbot CPU: the bot process's user+system time during the burst, per ballot; the emulator and the"
        "\nmembers run in this process and share the machine's cores with it.",
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end (other work on the machine slows every row alike)."
    )
    print(f"late: first answers after Discord's {DISCORD_DEADLINE:.0f} s, which Discord refuses (10062).")
    if late_answers:
        raise SystemExit(f"filmbot answered {late_answers} clicks after Discord's deadline (group commit)")


if __name__ == "__main__":
    asyncio.run(main())
