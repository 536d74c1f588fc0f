"""The rating menu on Discord: posted in the party's channel when it ends, edited to closed a week later.

``DiscordPrompts`` is the history service's ``PromptDelivery``: a Discord refusal (a deleted channel, a
missing permission) comes back as ``Delivered.error`` for the service to record, never raised.

Posting at most once. The menu's row is committed before it is posted and its message id after; a crash
between Discord accepting the post and that commit makes the retried end timer post again, with the same
deterministic ``nonce`` and ``enforce_nonce`` (discord.py sets it whenever a nonce is given), so Discord
returns the message it already created instead of a second one when the retry comes within its nonce
window (a few minutes), which a restart does.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import discord

from bot.films.models import FilmSummary
from bot.history import render
from bot.history.models import Delivered, RatingPrompt
from bot.history.views import prompt_view
from bot.scores.models import ScoreSummary

if TYPE_CHECKING:
    from bot.client import FilmBot


def _nonce(prompt_id: int) -> str:
    """A deterministic nonce (Discord allows 25 characters) for one rating menu."""
    return hashlib.sha256(f"filmbot-history:prompt:{prompt_id}".encode()).hexdigest()[:25]


def _refusal(error: discord.HTTPException) -> str:
    return f"{error.status} {error.text or type(error).__name__}"


class DiscordPrompts:
    """Rating menus on Discord; the bot builds one in ``prepare()`` and gives it to the history service."""

    def __init__(self, bot: FilmBot) -> None:
        self._bot = bot

    def _channel(self, prompt: RatingPrompt) -> discord.PartialMessageable:
        return self._bot.get_partial_messageable(prompt.channel_id, guild_id=prompt.guild_id)

    async def post_prompt(self, prompt: RatingPrompt, film: FilmSummary) -> Delivered:
        try:
            message = await self._channel(prompt).send(
                render.prompt_text(prompt, film), view=prompt_view(prompt), nonce=_nonce(prompt.id)
            )
        except discord.HTTPException as error:
            return Delivered(error=_refusal(error))
        return Delivered(message.id)

    async def close_prompt(self, prompt: RatingPrompt, film: FilmSummary, summary: ScoreSummary) -> Delivered:
        if prompt.message_id is None:
            return Delivered()
        message = self._channel(prompt).get_partial_message(prompt.message_id)
        try:
            await message.edit(content=render.closed_text(prompt, film, summary), view=prompt_view(prompt))
        except discord.HTTPException as error:
            return Delivered(error=_refusal(error))
        return Delivered(prompt.message_id)
