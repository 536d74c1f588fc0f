"""Checking one field of a film card: its type, its range and its length, the problem named.

``FieldChecker`` collects every problem in a card (file, field, what is wrong) instead of stopping at the
first. Numbers and dates go through the same parsers as imported values (``bot.catalog.values``), with the
same bounds; text must show something, stay within its length and hold no control characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.catalog import values
from bot.catalog.values import BadValue

# Characters that change how text is displayed without being seen: refused in a card's text.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Categories that show nothing on their own: text made only of these is blank.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})


@dataclass(frozen=True, slots=True)
class CardProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


def _shown(value: Any) -> str:
    """A value as quoted in a problem: its TOML type for tables and lists, at most 60 characters."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _number(value: int) -> str:
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def _range(low: int, high: int) -> str:
    return f"between {_number(low)} and {_number(high)}"


def text_problem(value: str, *, multiline: bool) -> str | None:
    """What makes ``value`` unfit to show, or None."""
    if value.isprintable() and any(unicodedata.category(ch) not in _INVISIBLE for ch in value):
        # Most names, at once: no control or format character (bidi controls are), no line break.
        return None
    if all(unicodedata.category(ch) in _INVISIBLE for ch in value):
        return "must show some text, got only blanks or invisible characters"
    for ch in value:
        if ch in _BIDI_CONTROLS:
            return f"holds the bidi control U+{ord(ch):04X}, which displays text out of order"
        if ch in "\n\r\u2028\u2029\x85" and not multiline:
            return "must be one line"
        if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t":
            return f"holds the control character U+{ord(ch):04X}"
    return None


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be shown as a name or title (of a card or an imported film), or None."""
    if len(text) > values.MAX_NAME:
        return f"longer than {values.MAX_NAME} characters"
    return text_problem(text, multiline=False)


class FieldChecker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[CardProblem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(CardProblem(self.file, field, message))

    def text(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        required: bool = True,
        limit: int = values.MAX_NAME,
        multiline: bool = False,
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}{key}", "is required")
            return None
        if not isinstance(value, str):
            self.fail(f"{where}{key}", f"must be text in quotes, got {_shown(value)}")
            return None
        problem = text_problem(value, multiline=multiline)
        if problem is not None:
            self.fail(f"{where}{key}", problem)
            return None
        value = value.strip()
        if len(value) > limit:
            self.fail(f"{where}{key}", f"is {len(value):,} characters; at most {limit:,}")
            return None
        return value

    def whole(
        self, table: dict[str, Any], key: str, where: str, low: int, high: int, what: str
    ) -> int | None:
        """A TOML integer within ``low``–``high`` (not a float, not a bool, not a quoted number)."""
        value = table.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(
                f"{where}{key}", f"must be {what} {_range(low, high)}, without quotes; got {_shown(value)}"
            )
            return None
        if not low <= value <= high:
            self.fail(f"{where}{key}", f"must be {what} {_range(low, high)}; got {_number(value)}")
            return None
        return value

    def number(self, table: dict[str, Any], key: str, where: str, low: float, high: float) -> float | None:
        """A finite TOML number (integer or float) within ``low``–``high``."""
        value = table.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail(f"{where}{key}", f"must be a number without quotes, got {_shown(value)}")
            return None
        return self._read(values.finite, float(value), f"{where}{key}", low, high)

    def day(self, table: dict[str, Any], key: str, where: str) -> date | None:
        """A whole date: a TOML date (2025-09-19) or the same in quotes; a date with a time is refused."""
        value = table.get(key)
        field = f"{where}{key}"
        if isinstance(value, datetime):
            self.fail(field, f"must be a date like 2025-09-19 without a time of day, got {value.isoformat()}")
            return None
        if isinstance(value, date):
            return self._read(values.in_years, value, field)
        if isinstance(value, str):
            return self._read(values.day, value, field)
        self.fail(field, f"must be a date like 2025-09-19, got {_shown(value)}")
        return None

    def partial_date(self, text: str, field: str) -> str | None:
        return self._read(values.partial_date, text, field)

    def _read(self, parse: Any, *args: Any) -> Any:
        try:
            return parse(*args)
        except BadValue as exc:
            self.fail(exc.field, exc.reason)
            return None

    def sources(self, table: dict[str, Any], where: str, known: set[str]) -> list[str]:
        refs = table.get("sources")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            self.fail(f"{where}sources", "must list at least one source id")
            return []
        unknown = [r for r in refs if r not in known]
        if unknown:
            self.fail(
                f"{where}sources",
                f"unknown source id(s) {', '.join(u[:40] for u in unknown[:5])}; "
                f"defined: {', '.join(sorted(known)) or '(none)'}",
            )
            return []
        return list(dict.fromkeys(refs))
