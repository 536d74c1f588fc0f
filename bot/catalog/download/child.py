"""A refresh run inside the bot: ``filmbot films download imdb`` as a child process.

The bot runs exactly the command an administrator runs, in a process of its own: the download, the
gzip checks and the import (seconds to minutes of CPU and a few hundred MB of scratch data at IMDb's
size) then never hold the bot's event loop or its GIL, and their memory goes back to the system when
the child ends. The child writes through its own database connection in one transaction, so the bot's
connection sees the whole import at once, when it commits (``PRAGMA data_version`` tells the film index).
The bot reads the child's output line by line and logs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections import deque
from dataclasses import dataclass

from bot.database_url import database_env
from bot.settings import Settings

log = logging.getLogger(__name__)

# The child's last lines, kept for the outcome (its summary, or its one-line reason for failing).
TAIL = 20
STOP_GRACE = 10.0  # seconds a stopping bot gives the child after SIGTERM before SIGKILL


@dataclass(frozen=True, slots=True)
class RefreshRun:
    """How a refresh ended: the child's exit status and its last lines of output."""

    status: int
    tail: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def reason(self) -> str:
        """The child's own one-line reason when it failed (``filmbot: …``), else its last line."""
        said = [line for line in self.tail if line.startswith("filmbot: ")]
        return (said or list(self.tail) or [f"exit status {self.status}"])[-1]


class ChildRefresh:
    """Runs the download command in a child process with the bot's database and dataset address."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def environment(self) -> dict[str, str]:
        """The bot's environment without its own settings (never the token), plus those the child needs."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FILMBOT_"))}
        env.update(
            FILMBOT_DATABASE=database_env(self._settings.database),
            FILMBOT_FILMS_DIR=str(self._settings.films_dir),
            FILMBOT_LOG_LEVEL=self._settings.log_level,
            FILMBOT_IMDB_DATASETS_URL=self._settings.imdb_datasets_url,
        )
        if self._settings.imdb_dir is not None:
            env["FILMBOT_IMDB_DIR"] = str(self._settings.imdb_dir)
        return env

    async def run(self) -> RefreshRun:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--env-file", os.devnull, "films", "download", "imdb",
            env=self.environment(), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        tail: deque[str] = deque(maxlen=TAIL)
        try:
            assert process.stdout is not None
            async for raw in process.stdout:
                line = raw.decode(errors="replace").rstrip()
                if line:
                    tail.append(line)
                    log.info("imdb refresh: %s", line)
            status = await process.wait()
        except asyncio.CancelledError:
            await _stop(process)
            raise
        return RefreshRun(status, tuple(tail))


async def _stop(process: asyncio.subprocess.Process) -> None:
    """The bot is stopping: the child stops too (its partial file is kept; its transaction rolls back)."""
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
