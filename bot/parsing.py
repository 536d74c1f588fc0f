"""The one reader of the numbers, lengths of time and moments people type.

Members type them in command options (a poll's ``duration``, a party's ``when`` and ``reminders``, ``/plot
upto``); administrators on the command line (``filmbot ask``) and in settings. Every reader here is pure,
takes its bounds explicitly, and either returns a value within them or raises ``BadInput`` that says what was
wrong and what would work, in the same words for every option. Nothing else escapes: not the
``OverflowError`` of 10**56 days, not the ``ValueError`` of ``int("²")``, not the year 10000 that
9999-12-31 23:59 in New York is in UTC.

Digits are ASCII (0-9) only. ``str.isdigit`` and ``\\d`` also take "²", "١٢" and "５": ``int`` refuses the
first and silently reads the others, so a member would get a number they never saw themselves type.
Numbers are read exactly (``Decimal``) and compared with their bounds before anything is built from them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal

from bot.errors import BadInput

# Integers Discord accepts in an option when the command sets no bounds of its own (JavaScript's safe range).
DISCORD_INTEGER_MAX = 2**53
SHOWN = 60  # how much of what was typed a message quotes back

# Any number beyond this is out of every range here; reading it as this keeps the arithmetic small.
_HUGE = Decimal(10) ** 40
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_LENGTH_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)")
_DISCORD_TIME = re.compile(r"<t:([+-]?[0-9]+)(?::[tTdDfFR])?>")
_UNIX = re.compile(r"[+-]?[0-9]+")
_ISO = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[t ](?P<time>[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?))?"
    r"\s*(?P<offset>z|utc|[+-][0-9]{2}(?::?[0-9]{2})?)?",
    re.IGNORECASE,
)

UNITS: dict[str, int] = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "wk": 604800, "wks": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip


def shown(text: str) -> str:
    """What was typed, as a message quotes it: on one line, cut to ``SHOWN`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= SHOWN else line[: SHOWN - 1] + "…"


def _plain(value: Decimal | float) -> str:
    """10 -> "10", 0.5 -> "0.5", 1e20 -> "100000000000000000000": never an exponent."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


# -- numbers -----------------------------------------------------------------------------------------


def decimal(text: str) -> Decimal | None:
    """``text`` as an exact number if it is one written plainly with ASCII digits ("12", "-0.5", ".5").

    ``None`` for anything else: exotic digits, exponents ("1e300"), "inf", "nan", "1_000", "0x10". A number
    beyond ±10**40 comes back as ±10**40: out of every range all the same.
    """
    stripped = text.strip()
    return _capped(Decimal(stripped)) if _DECIMAL.fullmatch(stripped) else None


def _capped(value: Decimal) -> Decimal:
    """``value``, or ±10**40 when it is larger than that (out of every range, and cheap to compute with)."""
    return max(-_HUGE, min(_HUGE, value))


def whole(text: str) -> int | None:
    """``text`` as a whole number in ASCII digits ("3", "-2"), however large; ``None`` otherwise."""
    if len(text) <= 18 and text.isascii() and text.isdigit():  # most numbers read: exact as an int
        return int(text)
    value = decimal(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _range_refusal(
    what: str, low: Decimal, high: Decimal, typed: str, reason: str, hints: Sequence[str]
) -> BadInput:
    return BadInput(f"{what} goes from {_plain(low)} to {_plain(high)}; {typed} {reason}.", hints=hints)


def _bounded(
    value: Decimal,
    bounds: tuple[Decimal, Decimal, Decimal | None],
    what: str,
    typed: str,
    hints: Sequence[str],
) -> Decimal:
    low, high, step = bounds
    if not low <= value <= high:
        raise _range_refusal(what, low, high, typed, "is out of range", hints)
    if step is not None and (value - low) % step != 0:
        below = low + (value - low) // step * step
        near = f"e.g. {_plain(below)} or {_plain(below + step)}"
        if step == 1:
            raise BadInput(f"{what} is a whole number; {typed} is not: {near}.", hints=hints)
        raise BadInput(f"{typed} is between steps: use steps of {_plain(step)}, {near}.", hints=hints)
    return value


def whole_number(text: str, low: int, high: int, *, what: str, hints: Sequence[str] = ()) -> int:
    """A whole number from ``low`` to ``high`` typed as ``text``; ``BadInput`` names ``what`` otherwise."""
    return int(_typed(text, (Decimal(low), Decimal(high), Decimal(1)), what, hints, "a whole number"))


def number(
    text: str, low: float, high: float, *, what: str, step: float | None = None, hints: Sequence[str] = ()
) -> float:
    """A number from ``low`` to ``high`` (on ``step``, if given) typed as ``text``."""
    return float(_typed(text, (_exact(low), _exact(high), _step(step)), what, hints, "a number"))


def _typed(
    text: str, bounds: tuple[Decimal, Decimal, Decimal | None], what: str, hints: Sequence[str], kind: str
) -> Decimal:
    hints = tuple(hints) or (
        f"Write it with the digits 0–9, e.g. “{_plain(bounds[0])}” or “{_plain(bounds[1])}”.",
    )
    value = decimal(text)
    if value is None:
        raise _range_refusal(what, bounds[0], bounds[1], f"“{shown(text)}”", f"is not {kind}", hints)
    return _bounded(value, bounds, what, f"“{shown(text)}”", hints)


def checked_number(
    value: float, low: float, high: float, *, what: str, step: float | None = None, hints: Sequence[str] = ()
) -> float:
    """A number that arrived as one (a Discord number option): finite, from ``low`` to ``high``, on ``step``."""
    bounds = (_exact(low), _exact(high), _step(step))
    hints = tuple(hints) or (f"For example {_plain(bounds[0])} or {_plain(bounds[1])}.",)
    if not math.isfinite(value):
        raise _range_refusal(what, bounds[0], bounds[1], str(value), "is not a number", hints)
    return float(_bounded(_exact(value), bounds, what, _plain(value), hints))


def checked_whole(value: int, low: int, high: int, *, what: str, hints: Sequence[str] = ()) -> int:
    """A whole number that arrived as one (a Discord integer option): from ``low`` to ``high``."""
    hints = tuple(hints) or (f"For example {low} or {high}.",)
    return int(_bounded(Decimal(value), (Decimal(low), Decimal(high), None), what, str(value), hints))


def _exact(value: float) -> Decimal:
    return Decimal(str(value))


def _step(step: float | None) -> Decimal | None:
    return None if step is None else _exact(step)


# -- lengths of time ---------------------------------------------------------------------------------


def read_length(text: str) -> Decimal | None:
    """The seconds ``text`` names ("1d12h", "90 minutes", "1 day and 2 hours", "1.5h"), exactly.

    ``None`` when ``text`` is not a length at all (a word that is no unit, a number without one).
    """
    cleaned = " ".join(text.lower().replace(",", " ").split()).replace(" and ", " ")
    parts = _LENGTH_PART.findall(cleaned)
    if not parts or _LENGTH_PART.sub("", cleaned).strip() or any(unit not in UNITS for _, unit in parts):
        return None
    return sum((_capped(Decimal(n)) * UNITS[unit] for n, unit in parts), Decimal(0))


def describe(seconds: int) -> str:
    """3600 -> "1 hour", 5400 -> "1 h 30 min", 2764800 -> "32 days"."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    used = [
        (n, unit) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second")) if n
    ]
    if len(used) == 1:
        n, unit = used[0]
        return f"{n} {unit}{'s' if n != 1 else ''}"
    short = {"day": "d", "hour": "h", "minute": "min", "second": "s"}
    return " ".join(f"{n} {short[unit]}" for n, unit in used) or "0 minutes"


def compact(seconds: int) -> str:
    """5400 -> "1h30m", 93 -> "1m33s": how to type a length in whole numbers."""
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"


def length(
    seconds: Decimal,
    typed: str,
    *,
    low: timedelta,
    high: timedelta,
    what: str,
    hints: Sequence[str] = (),
    decimals: bool = True,
) -> timedelta:
    """``seconds`` (from ``read_length(typed)``) as a whole-second length from ``low`` to ``high``."""
    if seconds < Decimal(low.total_seconds()):
        raise BadInput(
            f"{what} must be at least {describe(int(low.total_seconds()))}; “{shown(typed)}” is shorter.",
            hints=hints,
        )
    if seconds > Decimal(high.total_seconds()):
        raise BadInput(
            f"{what} can be at most {describe(int(high.total_seconds()))}; “{shown(typed)}” is longer.",
            hints=hints,
        )
    exact = int(seconds.to_integral_value(ROUND_HALF_EVEN))
    if not decimals and "." in typed:
        ways = [compact(exact)] + ([f"{exact // 60}m"] if exact % 60 == 0 and 3600 < exact < 86400 else [])
        raise BadInput(
            f"{what} takes whole numbers, not decimals like “{shown(typed)}”.",
            hints=("Write it as " + " or ".join(f"“{w}”" for w in ways) + ".", *hints),
        )
    return timedelta(seconds=exact)


# -- moments -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """When a typed moment may fall: after ``now`` and at most ``ahead`` later.

    ``what`` names the moment in messages ("a poll's end"), ``ahead_label`` the limit ("32 days"); ``hints``
    show inputs that would work. Every check compares before it converts, so nothing it is given overflows.
    """

    now: datetime
    ahead: timedelta
    what: str
    hints: tuple[str, ...] = ()
    ahead_label: str = ""

    @property
    def latest(self) -> datetime:
        return self.now + self.ahead

    def past(self, typed: str, local: datetime | None = None, zone: str = "") -> BadInput:
        reading = f" ({local:%a %d %b %Y %H:%M} {zone})" if local is not None else ""
        return BadInput(f"“{shown(typed)}” is in the past{reading}; give a time after now.", hints=self.hints)

    def too_far(self, typed: str) -> BadInput:
        limit = self.ahead_label or describe(int(self.ahead.total_seconds()))
        return BadInput(
            f"“{shown(typed)}” is more than {limit} ahead: {self.what} can be at most {limit} from now.",
            hints=self.hints,
        )

    def check(self, at: datetime, typed: str, zone: tzinfo = UTC) -> datetime:
        """``at`` (aware) as UTC if it falls in the window; the refusal shows it in ``zone``."""
        at = at.astimezone(UTC)
        if at <= self.now:
            raise self.past(typed, at.astimezone(zone), str(zone))
        if at > self.latest:
            raise self.too_far(typed)
        return at

    def check_year(self, year: int, typed: str) -> None:
        """Refuse a year far outside the window before a date in it is converted between zones."""
        if year < self.now.year - 1:
            raise self.past(typed)
        if year > self.latest.year + 1:
            raise self.too_far(typed)

    def after(self, seconds: Decimal, typed: str) -> datetime:
        """``now`` plus ``seconds`` (a length typed as "in 2 hours"), to the second."""
        if seconds > Decimal(self.ahead.total_seconds()):
            raise self.too_far(typed)
        at = self.now + timedelta(seconds=int(seconds.to_integral_value(ROUND_HALF_EVEN)))
        return self.check(at.replace(microsecond=0), typed)

    def discord_time(self, text: str) -> datetime | None:
        """A Discord timestamp (``<t:1767225600>``, ``<t:1767225600:F>``) in the window; ``None`` when
        ``text`` is not one."""
        match = _DISCORD_TIME.fullmatch(text.strip())
        if match is None:
            return None
        return self._at_seconds(_capped(Decimal(match[1])), text)

    def unix(self, text: str) -> datetime | None:
        """Bare Unix seconds ("1767225600") in the window; ``None`` when ``text`` is not a whole number."""
        if _UNIX.fullmatch(text.strip()) is None:
            return None
        return self._at_seconds(_capped(Decimal(text.strip())), text)

    def _at_seconds(self, seconds: Decimal, typed: str) -> datetime:
        if seconds <= Decimal(self.now.timestamp()):
            raise self.past(typed)
        if seconds > Decimal(self.latest.timestamp()):
            raise self.too_far(typed)
        return datetime.fromtimestamp(int(seconds), UTC)

    def iso(self, text: str, *, needs_time: bool) -> datetime | None:
        """An ISO 8601 date and time ("2026-12-05 20:00", "2026-12-05T20:00+01:00", "…Z") as typed: aware
        when it gives an offset, naive when not (the caller knows the zone). Its year is checked against the
        window first, so converting it cannot overflow. ``None`` when ``text`` is not ISO-shaped."""
        match = _ISO.fullmatch(text.strip())
        if match is None or (needs_time and match["time"] is None):
            return None
        self.check_year(int(match["date"][:4]), text)
        offset = (match["offset"] or "").upper()
        offset = "+00:00" if offset in ("Z", "UTC") else offset
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            raise BadInput(f"“{shown(text)}”: that date does not exist.", hints=self.hints) from None
        try:
            return datetime.fromisoformat(f"{day.isoformat()}T{match['time'] or '00:00'}{offset}")
        except ValueError:
            raise BadInput(
                f"“{shown(text)}”: that time does not exist (hours go from 00 to 23, minutes from 00 to 59, "
                "offsets from -23:59 to +23:59).",
                hints=self.hints,
            ) from None
