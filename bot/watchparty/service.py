"""Watch parties: scheduling, RSVPs, rescheduling and cancelling. Store and clock only; no Discord here.

Every write that creates or moves timers commits the party row and its timer rows in one transaction,
then wakes the dispatcher, so a party is never saved without its reminders (or the other way round).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import BadInput, Conflict, NotFound
from bot.films.models import FilmSummary
from bot.store import Duplicate, Repositories, Store
from bot.store.watch_parties import ANSWERS, PARTY_TIMER_KINDS, NewParty, Party, RsvpCounts
from bot.ui.text import one_line
from bot.watchparty.timeparse import parse_offsets, parse_when, zone_named

log = logging.getLogger(__name__)

REMINDER = "watchparty-reminder"
START = "watchparty-start"
END = "watchparty-end"
DEFAULT_REMINDERS = "1d,1h,10m"
DEFAULT_RUNTIME_MINUTES = 120
REPEAT_DAYS = {"weekly": 7, "biweekly": 14}
NOTE_LIMIT = 500
LOCATION_LIMIT = 100  # Discord's limit for an external event's location


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    guild_id: int
    channel_id: int
    user_id: int
    film: FilmSummary
    when: str
    zone: str | None = None
    reminders: str | None = None
    voice_channel_id: int | None = None
    location: str | None = None
    repeat: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Scheduled:
    party: Party
    # Reminder offsets left out because their moment had already passed ("1d" for a party in 3 hours).
    skipped: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Rescheduled:
    party: Party
    previous_start: datetime
    skipped: tuple[int, ...]


class WatchPartyService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- zones ---------------------------------------------------------------------------------------

    async def zone_for(self, guild_id: int | None, user_id: int, explicit: str | None = None) -> str:
        """The zone a member's times are read in: the option, else theirs, else the server's, else UTC."""
        if explicit:
            return str(zone_named(explicit).key)
        member = await self._store.watch_parties.member(user_id)
        if member.timezone:
            return member.timezone
        if guild_id is not None:
            server = await self._store.guild_settings.get(guild_id, "timezone")
            if server:
                return server
        return "UTC"

    async def set_member_zone(self, user_id: int, zone: str) -> str:
        name = str(zone_named(zone).key)
        await self._store.watch_parties.set_member_timezone(user_id, name)
        return name

    async def set_guild_zone(self, guild_id: int, zone: str) -> str:
        name = str(zone_named(zone).key)
        await self._store.guild_settings.set(guild_id, "timezone", name)
        return name

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

    async def schedule(self, request: ScheduleRequest) -> Scheduled:
        now = self._clock.now()
        zone = await self.zone_for(request.guild_id, request.user_id, request.zone)
        parsed = parse_when(request.when, zone, now)
        offsets = parse_offsets(request.reminders if request.reminders is not None else DEFAULT_REMINDERS)
        if request.repeat is not None and request.repeat not in REPEAT_DAYS:
            raise BadInput("Repeat must be “weekly” or “biweekly”.")
        location = one_line(request.location).strip() if request.location else None
        if location is not None and len(location) > LOCATION_LIMIT:
            raise BadInput(f"The place can be at most {LOCATION_LIMIT} characters.")
        note = request.note.strip() if request.note else None
        if note is not None and len(note) > NOTE_LIMIT:
            raise BadInput(f"The note can be at most {NOTE_LIMIT} characters (it has {len(note)}).")
        new = NewParty(
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
        return await self._insert(new, now)

    async def _insert(self, new: NewParty, now: datetime) -> Scheduled:
        async with self._store.transaction() as tx:
            party_id = await tx.watch_parties.insert(new)
            skipped = await _add_timers(tx, party_id, new.starts_at, new.reminders, new.runtime_minutes, now)
        party = await self._store.watch_parties.get(party_id)
        assert party is not None
        log.info("watch party %s scheduled for %s in guild %s", party.id, party.starts_at, party.guild_id)
        return Scheduled(party, skipped)

    async def next_occurrence(self, party: Party) -> Scheduled | None:
        """For a repeating party that just started: the next one, same local wall time (DST-correct).

        Idempotent: a party has at most one next occurrence (a unique index), so a retried start
        timer returns the one already made.
        """
        if party.repeat is None:
            return None
        existing = await self._store.watch_parties.next_of(party.id)
        if existing is not None:
            return None
        zone = ZoneInfo(party.timezone)
        local = party.starts_at.astimezone(zone).replace(tzinfo=None)
        following = (local + timedelta(days=REPEAT_DAYS[party.repeat])).replace(tzinfo=zone)
        # A wall time that falls in a DST gap moves forward with the clocks (what a calendar does).
        starts_at = following.astimezone(ZoneInfo("UTC"))
        new = NewParty(
            guild_id=party.guild_id,
            channel_id=party.channel_id,
            film_id=party.film_id,
            starts_at=starts_at,
            timezone=party.timezone,
            runtime_minutes=party.runtime_minutes,
            created_by=party.created_by,
            reminders=party.reminders,
            voice_channel_id=party.voice_channel_id,
            location=party.location,
            repeat=party.repeat,
            note=party.note,
            previous_id=party.id,
        )
        try:
            return await self._insert(new, self._clock.now())
        except Duplicate:
            return None  # made concurrently by an earlier attempt

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
        """Follow the Discord event's Interested list. Returns the party when an RSVP changed."""
        party = await self._store.watch_parties.by_event(event_id)
        if party is None or party.status in ("completed", "cancelled"):
            return None
        store = self._store.watch_parties
        changed = (
            await store.add_interest(party.id, user_id)
            if added
            else await store.remove_interest(party.id, user_id)
        )
        return party if changed else None

    async def set_dm_reminders(self, user_id: int, enabled: bool) -> None:
        await self._store.watch_parties.set_dm_reminders(user_id, enabled)

    # -- changing ------------------------------------------------------------------------------------

    async def reschedule(
        self, party_id: int, guild_id: int, user_id: int, when: str, zone: str | None = None
    ) -> Rescheduled:
        party = await self.get(party_id, guild_id)
        if party.status != "scheduled":
            raise Conflict(f"Watch party #{party.id} is {party.status}; it can't be moved.")
        now = self._clock.now()
        reading_zone = await self.zone_for(guild_id, user_id, zone)
        parsed = parse_when(when, reading_zone, now)
        async with self._store.transaction() as tx:
            changed = await tx.watch_parties.set_status(party.id, "scheduled", only_from=("scheduled",))
            if not changed:
                raise Conflict(f"Watch party #{party.id} has already started; it can't be moved.")
            for kind in PARTY_TIMER_KINDS:
                await tx.timers.cancel(kind, str(party.id))
            await tx.watch_parties.set_start(party.id, parsed.at)
            skipped = await _add_timers(tx, party.id, parsed.at, party.reminders, party.runtime_minutes, now)
        moved = await self.get(party.id)
        log.info("watch party %s moved from %s to %s", party.id, party.starts_at, moved.starts_at)
        return Rescheduled(moved, party.starts_at, skipped)

    async def cancel(self, party_id: int, guild_id: int) -> Party:
        party = await self.get(party_id, guild_id)
        if party.status in ("completed", "cancelled"):
            raise Conflict(f"Watch party #{party.id} is already {party.status}.")
        async with self._store.transaction() as tx:
            await tx.watch_parties.set_status(party.id, "cancelled")
            for kind in PARTY_TIMER_KINDS:
                await tx.timers.cancel(kind, str(party.id))
        log.info("watch party %s cancelled", party.id)
        return await self.get(party.id)

    async def mark(self, party_id: int, status: str, *, only_from: tuple[str, ...]) -> bool:
        return await self._store.watch_parties.set_status(party_id, status, only_from=only_from)


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
