"""The providers the bot asks, in order, built once from the settings (``FilmBot.prepare()``).

Order matters: each provider sees what the ones before it found (``so_far``), so Wikidata, whose item
holds the other sites' ids (enwiki article, TMDB id), goes first. Add a provider here, one line each.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.enrich.service import Provider
from bot.enrich.tmdb import TmdbProvider
from bot.settings import OnlineSettings


def build_providers(online: OnlineSettings, clock: Clock) -> tuple[Provider, ...]:
    """Every provider the settings turn on; none when ``FILMBOT_ONLINE=off``."""
    if not online.enabled:
        return ()
    providers: list[Provider] = []
    if online.tmdb:  # after Wikidata, whose item may give the TMDB id (one request instead of two)
        tmdb = TmdbProvider(
            online.tmdb_api, online.tmdb_key, clock, images=online.tmdb_images, contact=online.contact
        )
        providers.append(tmdb)
    return tuple(providers)
