"""Rendering of catalog listings: the browse page's embed."""

from __future__ import annotations

import discord

from bot.catalog.models import PAGE_SIZE, BrowsePage
from bot.films.models import FilmSummary
from bot.ui import limits
from bot.ui.embeds import build_embed
from bot.ui.text import plain, truncate

LIST_COLOUR = 0xE8B04B


# Room for one film's line, so that a whole page of the longest titles still shows every film.
LINE = limits.EMBED_DESCRIPTION // PAGE_SIZE - len("`100` \n")


def _shown(text: str, limit: int) -> str:
    """``text`` escaped to show literally, cut before escaping (never between an escape and its character)
    so that it fits ``limit``."""
    shown = plain(text)
    while len(shown) > limit:
        text = truncate(text, len(text) - max(1, (len(shown) - limit) // 2))
        shown = plain(text)
    return shown


def _line(number: int, film: FilmSummary) -> str:
    year = f" ({film.year})" if film.year else ""
    return f"`{number:>3}` {_shown(film.title, LINE - len(year))}{year}"


def browse_embed(page: BrowsePage) -> discord.Embed:
    lines = [_line(n, film) for n, film in enumerate(page.films, start=page.first_number)]
    return build_embed(
        title=truncate(
            f"{plain(page.filters.describe())} · {page.total:,} film{'s' if page.total != 1 else ''}", 200
        ),
        description="\n".join(lines),
        footer=f"Page {page.page} of {page.pages} · most-rated first · pick a film below to see its card",
        colour=LIST_COLOUR,
    )
