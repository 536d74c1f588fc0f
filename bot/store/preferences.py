"""SQL for member and server preferences (tables ``member_settings`` and ``guild_settings``).

A server's settings are rows of ``(guild_id, key, value)`` text; the keys are this module's business: the
service and everything above it see ``GuildPreferences``, a typed record.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.preferences.models import GuildPreferences, MemberPreferences, WatchlistRules
from bot.store._session import Session
from bot.store.timers import encode_time

_TIMEZONE = "timezone"
_MODLOG_CHANNEL = "modlog_channel"
_LETTERBOXD_CHANNEL = "letterboxd_channel"
_WATCHLIST_CAP = "watchlist_cap"
_REGION = "region"


class PreferencesStore:
    def __init__(self, db: Session, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return encode_time(self._clock.now())

    # -- members -------------------------------------------------------------------------------------

    async def member(self, user_id: int) -> MemberPreferences:
        row = await self._db.fetchone(
            "SELECT user_id, timezone, dm_reminders FROM member_settings WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return MemberPreferences(user_id)
        return MemberPreferences(row["user_id"], row["timezone"], bool(row["dm_reminders"]))

    async def set_member_timezone(self, user_id: int, zone: str | None) -> None:
        async with self._db.write() as tx:
            await tx.execute(
                "INSERT INTO member_settings (user_id, timezone, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone, "
                "updated_at = excluded.updated_at",
                (user_id, zone, self._now()),
            )

    async def set_dm_reminders(self, user_id: int, enabled: bool) -> None:
        async with self._db.write() as tx:
            await tx.execute(
                "INSERT INTO member_settings (user_id, dm_reminders, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET dm_reminders = excluded.dm_reminders, "
                "updated_at = excluded.updated_at",
                (user_id, int(enabled), self._now()),
            )

    async def dm_subscribers(self, user_ids: list[int]) -> set[int]:
        """Which of these members asked for reminders by DM."""
        found: set[int] = set()
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start : start + 500]
            rows = await self._db.fetchall(
                f"SELECT user_id FROM member_settings WHERE dm_reminders = 1 AND user_id IN "
                f"({','.join('?' for _ in chunk)})",
                tuple(chunk),
            )
            found.update(row["user_id"] for row in rows)
        return found

    # -- servers -------------------------------------------------------------------------------------

    async def guild(self, guild_id: int) -> GuildPreferences:
        rows = await self._db.fetchall(
            "SELECT key, value FROM guild_settings WHERE guild_id = ? AND key IN (?, ?, ?, ?)",
            (guild_id, _TIMEZONE, _MODLOG_CHANNEL, _LETTERBOXD_CHANNEL, _REGION),
        )
        values = {row["key"]: str(row["value"]) for row in rows}
        modlog = values.get(_MODLOG_CHANNEL)
        letterboxd = values.get(_LETTERBOXD_CHANNEL)
        return GuildPreferences(
            guild_id,
            timezone=values.get(_TIMEZONE) or None,
            modlog_channel_id=int(modlog) if modlog else None,
            letterboxd_channel_id=int(letterboxd) if letterboxd else None,
            region=values.get(_REGION) or None,
        )

    async def set_guild_timezone(self, guild_id: int, zone: str | None) -> None:
        await self._set(guild_id, _TIMEZONE, zone)

    async def set_modlog_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._set(guild_id, _MODLOG_CHANNEL, str(channel_id) if channel_id is not None else None)

    async def set_letterboxd_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._set(guild_id, _LETTERBOXD_CHANNEL, str(channel_id) if channel_id is not None else None)

    async def set_region(self, guild_id: int, code: str | None) -> None:
        await self._set(guild_id, _REGION, code)

    # -- the watchlist's rules -----------------------------------------------------------------------

    async def watchlist_rules(self, guild_id: int) -> WatchlistRules:
        row = await self._db.fetchone(
            "SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, _WATCHLIST_CAP)
        )
        blocked = await self._db.fetchall(
            "SELECT user_id FROM watchlist_blocks WHERE guild_id = ? ORDER BY blocked_at, user_id",
            (guild_id,),
        )
        cap = int(row["value"]) if row is not None else None
        return WatchlistRules(guild_id, cap, tuple(r["user_id"] for r in blocked))

    async def watchlist_blocked(self, guild_id: int, user_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM watchlist_blocks WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return row is not None

    async def set_watchlist_cap(self, guild_id: int, cap: int | None) -> None:
        await self._set(guild_id, _WATCHLIST_CAP, str(cap) if cap is not None else None)

    async def block_from_watchlist(self, guild_id: int, user_id: int, by: int) -> bool:
        """Stop a member from suggesting films; False if they already were."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "INSERT INTO watchlist_blocks (guild_id, user_id, blocked_by, blocked_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO NOTHING RETURNING user_id",
                (guild_id, user_id, by, self._now()),
            )
        return row is not None

    async def unblock_from_watchlist(self, guild_id: int, user_id: int) -> bool:
        """Let a member suggest films again; False if they were not blocked."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "DELETE FROM watchlist_blocks WHERE guild_id = ? AND user_id = ? RETURNING user_id",
                (guild_id, user_id),
            )
        return row is not None

    async def _set(self, guild_id: int, key: str, value: str | None) -> None:
        async with self._db.write() as tx:
            if value is None:
                await tx.execute("DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
            else:
                await tx.execute(
                    "INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at",
                    (guild_id, key, value, self._now()),
                )
