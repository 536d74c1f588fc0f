"""Watch parties on Discord: the scheduled event, the announcement, notices, and timer messages at most once.

``DiscordDelivery`` is the service's ``PartyDelivery``: every Discord refusal is recorded on the party
(shown by ``/watchparty info`` and ``list``) and logged, never raised. ``CommandReply`` is its ``Reply``:
the slash command being answered.

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
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.timers import Firing, Timer
from bot.ui.options import client_of
from bot.watchparty import events, render, views
from bot.watchparty.models import Party, Scheduled
from bot.watchparty.reminders import START
from bot.watchparty.service import EventChange

if TYPE_CHECKING:
    from bot.client import FilmBot

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50
# What a nonce's hash starts from (kept as it was, so a retry across an upgrade finds the same nonce).
_NONCE_SEED = "filmbot"
_EVENT_CHANGES: dict[EventChange, str] = {
    "move": "moving the Discord event",
    "start": "starting the Discord event",
    "cancel": "cancelling the Discord event",
    "finish": "completing the Discord event",
}


def nonce_for(timer_id: int, part: str) -> str:
    """A deterministic nonce (Discord allows 25 characters) for one part of one timer's message."""
    return hashlib.sha256(f"{_NONCE_SEED}:{timer_id}:{part}".encode()).hexdigest()[:25]


