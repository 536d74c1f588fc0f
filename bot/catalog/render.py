"""Rendering of catalog listings: the browse page's embed."""

from __future__ import annotations

import discord

from bot.catalog.models import BrowsePage
from bot.ui.embeds import build_embed
from bot.ui.text import plain, truncate

LIST_COLOUR = 0xE8B04B


def browse_embed(page: BrowsePage) -> discord.Embed:
    lines = [f"`{n:>3}` {plain(film.label)}" for n, film in enumerate(page.films, start=page.first_number)]
    return build_embed(
        title=truncate(
            f"{plain(page.filters.describe())} · {page.total:,} film{'s' if page.total != 1 else ''}", 200
        ),
        description="\n".join(lines),
        footer=f"Page {page.page} of {page.pages} · most-rated first · pick a film below to see its card",
        colour=LIST_COLOUR,
    )
