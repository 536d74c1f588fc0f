"""IANA time zones: canonical names and a fuzzy autocomplete (at most 25 choices)."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.errors import BadInput
from bot.ui import limits

# Names people type that are not zone names, mapped to the zone they usually mean.
_ALIASES = {
    "utc": "UTC",
    "gmt": "Etc/GMT",
    "z": "UTC",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mst": "America/Denver",
    "mountain": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "bst": "Europe/London",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
}
_POPULAR = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@functools.cache
def _zones() -> dict[str, str]:
    """Lower-case name -> canonical name, for every zone the system knows (legacy ones left out)."""
    names = {
        name
        for name in available_timezones()
        if ("/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))) or name == "UTC"
    }
    return {name.lower(): name for name in names}


@functools.cache
def _search_keys() -> dict[str, str]:
    """Searchable text ("europe paris") -> canonical name."""
    return {name.replace("/", " ").replace("_", " ").lower(): name for name in _zones().values()}


def canonical_zone(text: str) -> str | None:
    """The IANA name for ``text`` (any case, spaces for underscores, a few abbreviations), or None."""
    key = text.strip().lower().replace(" ", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _zones():
        return _zones()[key]
    every = {name.lower(): name for name in available_timezones()}
    if key in every:
        return every[key]
    # A city on its own ("paris", "new york") when exactly one zone is named after it.
    cities = [name for lower, name in _zones().items() if lower.rsplit("/", 1)[-1] == key]
    return cities[0] if len(cities) == 1 else None


def zone_named(name: str) -> ZoneInfo:
    """A zone by IANA name (``Europe/Paris``), case-insensitively; ``BadInput`` if there is none."""
    canonical = canonical_zone(name)
    if canonical is None:
        raise BadInput(
            f"“{name[:60]}” is not a time zone I know.",
            hints=("Use an IANA zone name such as Europe/Paris, America/New_York or UTC.",),
        )
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"“{name[:60]}” is not a time zone I know.") from None


def offset_label(name: str, now: datetime) -> str:
    """``Europe/Paris (UTC+01:00)`` at ``now``."""
    offset = now.astimezone(ZoneInfo(name)).strftime("%z")
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"


def suggest(text: str, now: datetime, limit: int = limits.AUTOCOMPLETE_CHOICES) -> list[tuple[str, str]]:
    """Autocomplete: ``(label, zone)`` pairs, best first, at most ``limit`` (Discord's 25)."""
    query = text.strip().lower().replace("_", " ").replace("/", " ")
    if not query:
        picks = list(_POPULAR)
    else:
        picks = []
        alias = _ALIASES.get(query.replace(" ", "_"))
        if alias:
            picks.append(alias)
        keys = _search_keys()
        # Substring hits first (every city containing the text), then fuzzy ones for typos.
        contains = sorted(
            (k for k in keys if query in k), key=lambda k: (not k.split()[-1].startswith(query), k)
        )
        picks += [keys[k] for k in contains]
        if len(picks) < limit:
            for key, _, _ in process.extract(
                query, list(keys), scorer=fuzz.WRatio, limit=limit, score_cutoff=60
            ):
                picks.append(keys[key])
    seen: list[str] = []
    for name in picks:
        if name not in seen:
            seen.append(name)
        if len(seen) == limit:
            break
    return [(offset_label(name, now)[: limits.CHOICE_NAME], name) for name in seen]
