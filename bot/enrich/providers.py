"""The providers the bot asks, in order, built once from the settings (``FilmBot.prepare()``).

Order matters: each provider sees what the ones before it found (``so_far``), so Wikidata, whose item
holds the other sites' ids (enwiki article, TMDB id), goes first. Add a provider here, one line each.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.enrich.http import ProviderHttp
from bot.enrich.service import FilmFinder, Provider
from bot.enrich.tmdb import TmdbProvider, tmdb_http
from bot.enrich.wikidata import WikidataProvider
from bot.enrich.wikipedia import WikipediaProvider
from bot.settings import OnlineSettings

log = logging.getLogger(__name__)

# Wikimedia asks non-interactive tools to send maxlag=5; a member waiting on a card goes without.
BULK_MAXLAG = 5


def build_providers(
    online: OnlineSettings, clock: Clock, *, interactive: bool = True
) -> tuple[Provider, ...]:
    """Every provider the settings turn on; none when ``FILMBOT_ONLINE=off``. ``interactive``: a member
    is waiting (the bot); otherwise a bulk run (``filmbot films enrich``), paced more gently."""
    if not online.enabled:
        return ()
    if not online.contact:
        log.warning(
            "FILMBOT_CONTACT is not set: Wikimedia's User-Agent policy asks for a way to reach whoever runs "
            "this bot (an email address or a web page); set it in .env"
        )
    providers: list[Provider] = [wikidata(online, clock, interactive)]
    providers.append(wikipedia(online, clock, interactive))  # after Wikidata: its item links the article
    if online.tmdb:  # after Wikidata, whose item may give the TMDB id (one request instead of two)
        http = tmdb_http(online.contact, clock, interactive=interactive)
        providers.append(
            TmdbProvider(online.tmdb_api, online.tmdb_key, http, clock, images=online.tmdb_images)
        )
    return tuple(providers)


def finder(providers: tuple[Provider, ...]) -> FilmFinder | None:
    """The provider that finds films the catalog lacks (Wikidata), when it is on."""
    return next((p for p in providers if isinstance(p, WikidataProvider)), None)


def wikimedia_http(name: str, online: OnlineSettings, clock: Clock, interactive: bool) -> ProviderHttp:
    """Wikimedia's etiquette: requests one after another per client (``concurrency`` 1 in bulk), a few at
    once for a member's card."""
    return ProviderHttp(
        name,
        contact=online.contact,
        concurrency=4 if interactive else 1,
        min_interval=0.0 if interactive else 0.2,
        clock=clock,
    )


def wikidata(online: OnlineSettings, clock: Clock, interactive: bool) -> WikidataProvider:
    """Wikidata, with ``maxlag`` in bulk."""
    http = wikimedia_http("Wikidata", online, clock, interactive)
    return WikidataProvider(online.wikidata_api, http, clock, maxlag=None if interactive else BULK_MAXLAG)


def wikipedia(online: OnlineSettings, clock: Clock, interactive: bool) -> WikipediaProvider:
    """Wikipedia, with ``maxlag`` in bulk."""
    http = wikimedia_http("Wikipedia", online, clock, interactive)
    return WikipediaProvider(http, online.wikipedia_api, clock, maxlag=None if interactive else BULK_MAXLAG)
