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
    """A fault (a bug, an outage). It may have struck before or after something was saved, so this says
    neither that nothing was lost nor that anything was kept."""
    return build_embed(
        title="Something went wrong on our side",
        description=(
            "The command failed before it finished, so it may not have done what you asked: check, "
            f"then try again in a moment. The error is logged (reference `{reference}`)."
        ),
        colour=ERROR_COLOUR,
    )


def not_saved_embed(why: str, reference: str) -> discord.Embed:
    """The database refused a write (``WriteFailed``): it was rolled back, so say plainly it was not saved."""
    return build_embed(
        title="Not saved",
        description=(
            f"This was **not saved**: {why}, so the bot could not record it. Try again later; if it keeps "
            f"failing, tell a server admin (the error is logged with reference `{reference}`)."
        ),
        colour=ERROR_COLOUR,
    )
