"""Run one slash command offline and return what the bot answered."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
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


class OfflineSession:
    """One offline bot, prepared once, that answers commands one after another against a local recorder.

    ``ask`` (``filmbot ask``) runs one command in a session of its own; a caller with many commands (the
    fuzz run, ``benchmarks/fuzz.py``) keeps one session open. Each answer's transcript is its own.
    """

    def __init__(
        self, settings: Settings, *, files_dir: Path | None = None, clock: Clock | None = None
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._recorder = Recorder(files_dir or Path(tempfile.gettempdir()) / "filmbot-ask")
        self._stack = AsyncExitStack()
        self._bot: FilmBot | None = None

    @property
    def bot(self) -> FilmBot:
        assert self._bot is not None, "use the session as an async context manager"
        return self._bot

    async def __aenter__(self) -> OfflineSession:
        async with AsyncExitStack() as stack:
            base = await self._recorder.start()
            stack.push_async_callback(self._recorder.close)
            stack.callback(setattr, discord.http.Route, "BASE", discord.http.Route.BASE)
            offline = dataclasses.replace(self._settings, api_base=base, token=Secret("offline"))
            apply_endpoints(offline)
            self._bot = await stack.enter_async_context(FilmBot(offline, clock=self._clock, offline=True))
            await self._bot.login(offline.token.reveal())
            self._bot._connection._add_guild_from_data(_guild.guild_payload())  # type: ignore[arg-type]
            self._stack = stack.pop_all()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._stack.aclose()

    async def ask(self, line: str) -> AskResult:
        """Run ``line`` (``/rate film:100-meters score:8``) as a member would type it."""
        try:
            invocation = _command_line.parse(self.bot.tree, line)
        except UserError as refused:
            return AskResult(line, Transcript(), refused)
        return await self._run(line, invocation)

    async def invoke(self, path: Sequence[str], options: Mapping[str, str]) -> AskResult:
        """Run the command at ``path`` with each option's typed value given apart (no quoting needed)."""
        line = f"/{' '.join(path)} " + " ".join(f"{name}:{value}" for name, value in options.items())
        try:
            invocation = _command_line.invocation(self.bot.tree, path, options)
        except UserError as refused:
            return AskResult(line, Transcript(), refused)
        return await self._run(line, invocation)

    async def autocomplete(self, path: Sequence[str], options: Mapping[str, str], focused: str) -> AskResult:
        """Ask for the choices Discord would show while ``focused`` is typed (``options[focused]`` so far);
        they are in ``transcript.autocomplete``, which stays None when the bot gave none."""
        line = f"/{' '.join(path)} {focused}:{options[focused]}"
        try:
            invocation = _command_line.invocation(self.bot.tree, path, options, focused=focused)
        except UserError as refused:
            return AskResult(line, Transcript(), refused)
        return await self._run(line, invocation)

    async def _run(self, line: str, invocation: _command_line.Invocation) -> AskResult:
        transcript = self._recorder.begin()
        payload = _guild.interaction_payload(invocation)
        interaction: discord.Interaction[FilmBot] = discord.Interaction(
            data=payload,  # type: ignore[arg-type]
            state=self.bot._connection,
        )
        # The same path as a gateway INTERACTION_CREATE: CommandTree._from_interaction's wrapper.
        try:
            await self.bot.tree._call(interaction)
        except app_commands.AppCommandError as error:
            await self.bot.tree._dispatch_error(interaction, error)
        await self.bot.timers.drain()
        return AskResult(line, transcript)


async def ask(
    settings: Settings, line: str, *, files_dir: Path | None = None, clock: Clock | None = None
) -> AskResult:
    """Run ``line`` through the real command tree against a local recorder instead of Discord."""
    async with OfflineSession(settings, files_dir=files_dir, clock=clock) as session:
        return await session.ask(line)
