"""Watch parties: scheduling, RSVPs, rescheduling and cancelling, each one method. No Discord here.

A party's row and its timer rows are committed in one unit of work, so a party is never saved without its
reminders (or the other way round). What must happen on Discord (the scheduled event, the announcement,
telling attendees) goes through ``PartyDelivery``, which ``bot/watchparty/delivery.py`` implements; a
command being answered is a ``Reply``: acknowledged once the change is committed, before the slower steps.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import BadInput, Conflict, NotFound
from bot.films.models import FilmSummary
from bot.preferences.service import PreferencesService
from bot.store import Duplicate, Repositories, Store
from bot.timers import Firing, TimerDispatcher
from bot.ui.member_text import optional_text
from bot.watchparty.models import (
    ANSWERS,
    Answers,
    Cancelled,
    Details,
    Listed,
    NewParty,
    Party,
    Rescheduled,
    RsvpCounts,
    Scheduled,
    ScheduleRequest,
)
from bot.watchparty.reminders import END, PARTY_TIMER_KINDS, REMINDER, START, PartyReminders
from bot.watchparty.timeparse import parse_offsets, parse_when

log = logging.getLogger(__name__)

DEFAULT_REMINDERS = "1d,1h,10m"
DEFAULT_RUNTIME_MINUTES = 120
REPEAT_DAYS = {"weekly": 7, "biweekly": 14}
NOTE_LIMIT = 500
LOCATION_LIMIT = 100  # Discord's limit for an external event's location

EventChange = Literal["move", "start", "cancel", "finish"]


class PartyDelivery(Protocol):
    """What watch parties need done on Discord. A refusal is recorded on the party, never raised."""

    async def create_event(self, party: Party) -> int | None:
        """Create the party's scheduled event; its id, or None when Discord refused."""

    async def update_event(self, party: Party, change: EventChange) -> None:
        """Move, start, cancel or finish the party's scheduled event (nothing when it has none)."""

    async def post_announcement(self, party: Party) -> int | None:
        """Post the announcement in the party's channel; its message id, or None when refused."""

    async def refresh_announcement(self, party: Party) -> None:
        """Bring the announcement's time, counts and buttons up to date (nothing when it has none)."""

    async def tell_change(self, party: Party, previous_start: datetime | None, user_ids: list[int]) -> None:
        """Tell members that the party moved (from ``previous_start``) or was cancelled, pinging them."""

    async def send_timer_message(self, party: Party, firing: Firing, user_ids: list[int]) -> None:
        """A reminder or "starting now" message, sent at most once, to these members."""

    async def report_missed(self, party: Party, what: str, firing: Firing, channel_id: int | None) -> None:
        """Say that ``what`` was missed while the bot was down, in ``channel_id`` or the party's channel."""


# Called when a party's end timer fires, before the party is marked completed (so a retry after a crash
# calls it again: it must be idempotent). The watched history records the viewing here.
PartyEndHook = Callable[[Party], Awaitable[None]]


class Reply(Protocol):
    """The moderator's command being answered."""

    async def acknowledge(self) -> None:
        """The change is committed; slower Discord steps follow."""

    async def announce(self, scheduled: Scheduled) -> int:
        """Answer with the new party's announcement; its message id."""


