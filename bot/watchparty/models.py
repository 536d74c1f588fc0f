"""Watch party records: what the service takes and returns and what the store reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.films.models import FilmSummary

ANSWERS = ("going", "maybe", "cant")


@dataclass(frozen=True, slots=True)
class Party:
    id: int
    guild_id: int
    channel_id: int
    film_id: int
    starts_at: datetime
    timezone: str
    runtime_minutes: int
    status: str
    created_by: int
    reminders: tuple[int, ...] = ()
    voice_channel_id: int | None = None
    location: str | None = None
    repeat: str | None = None
    note: str | None = None
    event_id: int | None = None
    message_id: int | None = None
    previous_id: int | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewParty:
    guild_id: int
    channel_id: int
    film_id: int
    starts_at: datetime
    timezone: str
    runtime_minutes: int
    created_by: int
    reminders: tuple[int, ...] = ()
    voice_channel_id: int | None = None
    location: str | None = None
    repeat: str | None = None
    note: str | None = None
    previous_id: int | None = None


@dataclass(frozen=True, slots=True)
class Rsvp:
    party_id: int
    user_id: int
    answer: str
    via: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RsvpCounts:
    going: int = 0
    maybe: int = 0
    cant: int = 0


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
    # The zone the typed time was read in.
    zone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Rescheduled:
    party: Party
    previous_start: datetime
    skipped: tuple[int, ...]
    zone: str = "UTC"
    # How many members (Going or Maybe) were told about the move.
    told: int = 0


@dataclass(frozen=True, slots=True)
class Cancelled:
    party: Party
    # How many members (Going or Maybe) were told.
    told: int = 0


@dataclass(frozen=True, slots=True)
class Listed:
    """A party in ``/watchparty list``, with its answers."""

    party: Party
    counts: RsvpCounts


@dataclass(frozen=True, slots=True)
class Details:
    """``/watchparty info``: the party, its answers and when its pending reminders are due."""

    party: Party
    counts: RsvpCounts
    reminders_due: tuple[datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class Answers:
    """``/watchparty rsvps``: who answered what."""

    party: Party
    rsvps: tuple[Rsvp, ...] = ()
