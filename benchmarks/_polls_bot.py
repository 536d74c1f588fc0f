"""The bot for ``benchmarks.polls``: ``filmbot run`` as configured by the environment, with one switch.

``python -m benchmarks._polls_bot group``  — ballots group-committed (what filmbot does)
``python -m benchmarks._polls_bot each``   — the baseline: one transaction (one fsync) per ballot
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.app import apply_endpoints
from bot.client import FilmBot
from bot.log import setup_logging
from bot.settings import Settings


class BaselineBot(FilmBot):
    async def prepare(self) -> None:
        await super().prepare()
        polls = self.store.polls
        polls.cast = polls.cast_now  # type: ignore[method-assign]


async def main(mode: str) -> None:
    settings = Settings.from_env(env_file=None)
    apply_endpoints(settings)
    cls = BaselineBot if mode == "each" else FilmBot
    async with cls(settings) as bot:
        await bot.start(settings.token.reveal())


if __name__ == "__main__":
    setup_logging(Settings.from_env(env_file=None))
    logging.getLogger("discord").setLevel(logging.WARNING)
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "group"))
