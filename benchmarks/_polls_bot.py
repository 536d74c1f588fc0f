"""The bot for ``benchmarks.polls``: ``filmbot run`` as configured by the environment, with one switch.

``python -m benchmarks._polls_bot group``  — ballots group-committed (what filmbot does)
``python -m benchmarks._polls_bot each``   — the baseline: one transaction (one fsync) per ballot
"""

from __future__ import annotations

import sys

from benchmarks._bot_process import launch
from bot.client import FilmBot


class BaselineBot(FilmBot):
    async def prepare(self) -> None:
        await super().prepare()
        polls = self.store.polls
        polls.cast = polls.cast_now  # type: ignore[method-assign]


if __name__ == "__main__":
    launch(BaselineBot if (sys.argv[1:] or ["group"])[0] == "each" else FilmBot)
