"""Fitting embeds inside Discord's limits, however large the data behind them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.ui import limits
from bot.ui.text import truncate


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


def build_embed(
    *,
    title: str,
    description: str | None = None,
    fields: Sequence[Field] = (),
    footer: str | None = None,
    colour: discord.Colour | int | None = None,
) -> discord.Embed:
    """An embed within every per-part limit and the 6,000 total: later fields are dropped first."""
    embed = discord.Embed(
        title=truncate(title, limits.EMBED_TITLE),
        description=truncate(description, limits.EMBED_DESCRIPTION) if description else None,
        colour=colour,
    )
    if footer:
        embed.set_footer(text=truncate(footer, limits.EMBED_FOOTER))
    for field in list(fields)[: limits.EMBED_FIELDS]:
        if field.value.strip():
            embed.add_field(
                name=truncate(field.name, limits.EMBED_FIELD_NAME),
                value=truncate(field.value, limits.EMBED_FIELD_VALUE),
                inline=field.inline,
            )
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > limits.EMBED_TOTAL and embed.description:
        excess = len(embed) - limits.EMBED_TOTAL
        embed.description = truncate(embed.description, max(len(embed.description) - excess, 0))
    return embed
