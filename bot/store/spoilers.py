"""SQL for spoiler-safe plots: the plot sections of a film, and each server's spoiler channels."""

from __future__ import annotations

from datetime import datetime

from bot.films.models import PlotSection
from bot.spoilers.models import SpoilerChannel
from bot.store._session import Session


class SpoilerStore:
    def __init__(self, db: Session) -> None:
        self._db = db

    async def plot(self, film_id: int) -> tuple[PlotSection, ...]:
        """A film's plot sections in story order (empty when the film has none or does not exist)."""
        rows = await self._db.fetchall(
            "SELECT position, phase, spoiler_level, text FROM plot_sections WHERE film_id = ? ORDER BY position",
            (film_id,),
        )
        return tuple(
            PlotSection(
                position=r["position"], phase=r["phase"], spoiler_level=r["spoiler_level"], text=r["text"]
            )
            for r in rows
        )

    async def channels(self, guild_id: int) -> list[SpoilerChannel]:
        rows = await self._db.fetchall(
            "SELECT guild_id, channel_id, added_by, added_at FROM spoiler_channels "
            "WHERE guild_id = ? ORDER BY added_at, channel_id",
            (guild_id,),
        )
        return [
            SpoilerChannel(
                guild_id=r["guild_id"],
                channel_id=r["channel_id"],
                added_by=r["added_by"],
                added_at=datetime.fromisoformat(r["added_at"]),
            )
            for r in rows
        ]

    async def is_spoiler_channel(self, guild_id: int, *channel_ids: int) -> bool:
        """Whether any of ``channel_ids`` (a channel, or a thread and its parent) is a spoiler channel."""
        if not channel_ids:
            return False
        marks = ", ".join("?" for _ in channel_ids)
        row = await self._db.fetchone(
            f"SELECT 1 FROM spoiler_channels WHERE guild_id = ? AND channel_id IN ({marks}) LIMIT 1",
            (guild_id, *channel_ids),
        )
        return row is not None

    async def add(self, guild_id: int, channel_id: int, added_by: int, at: datetime) -> bool:
        """Mark a channel; ``False`` when it already was."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "INSERT INTO spoiler_channels (guild_id, channel_id, added_by, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, channel_id) DO NOTHING",
                (guild_id, channel_id, added_by, at.isoformat()),
            )
            return cur.rowcount > 0

    async def remove(self, guild_id: int, channel_id: int) -> bool:
        """Unmark a channel; ``False`` when it was not marked."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "DELETE FROM spoiler_channels WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
            )
            return cur.rowcount > 0
