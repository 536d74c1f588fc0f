"""Where to watch: keeps what TMDB said of a film's poster and offers, and picks what a server is shown
(its region's offers). No Discord here."""

from __future__ import annotations

from datetime import datetime

from bot.enrich.models import ProviderResult
from bot.enrich.tmdb import NAME, watch_page
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.where_to_watch.models import TmdbCard, TmdbExtras, WhereToWatch


class WhereToWatchService:
    """``enabled``: whether TMDB is set up (a key, and the bot online); off, cards show nothing of this."""

    def __init__(self, store: Store, preferences: PreferencesService, *, enabled: bool) -> None:
        self._store = store
        self._preferences = preferences
        self.enabled = enabled

    async def record(self, film_id: int, result: ProviderResult, fetched_at: datetime) -> bool:
        """Keep the poster, overview and offers of a TMDB read that found the film (the enrichment
        service's hook after each provider's result: others' are ignored). A read saying TMDB has no such
        film forgets what an earlier one kept; a failed read keeps it (the card goes on showing it, with
        its date). True when the store changed."""
        if result.provider != NAME:
            return False
        if result.status == "missing":
            return await self._store.where_to_watch.forget(film_id)
        if result.status != "ok" or not (result.ids.tmdb or "").isdigit():
            return False
        tmdb_id = int(result.ids.tmdb or 0)
        extras = TmdbExtras(film_id, tmdb_id, fetched_at, result.poster_url, result.watch, result.premise)
        await self._store.where_to_watch.replace(extras)
        return True

    async def for_card(self, film_id: int, guild_id: int | None) -> TmdbCard:
        """The poster, the overview, and the offers in the server's region (or that it has none set)."""
        if not self.enabled:
            return TmdbCard()
        region = (await self._preferences.guild(guild_id)).region if guild_id is not None else None
        extras = await self._store.where_to_watch.get(film_id, region)
        if extras is None:
            return TmdbCard()
        if guild_id is None:
            return TmdbCard(extras.poster_url, extras.premise)
        if region is None:
            return TmdbCard(extras.poster_url, extras.premise, WhereToWatch("no_region"))
        link = next((o.url for o in extras.options if o.url), watch_page(extras.tmdb_id, region))
        where = WhereToWatch("offers", region, extras.options, link, extras.fetched_at)
        return TmdbCard(extras.poster_url, extras.premise, where)
