"""The Discord client: explicit start-up, one app-command error path, clean shutdown."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import offload
from bot.catalog.loader import load_cards
from bot.clock import Clock, SystemClock
from bot.films.service import FilmService
from bot.scores.service import ScoreService
from bot.settings import Settings
from bot.store import Store
from bot.timers import TimerDispatcher
from bot.ui.answers import answer_error

log = logging.getLogger(__name__)

# What the bot needs in a server: read and write messages with embeds, files and threads, and run events.
REQUIRED_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    manage_events=True,
    create_events=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


def intents() -> discord.Intents:
    """Default intents only: no privileged ones (members, presences, message content)."""
    value = discord.Intents.default()
    value.members = False
    value.presences = False
    value.message_content = False
    return value


class FilmTree(app_commands.CommandTree["FilmBot"]):
    """The one place app-command errors are turned into an answer for the member (see ``bot.ui.answers``)."""

    async def on_error(
        self, interaction: discord.Interaction[FilmBot], error: app_commands.AppCommandError
    ) -> None:
        await answer_error(interaction, error)


# filmbot never joins voice; don't warn about voice libraries at every start.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class FilmBot(commands.Bot):
    def __init__(self, settings: Settings, *, clock: Clock | None = None, offline: bool = False) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=FilmTree,
            # Nothing the bot sends pings anyone unless a feature asks for it explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=settings.guild_ready_timeout,
        )
        self.settings = settings
        # Offline (``filmbot ask``): prepare services and cogs, but never sync commands or connect.
        self.offline = offline
        self.clock: Clock = clock or SystemClock()
        self.ready_event = asyncio.Event()
        self._store: Store | None = None
        self._films: FilmService | None = None
        self._scores: ScoreService | None = None
        self._timers: TimerDispatcher | None = None

    # Services are created in setup_hook; these accessors make a missing start-up loud.
    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is not open; FilmBot.prepare() has not run")
        return self._store

    @property
    def films(self) -> FilmService:
        if self._films is None:
            raise RuntimeError("the film service is not ready; FilmBot.prepare() has not run")
        return self._films

    @property
    def scores(self) -> ScoreService:
        if self._scores is None:
            raise RuntimeError("the score service is not ready; FilmBot.prepare() has not run")
        return self._scores

    @property
    def timers(self) -> TimerDispatcher:
        if self._timers is None:
            raise RuntimeError("the timer dispatcher is not ready; FilmBot.prepare() has not run")
        return self._timers

    async def prepare(self) -> None:
        """Open the store, load the catalog and the cogs: everything but talking to Discord."""
        self._store = await Store.open(self.settings.database)
        report = await load_cards(self._store, self.settings.films_dir)
        for line in report.lines()[1:]:
            log.warning("catalog: %s", line.strip())
        self._films = FilmService(self._store)
        await self._films.refresh()
        self._scores = ScoreService(self._store, self._films, self.clock)
        self._timers = TimerDispatcher(self._store.timers, self.clock, grace=self.settings.timer_grace)
        for module in pkgutil.iter_modules(cogs.__path__, f"{cogs.__name__}."):
            if not module.name.rsplit(".", 1)[-1].startswith("_"):
                await self.load_extension(module.name)

    async def setup_hook(self) -> None:
        await self.prepare()
        if self.offline:
            return
        await self.sync_commands()
        assert self.application_id is not None
        invite = discord.utils.oauth_url(
            self.application_id, permissions=REQUIRED_PERMISSIONS, scopes=INVITE_SCOPES
        )
        log.info("invite filmbot with: %s", invite)

    def command_payload(self, guild: discord.abc.Snowflake | None = None) -> list[dict[str, Any]]:
        return [command.to_dict(self.tree) for command in self.tree._get_all_commands(guild=guild)]

    async def sync_commands(self) -> None:
        """Sync the command tree only when it differs from what was last synced (hash kept in the store)."""
        scopes: list[discord.Object | None] = (
            [discord.Object(id=g) for g in self.settings.guild_ids] if self.settings.guild_ids else [None]
        )
        for guild in scopes:
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            payload = self.command_payload(guild)
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
            key = f"command-tree:{self.application_id}:{guild.id if guild else 'global'}"
            if await self.store.meta.get(key) == digest:
                log.info("application commands unchanged (%s); not syncing", key.rsplit(":", 1)[-1])
                continue
            synced = await self.tree.sync(guild=guild)
            await self.store.meta.set(key, digest)
            log.info(
                "synced %d application commands to %s",
                len(synced),
                f"guild {guild.id}" if guild else "global",
            )

    async def on_ready(self) -> None:
        if self.ready_event.is_set():
            log.info("reconnected as %s", self.user)
            return
        self.timers.start()
        log.info("ready as %s in %d server(s)", self.user, len(self.guilds))
        self.ready_event.set()

    async def close(self) -> None:
        if self._timers is not None:
            await self._timers.stop()
        await super().close()
        if self._store is not None:
            await self._store.close()
            self._store = None
        await asyncio.to_thread(offload.shutdown)
        log.info("filmbot stopped")
