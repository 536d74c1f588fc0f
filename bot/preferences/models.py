"""Preference records: a server's settings and a member's, typed (the store keeps them as rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_ZONE = "UTC"


@dataclass(frozen=True, slots=True)
class GuildPreferences:
    """A server's settings (``/settings``): its time zone, where problems are reported, where
    members' Letterboxd diary entries are posted (none: not posted), and its region (an ISO 3166-1
    alpha-2 country code: where-to-watch is shown for it; none: not shown)."""

    guild_id: int
    timezone: str | None = None
    modlog_channel_id: int | None = None
    letterboxd_channel_id: int | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class MemberPreferences:
    """A member's own settings: their time zone (``/timezone set``) and DM reminders (``remind-me``)."""

    user_id: int
    timezone: str | None = None
    dm_reminders: bool = False


@dataclass(frozen=True, slots=True)
class ReadingZone:
    """The zone a member's typed times are read in, and where it came from."""

    zone: str
    source: Literal["option", "member", "server", "default"]


@dataclass(frozen=True, slots=True)
class WatchlistRules:
    """A server's watchlist rules (``/settings watchlist``): how many films a member may have suggested
    on the list at once (None: no cap), and the members a moderator stopped from suggesting."""

    guild_id: int
    cap: int | None = None
    blocked: tuple[int, ...] = ()
