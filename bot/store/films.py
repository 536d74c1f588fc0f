"""SQL for the film catalog: films, aliases, sources, facts, credits, outside scores and plot."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date

import aiosqlite

from bot.clock import Clock
from bot.films.matching import match_key
from bot.films.models import (
    Credit,
    DeleteRefused,
    Fact,
    Film,
    FilmData,
    FilmSummary,
    PlotSection,
    Score,
    Source,
    UpsertOutcome,
    merge_imported,
)
from bot.store import search
from bot.store._database import Session, Transaction
from bot.store._rows import summary_from_row


class FilmStore:
    def __init__(self, db: Session, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- reads -------------------------------------------------------------------------------------

    async def summaries(self) -> list[FilmSummary]:
        """Every film's identity with its aliases: the whole catalog in memory (a check, or an export)."""
        aliases: dict[int, list[str]] = {}
        for row in await self._db.fetchall(
            "SELECT film_id, alias FROM film_aliases "
            "ORDER BY source_id IS NOT NULL, CASE WHEN source_id IS NULL THEN rowid END, alias"
        ):
            aliases.setdefault(row["film_id"], []).append(row["alias"])
        rows = await self._db.fetchall("SELECT id, slug, title, year, original_title FROM films ORDER BY id")
        return [summary_from_row(row, tuple(aliases.get(row["id"], ()))) for row in rows]

    async def slugs(self, origin: str | None = None) -> set[str]:
        if origin is None:
            rows = await self._db.fetchall("SELECT slug FROM films")
        else:
            rows = await self._db.fetchall("SELECT slug FROM films WHERE origin = ?", (origin,))
        return {row["slug"] for row in rows}

    async def summary_by_slug(self, slug: str) -> FilmSummary | None:
        """One film's identity by slug, from committed data (an autocomplete pick comes back as its slug)."""
        return await self._summary_where("slug = ?", slug)

    async def summary_by_id(self, film_id: int) -> FilmSummary | None:
        """One film's identity by store id (as kept in buttons and member data)."""
        return await self._summary_where("id = ?", film_id)

    async def _summary_where(self, where: str, value: object) -> FilmSummary | None:
        rows = await self._db.read(
            f"SELECT id, slug, title, year, original_title FROM films WHERE {where}", (value,)
        )
        if not rows:
            return None
        return summary_from_row(rows[0], (await self.aliases([rows[0]["id"]])).get(rows[0]["id"], ()))

    async def aliases(self, film_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The aliases of each of ``film_ids`` that has any: the film's own first, then imported ones."""
        if not film_ids:
            return {}
        rows = await self._db.read(
            "SELECT film_id, alias FROM film_aliases WHERE film_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY film_id, source_id IS NOT NULL, CASE WHEN source_id IS NULL THEN rowid END, alias",
            (json.dumps(list(film_ids)),),
        )
        found: dict[int, list[str]] = {}
        for row in rows:
            found.setdefault(row["film_id"], []).append(row["alias"])
        return {film_id: tuple(names) for film_id, names in found.items()}

    async def first_by_title(self, limit: int) -> list[FilmSummary]:
        """The first films in title order (what an empty search lists)."""
        rows = await self._db.read(
            "SELECT id, slug, title, year, original_title FROM films "
            "ORDER BY title COLLATE NOCASE, year, slug LIMIT ?",
            (limit,),
        )
        return [summary_from_row(row) for row in rows]

    async def slug_for_id(self, film_id: int) -> str | None:
        row = await self._db.fetchone("SELECT slug FROM films WHERE id = ?", (film_id,))
        return None if row is None else str(row["slug"])

    async def get(self, slug: str) -> Film | None:
        row = await self._db.fetchone(
            "SELECT id, slug, title, year, original_title, origin, imdb_id FROM films WHERE slug = ?", (slug,)
        )
        if row is None:
            return None
        film_id = row["id"]
        alias_rows = await self._db.fetchall(
            "SELECT alias FROM film_aliases WHERE film_id = ? ORDER BY source_id IS NOT NULL, "
            "CASE WHEN source_id IS NULL THEN rowid END, alias",
            (film_id,),
        )
        # The film's own sources first, then imported ones: the numbering does not depend on load order.
        source_rows = await self._db.fetchall(
            "SELECT id, key, title, publisher, kind, url, file, as_of, imported FROM film_sources "
            "WHERE film_id = ? ORDER BY imported, id",
            (film_id,),
        )
        keys = {r["id"]: r["key"] for r in source_rows}
        imported = {r["key"] for r in source_rows if r["imported"]}
        film = Film(
            summary=summary_from_row(row, tuple(a["alias"] for a in alias_rows)),
            origin=row["origin"],
            imdb_id=row["imdb_id"],
            sources=tuple(_source(r) for r in source_rows),
            facts=await self._facts(film_id, keys),
            credits=await self._credits(film_id, keys),
            scores=await self._scores(film_id, keys),
            plot=await self._plot(film_id),
        )
        # Only a film with sources of its own (a card) has anything for imports to give way to.
        return merge_imported(film, imported) if imported and len(imported) < len(source_rows) else film

    async def _facts(self, film_id: int, keys: dict[int, str]) -> tuple[Fact, ...]:
        rows = await self._db.fetchall(
            "SELECT key, value, detail, source_id FROM facts WHERE film_id = ? ORDER BY position, id",
            (film_id,),
        )
        return tuple(
            Fact(key=r["key"], value=r["value"], detail=r["detail"], source=keys[r["source_id"]])
            for r in rows
        )

    async def _credits(self, film_id: int, keys: dict[int, str]) -> tuple[Credit, ...]:
        rows = await self._db.fetchall(
            "SELECT person, role, character, source_id FROM credits WHERE film_id = ? ORDER BY position, id",
            (film_id,),
        )
        return tuple(
            Credit(person=r["person"], role=r["role"], character=r["character"], source=keys[r["source_id"]])
            for r in rows
        )

    async def _scores(self, film_id: int, keys: dict[int, str]) -> tuple[Score, ...]:
        rows = await self._db.fetchall(
            "SELECT name, kind, value, scale, votes, as_of, note, source_id FROM score_sources "
            "WHERE film_id = ? ORDER BY position, id",
            (film_id,),
        )
        return tuple(score_from_row(r, keys[r["source_id"]]) for r in rows)

    async def _plot(self, film_id: int) -> tuple[PlotSection, ...]:
        rows = await self._db.fetchall(
            "SELECT position, phase, spoiler_level, text FROM plot_sections WHERE film_id = ? "
            "ORDER BY position",
            (film_id,),
        )
        return tuple(
            PlotSection(
                position=r["position"], phase=r["phase"], spoiler_level=r["spoiler_level"], text=r["text"]
            )
            for r in rows
        )

    # -- writes ------------------------------------------------------------------------------------

    async def upsert(self, data: FilmData) -> UpsertOutcome:
        """Write a film by slug; children are replaced as a whole. Unchanged content is not rewritten."""
        digest = data.content_hash()
        key = match_key(data.title, data.year)
        async with self._db.write() as conn:
            async with conn.execute("SELECT id, content_hash FROM films WHERE slug = ?", (data.slug,)) as cur:
                existing = await cur.fetchone()
            if existing is not None and existing["content_hash"] == digest:
                await conn.execute(
                    "UPDATE films SET match_key = ? WHERE id = ? AND match_key IS NOT ?",
                    (key, existing["id"], key),
                )
                return "unchanged"
            adopted = existing is None and data.origin == "card"
            if adopted:
                existing = await _adopt_imported_twin(conn, data)
            columns = _film_columns(data, digest, key, self._clock.now().isoformat())
            if existing is None:
                film_id = await _insert_film(conn, columns)
            else:
                film_id = existing["id"]
                await _update_film(conn, film_id, columns)
            await _write_children(conn, film_id, data)
            await search.reindex(conn, [film_id])
        return "added" if existing is None or adopted else "updated"

    async def delete(self, slug: str) -> DeleteRefused | None:
        """Remove a film, unless member data (ratings, polls, parties) still refers to it."""
        try:
            async with self._db.write() as conn:
                row = await conn.fetchone("SELECT id FROM films WHERE slug = ?", (slug,))
                if row is None:
                    return None
                await search.forget(conn, [row["id"]])
                await conn.execute("DELETE FROM films WHERE id = ?", (row["id"],))
        except sqlite3.IntegrityError:
            return DeleteRefused(slug, "member data (ratings, polls or watch parties) refers to it")
        return None


async def _adopt_imported_twin(conn: Transaction, data: FilmData) -> aiosqlite.Row | None:
    """A card for a film an import already brought takes over that row, or None when there is none.

    The card keeps the row's id (so member data stays attached) and the imported rows, which fill what
    the card lacks; the import's own names stay as its aliases, as when the import comes after the card.
    """
    twin = await _imported_twin(conn, data)
    if twin is not None:
        await conn.execute(
            "INSERT OR IGNORE INTO film_aliases (film_id, alias, source_id) "
            "SELECT f.id, n.name, "
            "(SELECT min(id) FROM film_sources WHERE film_id = f.id AND imported = 1) "
            "FROM films f JOIN (SELECT title AS name FROM films WHERE id = ? "
            "UNION ALL SELECT original_title FROM films WHERE id = ?) n ON n.name IS NOT NULL "
            "WHERE f.id = ?",
            (twin["id"], twin["id"], twin["id"]),
        )
    return twin


async def _imported_twin(conn: Transaction, data: FilmData) -> aiosqlite.Row | None:
    """The imported film a new card describes: the same IMDb id, else the same normalized title and year."""
    if data.imdb_id:
        async with conn.execute(
            "SELECT id, content_hash FROM films WHERE imdb_id = ? AND origin = 'import'", (data.imdb_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is not None:
            return row
    async with conn.execute(
        "SELECT id, content_hash FROM films WHERE match_key = ? AND origin = 'import' ORDER BY id LIMIT 1",
        (match_key(data.title, data.year),),
    ) as cur:
        return await cur.fetchone()


def _film_columns(data: FilmData, digest: str, key: str, now: str) -> tuple[object, ...]:
    """The films row's columns, in the order ``_insert_film`` and ``_update_film`` write them."""
    return (
        data.slug,
        data.title,
        data.original_title,
        data.year,
        data.origin,
        data.imdb_id,
        digest,
        now,
        key,
    )


async def _insert_film(conn: Transaction, columns: tuple[object, ...]) -> int:
    cur = await conn.execute(
        "INSERT INTO films (slug, title, original_title, year, origin, imdb_id, content_hash, "
        "updated_at, match_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        columns,
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def _update_film(conn: Transaction, film_id: int, columns: tuple[object, ...]) -> None:
    """Rewrite the film's row and drop its own children (rows an import brought stay: merged when read)."""
    await conn.execute(
        "UPDATE films SET slug = ?, title = ?, original_title = ?, year = ?, origin = ?, imdb_id = ?, "
        "content_hash = ?, updated_at = ?, match_key = ? WHERE id = ?",
        (*columns, film_id),
    )
    await conn.execute("DELETE FROM film_aliases WHERE film_id = ? AND source_id IS NULL", (film_id,))
    for table in ("facts", "credits", "score_sources"):
        await conn.execute(
            f"DELETE FROM {table} WHERE film_id = ? AND source_id IN "
            "(SELECT id FROM film_sources WHERE film_id = ? AND imported = 0)",
            (film_id, film_id),
        )
    await conn.execute("DELETE FROM plot_sections WHERE film_id = ?", (film_id,))
    await conn.execute("DELETE FROM film_sources WHERE film_id = ? AND imported = 0", (film_id,))


def source_columns(source: Source) -> tuple[object, ...]:
    """A source's film_sources columns: key, title, publisher, kind, url, file, as_of."""
    return (
        source.key,
        source.title,
        source.publisher,
        source.kind,
        source.url,
        source.file,
        source.as_of.isoformat(),
    )


def score_from_row(row: aiosqlite.Row, source: str) -> Score:
    """A score_sources row (name, kind, value, scale, votes, as_of, note) cited to ``source``."""
    return Score(
        name=row["name"],
        kind=row["kind"],
        value=row["value"],
        scale=row["scale"],
        votes=row["votes"],
        as_of=date.fromisoformat(row["as_of"]),
        note=row["note"],
        source=source,
    )


def _source(row: aiosqlite.Row) -> Source:
    return Source(
        key=row["key"],
        title=row["title"],
        kind=row["kind"],
        as_of=date.fromisoformat(row["as_of"]),
        publisher=row["publisher"],
        url=row["url"],
        file=row["file"],
    )


async def _write_children(conn: Transaction, film_id: int, data: FilmData) -> None:
    # A card's alias takes over the same alias brought by an import (it is the card's from now on).
    await conn.executemany(
        "INSERT OR REPLACE INTO film_aliases (film_id, alias, source_id) VALUES (?, ?, NULL)",
        [(film_id, a) for a in data.aliases],
    )
    source_ids: dict[str, int] = {}
    for source in data.sources:
        cur = await conn.execute(
            "INSERT INTO film_sources (film_id, key, title, publisher, kind, url, file, as_of) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (film_id, *source_columns(source)),
        )
        assert cur.lastrowid is not None
        source_ids[source.key] = cur.lastrowid
    await conn.executemany(
        "INSERT INTO facts (film_id, position, key, value, detail, source_id) VALUES (?, ?, ?, ?, ?, ?)",
        [(film_id, i, f.key, f.value, f.detail, source_ids[f.source]) for i, f in enumerate(data.facts)],
    )
    await conn.executemany(
        "INSERT INTO credits (film_id, position, person, role, character, source_id) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (film_id, i, c.person, c.role, c.character, source_ids[c.source])
            for i, c in enumerate(data.credits)
        ],
    )
    await conn.executemany(
        "INSERT INTO score_sources (film_id, position, name, kind, value, scale, votes, as_of, note, source_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                film_id,
                i,
                s.name,
                s.kind,
                s.value,
                s.scale,
                s.votes,
                s.as_of.isoformat(),
                s.note,
                source_ids[s.source],
            )
            for i, s in enumerate(data.scores)
        ],
    )
    await conn.executemany(
        "INSERT INTO plot_sections (film_id, position, phase, spoiler_level, text) VALUES (?, ?, ?, ?, ?)",
        [(film_id, p.position, p.phase, p.spoiler_level, p.text) for p in data.plot],
    )
