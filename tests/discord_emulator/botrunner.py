"""Runs the real filmbot against an emulator: in-process (fast) or as a subprocess (restart, SIGTERM, kill -9)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.database_url import DatabaseLocation, database_env

if TYPE_CHECKING:
    from .server import Emulator

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
FILMS_DIR = REPO / "data" / "films"
READY_MARKER = "ready as "


def bot_environment(emulator: Emulator, database: DatabaseLocation, **extra: str) -> dict[str, str]:
    """Exactly the variables ``filmbot run`` is configured with."""
    # discord.py waits FILMBOT_GUILD_READY_TIMEOUT after the last GUILD_CREATE before READY; the emulator
    # sends every guild at once, so a short wait is equivalent and keeps the suite fast.
    env = emulator.bot_env(
        database_env(database),
        FILMBOT_FILMS_DIR=str(FILMS_DIR),
        FILMBOT_LOG_LEVEL="INFO",
        FILMBOT_GUILD_READY_TIMEOUT="0.2",
    )
    env.update(extra)
    return env


class InProcessBot:
    """``FilmBot`` running as a task in the test's event loop, set up the way ``bot.app.serve`` does it."""

    def __init__(
        self, emulator: Emulator, database: DatabaseLocation, *, clock: Any = None, **env: str
    ) -> None:
        self.emulator = emulator
        self.database = database
        self.env = bot_environment(emulator, database, **env)
        # A ``bot.clock.ManualClock`` drives the bot's timers (kept across restarts); None: the wall clock.
        self.clock = clock
        self.bot: Any = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 20.0) -> Any:  # noqa: ASYNC109
        from bot.app import apply_endpoints
        from bot.settings import Settings
        from bot.sharding import make_bot

        settings = Settings.from_env(self.env, env_file=None)
        apply_endpoints(settings)
        bot = make_bot(settings, clock=self.clock)
        self.bot = bot

        async def run() -> None:
            async with bot:
                await bot.start(settings.token.reveal())

        self._task = asyncio.create_task(run(), name="filmbot")
        ready = asyncio.create_task(bot.ready_event.wait())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self._task in done:
                self._task.result()  # re-raise the start-up failure
            raise AssertionError(f"filmbot did not become ready within {timeout}s")
        return bot

    async def stop(self) -> None:
        if self.bot is not None and not self.bot.is_closed():
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)
            self._task = None

    async def restart(self) -> Any:
        await self.stop()
        return await self.start()


class SubprocessBot:
    """``python -m bot run`` in a child process (cwd is a temp dir so no stray ``.env`` is read)."""

    def __init__(self, emulator: Emulator, database: DatabaseLocation, workdir: Path, **env: str) -> None:
        self.emulator = emulator
        self.database = database
        self.workdir = workdir
        self.env = bot_environment(emulator, database, **env)
        self.process: asyncio.subprocess.Process | None = None
        self.output: list[str] = []
        self._ready = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self.starts = 0

    async def start(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FILMBOT_"))}
        env.update(self.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        self._ready = asyncio.Event()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=self.workdir, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        self.starts += 1
        self._reader = asyncio.create_task(self._read(self.process))
        waiter = asyncio.create_task(self._ready.wait())
        exited = asyncio.create_task(self.process.wait())
        _done, _ = await asyncio.wait({waiter, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        exited.cancel()
        if not self._ready.is_set():
            tail = "\n".join(self.output[-30:])
            raise AssertionError(
                f"filmbot subprocess not ready within {timeout}s (exit {self.process.returncode}):\n{tail}"
            )

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.output.append(line)
            log.debug("filmbot: %s", line)
            if READY_MARKER in line:
                self._ready.set()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def _wait_exit(self, timeout: float) -> int:  # noqa: ASYNC109
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), timeout=timeout)
        if self._reader is not None:
            await self._reader
        return code

    async def terminate(self, timeout: float = 15.0) -> int:  # noqa: ASYNC109
        """SIGTERM and wait; returns the exit status."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode or 0 if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        return await self._wait_exit(timeout)

    async def kill(self) -> int:
        """SIGKILL (kill -9): no clean shutdown, the gateway socket just dies."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode or 0 if self.process else 0
        self.process.kill()
        return await self._wait_exit(10.0)

    async def restart(self) -> None:
        await self.terminate()
        await self.start()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            try:
                await self.terminate()
            except TimeoutError:
                await self.kill()
