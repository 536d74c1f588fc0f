"""Timer handlers for watch parties: reminders, "starting now" (and the next occurrence), the end.

A Discord refusal (missing permission, deleted channel) is recorded on the party and logged, and the
handler returns normally: the timer is done (``fired``), never retried forever. A timer missed by more
than the grace window is reported in the party's channel instead of being sent late; the quiet effects
of a missed start (mark started, start the voice event, schedule the next repeat) still happen.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.store.watch_parties import Party
from bot.timers import Firing
from bot.watchparty import delivery, events, render
from bot.watchparty.service import END, REMINDER, START, WatchPartyService
from bot.watchparty.timeparse import describe_offset

if TYPE_CHECKING:
    from bot.client import FilmBot

log = logging.getLogger(__name__)


class PartyTimers:
    def __init__(self, bot: FilmBot, service: WatchPartyService) -> None:
        self._bot = bot
        self._service = service

    def register(self) -> None:
        timers = self._bot.timers
        timers.register(REMINDER, self.on_reminder, self.on_missed)
        timers.register(START, self.on_start, self.on_start_missed)
        timers.register(END, self.on_end, self.on_end)

    async def _party(self, firing: Firing) -> Party | None:
        party = await self._bot.store.watch_parties.get(int(firing.timer.ref))
        if party is None or party.status in ("cancelled", "completed"):
            return None  # a cancel raced the timer: nothing to do
        return party

    async def _deliver(self, firing: Firing, party: Party, header: str, what: str) -> None:
        """Send a timer's message once to the party's Going/Maybe members; a refusal is recorded, not retried."""
        attendees = await self._bot.store.watch_parties.attendees(party.id)
        try:
            await delivery.deliver_once(
                self._bot,
                party,
                firing.timer,
                retry=firing.retry,
                header=header,
                user_ids=attendees,
                footer=render.late_note(firing.late_by) if firing.late else "",
            )
        except discord.HTTPException as error:
            await delivery.record_problem(self._bot, party, what, error)

    def _grace_minutes(self) -> int:
        return round(self._bot.settings.timer_grace.total_seconds() / 60)

    async def on_reminder(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        label, _ = await delivery.film_of(self._bot, party)
        header = render.reminder_header(party, label, int(firing.timer.payload.get("offset", 0)))
        await self._deliver(firing, party, header, "sending a reminder")

    async def on_missed(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        offset = int(firing.timer.payload.get("offset", 0))
        await self._report_missed(party, f"{describe_offset(offset)} reminder", firing)

    async def _report_missed(self, party: Party, what: str, firing: Firing) -> None:
        label, _ = await delivery.film_of(self._bot, party)
        text = render.missed_text(party, label, what, firing.timer.due_at, self._grace_minutes())
        channel_id = await self._bot.store.guild_settings.get(party.guild_id, "modlog_channel")
        target = (
            self._bot.get_partial_messageable(int(channel_id), guild_id=party.guild_id)
            if channel_id
            else delivery.channel_of(self._bot, party)
        )
        try:
            await target.send(text)
        except discord.HTTPException as error:
            await delivery.record_problem(self._bot, party, f"reporting the missed {what}", error)
        await self._bot.store.watch_parties.record_error(party.id, f"missed the {what} (bot was offline)")

    async def on_start(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        label, _ = await delivery.film_of(self._bot, party)
        play_at = firing.now.replace(microsecond=0) + render.PLAY_COUNTDOWN
        header = render.starting_header(party, label, play_at)
        await self._deliver(firing, party, header, "sending the start message")
        await self._started(party)

    async def on_start_missed(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        await self._report_missed(party, '"starting now" message', firing)
        await self._started(party, late=True)

    async def _started(self, party: Party, *, late: bool = False) -> None:
        """Quiet effects of a start, each idempotent: status, the voice event, the next occurrence."""
        await self._service.mark(party.id, "started", only_from=("scheduled",))
        ends_at = party.starts_at + timedelta(minutes=party.runtime_minutes)
        if party.voice_channel_id and party.event_id and not (late and self._bot.clock.now() >= ends_at):
            try:
                await events.set_status(self._bot, party, events.STATUS_ACTIVE)
            except discord.HTTPException as error:
                await delivery.record_problem(self._bot, party, "starting the Discord event", error)
        following = await self._service.next_occurrence(party)
        if following is not None:
            await self.publish(following.party)
        fresh = await self._bot.store.watch_parties.get(party.id)
        if fresh is not None:
            await delivery.refresh_announcement(self._bot, fresh)

    async def publish(self, party: Party) -> None:
        """Create the Discord event and post the announcement for a party made by the bot (a repeat)."""
        label, card = await delivery.film_of(self._bot, party)
        try:
            event_id = await events.create(
                self._bot, party, render.event_name(label), render.event_description(card, party)
            )
            await self._bot.store.watch_parties.set_event(party.id, event_id)
        except discord.HTTPException as error:
            await delivery.record_problem(self._bot, party, "creating the Discord event", error)
        fresh = await self._bot.store.watch_parties.get(party.id)
        assert fresh is not None
        try:
            await delivery.post_announcement(self._bot, fresh)
        except discord.HTTPException as error:
            await delivery.record_problem(self._bot, fresh, "posting the announcement", error)

    async def on_end(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        await self._service.mark(party.id, "completed", only_from=("scheduled", "started"))
        if party.voice_channel_id and party.event_id:
            try:
                await events.finish(self._bot, party)
            except discord.HTTPException as error:
                await delivery.record_problem(self._bot, party, "completing the Discord event", error)
        fresh = await self._bot.store.watch_parties.get(party.id)
        if fresh is not None:
            await delivery.refresh_announcement(self._bot, fresh)
