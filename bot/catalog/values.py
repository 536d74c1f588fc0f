"""Reading one value from a film card or a dataset file: one parser per kind, each with explicit bounds.

A value that cannot be read exactly raises ``BadValue`` (its field and what is wrong): nothing is guessed,
and nothing else is ever raised. Numbers are ASCII digits only ('²', '١٩٩٥' and '1e3' are refused) and
are range-checked before they are converted, so no length of input costs more than reading it once.
"""

from __future__ import annotations

import math
import re
from datetime import date

from bot import parsing

MIN_YEAR, MAX_YEAR = 1870, 2100
# Logistics (2012) runs 51,420 minutes; anything past this is a broken value, not a film.
MAX_RUNTIME = 60_000
# More votes than people: a broken value.
MAX_VOTES = 10_000_000_000
# The longest name, title or other short value kept (a card's limits are the same, cards.py).
MAX_NAME = 300
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"([0-9]+)(?:\.([0-9]+))?|\.([0-9]+)")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[,_][0-9]{3})+")
_RUNTIME = re.compile(
    r"(?:(?P<h>[0-9]+) *h(?:ours?|rs?)?)? *(?:(?P<m>[0-9]+) *(?:m|mins?|minutes?)?)?", re.IGNORECASE
)
_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_WORDS_DATE = re.compile(r"(?:([0-9]{1,2}) ([A-Za-z]+)|([A-Za-z]+) ([0-9]{1,2}),?) ([0-9]{4})")
_IMDB_ID = re.compile(r"tt[0-9]{7,10}")
_MONTHS = {
    m: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for m in names
}  # fmt: skip


class BadValue(ValueError):
    """``field``: the value's field; ``reason``: what is wrong, for the import summary or card check."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _bounded(digits: str, field: str, low: int, high: int, outside: str) -> int:
    """ASCII ``digits`` as a number in ``low``–``high``, read by the one number reader (``bot.parsing``)."""
    number = parsing.whole(digits)
    if number is None or not low <= number <= high:
        raise BadValue(field, outside)
    return number


def whole(value: str, field: str, low: int, high: int, *, what: str = "a whole number") -> int:
    """A whole number of ASCII digits within ``low``–``high``."""
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        raise BadValue(field, f"not {what}")
    return _bounded(text, field, low, high, f"outside {low:,}–{high:,}")


def decimal(value: str, field: str, low: float, high: float) -> float:
    """A decimal number ('7.5', '75', '75%' for a percentage field) of ASCII digits within ``low``–``high``."""
    text = value.strip().removesuffix("%").rstrip()
    number = parsing.decimal(text) if _DECIMAL.fullmatch(text) else None
    if number is None:
        raise BadValue(field, "not a number")
    if not low <= number <= high:
        raise BadValue(field, f"outside {low:g}–{high:g}")
    return float(number)


def finite(value: float, field: str, low: float, high: float) -> float:
    """A number already read (a TOML float, say): finite and within ``low``–``high``."""
    if not math.isfinite(value):
        raise BadValue(field, f"must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise BadValue(field, f"{value:g} is outside {low:g}–{high:g}")
    return float(value)


def year(value: str, field: str = "year") -> int:
    text = value.strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise BadValue(field, "not a four-digit year")
    return _bounded(text, field, MIN_YEAR, MAX_YEAR, f"outside {MIN_YEAR}–{MAX_YEAR}")


def runtime(value: str) -> int:
    """'123', '123 min', '2h 3m', '2 hours' -> minutes."""
    text = value.strip()
    match = _RUNTIME.fullmatch(text)
    if not text or match is None or not (match["h"] or match["m"]):
        raise BadValue("runtime", "not a number of minutes")
    outside = f"outside 1–{MAX_RUNTIME:,} minutes"
    hours = _bounded(match["h"] or "0", "runtime", 0, MAX_RUNTIME // 60, outside)
    minutes = _bounded(match["m"] or "0", "runtime", 0, MAX_RUNTIME, outside)
    total = hours * 60 + minutes
    if not 1 <= total <= MAX_RUNTIME:
        raise BadValue("runtime", outside)
    return total


def partial_date(value: str, field: str = "release_date") -> str:
    """An ISO date, whole or partial ('2025', '2025-09', '2025-09-19'), that exists, within the film years."""
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        raise BadValue(field, "not a date written YYYY-MM-DD, YYYY-MM or YYYY (like 2025-09-19)")
    return _checked_date([int(p) for p in match.groups() if p], field)


def _checked_date(parts: list[int], field: str) -> str:
    try:
        date(parts[0], *[*parts[1:], 1, 1][:2])
    except ValueError:
        raise BadValue(field, "not a real date") from None
    if not MIN_YEAR <= parts[0] <= MAX_YEAR:
        raise BadValue(field, f"outside {MIN_YEAR}–{MAX_YEAR}")
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def release_date(value: str) -> str:
    """A partial ISO date, also read from '19 September 2025' or 'Sep 19, 2025'."""
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        return partial_date(text)
    words = _WORDS_DATE.fullmatch(text)
    month = _MONTHS.get(((words[2] or words[3]) if words else "").lower())
    if not words or month is None:
        raise BadValue("release_date", "not a date like 2025-09-19")
    return _checked_date([int(words[5]), month, int(words[1] or words[4])], "release_date")


def day(value: str, field: str) -> date:
    """A whole ISO date ('2025-09-19'), within the film years."""
    text = value.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise BadValue(field, f"must be a date like 2025-09-19, got {value[:40]!r}")
    return date.fromisoformat(partial_date(text, field))


def in_years(value: date, field: str) -> date:
    """A date already read (a TOML date, say) within the film years."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadValue(field, f"{value.isoformat()} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def imdb_id(value: str) -> str:
    text = value.strip()
    if not _IMDB_ID.fullmatch(text):
        raise BadValue("imdb_id", "not an IMDb id like tt0111161")
    return text


def votes(value: str, field: str) -> int:
    """A count of votes: '1234', or grouped as '1,234' or '1_234'."""
    text = value.strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "").replace("_", "")
    return whole(text, field, 0, MAX_VOTES, what="a whole number of votes")


def names(value: str, separators: str = ";|,") -> list[str]:
    """Split a list cell: 'Drama, Comedy' or 'Joel Coen; Ethan Coen'."""
    parts = re.split("[" + re.escape(separators) + "]", value)
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
