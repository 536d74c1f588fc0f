"""The where-to-watch field of a film card, and the notices TMDB's terms ask for where its data is shown."""

from __future__ import annotations

from dataclasses import replace

import discord

from bot.films.card import FilmCard
from bot.preferences.countries import COUNTRIES
from bot.ui import limits
from bot.ui.embeds import Field
from bot.ui.text import join_limited, plain, truncate
from bot.where_to_watch.models import TmdbCard, WhereToWatch

# TMDB's terms: its notice wherever TMDB data is shown, and watch providers credited to JustWatch.
TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."
JUSTWATCH = "Where-to-watch data by JustWatch"
KIND_LABELS = {"flatrate": "Stream", "free": "Free", "ads": "Free with ads", "rent": "Rent", "buy": "Buy"}


def where_field(where: WhereToWatch) -> Field | None:
    """ "Where to watch (United States)": each kind of offer on a line, TMDB's page for every offer, when it
    was checked and JustWatch's credit; a plain sentence when the country has none. None: nothing to show."""
    if where.state == "hidden":
        return None
    if where.state == "no_region" or where.country is None:
        return Field(
            "Where to watch",
            "This server has no country set: a moderator can set one with `/settings region` to show where "
            "this film streams, rents and sells there.",
        )
    country = COUNTRIES.get(where.country, where.country)
    tail = _attribution(where)
    if not where.options:
        text = f"Not offered to stream, rent or buy in {country}, as far as JustWatch knows."
        return Field(f"Where to watch ({country})", f"{text}\n{tail}")
    lines = []
    for kind, label in KIND_LABELS.items():
        names = list(dict.fromkeys(plain(o.service) for o in where.options if o.kind == kind))
        if names:
            lines.append(f"**{label}:** " + join_limited(names, 300, ", "))
    body = truncate("\n".join(lines), limits.EMBED_FIELD_VALUE - len(tail) - 1)
    return Field(f"Where to watch ({country})", f"{body}\n{tail}")


def _attribution(where: WhereToWatch) -> str:
    parts = []
    if where.link:
        parts.append(f"[All offers on TMDB]({where.link})")
    if where.fetched_at is not None:
        parts.append(f"checked {discord.utils.format_dt(where.fetched_at, 'R')}")
    parts.append(JUSTWATCH)
    return " · ".join(parts)


def with_premise(card: FilmCard, premise: str | None) -> FilmCard:
    """A card without a premise of its own gets TMDB's overview (spoiler-free by design), cited to TMDB's
    source on the card, or named when the card lists none; a card's own premise always wins."""
    if card.premise or not premise:
        return card
    number = next((s.number for s in card.sources if s.kind == "tmdb"), None)
    return replace(card, premise=f"{premise} [{number}]" if number else f"{premise} (overview: TMDB)")


def tmdb_notice(card: FilmCard, tmdb: TmdbCard) -> str | None:
    """TMDB's notice, when the card shows anything of TMDB's (its poster, overview, offers or a value
    cited to it)."""
    shown = tmdb.poster_url or tmdb.premise or tmdb.where.state != "hidden"
    return TMDB_NOTICE if shown or any(s.kind == "tmdb" for s in card.sources) else None
