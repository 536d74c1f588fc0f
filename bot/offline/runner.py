"""Run one slash command offline and return what the bot answered."""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

import discord
from discord import app_commands

from bot.app import apply_endpoints
from bot.client import FilmBot
from bot.clock import Clock
from bot.errors import UserError
from bot.offline import _command_line, _guild
from bot.offline._recorder import Recorder, Transcript
from bot.settings import Secret, Settings


@dataclass(frozen=True, slots=True)
class AskResult:
    line: str
    transcript: Transcript
    # A problem with the command line itself, refused before it reached the bot (as Discord's client does).
    refused: UserError | None = None


async def ask(
    settings: Settings, line: str, *, files_dir: Path | None = None, clock: Clock | None = None
) -> AskResult:
    """Run ``line`` through the real command tree against a local recorder instead of Discord."""
    recorder = Recorder(files_dir or Path(tempfile.gettempdir()) / "filmbot-ask")
    base = await recorder.start()
    offline = dataclasses.replace(settings, api_base=base, token=Secret("offline"))
    previous_base = discord.http.Route.BASE
    apply_endpoints(offline)
    try:
        async with FilmBot(offline, clock=clock, offline=True) as bot:
            await bot.login(offline.token.reveal())
            bot._connection._add_guild_from_data(_guild.guild_payload())  # type: ignore[arg-type]
            try:
                invocation = _command_line.parse(bot.tree, line)
            except UserError as refused:
                return AskResult(line, recorder.transcript, refused)
            payload = _guild.interaction_payload(invocation)
            interaction: discord.Interaction[FilmBot] = discord.Interaction(
                data=payload,  # type: ignore[arg-type]
                state=bot._connection,
            )
            # The same path as a gateway INTERACTION_CREATE: CommandTree._from_interaction's wrapper.
            try:
                await bot.tree._call(interaction)
            except app_commands.AppCommandError as error:
                await bot.tree._dispatch_error(interaction, error)
            await bot.timers.drain()
    finally:
        discord.http.Route.BASE = previous_base
        await recorder.close()
    return AskResult(line, recorder.transcript)
