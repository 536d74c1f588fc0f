"""Watch party timers: the kinds, and what each does when due (reminders, "starting now", the end).

A Discord refusal (missing permission, deleted channel) is recorded on the party by the delivery and the
handler returns normally: the timer is done (``fired``), never retried forever. A timer missed by more
than the grace window is reported (in the server's modlog channel, else the party's) instead of being
sent late; the quiet effects of a missed start (mark started, start the voice event, schedule the next
repeat) still happen. No Discord here: messages and events go through the service's ``PartyDelivery``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.timers import Firing, TimerDispatcher
from bot.watchparty.models import Party
from bot.watchparty.timeparse import describe_offset

if TYPE_CHECKING:
    from bot.watchparty.service import PartyDelivery, WatchPartyService

log = logging.getLogger(__name__)

REMINDER = "watchparty-reminder"
START = "watchparty-start"
END = "watchparty-end"
PARTY_TIMER_KINDS = (REMINDER, START, END)


class PartyReminders:
    """The handlers for a party's timers; the service builds one and registers it with the dispatcher."""

    def __init__(
        self,
        service: WatchPartyService,
        store: Store,
        clock: Clock,
        preferences: PreferencesService,
        delivery: PartyDelivery,
    ) -> None:
        self._service = service
        self._store = store
        self._clock = clock
        self._preferences = preferences
        self._delivery = delivery

    def register(self, timers: TimerDispatcher) -> None:
        timers.register(REMINDER, self.on_reminder, self.on_missed)
        timers.register(START, self.on_start, self.on_start_missed)
        timers.register(END, self.on_end, self.on_end)

    async def _party(self, firing: Firing) -> Party | None:
        party = await self._store.watch_parties.get(int(firing.timer.ref))
        if party is None or party.status in ("cancelled", "completed"):
            return None  # a cancel raced the timer: nothing to do
        return party

    async def _deliver(self, firing: Firing, party: Party) -> None:
        """Send a timer's message once to the party's Going/Maybe members."""
        attendees = await self._store.watch_parties.attendees(party.id)
        await self._delivery.send_timer_message(party, firing, attendees)

    async def on_reminder(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is not None:
            await self._deliver(firing, party)

    async def on_missed(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        offset = int(firing.timer.payload.get("offset", 0))
        await self._report_missed(party, f"{describe_offset(offset)} reminder", firing)

    async def _report_missed(self, party: Party, what: str, firing: Firing) -> None:
        server = await self._preferences.guild(party.guild_id)
        await self._delivery.report_missed(party, what, firing, server.modlog_channel_id)
        await self._store.watch_parties.record_error(party.id, f"missed the {what} (bot was offline)")

    async def on_start(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        await self._deliver(firing, party)
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
        if party.voice_channel_id and party.event_id and not (late and self._clock.now() >= ends_at):
            await self._delivery.update_event(party, "start")
        await self._service.next_occurrence(party)
        await self._refresh(party.id)

    async def on_end(self, firing: Firing) -> None:
        party = await self._party(firing)
        if party is None:
            return
        for hook in self._service.end_hooks:
            try:
                await hook(party)
            except Exception:
                # The party still ends (its event, its announcement); the hook's own failure is logged.
                log.exception("a party-end hook failed for watch party %s", party.id)
        await self._service.mark(party.id, "completed", only_from=("scheduled", "started"))
        if party.voice_channel_id and party.event_id:
            await self._delivery.update_event(party, "finish")
        await self._refresh(party.id)

    async def _refresh(self, party_id: int) -> None:
        fresh = await self._store.watch_parties.get(party_id)
        if fresh is not None:
            await self._delivery.refresh_announcement(fresh)
