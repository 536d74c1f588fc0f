"""The Discord client: explicit start-up, one app-command error path, clean shutdown."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import pkgutil
from typing import Any, Generic, TypeVar, overload

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import offload
from bot.catalog.download.child import ChildRefresh
from bot.catalog.download.service import ImdbRefreshService
from bot.catalog.loader import NoCards, load_cards
from bot.catalog.service import CatalogService
from bot.clock import Clock, SystemClock
from bot.enrich.providers import build_providers, finder
from bot.enrich.service import EnrichService
from bot.films.service import FilmService
from bot.history.delivery import DiscordPrompts
from bot.history.service import HistoryService
from bot.letterboxd.delivery import DiscordDiaryDelivery
from bot.letterboxd.http import LetterboxdHttp
from bot.letterboxd.service import LetterboxdService
from bot.polls.delivery import PollDelivery
from bot.polls.service import PollService
from bot.preferences.service import PreferencesService
from bot.scores.service import ScoreService
from bot.settings import Settings
from bot.spoilers.service import PlotService
from bot.store import Store
from bot.timers import TimerDispatcher
from bot.ui import dispatch
from bot.ui.answers import answer_error
from bot.watchlist.service import WatchlistService
from bot.watchparty.delivery import DiscordDelivery
from bot.watchparty.service import WatchPartyService
from bot.where_to_watch.service import WhereToWatchService

log = logging.getLogger(__name__)

T = TypeVar("T")

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
# Connections kept open to Discord's API. discord.py's pool is unlimited, so a burst of a thousand clicks
# opened a thousand connections (each a TCP and, on Discord, a TLS handshake) to answer them; these are
# reused instead (``benchmarks.polls`` measures it). Gateway websockets on the same host come on top.
API_CONNECTIONS = 100


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


class _Prepared(Generic[T]):
    """A service the bot builds once in ``prepare()``; reading it earlier is a loud error, not ``None``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, bot: None, owner: type) -> _Prepared[T]: ...
    @overload
    def __get__(self, bot: FilmBot, owner: type) -> T: ...
    def __get__(self, bot: FilmBot | None, owner: type) -> T | _Prepared[T]:
        if bot is None:
            return self
        try:
            value: T = bot.__dict__[self._name]
        except KeyError:
            raise RuntimeError(f"bot.{self._name} is not ready; FilmBot.prepare() has not run") from None
        return value

    def __set__(self, bot: FilmBot, value: T) -> None:
        bot.__dict__[self._name] = value


