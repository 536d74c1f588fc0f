"""How errors look to the member: one ephemeral embed that says what was wrong and what would work."""

from __future__ import annotations

import discord

from bot.errors import UserError
from bot.ui.embeds import build_embed
from bot.ui.text import join_limited, plain

ERROR_COLOUR = 0xD9534F


def user_error_embed(error: UserError) -> discord.Embed:
    description = plain(error.message) if "\n" not in error.message else error.message
    if error.hints:
        description += "\n" + join_limited([f"• {plain(h)}" for h in error.hints], 1500)
    return build_embed(title=error.title, description=description, colour=ERROR_COLOUR)


def internal_error_embed(reference: str) -> discord.Embed:
    return build_embed(
        title="Something went wrong on our side",
        description=(
            "The command failed and nothing you entered was lost. The error is logged "
            f"(reference `{reference}`); please try again in a moment."
        ),
        colour=ERROR_COLOUR,
    )
