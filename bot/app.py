"""Running the bot: point discord.py at the configured endpoints, start, and stop cleanly on signals."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord
import yarl

from bot.client import FilmBot
from bot.clock import Clock
from bot.settings import Settings

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
TOKEN_HELP = (
    "filmbot run needs a bot token. Create an application at https://discord.com/developers/applications, "
    "add a bot, copy its token and put it in .env as DISCORD_TOKEN=... (see .env.example). "
    'To try commands without Discord, use: filmbot ask "/film 100-meters"'
)


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py's REST and gateway at Discord, or at a Discord-compatible server."""
    discord.http.Route.BASE = settings.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def serve(settings: Settings, *, clock: Clock | None = None) -> None:
    """Run the bot until it is closed. The caller owns signals; see ``run``."""
    apply_endpoints(settings)
    async with FilmBot(settings, clock=clock) as bot:
        await bot.start(settings.token.reveal())


async def _serve_until_signalled(settings: Settings) -> None:
    apply_endpoints(settings)
    loop = asyncio.get_running_loop()
    async with FilmBot(settings) as bot:
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
    """What ``filmbot run`` does. Returns the process exit status."""
    if not settings.token:
        log.error("%s", TOKEN_HELP)
        return EXIT_NO_TOKEN
    try:
        asyncio.run(_serve_until_signalled(settings))
    except discord.LoginFailure:
        log.error(
            "Discord refused the token (DISCORD_TOKEN). Reset it in the developer portal and try again."
        )
        return 1
    return 0
