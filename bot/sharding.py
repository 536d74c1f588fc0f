"""Shards: one process running several of the bot's gateway connections (discord.py's ``AutoShardedBot``).

``FILMBOT_SHARD_COUNT`` (and ``FILMBOT_SHARD_IDS``) turn it on; unset, ``make_bot`` returns the plain
``FilmBot`` over one connection, exactly as before. What is per process, and how it stays right with shards:

- the store, the services and the one timer dispatcher belong to the process and are built once
  (``FilmBot.prepare``). Timers reach Discord through REST, never through a shard's connection, so a
  guild's reminder or poll result goes out whichever shard carries the guild, connected or not just then;
- application commands are global to the application: the process running shard 0 syncs them, once;
- ``on_ready`` (and so ``ready_event`` and the timer dispatcher's start) comes once every shard of the
  process is ready; each shard's own ready, disconnect and resume are logged with its id;
- IDENTIFYs keep Discord's limit, ``max_concurrency`` (GET /gateway/bot) per 5 seconds with shard ``i``
  in bucket ``i % max_concurrency``, instead of discord.py's flat 5 seconds before every IDENTIFY but the
  first: 16 shards of a large bot start in seconds rather than in over a minute;
- Discord's own gateway chooses nothing for us: with ``FILMBOT_SHARD_COUNT=auto`` the count is the one
  GET /gateway/bot recommends, read at each start.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import random

from discord.ext import commands

from bot.client import FilmBot
from bot.clock import Clock
from bot.settings import Settings, Shards

log = logging.getLogger(__name__)

# Discord's identify window: at most ``max_concurrency`` IDENTIFYs in it, one per rate-limit bucket.
IDENTIFY_WINDOW = 5.0
# After an invalidated session Discord asks for a random wait of 1 to 5 seconds before a fresh IDENTIFY.
REIDENTIFY_WAIT = (1.0, 5.0)
# Gateway connections reserved in the HTTP pool for FILMBOT_SHARD_COUNT=auto (250,000 servers' worth).
AUTO_SHARDS_ALLOWANCE = 100


def make_bot(settings: Settings, *, clock: Clock | None = None) -> FilmBot:
    """The bot ``filmbot run`` serves with: sharded when ``FILMBOT_SHARD_COUNT`` is set, else the plain one."""
    if settings.shards is None:
        return FilmBot(settings, clock=clock)
    return ShardedFilmBot(settings, clock=clock)


class IdentifyGate:
    """Discord's IDENTIFY rate limit for one process: bucket ``shard_id % max_concurrency``, once per 5 s."""

    def __init__(self, max_concurrency: int = 1, *, rng: random.Random | None = None) -> None:
        self.max_concurrency = max_concurrency
        self._rng = rng or random.Random()
        self._next: dict[int, float] = {}
        self._locks: collections.defaultdict[int, asyncio.Lock] = collections.defaultdict(asyncio.Lock)
        self._identified: set[int] = set()

    def claim(self, shard_id: int, now: float) -> float:
        """Seconds shard ``shard_id`` must wait from ``now`` before it IDENTIFYs; books its slot."""
        bucket = shard_id % self.max_concurrency
        delay = max(0.0, self._next.get(bucket, 0.0) - now)
        if shard_id in self._identified:  # a session lost (or invalidated): a fresh IDENTIFY
            delay = max(delay, self._rng.uniform(*REIDENTIFY_WAIT))
        self._identified.add(shard_id)
        self._next[bucket] = now + delay + IDENTIFY_WINDOW
        return delay

    async def wait(self, shard_id: int) -> None:
        """Return when shard ``shard_id`` may IDENTIFY (call right before it does)."""
        async with self._locks[shard_id % self.max_concurrency]:
            delay = self.claim(shard_id, asyncio.get_running_loop().time())
            if delay > 0:
                await asyncio.sleep(delay)


