"""Reading the times people type: "2026-12-05 20:00", "Dec 5 8pm", "tomorrow 21:00", "friday 8pm",
"in 2 hours".

Pure: text + zone + now -> an aware UTC datetime, or ``BadInput`` whose hints show inputs that would work.

Why our own small grammar rather than ``dateutil.parser`` or ``dateparser``: ``dateutil.parser`` guesses
silently (``"5"`` is the 5th of this month, ``"fri 25"`` picks a day and drops the weekday, fuzzy mode
ignores words it cannot read) and knows neither "tomorrow" nor "in 2 hours"; ``dateparser`` reads
those but takes ~0.5 s to import, pulls in regex and tz tables, and also guesses. A party time that is
silently misread is worse than one refused with an example, so we accept a small, explicit grammar
and refuse everything else. Zones and DST come from the standard ``zoneinfo`` (with ``tzdata``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import parsing
from bot.errors import BadInput
from bot.preferences.zones import zone_named

EXAMPLES = ("2026-12-05 20:00", "Dec 5 8pm", "tomorrow 21:00", "friday 8pm", "in 2 hours")
# Further ahead than this is almost certainly a typo (a year too many).
MAX_AHEAD = timedelta(days=366 * 2)
# Reminder offsets: whole numbers of a unit ("1h30m", not "1.5h"), at most four weeks before, five at most.
MIN_REMINDER = timedelta(seconds=1)
MAX_REMINDER = timedelta(days=28)
MAX_REMINDERS = 5
# The description of a reminder offset (3600 -> "1 hour"); one wording for every length of time.
describe_offset = parsing.describe

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
        )
    )
    for name in names
}  # fmt: skip
_RELATIVE = re.compile(r"^in\s+(?P<body>.+)$")
_TIME = re.compile(r"^(?:at\s+)?(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-9]{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$")
_ISO_DATE = re.compile(r"^(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})$")
_ORDINAL = re.compile(r"^(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?$")
_OFFSET_HINT = "Use a comma-separated list like “1d,1h,10m” (d = days, h = hours, m = minutes)."


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """When, in UTC, and how the member's words were read (shown back to them)."""

    at: datetime
    zone: str
    local: datetime


def _examples() -> str:
    return "These work: " + ", ".join(f"“{e}”" for e in EXAMPLES)


def _refuse(text: str, why: str, zone: str) -> BadInput:
    return BadInput(
        f"I can't read “{parsing.shown(text)}” as a time: {why}",
        hints=(f"Times are read in {zone}. {_examples()}",),
    )


