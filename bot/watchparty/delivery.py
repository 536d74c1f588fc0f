"""Sending party messages to Discord: announcements, changes, and timer messages at most once.

The guarantee for a timer's messages (reminders, "starting now"). A timer row is committed as
``running`` before its handler runs, and every part of its message (each ≤100-mention channel message,
each DM) is recorded in ``watch_party_deliveries`` right after Discord accepts it. If the process dies:

* before a part was sent: the restarted bot re-claims the timer (``Firing.retry``) and sends it;
* after a part was recorded: the retry skips it, so it is never sent twice;
* in the window between Discord accepting a part and our commit (milliseconds): the retry sends it
  again with the same deterministic ``nonce`` and ``enforce_nonce`` (discord.py sets it whenever a
  nonce is given), so Discord returns the message it already created instead of posting a second one
  when the retry comes within Discord's nonce window (a few minutes); for a later retry we first look
  in the channel's recent history for the bot's own message with the same text and adopt it.

So a part is lost only if Discord never accepted it and the bot stays down past the grace window (then
the timer is reported as missed); a duplicate needs a kill inside that millisecond window *and* a
restart later than the nonce window *and* the history lookup failing (no Read Message History).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.films.card import FilmCard
from bot.store.timers import Timer
from bot.store.watch_parties import Party
from bot.watchparty import render

if TYPE_CHECKING:
    from bot.client import FilmBot

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50


def nonce_for(timer_id: int, part: str) -> str:
    """A deterministic nonce (Discord allows 25 characters) for one part of one timer's message."""
    return hashlib.sha256(f"filmbot:{timer_id}:{part}".encode()).hexdigest()[:25]


async def film_of(bot: FilmBot, party: Party) -> tuple[str, FilmCard | None]:
    """The film's label and card for a party (the label survives a film that left the catalog)."""
    try:
        summary = await bot.films.by_id(party.film_id)
        return summary.label, await bot.films.card(summary)
    except Exception:  # the catalog changed under us: show what we can
        log.warning("film %s of party %s is not in the catalog", party.film_id, party.id)
        return f"film #{party.film_id}", None


def channel_of(bot: FilmBot, party: Party) -> discord.PartialMessageable:
    return bot.get_partial_messageable(party.channel_id, guild_id=party.guild_id)


async def announcement(bot: FilmBot, party: Party) -> tuple[discord.Embed, discord.ui.View | None]:
    label, card = await film_of(bot, party)
    counts = await bot.store.watch_parties.counts(party.id)
    return render.announcement_embed(party, label, card, counts), render.party_view(party, counts)


async def post_announcement(bot: FilmBot, party: Party) -> int:
    """Post a party's announcement in its channel (a repeat's next occurrence) and remember the message."""
    embed, view = await announcement(bot, party)
    channel = channel_of(bot, party)
    message = await (channel.send(embed=embed, view=view) if view else channel.send(embed=embed))
    await bot.store.watch_parties.set_message(party.id, message.id)
    return message.id


async def refresh_announcement(bot: FilmBot, party: Party) -> None:
    """Bring the announcement's time, counts and buttons up to date (errors are recorded, not raised)."""
    if party.message_id is None:
        return
    embed, view = await announcement(bot, party)
    try:
        await channel_of(bot, party).get_partial_message(party.message_id).edit(embed=embed, view=view)
    except discord.NotFound:
        log.info("announcement of party %s was deleted", party.id)
    except discord.HTTPException as error:
        await record_problem(bot, party, "updating the announcement", error)


async def record_problem(bot: FilmBot, party: Party, doing: str, error: discord.HTTPException) -> None:
    """Keep a Discord refusal on the party (shown by ``/watchparty info`` and ``list``) and log it."""
    text = f"{doing} failed: {error.status} {error.text or type(error).__name__}"
    log.warning("watch party %s: %s", party.id, text)
    await bot.store.watch_parties.record_error(party.id, text)


async def tell(bot: FilmBot, party: Party, text: str, user_ids: list[int]) -> None:
    """A one-off notice (moved, cancelled) in the party's channel, pinging exactly ``user_ids``."""
    channel = channel_of(bot, party)
    for message in render.with_mentions(text, user_ids):
        try:
            await channel.send(message.content, allowed_mentions=message.allowed_mentions)
        except discord.HTTPException as error:
            await record_problem(bot, party, "telling members about a change", error)
            return


async def deliver_once(
    bot: FilmBot,
    party: Party,
    timer: Timer,
    *,
    retry: bool,
    header: str,
    user_ids: list[int],
    footer: str = "",
) -> None:
    """Send a timer's message: DMs to members who opted in, the channel ping for everyone else. At most once."""
    store = bot.store.watch_parties
    done = await store.delivered(timer.id) if retry else {}
    dm_users = await store.dm_subscribers(user_ids) if user_ids else set()
    guild = bot.get_guild(party.guild_id)
    pinged = [u for u in user_ids if u not in dm_users]
    for user_id in sorted(dm_users):
        part = f"dm:{user_id}"
        if part in done:
            continue
        try:
            dm = await bot.create_dm(discord.Object(id=user_id))
            sent = await dm.send(
                render.dm_text(header, guild.name if guild else None), nonce=nonce_for(timer.id, part)
            )
        except discord.HTTPException:
            # DMs closed or the user gone: ping them in the channel instead.
            log.info("DM reminder to %s failed; pinging in the channel", user_id)
            pinged.append(user_id)
            continue
        await store.record_delivery(timer.id, part, sent.id)
    pinged = [u for u in user_ids if u in pinged]  # keep the RSVP order
    channel = channel_of(bot, party)
    messages = render.with_mentions(header, pinged, footer)
    for index, message in enumerate(messages):
        part = f"channel:{index}"
        if part in done:
            continue
        if retry:
            existing = await _already_posted(
                bot, channel, timer, message.content.removesuffix(footer).rstrip()
            )
            if existing is not None:
                await store.record_delivery(timer.id, part, existing)
                continue
        sent = await channel.send(
            message.content, allowed_mentions=message.allowed_mentions, nonce=nonce_for(timer.id, part)
        )
        await store.record_delivery(timer.id, part, sent.id)


async def _already_posted(
    bot: FilmBot, channel: discord.PartialMessageable, timer: Timer, text: str
) -> int | None:
    """After a crash: the id of the bot's own message with this text posted since the timer was due."""
    me = bot.user.id if bot.user else None
    try:
        async for message in channel.history(
            limit=HISTORY_LOOKBACK, after=timer.due_at - timedelta(seconds=5), oldest_first=True
        ):
            if message.author.id == me and message.content.startswith(text):
                return message.id
    except discord.HTTPException:
        log.info("could not read channel %s history to check for a sent reminder", channel.id)
    return None
