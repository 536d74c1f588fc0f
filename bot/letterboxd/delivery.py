"""Posting diary entries on Discord, at most once: ``DiscordDiaryDelivery`` is the poller's ``Delivery``.

Every post carries a nonce derived from its key (``polling.nonce_for``), and discord.py sends it with
``enforce_nonce``: a retry within Discord's nonce window (a few minutes) gets back the message the first
attempt made instead of a second one. A retry later than that (the bot was down longer) first looks in
the channel's recent messages for the bot's own post of the same entry (same link, or same title and
author line) and adopts it. A Discord refusal is returned, never raised: a missing permission or a
deleted channel lasts (the post is recorded as refused), a server error does not (tried again at the
next poll).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.letterboxd import views
from bot.letterboxd.models import Delivered, DiaryPost

if TYPE_CHECKING:
    from bot.client import FilmBot

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50


class DiscordDiaryDelivery:
    def __init__(self, bot: FilmBot) -> None:
        self._bot = bot

    async def post(self, channel_id: int, post: DiaryPost) -> Delivered:
        channel = self._bot.get_partial_messageable(channel_id, guild_id=post.pending.guild_id)
        embed, view = views.diary_message(post)
        try:
            if post.retry:
                existing = await self._already_posted(channel, post, embed)
                if existing is not None:
                    return Delivered(message_id=existing)
            if view is None:
                message = await channel.send(embed=embed, nonce=post.nonce)
            else:
                message = await channel.send(embed=embed, view=view, nonce=post.nonce)
        except discord.HTTPException as error:
            lasting = isinstance(error, discord.Forbidden | discord.NotFound) or error.status < 500
            reason = f"Discord answered {error.status} {error.text or type(error).__name__}"
            log.warning(
                "could not post Letterboxd entry %s in channel %s: %s",
                post.pending.entry.guid,
                channel_id,
                reason,
            )
            return Delivered(error=reason, lasting=lasting)
        return Delivered(message_id=message.id)

    async def _already_posted(
        self, channel: discord.PartialMessageable, post: DiaryPost, embed: discord.Embed
    ) -> int | None:
        """After a crash: the bot's own message for this entry, posted since it was recorded."""
        me = self._bot.user.id if self._bot.user else None
        since = post.pending.created_at - timedelta(seconds=5)
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK, after=since, oldest_first=True):
                if message.author.id != me or not message.embeds:
                    continue
                shown = message.embeds[0]
                same_link = embed.url is not None and shown.url == embed.url
                if same_link or (shown.title == embed.title and shown.description == embed.description):
                    return message.id
        except discord.HTTPException:
            log.info("could not read channel %s to check for a Letterboxd post already made", channel.id)
        return None
