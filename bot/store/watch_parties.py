"""SQL for watch parties, RSVPs and reminder deliveries (member and server settings: ``preferences.py``)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.clock import Clock
from bot.store._session import Row, Session, inserted_id
from bot.store.timers import decode_time, encode_time
from bot.watchparty.models import NewParty, Party, Rsvp, RsvpCounts

_PARTY_COLUMNS = (
    "id, guild_id, channel_id, film_id, starts_at, timezone, runtime_minutes, status, created_by, reminders, "
    "voice_channel_id, location, repeat, note, event_id, message_id, previous_id, last_error, last_error_at"
)


def _party(row: Row) -> Party:
    return Party(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        film_id=row["film_id"],
        starts_at=decode_time(row["starts_at"]),
        timezone=row["timezone"],
        runtime_minutes=row["runtime_minutes"],
        status=row["status"],
        created_by=row["created_by"],
        reminders=tuple(json.loads(row["reminders"])),
        voice_channel_id=row["voice_channel_id"],
        location=row["location"],
        repeat=row["repeat"],
        note=row["note"],
        event_id=row["event_id"],
        message_id=row["message_id"],
        previous_id=row["previous_id"],
        last_error=row["last_error"],
        last_error_at=decode_time(row["last_error_at"]) if row["last_error_at"] else None,
    )


class WatchPartyStore:
    def __init__(self, db: Session, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return encode_time(self._clock.now())

    # -- parties -------------------------------------------------------------------------------------

    async def insert(self, new: NewParty) -> int:
        """Insert a party (its timers go in the same unit of work: ``Store.transaction()``).

        Raises ``Duplicate`` when the occurrence after ``new.previous_id`` already exists.
        """
        async with self._db.write() as tx:
            return await inserted_id(
                tx,
                "INSERT INTO watch_parties (guild_id, channel_id, film_id, starts_at, timezone, "
                "runtime_minutes, created_by, reminders, voice_channel_id, location, repeat, note, "
                "previous_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.guild_id,
                    new.channel_id,
                    new.film_id,
                    encode_time(new.starts_at),
                    new.timezone,
                    new.runtime_minutes,
                    new.created_by,
                    json.dumps(list(new.reminders)),
                    new.voice_channel_id,
                    new.location,
                    new.repeat,
                    new.note,
                    new.previous_id,
                    self._now(),
                ),
            )

    async def get(self, party_id: int) -> Party | None:
        row = await self._db.fetchone(f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE id = ?", (party_id,))
        return None if row is None else _party(row)

    async def by_event(self, event_id: int) -> Party | None:
        row = await self._db.fetchone(
            f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE event_id = ?", (event_id,)
        )
        return None if row is None else _party(row)

    async def next_of(self, party_id: int) -> Party | None:
        """The occurrence a repeating party scheduled after this one, if any."""
        row = await self._db.fetchone(
            f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE previous_id = ?", (party_id,)
        )
        return None if row is None else _party(row)

    async def upcoming(self, guild_id: int, *, limit: int = 25) -> list[Party]:
        rows = await self._db.fetchall(
            f"SELECT {_PARTY_COLUMNS} FROM watch_parties "
            "WHERE guild_id = ? AND status IN ('scheduled', 'started') "
            "ORDER BY starts_at, id LIMIT ?",
            (guild_id, limit),
        )
        return [_party(row) for row in rows]

    async def set_status(
        self,
        party_id: int,
        status: str,
        *,
        only_from: tuple[str, ...] = (),
    ) -> bool:
        """Move a party to ``status`` (optionally only from some statuses). True if it changed."""
        sql = "UPDATE watch_parties SET status = ? WHERE id = ?"
        params: tuple[object, ...] = (status, party_id)
        if only_from:
            sql += f" AND status IN ({','.join('?' for _ in only_from)})"
            params += only_from
        async with self._db.write() as tx:
            cur = await tx.execute(sql, params)
        return cur.rowcount > 0

    async def set_start(self, party_id: int, starts_at: datetime) -> None:
        async with self._db.write() as tx:
            await tx.execute(
                "UPDATE watch_parties SET starts_at = ? WHERE id = ?", (encode_time(starts_at), party_id)
            )

    async def set_event(self, party_id: int, event_id: int | None) -> None:
        async with self._db.write() as conn:
            await conn.execute("UPDATE watch_parties SET event_id = ? WHERE id = ?", (event_id, party_id))

    async def set_message(self, party_id: int, message_id: int) -> None:
        async with self._db.write() as conn:
            await conn.execute("UPDATE watch_parties SET message_id = ? WHERE id = ?", (message_id, party_id))

    async def record_error(self, party_id: int, error: str) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE watch_parties SET last_error = ?, last_error_at = ? WHERE id = ?",
                (error[:500], self._now(), party_id),
            )

    # -- RSVPs ---------------------------------------------------------------------------------------

    async def set_rsvp(self, party_id: int, user_id: int, answer: str, via: str) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO watch_party_rsvps (party_id, user_id, answer, via, updated_at) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (party_id, user_id) DO UPDATE SET answer = excluded.answer, via = excluded.via, "
                "updated_at = excluded.updated_at",
                (party_id, user_id, answer, via, self._now()),
            )

    async def add_interest(self, party_id: int, user_id: int) -> bool:
        """An "Interested" on the Discord event counts as Going unless the member answered by button."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "INSERT INTO watch_party_rsvps (party_id, user_id, answer, via, updated_at) "
                "VALUES (?, ?, 'going', 'event', ?) ON CONFLICT (party_id, user_id) DO NOTHING",
                (party_id, user_id, self._now()),
            )
        return cur.rowcount > 0

    async def remove_interest(self, party_id: int, user_id: int) -> bool:
        """Withdrawn interest removes the RSVP it made (an answer given by button stays)."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "DELETE FROM watch_party_rsvps WHERE party_id = ? AND user_id = ? AND via = 'event'",
                (party_id, user_id),
            )
        return cur.rowcount > 0

    async def rsvps(self, party_id: int) -> list[Rsvp]:
        rows = await self._db.fetchall(
            "SELECT party_id, user_id, answer, via, updated_at FROM watch_party_rsvps WHERE party_id = ? "
            "ORDER BY CASE answer WHEN 'going' THEN 0 WHEN 'maybe' THEN 1 ELSE 2 END, updated_at, user_id",
            (party_id,),
        )
        return [
            Rsvp(row["party_id"], row["user_id"], row["answer"], row["via"], decode_time(row["updated_at"]))
            for row in rows
        ]

    async def counts(self, party_id: int) -> RsvpCounts:
        rows = await self._db.fetchall(
            "SELECT answer, count(*) AS n FROM watch_party_rsvps WHERE party_id = ? GROUP BY answer",
            (party_id,),
        )
        found = {row["answer"]: row["n"] for row in rows}
        return RsvpCounts(going=found.get("going", 0), maybe=found.get("maybe", 0), cant=found.get("cant", 0))

    async def attendees(self, party_id: int) -> list[int]:
        """Members who answered Going or Maybe, in the order they answered."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM watch_party_rsvps WHERE party_id = ? AND answer IN ('going', 'maybe') "
            "ORDER BY updated_at, user_id",
            (party_id,),
        )
        return [row["user_id"] for row in rows]

    # -- deliveries ----------------------------------------------------------------------------------

    async def delivered(self, timer_id: int) -> dict[str, int | None]:
        rows = await self._db.fetchall(
            "SELECT part, message_id FROM watch_party_deliveries WHERE timer_id = ?", (timer_id,)
        )
        return {row["part"]: row["message_id"] for row in rows}

    async def record_delivery(self, timer_id: int, part: str, message_id: int | None) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO watch_party_deliveries (timer_id, part, message_id, sent_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (timer_id, part) DO UPDATE SET message_id = excluded.message_id, sent_at = excluded.sent_at",
                (timer_id, part, message_id, self._now()),
            )
