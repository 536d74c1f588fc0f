"""Letterboxd's Discord edge: a diary post (with the film's card button when the film is in the catalog).

The card button is the films feature's restart-proof ``CardButton`` (registered by its cog); this feature
has no items of its own. Embeds come from ``bot/letterboxd/render.py``.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.films.views import CardButton
from bot.letterboxd import render
from bot.letterboxd.models import DiaryPost


def diary_message(post: DiaryPost) -> tuple[discord.Embed, discord.ui.View | None]:
    """A diary entry as posted in the server's Letterboxd channel."""
    embed = render.diary_embed(post)
    if post.film is None:
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(CardButton(post.film.id))
    return embed, view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = ()