class ShardedFilmBot(FilmBot, commands.AutoShardedBot):
    """``FilmBot`` over the shards ``settings.shards`` names (all of them, in this process)."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        assert settings.shards is not None, "ShardedFilmBot needs FILMBOT_SHARD_COUNT"
        self.sharding: Shards = settings.shards
        ids = list(settings.shards.ids) if settings.shards.ids is not None else None
        super().__init__(settings, clock=clock, shard_count=settings.shards.count, shard_ids=ids)
        self.identify_gate = IdentifyGate()
        self._away: dict[int, float] = {}  # shard id → when it disconnected (loop time)

    def gateway_connections(self) -> int:
        if self.sharding.ids is not None:
            return len(self.sharding.ids)
        # auto: not known before GET /gateway/bot; more shards than this in one process is past any SQLite bot.
        return self.sharding.count or AUTO_SHARDS_ALLOWANCE

    async def setup_hook(self) -> None:
        await super().setup_hook()
        await self._plan_shards()

    async def _plan_shards(self) -> None:
        """Ask Discord for the recommended count and the IDENTIFY concurrency before the shards connect."""
        recommended, _url, limits = await self.http.get_bot_gateway()
        self.identify_gate.max_concurrency = max(1, int(limits["max_concurrency"]))
        if self.shard_count is None:
            self.shard_count = min(recommended, AUTO_SHARDS_ALLOWANCE)
            if recommended > AUTO_SHARDS_ALLOWANCE:
                log.warning(
                    "Discord recommends %d shards; FILMBOT_SHARD_COUNT=auto runs at most %d in one process, "
                    "so set FILMBOT_SHARD_COUNT=%d to run them all",
                    recommended,
                    AUTO_SHARDS_ALLOWANCE,
                    recommended,
                )
        elif self.shard_count < recommended:
            log.warning(
                "Discord recommends %d shards for this bot and FILMBOT_SHARD_COUNT is %d; Discord refuses a "
                "shard of more than 2,500 servers, so raise it (or set it to auto) before then",
                recommended,
                self.shard_count,
            )
        starting = len(self.shard_ids) if self.shard_ids is not None else self.shard_count
        if limits["remaining"] < starting:
            log.warning(
                "Discord allows %d more session starts until its daily limit resets in %d minutes, and "
                "this process starts %d shards",
                limits["remaining"],
                limits["reset_after"] // 60_000,
                starting,
            )
        log.info(
            "connecting %s (Discord recommends %d; %d IDENTIFY(s) at once)",
            self.running_shards(),
            recommended,
            self.identify_gate.max_concurrency,
        )

    def running_shards(self) -> str:
        """``shards 0-3 of 4``: what this process runs (once the count is known)."""
        if self.shard_count is None:
            return self.sharding.describe()
        return Shards(self.shard_count, self.sharding.ids).describe()

    async def sync_commands(self) -> None:
        if not self.sharding.runs_shard_zero:
            log.info("application commands are synced by the process running shard 0; not syncing here")
            return
        await super().sync_commands()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.identify_gate.wait(shard_id or 0)

    async def on_ready(self) -> None:
        if not self.ready_event.is_set():
            log.info("%s ready", self.running_shards())
        await super().on_ready()

    async def on_shard_ready(self, shard_id: int) -> None:
        servers = sum(1 for guild in self.guilds if guild.shard_id == shard_id)
        log.info("shard %d ready in %d server(s)%s", shard_id, servers, self._back(shard_id))

    async def on_shard_resumed(self, shard_id: int) -> None:
        log.info("shard %d resumed%s", shard_id, self._back(shard_id))

    async def on_shard_disconnect(self, shard_id: int) -> None:
        if not self.is_closed() and shard_id not in self._away:
            self._away[shard_id] = asyncio.get_running_loop().time()
            log.info("shard %d disconnected; discord.py reconnects it", shard_id)

    def _back(self, shard_id: int) -> str:
        left = self._away.pop(shard_id, None)
        return "" if left is None else f" after {asyncio.get_running_loop().time() - left:.1f} s away"
