"""Running ``filmbot`` as an administrator does: a subprocess with a clean environment, its status and stderr."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.loader import load_cards
from bot.database_url import DatabaseLocation, database_env
from bot.store import Store

REPO = Path(__file__).resolve().parents[2]
FILMS_DIR = REPO / "data" / "films"
# Generous: the CI machine is a busy 2-core box. A start-up failure must end; how fast is not measured.
TIMEOUT = 30.0
# A log record as bot.log formats it: the only other lines allowed beside the one sentence.
_LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO) +\S+: ")

# Exit statuses (README, "Exit statuses").
CONFIG, DATABASE, IN_USE, UNREACHABLE, TOKEN = 2, 3, 4, 5, 6


@dataclass(frozen=True, slots=True)
class Done:
    status: int
    stdout: str
    stderr: str


def environment(database: DatabaseLocation, **extra: str) -> dict[str, str]:
    """The caller's environment without any filmbot or Discord setting, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FILMBOT_"))}
    env.update(
        PYTHONPATH=str(REPO),
        FILMBOT_DATABASE=database_env(database),
        FILMBOT_FILMS_DIR=str(FILMS_DIR),
        # No sleeping on Discord's (absent) gateway in a test.
        FILMBOT_GUILD_READY_TIMEOUT="0.2",
    )
    env.update(extra)
    return env


async def filmbot(
    *args: str, env: dict[str, str], cwd: Path, preexec: Callable[[], None] | None = None
) -> Done:
    """``python -m bot *args``; the event loop keeps running (an emulator in this process keeps answering)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        env=env, cwd=cwd, preexec_fn=preexec,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"filmbot {' '.join(args)} was still running after {TIMEOUT:.0f}s") from None
    assert process.returncode is not None
    return Done(process.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace"))


def one_sentence(done: Done, status: int, *says: str) -> str:
    """The process ended with ``status`` and one plain ``filmbot:`` line (beside log records), no traceback."""
    assert done.status == status, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    plain = [line for line in lines if not _LOG_RECORD.match(line)]
    assert len(plain) == 1 and plain[0].startswith("filmbot: "), done.stderr
    assert lines[-1] == plain[0], done.stderr
    for part in says:
        assert part in plain[0], plain[0]
    return plain[0]


async def real_database(path: Path) -> Path:
    """A database made by the bot's own migrations, the catalog loaded, closed (WAL checkpointed)."""
    store = await Store.open(path)
    try:
        report = await load_cards(store, FILMS_DIR)
        assert report.ok, report.lines()
    finally:
        await store.close()
    return path
