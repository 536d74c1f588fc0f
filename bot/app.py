"""Running the bot: point discord.py at the configured endpoints, start, and stop cleanly on signals."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from contextlib import nullcontext
from pathlib import Path

import aiohttp
import discord
import yarl

from bot.clock import Clock
from bot.errors import ConfigError, DiscordUnreachable, TokenRefused
from bot.settings import Settings
from bot.sharding import make_bot
from bot.store import hold_exclusive

log = logging.getLogger(__name__)

TOKEN_HELP = (
    "filmbot run needs a bot token: create an application at https://discord.com/developers/applications, "
    "add a bot and put its token in .env as DISCORD_TOKEN=... (see .env.example); "
    'to try commands without Discord, use: filmbot ask "/film 100-meters"'
)


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py's REST and gateway at Discord, or at a Discord-compatible server."""
    discord.http.Route.BASE = settings.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def serve(settings: Settings, *, clock: Clock | None = None) -> None:
    """Run the bot until it is closed. The caller owns signals; see ``run``."""
    apply_endpoints(settings)
    async with make_bot(settings, clock=clock) as bot:
        await bot.start(settings.token.reveal())


async def _serve_until_signalled(settings: Settings) -> None:
    apply_endpoints(settings)
    loop = asyncio.get_running_loop()
    async with make_bot(settings) as bot:
        stopping: list[asyncio.Task[None]] = []

        def stop(signame: str) -> None:
            log.info("received %s; shutting down", signame)
            if not stopping:
                stopping.append(loop.create_task(bot.close()))

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop, sig.name)
        try:
            await bot.start(settings.token.reveal())
        finally:
            if stopping:
                await stopping[0]


def run(settings: Settings) -> int:
    """What ``filmbot run`` does: serve until signalled, holding the database's lock all along.

    Returns 0 after a clean stop; a start-up failure raises a ``StartupError`` for ``bot.cli`` to report.
    """
    if not settings.token:
        raise ConfigError(TOKEN_HELP)
    with hold_exclusive(settings.database) if isinstance(settings.database, Path) else nullcontext():
        try:
            asyncio.run(_serve_until_signalled(settings))
        except discord.LoginFailure:
            raise TokenRefused(
                "Discord refused the token (DISCORD_TOKEN); reset it in the developer portal and try again"
            ) from None
        except discord.ConnectionClosed as exc:
            refusal = _shards_refused(exc, settings)
            if refusal is None:
                raise
            raise refusal from None
        except (aiohttp.ClientError, discord.DiscordServerError) as exc:
            raise DiscordUnreachable(
                f"could not reach Discord at {settings.api_base}: {_network_reason(exc)}; check the "
                "network (and DISCORD_API_BASE, if you set it)"
            ) from exc
    return 0


# Discord's gateway close codes for shard settings it will not take.
CLOSE_INVALID_SHARD, CLOSE_SHARDING_REQUIRED = 4010, 4011


def _shards_refused(exc: discord.ConnectionClosed, settings: Settings) -> ConfigError | None:
    """Discord closed the gateway over the shard settings: a settings error, with what to set instead."""
    if exc.code == CLOSE_SHARDING_REQUIRED:
        now = (
            f"FILMBOT_SHARD_COUNT is {settings.shards.count}"
            if settings.shards is not None and settings.shards.count is not None
            else "FILMBOT_SHARD_COUNT is not set"
        )
        return ConfigError(
            f"Discord requires more shards for a bot in this many servers (gateway close code 4011, "
            f"sharding required; {now}): set FILMBOT_SHARD_COUNT=auto to run the count Discord recommends"
        )
    if exc.code == CLOSE_INVALID_SHARD:
        return ConfigError(
            f"Discord refused shard {exc.shard_id} (gateway close code 4010, invalid shard): check "
            "FILMBOT_SHARD_COUNT and FILMBOT_SHARD_IDS, or set FILMBOT_SHARD_COUNT=auto"
        )
    return None


def _network_reason(exc: aiohttp.ClientError | discord.DiscordServerError) -> str:
    if isinstance(exc, discord.DiscordServerError):
        return f"it answered {exc.status} {exc.response.reason}"
    cause = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else None
    if cause is not None and cause.errno and cause.errno > 0:
        return os.strerror(cause.errno).lower()
    if cause is not None and cause.strerror:
        return cause.strerror.lower()
    return str(exc) or type(exc).__name__
