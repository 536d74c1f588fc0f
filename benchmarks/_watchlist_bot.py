"""The bot for ``benchmarks.watchlist``: ``filmbot run`` as configured by the environment, with one switch.

``python -m benchmarks._watchlist_bot group``  — Want to see clicks group-committed (what filmbot does)
``python -m benchmarks._watchlist_bot each``   — the baseline: one transaction (one fsync) per click
"""

from __future__ import annotations

import functools
import sys

from benchmarks._bot_process import launch
from bot.client import FilmBot


class BaselineBot(FilmBot):
    async def prepare(self) -> None:
        await super().prepare()
        watchlist = self.store.watchlist
        watchlist.want = functools.partial(watchlist.want, alone=True)  # type: ignore[method-assign]


if __name__ == "__main__":
    launch(BaselineBot if (sys.argv[1:] or ["group"])[0] == "each" else FilmBot)
