"""Member and server preferences: one method per change, typed records out. No Discord here."""

from __future__ import annotations

from bot.errors import BadInput
from bot.parsing import shown
from bot.preferences.models import (
    DEFAULT_ZONE,
    GuildPreferences,
    MemberPreferences,
    ReadingZone,
    WatchlistRules,
)
from bot.preferences.regions import country_code
from bot.preferences.zones import canonical_zone, zone_named
from bot.store import Store

# The most suggestions a cap may allow per member (a cap is for keeping one member from flooding the list).
WATCHLIST_CAP_MAX = 1000


def _saved(zone: str, whose: str, command: str) -> str:
    """A zone saved by an earlier version, in its canonical name; one no longer accepted (``Factory``,
    ``localtime``: not a place's) is refused with the way to set a real one, never read silently."""
    canonical = canonical_zone(zone)
    if canonical is None:
        raise BadInput(
            f"{whose} saved time zone “{shown(zone)}” is not a place's time zone, so times can't be read in it.",
            hints=(f"Set a real one with `{command}` (type a city), or give this command a timezone.",),
        )
    return canonical


class PreferencesService:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading -------------------------------------------------------------------------------------

    async def member(self, user_id: int) -> MemberPreferences:
        return await self._store.preferences.member(user_id)

    async def guild(self, guild_id: int) -> GuildPreferences:
        return await self._store.preferences.guild(guild_id)

    async def reading_zone(
        self, guild_id: int | None, user_id: int, explicit: str | None = None
    ) -> ReadingZone:
        """The zone a member's times are read in: the option, else theirs, else the server's, else UTC."""
        if explicit:
            return ReadingZone(str(zone_named(explicit).key), "option")
        member = await self.member(user_id)
        if member.timezone:
            return ReadingZone(_saved(member.timezone, "Your", "/timezone set"), "member")
        if guild_id is not None:
            server = await self.guild(guild_id)
            if server.timezone:
                return ReadingZone(_saved(server.timezone, "This server's", "/settings timezone"), "server")
        return ReadingZone(DEFAULT_ZONE, "default")

    async def zone_for(self, guild_id: int | None, user_id: int, explicit: str | None = None) -> str:
        """The name of the zone ``reading_zone`` picks."""
        return (await self.reading_zone(guild_id, user_id, explicit)).zone

    async def dm_subscribers(self, user_ids: list[int]) -> set[int]:
        """Which of these members asked for reminders by DM."""
        return await self._store.preferences.dm_subscribers(user_ids) if user_ids else set()

    # -- changing ------------------------------------------------------------------------------------

    async def set_member_timezone(self, user_id: int, zone: str) -> str:
        """Set a member's zone (any spelling ``zone_named`` reads); returns its canonical name."""
        name = str(zone_named(zone).key)
        await self._store.preferences.set_member_timezone(user_id, name)
        return name

    async def set_dm_reminders(self, user_id: int, enabled: bool) -> None:
        await self._store.preferences.set_dm_reminders(user_id, enabled)

    async def set_guild_timezone(self, guild_id: int, zone: str) -> str:
        """Set a server's zone; returns its canonical name."""
        name = str(zone_named(zone).key)
        await self._store.preferences.set_guild_timezone(guild_id, name)
        return name

    async def set_modlog_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Where problems are reported; ``None``: in each party's own channel."""
        await self._store.preferences.set_modlog_channel(guild_id, channel_id)

    async def set_letterboxd_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Where members' Letterboxd diary entries are posted; ``None``: they are not posted."""
        await self._store.preferences.set_letterboxd_channel(guild_id, channel_id)

    async def region(self, guild_id: int, country: str | None, *, clear: bool) -> tuple[str | None, bool]:
        """``/settings region``: set the region from ``country``, clear it, or (neither) read it. Returns
        the region now and whether it was changed; ``BadInput`` for a country unknown, or with ``clear``."""
        if clear and country is not None:
            raise BadInput(
                "Give a country or clear:True, not both.", hints=("Leave both out to see the region.",)
            )
        if clear or country is not None:
            return await self.set_region(guild_id, country), True
        return (await self.guild(guild_id)).region, False

    async def set_region(self, guild_id: int, text: str | None) -> str | None:
        """The server's region, from a code or a country's name (``country_code``); ``None`` clears it.
        Returns the code saved."""
        code = country_code(text) if text is not None else None
        await self._store.preferences.set_region(guild_id, code)
        return code

    # -- the watchlist's rules -----------------------------------------------------------------------

    async def watchlist_rules(self, guild_id: int) -> WatchlistRules:
        return await self._store.preferences.watchlist_rules(guild_id)

    async def may_suggest(self, guild_id: int, user_id: int) -> bool:
        """False when a moderator stopped this member from suggesting films to the watchlist."""
        return not await self._store.preferences.watchlist_blocked(guild_id, user_id)

    async def set_watchlist_cap(self, guild_id: int, cap: int | None) -> None:
        """How many films one member may have suggested on the list at once; None: no cap."""
        if cap is not None and not 1 <= cap <= WATCHLIST_CAP_MAX:
            raise BadInput(
                f"A cap is between 1 and {WATCHLIST_CAP_MAX} suggestions; leave it out for no cap."
            )
        await self._store.preferences.set_watchlist_cap(guild_id, cap)

    async def block_from_watchlist(self, guild_id: int, user_id: int, by: int) -> bool:
        """Stop a member from suggesting films (they may still want to see films on the list)."""
        return await self._store.preferences.block_from_watchlist(guild_id, user_id, by)

    async def unblock_from_watchlist(self, guild_id: int, user_id: int) -> bool:
        return await self._store.preferences.unblock_from_watchlist(guild_id, user_id)
