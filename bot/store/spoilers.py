"""SQL for spoiler-safe plots: the plot sections of a film, and each server's spoiler channels.

A film's plot is its card's own sections (``source_id IS NULL``) or, when the card gives none, sections
fetched from one outside source (a Wikipedia revision), stored with that source: a card's plot always wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.films.models import PlotSection, Source
from bot.spoilers.models import FetchedPremise, SpoilerChannel, StoredPlot
from bot.store._session import Session, Transaction, inserted_id
from bot.store.catalog_cards import source_columns
from bot.store.films import SHOWN_PLOT, source_from_row

# Whether a film's card gives a plot of its own (plot sections citing no fetched source).
_OWN_PLOT = "SELECT 1 FROM plot_sections WHERE film_id = ? AND source_id IS NULL LIMIT 1"
_SOURCE = "SELECT key, title, publisher, kind, url, file, as_of, dated, licence, revision FROM film_sources"
# TMDB's overview of a film and the TMDB source its other values cite (written with it, by one fetch).
_TMDB_PREMISE = (
    "SELECT t.premise, s.key, s.title, s.publisher, s.kind, s.url, s.file, s.as_of, s.dated, s.licence, "
    "s.revision FROM film_tmdb t JOIN film_sources s ON s.film_id = t.film_id AND s.kind = 'tmdb' "
    "WHERE t.film_id = ? AND t.premise IS NOT NULL AND t.premise <> '' ORDER BY s.id LIMIT 1"
)


class SpoilerStore:
    def __init__(self, db: Session) -> None:
        self._db = db

    async def plot(self, film_id: int) -> StoredPlot:
        """A film's plot sections in story order and the source they came from (``None``: its card)."""
        rows = await self._db.fetchall(SHOWN_PLOT, (film_id,))
        sections = tuple(
            PlotSection(
                position=r["position"], phase=r["phase"], spoiler_level=r["spoiler_level"], text=r["text"]
            )
            for r in rows
        )
        source_id = rows[0]["source_id"] if rows else None
        source = None
        if source_id is not None:
            row = await self._db.fetchone(f"{_SOURCE} WHERE id = ?", (source_id,))
            source = source_from_row(row) if row is not None else None
        tmdb = await self._db.fetchone(_TMDB_PREMISE, (film_id,))
        premise = FetchedPremise(tmdb["premise"], source_from_row(tmdb)) if tmdb is not None else None
        return StoredPlot(sections, source, premise)

    async def has_own_plot(self, film_id: int) -> bool:
        """Whether the film's card gives a plot (a fetched one is then never stored nor shown)."""
        return await self._db.fetchone(_OWN_PLOT, (film_id,)) is not None

    async def replace_fetched(self, film_id: int, source: Source, sections: Sequence[PlotSection]) -> bool:
        """Store ``sections`` as the film's plot, citing ``source`` (replacing any plot fetched before, and
        the source row with the same key). ``False``, and nothing written, when the card gives a plot."""
        async with self._db.write() as conn:
            return await write_fetched_plot(conn, film_id, source, sections)

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


async def write_fetched_plot(
    conn: Transaction, film_id: int, source: Source, sections: Sequence[PlotSection]
) -> bool:
    """``SpoilerStore.replace_fetched`` inside an open transaction."""
    if await conn.fetchone(_OWN_PLOT, (film_id,)) is not None:
        return False
    await conn.execute("DELETE FROM plot_sections WHERE film_id = ? AND source_id IS NOT NULL", (film_id,))
    await conn.execute("DELETE FROM film_sources WHERE film_id = ? AND key = ?", (film_id, source.key))
    source_id = await inserted_id(
        conn,
        "INSERT INTO film_sources (film_id, key, title, publisher, kind, url, file, as_of, dated, licence, "
        "revision, imported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (film_id, *source_columns(source), source.revision),
    )
    await conn.executemany(
        "INSERT INTO plot_sections (film_id, position, phase, spoiler_level, text, source_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(film_id, p.position, p.phase, p.spoiler_level, p.text, source_id) for p in sections],
    )
    return True
