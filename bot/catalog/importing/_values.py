"""Parsing one dataset value. A value that cannot be read exactly raises ``BadValue``: never guessed."""

from __future__ import annotations

import re
from datetime import date

MIN_YEAR, MAX_YEAR = 1870, 2100
# Logistics (2012) runs 51,420 minutes; anything past this is a broken value, not a film.
MAX_RUNTIME = 60_000
_RUNTIME = re.compile(r"^(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)?)?$", re.I)
_IMDB_ID = re.compile(r"^tt\d{7,10}$")
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
    """``field``: the value's field; ``reason``: what is wrong, for the import summary."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def year(value: str, field: str = "year") -> int:
    text = value.strip()
    if not re.fullmatch(r"\d{4}", text):
        raise BadValue(field, "not a four-digit year")
    number = int(text)
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise BadValue(field, f"outside {MIN_YEAR}–{MAX_YEAR}")
    return number


def runtime(value: str) -> int:
    """'123', '123 min', '2h 3m', '2 hours' -> minutes."""
    text = value.strip()
    match = _RUNTIME.fullmatch(text)
    if not text or match is None or not (match["h"] or match["m"]):
        raise BadValue("runtime", "not a number of minutes")
    minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    if not 1 <= minutes <= MAX_RUNTIME:
        raise BadValue("runtime", f"outside 1–{MAX_RUNTIME:,} minutes")
    return minutes


def release_date(value: str) -> str:
    """A partial ISO date ('2025', '2025-09', '2025-09-19'), also from '19 September 2025' or 'Sep 19, 2025'."""
    text = value.strip()
    iso = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if iso:
        parts = [int(p) for p in iso.groups() if p]
    else:
        words = re.fullmatch(r"(?:(\d{1,2}) ([A-Za-z]+)|([A-Za-z]+) (\d{1,2}),?) (\d{4})", text)
        month = _MONTHS.get(((words[2] or words[3]) if words else "").lower())
        if not words or month is None:
            raise BadValue("release_date", "not a date like 2025-09-19")
        parts = [int(words[5]), month, int(words[1] or words[4])]
    try:
        date(parts[0], *[*parts[1:], 1, 1][:2])
    except ValueError:
        raise BadValue("release_date", "not a real date") from None
    if not MIN_YEAR <= parts[0] <= MAX_YEAR:
        raise BadValue("release_date", f"outside {MIN_YEAR}–{MAX_YEAR}")
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def imdb_id(value: str) -> str:
    text = value.strip()
    if not _IMDB_ID.fullmatch(text):
        raise BadValue("imdb_id", "not an IMDb id like tt0111161")
    return text


def number(value: str, field: str, low: float, high: float) -> float:
    text = value.strip().removesuffix("%")
    try:
        result = float(text)
    except ValueError:
        raise BadValue(field, "not a number") from None
    if not low <= result <= high:
        raise BadValue(field, f"outside {low:g}–{high:g}")
    return result


def votes(value: str, field: str) -> int:
    text = value.strip().replace(",", "").replace("_", "")
    if not text.isdigit():
        raise BadValue(field, "not a whole number of votes")
    return int(text)


def names(value: str, separators: str = ";|,") -> list[str]:
    """Split a list cell: 'Drama, Comedy' or 'Joel Coen; Ethan Coen'."""
    parts = re.split("[" + re.escape(separators) + "]", value)
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
