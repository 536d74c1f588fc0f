"""SQL for the film catalog: films, aliases, sources, facts, credits, outside scores and plot."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.films.models import (
    CardClash,
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
from bot.store._rows import summary_from_row
from bot.store._session import ConstraintViolated, Row, Session, in_ids, nocase
from bot.store.catalog_cards import write_card

# The plot sections a film shows: its card's own when it has any, else the ones fetched from a source.
SHOWN_PLOT = (
    "SELECT position, phase, spoiler_level, text, source_id FROM plot_sections p WHERE film_id = ? "
    "AND (source_id IS NULL OR NOT EXISTS "
    "(SELECT 1 FROM plot_sections c WHERE c.film_id = p.film_id AND c.source_id IS NULL)) "
    "ORDER BY position"
)


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
        return await self._summary_where(f"slug = ? AND id < {search.PUBLISHED_BELOW}", slug)

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
        among, ids = in_ids(self._db, film_ids)
        rows = await self._db.read(
            f"SELECT film_id, alias FROM film_aliases WHERE film_id {among} "
            "ORDER BY film_id, source_id IS NOT NULL, CASE WHEN source_id IS NULL THEN rowid END, alias",
            (ids,),
        )
        found: dict[int, list[str]] = {}
        for row in rows:
            found.setdefault(row["film_id"], []).append(row["alias"])
        return {film_id: tuple(names) for film_id, names in found.items()}

    async def first_by_title(self, limit: int) -> list[FilmSummary]:
        """The first films in title order (what an empty search lists)."""
        rows = await self._db.read(
            f"SELECT id, slug, title, year, original_title FROM films WHERE id < {search.PUBLISHED_BELOW} "
            f"ORDER BY {nocase(self._db, 'title')}, year, slug LIMIT ?",
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
            "SELECT id, key, title, publisher, kind, url, file, as_of, dated, licence, revision, imported "
            "FROM film_sources "
            "WHERE film_id = ? ORDER BY imported, id",
            (film_id,),
        )
        keys = {r["id"]: r["key"] for r in source_rows}
        imported = {r["key"] for r in source_rows if r["imported"]}
        film = Film(
            summary=summary_from_row(row, tuple(a["alias"] for a in alias_rows)),
            origin=row["origin"],
            imdb_id=row["imdb_id"],
            sources=tuple(source_from_row(r) for r in source_rows),
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
            "SELECT name, kind, value, scale, votes, as_of, note, dated, site_named, source_id FROM score_sources "
            "WHERE film_id = ? ORDER BY position, id",
            (film_id,),
        )
        return tuple(score_from_row(r, keys[r["source_id"]]) for r in rows)

    async def _plot(self, film_id: int) -> tuple[PlotSection, ...]:
        rows = await self._db.fetchall(SHOWN_PLOT, (film_id,))
        return tuple(
            PlotSection(
                position=r["position"], phase=r["phase"], spoiler_level=r["spoiler_level"], text=r["text"]
            )
            for r in rows
        )

    # -- writes ------------------------------------------------------------------------------------

    async def upsert(self, data: FilmData, *, vacated: Collection[str] = ()) -> UpsertOutcome | CardClash:
        """Write a card's film by slug; its own children are replaced as a whole, unchanged content is not
        rewritten. ``vacated``: slugs of card films whose card is gone, which a card with the same IMDb id
        takes over (a renamed card). A clash with another film is returned, and nothing is written."""
        async with self._db.write() as conn:
            return await write_card(conn, data, self._clock.now(), vacated)

    async def delete(self, slug: str) -> DeleteRefused | None:
        """Remove a film, unless member data (ratings, polls, parties) still refers to it."""
        try:
            async with self._db.write() as conn:
                row = await conn.fetchone("SELECT id FROM films WHERE slug = ?", (slug,))
                if row is None:
                    return None
                await search.forget(conn, [row["id"]])
                await conn.execute("DELETE FROM films WHERE id = ?", (row["id"],))
        except ConstraintViolated:
            return DeleteRefused(slug, "member data (ratings, polls or watch parties) refers to it")
        return None


def score_from_row(row: Row, source: str) -> Score:
    """A score_sources row (name, kind, value, scale, votes, as_of, note, dated, site_named) cited to
    ``source``."""
    return Score(
        name=row["name"],
        kind=row["kind"],
        value=row["value"],
        scale=row["scale"],
        votes=row["votes"],
        as_of=date.fromisoformat(row["as_of"]),
        note=row["note"],
        source=source,
        dated=bool(row["dated"]),
        site_named=bool(row["site_named"]),
    )


def source_from_row(row: Row) -> Source:
    """A film_sources row (key, title, publisher, kind, url, file, as_of, dated, licence)."""
    return Source(
        key=row["key"],
        title=row["title"],
        kind=row["kind"],
        as_of=date.fromisoformat(row["as_of"]),
        publisher=row["publisher"],
        url=row["url"],
        file=row["file"],
        dated=bool(row["dated"]),
        licence=row["licence"],
        revision=_optional(row, "revision"),
    )


def _optional(row: Row, column: str) -> Any:
    """``row[column]``, or None where the query did not select that column."""
    try:
        return row[column]
    except (KeyError, IndexError):  # asyncpg's Record, sqlite3's Row
        return None