class FilmBot(commands.Bot):
    """The client, and the owner of every service: each is built once, in ``prepare()``."""

    store = _Prepared[Store]()
    timers = _Prepared[TimerDispatcher]()
    films = _Prepared[FilmService]()
    scores = _Prepared[ScoreService]()
    plots = _Prepared[PlotService]()
    catalog = _Prepared[CatalogService]()
    imdb_refresh = _Prepared[ImdbRefreshService]()
    polls = _Prepared[PollService]()
    preferences = _Prepared[PreferencesService]()
    watch_parties = _Prepared[WatchPartyService]()
    history = _Prepared[HistoryService]()
    letterboxd = _Prepared[LetterboxdService]()
    watchlist = _Prepared[WatchlistService]()
    where_to_watch = _Prepared[WhereToWatchService]()
    enrich = _Prepared[EnrichService]()

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, offline: bool = False, **shards: Any
    ) -> None:
        """``shards``: discord.py's ``shard_count`` and ``shard_ids``, from ``bot.sharding.ShardedFilmBot``."""
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=FilmTree,
            # Nothing the bot sends pings anyone unless a feature asks for it explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=settings.guild_ready_timeout,
            **shards,
        )
        dispatch.install(self)  # clicks on filmbot's items build only the clicked component (bot.ui.dispatch)
        self.settings = settings
        # Offline (``filmbot ask``): prepare services and cogs, but never sync commands or connect.
        self.offline = offline
        self.clock: Clock = clock or SystemClock()
        self.ready_event = asyncio.Event()
        self._catch_up: asyncio.Task[None] | None = None  # results of polls closed just before a stop

    async def prepare(self) -> None:
        """Open the store, load the catalog, build every service once, load the cogs: all but Discord."""
        store = self.store = await Store.open(self.settings.database, clock=self.clock)
        try:
            await load_cards(store, self.settings.films_dir)  # logs each card it skips
        except NoCards as exc:
            log.error("film cards not loaded: %s", exc.message)  # the bot serves the films it has
        self.timers = TimerDispatcher(
            store, self.clock, grace=self.settings.timer_grace, lease=self.settings.timer_lease
        )
        self.films = FilmService(store)
        providers = build_providers(self.settings.online, self.clock)
        self.enrich = EnrichService(
            store, self.clock, providers, ttl=self.settings.online.ttl, finder=finder(providers)
        )
        self.scores = ScoreService(store, self.films, self.clock)
        self.plots = PlotService(store, self.enrich, tmdb=self.settings.online.tmdb)
        self.catalog = CatalogService(store)
        self.imdb_refresh = ImdbRefreshService(
            store, self.clock, self.settings.imdb_refresh, ChildRefresh(self.settings)
        )
        self.imdb_refresh.register_timers(self.timers)
        if self.runs_singletons:
            await self.imdb_refresh.schedule()
        self.preferences = PreferencesService(store)
        self.where_to_watch = WhereToWatchService(store, self.preferences, enabled=self.settings.online.tmdb)
        self.enrich.on_result(
            self.where_to_watch.record
        )  # TMDB's poster and offers, kept beside its cited values
        self.watchlist = WatchlistService(store, self.clock, self.preferences)
        self.polls = PollService(store, self.clock, scores=self.scores, watchlist=self.watchlist)
        self.polls.delivery = PollDelivery(self, self.polls)
        self.polls.register_timers(self.timers)
        self.watch_parties = WatchPartyService(store, self.clock, self.preferences, DiscordDelivery(self))
        self.watch_parties.register_timers(self.timers)
        self.history = HistoryService(
            store, self.clock, self.films, self.scores, self.preferences, DiscordPrompts(self)
        )
        self.history.register_timers(self.timers)
        self.history.watchlist = self.watchlist  # a film recorded as watched leaves the watchlist
        self.watch_parties.on_party_end(self.history.party_ended)
        web = LetterboxdHttp(self.settings.letterboxd_url, self.clock)
        self.letterboxd = LetterboxdService(store, self.clock, self.films, self.scores, self.preferences, web)
        self.letterboxd.poller.delivery = DiscordDiaryDelivery(self)
        self.letterboxd.register_timers(self.timers)
        if self.runs_singletons:
            await self.letterboxd.resume()
        for module in pkgutil.iter_modules(cogs.__path__, f"{cogs.__name__}."):
            if not module.name.rsplit(".", 1)[-1].startswith("_"):
                await self.load_extension(module.name)
        if not gc.get_freeze_count():
            # What start-up built lives as long as the process: out of every later collection, so the full
            # ones a catalog import's allocations set off scan only what came after (not ~0.1 s of it).
            gc.collect()
            gc.freeze()

    @property
    def runs_singletons(self) -> bool:
        """Whether this process does what a deployment does once: schedule the IMDb refresh, restore lost
        feed timers, post results a stop left unposted. Shard 0's process does (the only one, unsharded);
        with shards spread over processes sharing one database, the others leave it to that one. Timers
        themselves fire in whichever process claims them."""
        shards = self.settings.shards
        return not self.offline and (shards is None or shards.runs_shard_zero)

    def gateway_connections(self) -> int:
        """How many gateway websockets this process holds (each keeps one pooled connection)."""
        return 1

    async def login(self, token: str) -> None:
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(
                limit=0, limit_per_host=API_CONNECTIONS + self.gateway_connections()
            )
        await super().login(token)

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
        self._catch_up = asyncio.create_task(self._catch_up_polls(), name="poll-catch-up")
        log.info("ready as %s in %d server(s)", self.user, len(self.guilds))
        self.ready_event.set()

    async def _catch_up_polls(self) -> None:
        """Results a stop left unposted (in one process of a deployment), then each open poll's message
        in this process's servers shown as its ballots stand."""
        if self.runs_singletons:
            await self.polls.post_unposted()
        if isinstance(self.polls.delivery, PollDelivery):
            await self.polls.delivery.show_open([guild.id for guild in self.guilds])

    async def close(self) -> None:
        await dispatch.drain(self)  # clicks in hand commit and answer while the connection is open
        if "imdb_refresh" in self.__dict__:
            await self.imdb_refresh.stop()
        if "timers" in self.__dict__:
            await self.timers.stop()
        if self._catch_up is not None:
            self._catch_up.cancel()
        if "polls" in self.__dict__:
            await self.polls.delivery.stop()
        if "letterboxd" in self.__dict__:
            await self.letterboxd.close()
        if "enrich" in self.__dict__:
            await self.enrich.close()
        await super().close()
        if "store" in self.__dict__:
            await self.__dict__.pop("store").close()
        await asyncio.to_thread(offload.shutdown)
        log.info("filmbot stopped")