class WatchPartyService:
    def __init__(
        self, store: Store, clock: Clock, preferences: PreferencesService, delivery: PartyDelivery
    ) -> None:
        self._store = store
        self._clock = clock
        self._preferences = preferences
        self._delivery = delivery
        self.reminders = PartyReminders(self, store, clock, preferences, delivery)
        self.end_hooks: list[PartyEndHook] = []

    def register_timers(self, timers: TimerDispatcher) -> None:
        """Hand the dispatcher the handlers for reminders, starts and ends."""
        self.reminders.register(timers)

    def on_party_end(self, hook: PartyEndHook) -> None:
        """Call ``hook`` with each party whose end timer fires (on time or late)."""
        self.end_hooks.append(hook)

    # -- scheduling ----------------------------------------------------------------------------------

    async def runtime_minutes(self, film: FilmSummary) -> int:
        """The film's runtime from its card (the longest if sources disagree), else two hours."""
        record = await self._store.films.get(film.slug)
        values = []
        for fact in record.facts if record else ():
            if fact.key == "runtime_minutes":
                try:
                    values.append(int(float(fact.value)))
                except ValueError:
                    continue
        return max((v for v in values if v > 0), default=DEFAULT_RUNTIME_MINUTES)

    async def schedule(self, request: ScheduleRequest, reply: Reply | None = None) -> Scheduled:
        """Commit the party and its timers, then create its Discord event and announce it.

        With ``reply`` the announcement is the command's answer; without, it is posted in the channel.
        """
        now = self._clock.now()
        zone = await self._preferences.zone_for(request.guild_id, request.user_id, request.zone)
        new = await self._new_party(request, zone, now)
        scheduled = await self._insert(new, now, zone)
        if reply is not None:
            await reply.acknowledge()
        return replace(scheduled, party=await self._publish(scheduled, reply))

    async def _new_party(self, request: ScheduleRequest, zone: str, now: datetime) -> NewParty:
        """Read and check the request; ``BadInput`` before anything is written."""
        parsed = parse_when(request.when, zone, now)
        offsets = parse_offsets(request.reminders if request.reminders is not None else DEFAULT_REMINDERS)
        if request.repeat is not None and request.repeat not in REPEAT_DAYS:
            raise BadInput("Repeat must be “weekly” or “biweekly”.")
        location = optional_text(request.location, "The place", LOCATION_LIMIT)
        note = optional_text(request.note, "The note", NOTE_LIMIT)
        return NewParty(
            guild_id=request.guild_id,
            channel_id=request.channel_id,
            film_id=request.film.id,
            starts_at=parsed.at,
            timezone=parsed.zone,
            runtime_minutes=await self.runtime_minutes(request.film),
            created_by=request.user_id,
            reminders=offsets,
            voice_channel_id=request.voice_channel_id,
            location=location or None,
            repeat=request.repeat,
            note=note or None,
        )

    async def _insert(self, new: NewParty, now: datetime, zone: str) -> Scheduled:
        async with self._store.transaction() as tx:
            party_id = await tx.watch_parties.insert(new)
            skipped = await _add_timers(tx, party_id, new.starts_at, new.reminders, new.runtime_minutes, now)
        party = await self.get(party_id)
        log.info("watch party %s scheduled for %s in guild %s", party.id, party.starts_at, party.guild_id)
        return Scheduled(party, skipped, zone)

    async def _publish(self, scheduled: Scheduled, reply: Reply | None) -> Party:
        """The one place a party's Discord event is created and its announcement posted."""
        party = scheduled.party
        event_id = await self._delivery.create_event(party)
        if event_id is not None:
            await self._store.watch_parties.set_event(party.id, event_id)
        party = await self.get(party.id)
        if reply is not None:
            message_id: int | None = await reply.announce(replace(scheduled, party=party))
        else:
            message_id = await self._delivery.post_announcement(party)
        if message_id is None:
            return party
        await self._store.watch_parties.set_message(party.id, message_id)
        party = await self.get(party.id)
        # Interest on the Discord event can arrive before the announcement's id is stored: catch it up.
        if await self.counts(party.id) != RsvpCounts():
            await self._delivery.refresh_announcement(party)
        return party

    async def next_occurrence(self, party: Party) -> Scheduled | None:
        """For a repeating party that just started: schedule and announce the next one, same local wall
        time (DST-correct).

        Idempotent: a party has at most one next occurrence (a unique index), so a retried start
        timer returns None instead of making a second one.
        """
        if party.repeat is None:
            return None
        if await self._store.watch_parties.next_of(party.id) is not None:
            return None
        zone = ZoneInfo(party.timezone)
        local = party.starts_at.astimezone(zone).replace(tzinfo=None)
        following = (local + timedelta(days=REPEAT_DAYS[party.repeat])).replace(tzinfo=zone)
        # A wall time that falls in a DST gap moves forward with the clocks (what a calendar does).
        new = replace(_as_new(party), starts_at=following.astimezone(ZoneInfo("UTC")), previous_id=party.id)
        try:
            scheduled = await self._insert(new, self._clock.now(), party.timezone)
        except Duplicate:
            return None  # made concurrently by an earlier attempt
        return replace(scheduled, party=await self._publish(scheduled, None))

    # -- reading -------------------------------------------------------------------------------------

    async def get(self, party_id: int, guild_id: int | None = None) -> Party:
        party = await self._store.watch_parties.get(party_id)
        if party is None or (guild_id is not None and party.guild_id != guild_id):
            raise NotFound(
                f"There is no watch party #{party_id} in this server.",
                hints=("“/watchparty list” shows the upcoming ones with their numbers.",),
            )
        return party

    async def upcoming(self, guild_id: int) -> list[Party]:
        return await self._store.watch_parties.upcoming(guild_id)

    async def counts(self, party_id: int) -> RsvpCounts:
        return await self._store.watch_parties.counts(party_id)

    async def listing(self, guild_id: int) -> list[Listed]:
        """The upcoming parties with their answers (``/watchparty list``)."""
        return [Listed(party, await self.counts(party.id)) for party in await self.upcoming(guild_id)]

    async def details(self, party_id: int, guild_id: int | None) -> Details:
        """A party, its answers, and when its pending reminders are due (``/watchparty info``)."""
        party = await self.get(party_id, guild_id)
        timers = await self._store.timers.for_ref(REMINDER, str(party.id))
        due = tuple(timer.due_at for timer in timers if timer.state == "pending")
        return Details(party, await self.counts(party.id), due)

    async def answers(self, party_id: int, guild_id: int | None) -> Answers:
        """Who answered what (``/watchparty rsvps``)."""
        party = await self.get(party_id, guild_id)
        return Answers(party, tuple(await self._store.watch_parties.rsvps(party.id)))

    # -- RSVPs ---------------------------------------------------------------------------------------

    async def rsvp(self, party_id: int, user_id: int, answer: str) -> tuple[Party, RsvpCounts]:
        if answer not in ANSWERS:
            raise BadInput(f"Unknown answer {answer!r}.")
        party = await self.get(party_id)
        if party.status in ("completed", "cancelled"):
            raise Conflict(f"Watch party #{party.id} is {party.status}; answers are closed.")
        await self._store.watch_parties.set_rsvp(party_id, user_id, answer, "button")
        return party, await self.counts(party_id)

    async def interest(self, event_id: int, user_id: int, *, added: bool) -> Party | None:
        """Follow the Discord event's Interested list and update the announcement.

        Returns the party when an RSVP changed.
        """
        party = await self._store.watch_parties.by_event(event_id)
        if party is None or party.status in ("completed", "cancelled"):
            return None
        store = self._store.watch_parties
        changed = (
            await store.add_interest(party.id, user_id)
            if added
            else await store.remove_interest(party.id, user_id)
        )
        if not changed:
            return None
        # Read the party again after the commit: if the announcement's id was stored meanwhile, this sees
        # it; if not, ``_publish`` sees this RSVP when it stores the id (see there).
        fresh = await store.get(party.id)
        if fresh is not None:
            await self._delivery.refresh_announcement(fresh)
        return party

    # -- changing ------------------------------------------------------------------------------------

    async def reschedule(
        self,
        party_id: int,
        guild_id: int,
        user_id: int,
        when: str,
        zone: str | None = None,
        *,
        reply: Reply | None = None,
    ) -> Rescheduled:
        """Move a party, its timers and its event; update the announcement; tell its attendees."""
        party = await self.get(party_id, guild_id)
        if party.status != "scheduled":
            raise Conflict(f"Watch party #{party.id} is {party.status}; it can't be moved.")
        now = self._clock.now()
        reading_zone = await self._preferences.zone_for(guild_id, user_id, zone)
        parsed = parse_when(when, reading_zone, now)
        async with self._store.transaction() as tx:
            changed = await tx.watch_parties.set_status(party.id, "scheduled", only_from=("scheduled",))
            if not changed:
                raise Conflict(f"Watch party #{party.id} has already started; it can't be moved.")
            await _cancel_timers(tx, party.id)
            await tx.watch_parties.set_start(party.id, parsed.at)
            skipped = await _add_timers(tx, party.id, parsed.at, party.reminders, party.runtime_minutes, now)
        moved = await self.get(party.id)
        log.info("watch party %s moved from %s to %s", party.id, party.starts_at, moved.starts_at)
        if reply is not None:
            await reply.acknowledge()
        await self._delivery.update_event(moved, "move")
        await self._delivery.refresh_announcement(moved)
        told = await self._tell(moved, party.starts_at)
        return Rescheduled(moved, party.starts_at, skipped, reading_zone, told)

    async def cancel(self, party_id: int, guild_id: int, *, reply: Reply | None = None) -> Cancelled:
        """Cancel a party, its timers and its event; update the announcement; tell its attendees."""
        party = await self.get(party_id, guild_id)
        if party.status in ("completed", "cancelled"):
            raise Conflict(f"Watch party #{party.id} is already {party.status}.")
        async with self._store.transaction() as tx:
            await tx.watch_parties.set_status(party.id, "cancelled")
            await _cancel_timers(tx, party.id)
        log.info("watch party %s cancelled", party.id)
        cancelled = await self.get(party.id)
        if reply is not None:
            await reply.acknowledge()
        if cancelled.event_id:
            await self._delivery.update_event(cancelled, "cancel")
        await self._delivery.refresh_announcement(cancelled)
        return Cancelled(cancelled, await self._tell(cancelled, None))

    async def _tell(self, party: Party, previous_start: datetime | None) -> int:
        attendees = await self._store.watch_parties.attendees(party.id)
        await self._delivery.tell_change(party, previous_start, attendees)
        return len(attendees)

    async def mark(self, party_id: int, status: str, *, only_from: tuple[str, ...]) -> bool:
        return await self._store.watch_parties.set_status(party_id, status, only_from=only_from)


def _as_new(party: Party) -> NewParty:
    """A copy of a party's plan (every field a new party has), to schedule its next occurrence from."""
    return NewParty(**{f.name: getattr(party, f.name) for f in fields(NewParty)})


async def _cancel_timers(tx: Repositories, party_id: int) -> None:
    for kind in PARTY_TIMER_KINDS:
        await tx.timers.cancel(kind, str(party_id))


async def _add_timers(
    tx: Repositories,
    party_id: int,
    starts_at: datetime,
    offsets: tuple[int, ...],
    runtime_minutes: int,
    now: datetime,
) -> tuple[int, ...]:
    """A party's reminder, start and end timers, in the caller's unit of work; the offsets already past."""
    ref = str(party_id)
    skipped = []
    for offset in offsets:
        due = starts_at - timedelta(seconds=offset)
        if due <= now:
            skipped.append(offset)
            continue
        await tx.timers.add(REMINDER, ref, due, {"offset": offset})
    await tx.timers.add(START, ref, starts_at, {})
    await tx.timers.add(END, ref, starts_at + timedelta(minutes=runtime_minutes), {})
    return tuple(skipped)
