"""IANA time zones: canonical names and a fuzzy autocomplete (at most 25 choices).

Only the zones of places (``Region/City``: Europe/Paris, America/New_York, the older US/Eastern) and UTC
are accepted. The rest of the tz database is not a place a member lives in: ``Factory`` (a placeholder whose
abbreviation is "-00"), ``localtime`` (whatever the host machine is set to), ``posixrules``, ``EST5EDT``,
``Etc/GMT+5`` (whose sign is the reverse of what it says), and bare country links such as ``Japan``.
"""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.errors import BadInput
from bot.parsing import shown
from bot.ui import limits

# Names people type that are not zone names, mapped to the zone they usually mean.
_ALIASES = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "uct": "UTC",
    "universal": "UTC",
    "greenwich": "UTC",
    "etc/utc": "UTC",
    "etc/gmt": "UTC",  # what "gmt" meant until zones were limited to places and UTC
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


# The tz database's areas that hold the zones of places: the continents and oceans, and the older
# country folders whose names are links to them (US/Eastern is America/New_York).
_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
    | {"Brazil", "Canada", "Chile", "Mexico", "US"}
)


@functools.cache
def _zones() -> dict[str, str]:
    """Lower-case name -> canonical name, for every zone of a place the system knows, and UTC."""
    names = {name for name in available_timezones() if name.split("/", 1)[0] in _REGIONS and "/" in name}
    return {name.lower(): name for name in (*names, "UTC")}


@functools.cache
def _search_keys() -> dict[str, str]:
    """Searchable text ("europe paris") -> canonical name."""
    return {name.replace("/", " ").replace("_", " ").lower(): name for name in _zones().values()}


def canonical_zone(text: str) -> str | None:
    """The IANA name for ``text`` (any case, spaces for underscores, a few abbreviations), or None.

    Only a place's zone or UTC (see the module's docstring): ``Factory`` and ``localtime`` are None."""
    key = text.strip().lower().replace(" ", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _zones():
        return _zones()[key]
    # A city on its own ("paris", "new york") when exactly one zone is named after it.
    cities = [name for lower, name in _zones().items() if lower.rsplit("/", 1)[-1] == key]
    return cities[0] if len(cities) == 1 else None


def zone_named(name: str) -> ZoneInfo:
    """A zone by IANA name (``Europe/Paris``), case-insensitively; ``BadInput`` if there is none."""
    canonical = canonical_zone(name)
    if canonical is None:
        raise _unknown(name)
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        raise _unknown(name) from None


def _unknown(name: str) -> BadInput:
    return BadInput(
        f"“{shown(name)}” is not a time zone I know: use the zone of a place, or UTC.",
        hints=(
            "Type a city and pick from the list, or an IANA name such as Europe/Paris, America/New_York or UTC.",
        ),
    )


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