class DiscordDelivery:
    """Watch parties' Discord effects; the bot builds one in ``prepare()`` and gives it to the service."""

    def __init__(self, bot: FilmBot) -> None:
        self._bot = bot

    def _channel(self, party: Party) -> discord.PartialMessageable:
        return self._bot.get_partial_messageable(party.channel_id, guild_id=party.guild_id)

    async def _problem(self, party: Party, doing: str, error: discord.HTTPException) -> None:
        """Keep a Discord refusal on the party and log it."""
        text = f"{doing} failed: {error.status} {error.text or type(error).__name__}"
        log.warning("watch party %s: %s", party.id, text)
        await self._bot.store.watch_parties.record_error(party.id, text)

    # -- the scheduled event -------------------------------------------------------------------------

    async def create_event(self, party: Party) -> int | None:
        label, card = await views.film_of(self._bot, party)
        try:
            return await events.create(
                self._bot, party, render.event_name(label), render.event_description(card, party)
            )
        except discord.HTTPException as error:
            await self._problem(party, "creating the Discord event", error)
            return None

    async def update_event(self, party: Party, change: EventChange) -> None:
        try:
            if change == "move":
                await events.move(self._bot, party)
            elif change == "finish":
                await events.finish(self._bot, party)
            else:
                status = events.STATUS_ACTIVE if change == "start" else events.STATUS_CANCELED
                await events.set_status(self._bot, party, status)
        except discord.HTTPException as error:
            if change == "cancel" and isinstance(error, discord.NotFound):
                return  # a moderator deleted the event: nothing left to cancel
            await self._problem(party, _EVENT_CHANGES[change], error)

    # -- the announcement ----------------------------------------------------------------------------

    async def post_announcement(self, party: Party) -> int | None:
        embed, view = await views.announcement(self._bot, party)
        channel = self._channel(party)
        try:
            message = await (channel.send(embed=embed, view=view) if view else channel.send(embed=embed))
        except discord.HTTPException as error:
            await self._problem(party, "posting the announcement", error)
            return None
        return message.id

    async def refresh_announcement(self, party: Party) -> None:
        if party.message_id is None:
            return
        embed, view = await views.announcement(self._bot, party)
        try:
            message = self._channel(party).get_partial_message(party.message_id)
            await message.edit(embed=embed, view=view)
        except discord.NotFound:
            log.info("announcement of party %s was deleted", party.id)
        except discord.HTTPException as error:
            await self._problem(party, "updating the announcement", error)

    # -- messages ------------------------------------------------------------------------------------

    async def tell_change(self, party: Party, previous_start: datetime | None, user_ids: list[int]) -> None:
        label, _ = await views.film_of(self._bot, party)
        channel = self._channel(party)
        for message in render.with_mentions(render.change_text(party, label, previous_start), user_ids):
            try:
                await channel.send(message.content, allowed_mentions=message.allowed_mentions)
            except discord.HTTPException as error:
                await self._problem(party, "telling members about a change", error)
                return

    async def report_missed(self, party: Party, what: str, firing: Firing, channel_id: int | None) -> None:
        label, _ = await views.film_of(self._bot, party)
        grace = round(self._bot.settings.timer_grace.total_seconds() / 60)
        text = render.missed_text(party, label, what, firing.timer.due_at, grace)
        target = (
            self._bot.get_partial_messageable(channel_id, guild_id=party.guild_id)
            if channel_id
            else self._channel(party)
        )
        try:
            await target.send(text)
        except discord.HTTPException as error:
            await self._problem(party, f"reporting the missed {what}", error)

    async def send_timer_message(self, party: Party, firing: Firing, user_ids: list[int]) -> None:
        label, _ = await views.film_of(self._bot, party)
        if firing.timer.kind == START:
            play_at = firing.now.replace(microsecond=0) + render.PLAY_COUNTDOWN
            header, what = render.starting_header(party, label, play_at), "sending the start message"
        else:
            offset = int(firing.timer.payload.get("offset", 0))
            header, what = render.reminder_header(party, label, offset), "sending a reminder"
        footer = render.late_note(firing.late_by) if firing.late else ""
        try:
            await self._deliver_once(party, firing.timer, firing.retry, header, user_ids, footer)
        except discord.HTTPException as error:
            await self._problem(party, what, error)

    async def _deliver_once(
        self, party: Party, timer: Timer, retry: bool, header: str, user_ids: list[int], footer: str
    ) -> None:
        """DMs to members who opted in, the channel ping for everyone else. At most once."""
        store = self._bot.store.watch_parties
        done = await store.delivered(timer.id) if retry else {}
        dm_users = await self._bot.preferences.dm_subscribers(user_ids)
        pinged = [u for u in user_ids if u not in dm_users]
        for user_id in sorted(dm_users):
            part = f"dm:{user_id}"
            if part not in done and not await self._dm(party, timer, header, user_id, part):
                pinged.append(user_id)  # DMs closed or the user gone: ping them in the channel instead
        pinged = [u for u in user_ids if u in pinged]  # keep the RSVP order
        channel = self._channel(party)
        for index, message in enumerate(render.with_mentions(header, pinged, footer)):
            part = f"channel:{index}"
            if part in done:
                continue
            if retry:
                text = message.content.removesuffix(footer).rstrip()
                existing = await self._already_posted(channel, timer, text)
                if existing is not None:
                    await store.record_delivery(timer.id, part, existing)
                    continue
            sent = await channel.send(
                message.content, allowed_mentions=message.allowed_mentions, nonce=nonce_for(timer.id, part)
            )
            await store.record_delivery(timer.id, part, sent.id)

    async def _dm(self, party: Party, timer: Timer, header: str, user_id: int, part: str) -> bool:
        """One DM reminder, recorded once Discord accepted it; False when it could not be sent."""
        guild = self._bot.get_guild(party.guild_id)
        try:
            dm = await self._bot.create_dm(discord.Object(id=user_id))
            sent = await dm.send(
                render.dm_text(header, guild.name if guild else None), nonce=nonce_for(timer.id, part)
            )
        except discord.HTTPException:
            log.info("DM reminder to %s failed; pinging in the channel", user_id)
            return False
        await self._bot.store.watch_parties.record_delivery(timer.id, part, sent.id)
        return True

    async def _already_posted(
        self, channel: discord.PartialMessageable, timer: Timer, text: str
    ) -> int | None:
        """After a crash: the id of the bot's own message with this text posted since the timer was due."""
        me = self._bot.user.id if self._bot.user else None
        try:
            async for message in channel.history(
                limit=HISTORY_LOOKBACK, after=timer.due_at - timedelta(seconds=5), oldest_first=True
            ):
                if message.author.id == me and message.content.startswith(text):
                    return message.id
        except discord.HTTPException:
            log.info("could not read channel %s history to check for a sent reminder", channel.id)
        return None


class CommandReply:
    """A slash command answered in two steps: deferred once the change is committed, then followed up."""

    def __init__(self, interaction: discord.Interaction[Any], *, ephemeral: bool = False) -> None:
        self._interaction = interaction
        self._ephemeral = ephemeral

    async def acknowledge(self) -> None:
        await self._interaction.response.defer(thinking=True, ephemeral=self._ephemeral)

    async def announce(self, scheduled: Scheduled) -> int:
        followup = self._interaction.followup
        text, embed, view = await views.scheduled_message(client_of(self._interaction), scheduled)
        message = await (
            followup.send(text, embed=embed, view=view, wait=True)
            if view
            else followup.send(text, embed=embed, wait=True)
        )
        return message.id
