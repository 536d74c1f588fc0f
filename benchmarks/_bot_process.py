"""The bot as its own process for the benchmarks that go through the whole bot over the emulator.

``spawn`` starts ``python -m <module> <mode>`` and returns once the bot is ready; the module calls
``launch`` with the ``FilmBot`` class to run (filmbot itself, or a baseline that changes one thing).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.app import apply_endpoints
from bot.client import FilmBot
from bot.log import setup_logging
from bot.settings import Settings

REPO = Path(__file__).resolve().parent.parent


async def serve(cls: type[FilmBot]) -> None:
    """``filmbot run`` as configured by the environment, with ``cls`` as the bot."""
    settings = Settings.from_env(env_file=None)
    apply_endpoints(settings)
    async with cls(settings) as bot:
        await bot.start(settings.token.reveal())


def launch(cls: type[FilmBot]) -> None:
    setup_logging(Settings.from_env(env_file=None))
    logging.getLogger("discord").setLevel(logging.WARNING)
    asyncio.run(serve(cls))


async def spawn(module: str, mode: str, env: dict[str, str], workdir: Path) -> asyncio.subprocess.Process:
    """``python -m module mode`` with exactly ``env`` for filmbot; returns once it logged that it is ready."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FILMBOT_"))}
    full.update(env)
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full.get("PYTHONPATH")]))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, mode,
        cwd=workdir, env=full, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    async with asyncio.timeout(120):
        async for raw in process.stdout:
            if b"ready as " in raw:
                break
        else:
            raise RuntimeError(f"the bot exited before it was ready (status {await process.wait()})")

    async def drain() -> None:
        assert process.stdout is not None
        async for _ in process.stdout:
            pass

    asyncio.get_running_loop().create_task(drain())
    return process