def _read_time(text: str, typed: str, zone: str) -> time | None:
    """A time of day ("20:00", "8pm", "at 8:30 p.m.", "noon"); None when ``text`` is not shaped like one;
    ``BadInput`` when it is, but its hour or minute is out of range ("25:00", "13pm", "8:75")."""
    if text in ("noon", "midday"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _TIME.match(text)
    if not match or (match["m"] is None and not match["ampm"]):
        return None  # a bare number ("8") is too ambiguous: 8am or 8pm?
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm and not 1 <= hour <= 12:
        raise _refuse(typed, f"with am or pm the hour goes from 1 to 12, not {hour} (“8pm”, “20:00”).", zone)
    if hour > 23:
        raise _refuse(typed, f"the hour goes from 0 to 23, not {hour} (“20:00”, “8pm”).", zone)
    if minute > 59:
        raise _refuse(typed, f"the minutes go from 00 to 59, not {minute:02} (“20:30”).", zone)
    return time(hour % 12 + (12 if ampm == "pm" else 0) if ampm else hour, minute)


def _split_time(words: list[str], typed: str, zone: str) -> tuple[list[str], time | None]:
    """Find the time of day at the end of the words ("8pm", "8 pm", "at 20:00")."""
    for take in (3, 2, 1):
        if len(words) >= take:
            found = _read_time(" ".join(words[-take:]), typed, zone)
            if found is not None:
                rest = words[:-take]
                if rest and rest[-1] == "at":
                    rest = rest[:-1]
                return rest, found
    return words, None


def _month_day(words: list[str]) -> tuple[int, int] | None:
    """``Dec 5``, ``December 5th``, ``5 Dec``, ``5th of December``."""
    words = [w.rstrip(",") for w in words if w != "of"]
    if len(words) != 2:
        return None
    first, second = words
    for month_word, day_word in ((first, second), (second, first)):
        month = _MONTHS.get(month_word.rstrip("."))
        day = _ORDINAL.match(day_word)
        if month and day:
            return month, int(day["d"])
    return None


def _localize(naive: datetime, zone: ZoneInfo, text: str, zone_name: str) -> datetime:
    """Attach the zone, refusing local times that don't exist (spring forward) or happen twice (fall back).

    The caller has checked the year (``Window.check_year``), so converting to UTC cannot overflow."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise BadInput(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that hour "
            f"(daylight saving time starts).",
            hints=(
                f"Pick a time outside the skipped hour, e.g. “{round_trip:%Y-%m-%d %H:%M}”, "
                f"or say how far ahead it is (“in 3 hours”).",
            ),
        )
    if first.utcoffset() != second.utcoffset():
        raise BadInput(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone_name}: the clocks go back that night "
            f"(daylight saving time ends), so I can't tell which one you mean.",
            hints=(
                "Pick a time an hour earlier or later, or give it in UTC with the “timezone” option, "
                f"or say how far ahead it is (“in 3 hours”). You typed “{parsing.shown(text)}”.",
            ),
        )
    return first


def parse_when(text: str, zone_name: str, now: datetime) -> ParsedTime:
    """Read ``text`` as a future moment; local times are in ``zone_name``; ``now`` is aware."""
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    zone = zone_named(zone_name)
    zone_name = str(zone.key)
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise _refuse(text, "it is empty.", zone_name)
    window = parsing.Window(now, MAX_AHEAD, "a watch party", (_examples(),), ahead_label="two years")
    at = _exact(text, cleaned, window, zone)
    if at is None:
        words, at_time = _split_time(cleaned.split(" "), text, zone_name)
        if at_time is None:
            raise _refuse(
                text,
                "add a time of day with hours and minutes or am/pm (“20:00”, “8pm”, “8:30 pm”).",
                zone_name,
            )
        day = _day(words, at_time, now.astimezone(zone), text, zone_name, window)
        at = window.check(_localize(datetime.combine(day, at_time), zone, text, zone_name), text, zone)
    return ParsedTime(at, zone_name, at.astimezone(zone))


def _exact(text: str, cleaned: str, window: parsing.Window, zone: ZoneInfo) -> datetime | None:
    """A time given exactly: "in 2 hours", a Discord timestamp, ISO 8601; None for natural words."""
    if (relative := _RELATIVE.match(cleaned)) is not None:
        seconds = parsing.read_length(relative["body"])
        if seconds is None:
            raise _refuse(text, "say how far ahead in minutes, hours, days or weeks.", str(zone.key))
        return window.after(seconds, text)
    if (stamp := window.discord_time(text)) is not None:
        return stamp
    iso = window.iso(" ".join(text.split()), needs_time=True)
    if iso is None:
        return None
    if iso.tzinfo is None:
        iso = _localize(iso, zone, text, str(zone.key))
    return window.check(iso, text, zone)


def _day(
    words: list[str],
    at_time: time,
    local_now: datetime,
    text: str,
    zone_name: str,
    window: parsing.Window,
) -> date:
    """The local day the words before the time of day name ("", "today", "friday", "Dec 5", ...)."""
    today = local_now.date()
    naive_now = local_now.replace(tzinfo=None)
    if not words or words == ["today"] or words == ["tonight"]:
        if not words and datetime.combine(today, at_time) <= naive_now:
            return today + timedelta(days=1)  # a bare time means its next occurrence
        return today
    if words == ["tomorrow"]:
        return today + timedelta(days=1)
    if len(words) in (1, 2) and words[-1] in _WEEKDAYS and (len(words) == 1 or words[0] in ("next", "this")):
        return _weekday(words, at_time, today, naive_now)
    if (iso_day := _ISO_DATE.match(" ".join(words))) is not None:
        window.check_year(int(iso_day["y"]), text)
        try:
            return date(int(iso_day["y"]), int(iso_day["mo"]), int(iso_day["d"]))
        except ValueError:
            raise _refuse(text, "that date does not exist.", zone_name) from None
    if (month_day := _month_day(words)) is not None:
        found = _next_month_day(*month_day, at_time, today, naive_now)
        if found is None:
            raise _refuse(text, "that date does not exist.", zone_name)
        return found
    raise _refuse(text, f"I don't know the day “{parsing.shown(' '.join(words))}”.", zone_name)


def _weekday(words: list[str], at_time: time, today: date, naive_now: datetime) -> date:
    """The next such weekday still ahead ("friday 8pm"); "next friday" on a Friday means a week on."""
    ahead = (_WEEKDAYS[words[-1]] - today.weekday()) % 7
    day = today + timedelta(days=ahead)
    if datetime.combine(day, at_time) <= naive_now or (words[0] == "next" and ahead == 0):
        day += timedelta(days=7)
    return day


def _next_month_day(month: int, dom: int, at_time: time, today: date, naive_now: datetime) -> date | None:
    """The next such date still ahead (29 February: the next leap year), or None if there is none."""
    for year in range(today.year, today.year + 5):
        try:
            candidate = date(year, month, dom)
        except ValueError:
            continue
        if datetime.combine(candidate, at_time) > naive_now:
            return candidate
    return None


def parse_offsets(text: str) -> tuple[int, ...]:
    """Reminder offsets before the start, ``"1d,1h,10m"`` -> seconds, largest first; ``"none"`` -> ().

    Commas or spaces separate offsets ("1d 1h" is two); "1h30m" is one; "30 min" is one."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "off", "no"):
        return ()
    glued = re.sub(r"(?<=[0-9.])\s+(?=[a-z])", "", cleaned)
    seconds: set[int] = set()
    for piece in re.split(r"[,\s]+", glued):
        if not piece:
            continue
        value = parsing.read_length(piece)
        if value is None:
            raise BadInput(f"“{parsing.shown(piece)}” is not a reminder offset.", hints=(_OFFSET_HINT,))
        offset = parsing.length(
            value,
            piece,
            low=MIN_REMINDER,
            high=MAX_REMINDER,
            what="A reminder offset",
            hints=(_OFFSET_HINT,),
            decimals=False,
        )
        seconds.add(int(offset.total_seconds()))
    if len(seconds) > MAX_REMINDERS:
        raise BadInput(f"At most {MAX_REMINDERS} reminders per party.", hints=("For example “1d,1h,10m”.",))
    return tuple(sorted(seconds, reverse=True))
