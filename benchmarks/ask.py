"""How fast does ``filmbot ask "/film 100-meters"`` answer? (issue 2)

Run: ``python -m benchmarks.ask``. Times the whole process (median of several runs) against two
baselines measured in the same run — a bare interpreter and ``import discord`` — so the figure can be
read against what Python and discord.py cost by themselves; then times the ``/film`` handler alone
(resolve + card from SQLite + embed) in-process.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._stats import percentile, table
from bot.catalog.loader import load_cards
from bot.films import render
from bot.films.service import FilmService
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def _time_process(args: list[str], env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, env=env, cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


async def _handler_times(db: Path, runs: int = 200) -> list[float]:
    store = await Store.open(db)
    try:
        await load_cards(store, REPO / "data" / "films")
        service = FilmService(store)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            card = await service.card(await service.resolve("100-meters"))
            render.card_embed(card).to_dict()
            times.append(time.perf_counter() - start)
        return times
    finally:
        await store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        env = {**os.environ, "FILMBOT_DATABASE": str(db), "PYTHONPATH": str(REPO)}
        # Warm the database (migrations, catalog) once so every timed run is a steady-state start.
        subprocess.run([sys.executable, "-m", "bot", "ask", "/film 100-meters"], env=env, cwd=REPO, check=True,
                       capture_output=True)  # fmt: skip
        rows = [["what", "median", "min", "max"]]
        for label, args in (
            ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
            ("python -c 'import discord' (baseline)", [sys.executable, "-c", "import discord"]),
            ('filmbot ask "/film 100-meters"', [sys.executable, "-m", "bot", "ask", "/film 100-meters"]),
        ):
            times = _time_process(args, env)
            rows.append(
                [label, f"{statistics.median(times):.3f} s", f"{min(times):.3f} s", f"{max(times):.3f} s"]
            )
        handler = asyncio.run(_handler_times(db))
        print(f"whole process, {RUNS} runs each:")
        print(table(rows))
        print(
            f"\n/film handler alone (resolve + card from SQLite + embed), {len(handler)} runs: "
            f"median {statistics.median(handler) * 1000:.2f} ms, p99 {percentile(handler, 99) * 1000:.2f} ms"
        )
        profile = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "bot", "ask", "/film 100-meters"],
            env=env, cwd=REPO, capture_output=True, text=True, check=True,
        )  # fmt: skip
        imports = []
        for line in profile.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[1].strip().isdigit():
                imports.append((int(parts[1]), parts[2].rstrip()))
        print("\nlargest cumulative imports (what dominates start-up):")
        for micros, name in sorted(imports, reverse=True)[:6]:
            print(f"  {micros / 1000:7.1f} ms  {name.strip()}")


if __name__ == "__main__":
    main()
