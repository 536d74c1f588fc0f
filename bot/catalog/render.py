"""Rendering of catalog listings: the browse page with its buttons, and the random pick's button."""

from __future__ import annotations

from typing import Any

import discord

from bot.catalog.browse import BrowsePage
from bot.ui import limits
from bot.ui.embeds import build_embed
from bot.ui.text import plain, truncate

LIST_COLOUR = 0xE8B04B
BROWSE_ID = "filmbot:films:browse:{page}:{key}"
OPEN_ID = "filmbot:films:open"
RANDOM_ID = "filmbot:films:random:{genre}"


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


def browse_view(page: BrowsePage, items: dict[str, Any]) -> discord.ui.View:
    """Previous / page / next buttons and a menu opening a film's card; ``items`` holds the item classes."""
    view = discord.ui.View(timeout=None)
    view.add_item(items["page"](page.page - 1, page.filters.key, label="◀ Previous", disabled=page.page <= 1))
    view.add_item(
        discord.ui.Button(
            label=f"{page.page} / {page.pages}",
            disabled=True,
            custom_id=f"filmbot:films:noop:{page.filters.key}",
        )
    )
    view.add_item(
        items["page"](page.page + 1, page.filters.key, label="Next ▶", disabled=page.page >= page.pages)
    )
    options = [
        discord.SelectOption(label=truncate(film.label, limits.SELECT_OPTION_TEXT), value=str(film.id))
        for film in page.films[: limits.SELECT_OPTIONS]
    ]
    view.add_item(items["open"](options))
    return view


def add_another(view: discord.ui.View, genre: str | None, item: Any) -> None:
    """Add an 'Another one' button under a random pick, when the genre fits in a custom_id."""
    if len(RANDOM_ID.format(genre=genre or "")) <= limits.CUSTOM_ID:
        view.add_item(item(genre))
