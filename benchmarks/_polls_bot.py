"""The bot for ``benchmarks.polls``: ``filmbot run`` as configured by the environment, with switches.

``python -m benchmarks._polls_bot group``  — ballots group-committed: what filmbot does
``python -m benchmarks._polls_bot each``   — the baseline: one transaction (one fsync) per ballot

and, to measure what each costs or saves on the interaction path (each needs its package installed):

``--undo CHANGE``   (repeatable) one change the interaction path's profiling made, as it was before
                   (``benchmarks.interaction``): ``dispatch`` discord.py's own (the clicked message's whole
                   view rebuilt per click), ``read`` a read of an uncached poll per click, ``commit`` the
                   commit waited for in a task of its own
``--pool discord``  discord.py's own connection pool (unlimited: one new connection per concurrent answer)
``--json orjson``   discord.py's JSON through orjson (the ``speed`` extra); default: the standard library
``--loop uvloop``   the event loop from uvloop; default: asyncio's

SIGUSR1 starts a CPU profile of the process and the next SIGUSR1 writes it to ``$BENCH_PROFILE_OUT``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import signal
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiohttp
import discord
from discord.ui.view import ViewStore

from bot.app import apply_endpoints, loop_factory
from bot.client import FilmBot
from bot.log import setup_logging
from bot.polls import views as poll_views
from bot.polls.models import Poll
from bot.settings import Settings
from bot.ui.replies import defer_budget

T = TypeVar("T")


class BaselineBot(FilmBot):
    async def prepare(self) -> None:
        await super().prepare()
        polls = self.store.polls
        polls.cast = polls.cast_now  # type: ignore[method-assign]


async def waited_commit(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, update: bool = False
) -> T:
    """``bot.ui.replies.after_commit`` as it was: the commit in a task of its own, waited for with a timeout."""
    task = asyncio.ensure_future(work)
    budget = defer_budget(interaction.created_at, datetime.now(UTC))
    done, _ = await asyncio.wait({task}, timeout=budget)
    if not done and not interaction.response.is_done():
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
    return await task


UNDO = ("dispatch", "read", "commit")


def undo(bot: FilmBot, changes: list[str]) -> None:
    """Put back the interaction path as it was for each change named (``UNDO``)."""
    if "dispatch" in changes:
        state: Any = bot._connection
        state._view_store = ViewStore(state)
    if "commit" in changes:
        poll_views.after_commit = waited_commit
    if "read" not in changes:
        return
    prepare = bot.prepare

    async def prepared() -> None:
        await prepare()
        service = bot.polls

        async def get_definition(poll_id: int) -> Poll:  # as it was: each uncached click reads the poll
            return service._polls.get(poll_id) or await service.get(poll_id)

        service.get_definition = get_definition  # type: ignore[method-assign]

    bot.prepare = prepared  # type: ignore[method-assign]


def use_json(which: str) -> None:
    """discord.py's JSON functions: the standard library's, or orjson's (what ``discord.py[speed]`` brings)."""
    utils: Any = discord.utils
    if which == "orjson":
        import orjson

        utils._from_json = orjson.loads
        utils._to_json = lambda obj: orjson.dumps(obj).decode("utf-8")
    else:
        utils._from_json = json.loads
        utils._to_json = lambda obj: json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


def profile_on_signal(loop: asyncio.AbstractEventLoop) -> None:
    """SIGUSR1 toggles a CPU-time profile (written to ``$BENCH_PROFILE_OUT`` when it stops)."""
    path = os.environ.get("BENCH_PROFILE_OUT")
    if not path:
        return
    profile = cProfile.Profile(time.process_time)
    running: list[bool] = []

    def toggle() -> None:
        if running:
            profile.disable()
            profile.dump_stats(path)
            running.clear()
        else:
            running.append(True)
            profile.enable()

    loop.add_signal_handler(signal.SIGUSR1, toggle)


async def main(mode: str, pool: str, changes: list[str]) -> None:
    settings = Settings.from_env(env_file=None)
    apply_endpoints(settings)
    cls = BaselineBot if mode == "each" else FilmBot
    bot = cls(settings)
    undo(bot, changes)
    if pool == "discord":
        bot.http.connector = aiohttp.TCPConnector(limit=0)  # what discord.py makes when given none
    loop = asyncio.get_running_loop()
    profile_on_signal(loop)
    async with bot:
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
        await bot.start(settings.token.reveal())


def _args() -> Any:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("group", "each"), nargs="?", default="group")
    parser.add_argument("--undo", choices=UNDO, action="append", default=[])
    parser.add_argument("--pool", choices=("filmbot", "discord"), default="filmbot")
    parser.add_argument("--json", choices=("stdlib", "orjson"), default="stdlib")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    return parser.parse_args()


if __name__ == "__main__":
    args = _args()
    setup_logging(Settings.from_env(env_file=None))
    logging.getLogger("discord").setLevel(logging.WARNING)
    use_json(args.json)
    with asyncio.Runner(loop_factory=loop_factory(args.loop)) as runner:
        runner.run(main(args.mode, args.pool, args.undo))
