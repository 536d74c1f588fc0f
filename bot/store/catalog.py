"""SQL for the catalog at scale: bulk imports beside curated cards, browsing, random picks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.catalog.models import ImportCounts, ImportOutcome, ImportRun, RunOutcome
from bot.clock import Clock
from bot.films.models import FilmSummary, ImportedFilm, Source
from bot.store import search
from bot.store._rows import summary_from_row
from bot.store._session import Session, in_ids, inserted_id, like, nocase
from bot.store.catalog_batch import ImportBatch
from bot.store.catalog_rows import PreparedBatch

# Films at or above the first id an import in progress could add (migration 0013) are not shown yet.
PUBLISHED = f"f.id < {search.PUBLISHED_BELOW}"
# Films an unpublished import added, deleted this many at a time (each its own short transaction).
DISCARD_CHUNK = 2000


class _RolledBack(Exception):
    """Raised inside a dry run's transaction so that nothing it wrote is kept."""

    def __init__(self, outcomes: list[ImportOutcome]) -> None:
        super().__init__("dry run")
        self.outcomes = outcomes


class CatalogStore:
    def __init__(self, db: Session, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- import runs -------------------------------------------------------------------------------

    async def begin_import(self, fmt: str, path: str, source_key: str) -> int:
        async with self._db.write() as conn:
            return await inserted_id(
                conn,
                "INSERT INTO catalog_imports (format, path, source_key, started_at) VALUES (?, ?, ?, ?)",
                (fmt, path, source_key, self._clock.now().isoformat()),
            )

    async def finish_import(
        self, run_id: int, counts: ImportCounts, outcome: RunOutcome = "done", error: str | None = None
    ) -> None:
        """End a run: what it wrote, how it ended, and why it stopped (if it did)."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE catalog_imports SET finished_at = ?, added = ?, updated = ?, unchanged = ?, skipped = ?, "
                "outcome = ?, error = ? WHERE id = ?",
                (
                    self._clock.now().isoformat(),
                    counts.added,
                    counts.updated,
                    counts.unchanged,
                    counts.skipped,
                    outcome,
                    error,
                    run_id,
                ),
            )

    async def last_import(self) -> ImportRun | None:
        """The latest import run, as recorded."""
        row = await self._db.fetchone(
            "SELECT id, format, path, started_at, finished_at, added, updated, unchanged, skipped, outcome, "
            "error FROM catalog_imports ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            return None
        return ImportRun(
            id=row["id"],
            format=row["format"],
            path=row["path"],
            started_at=datetime.fromisoformat(row["started_at"]),
            finished_at=datetime.fromisoformat(row["finished_at"]) if row["finished_at"] else None,
            counts=ImportCounts(row["added"], row["updated"], row["unchanged"], row["skipped"]),
            outcome=row["outcome"],
            error=row["error"],
        )

    # -- publishing an import ----------------------------------------------------------------------

    async def hold_back(self, run_id: int) -> None:
        """From here on, films added by the import ``run_id`` stay out of search and browsing (they get
        ids above every film's) until ``publish``; in a commit of its own, before the import writes any."""
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO catalog_unpublished (run_id, first_id) SELECT ?, coalesce(max(id), 0) + 1 FROM films",
                (run_id,),
            )

    async def publish(self, run_id: int) -> None:
        """Show the films the import ``run_id`` added (in its last transaction, with its run row's end)."""
        async with self._db.write() as conn:
            await conn.execute("DELETE FROM catalog_unpublished WHERE run_id = ?", (run_id,))

    async def discard_unpublished(self) -> int:
        """Delete the films added by imports that never published them (failed, interrupted or killed),
        in short transactions, then forget those imports' holds; returns how many films were deleted."""
        deleted = 0
        for hold in await self._db.fetchall("SELECT run_id, first_id FROM catalog_unpublished"):
            while True:
                async with self._db.write() as conn:
                    rows = await conn.fetchall(
                        "SELECT id FROM films WHERE id >= ? AND origin = 'import' ORDER BY id LIMIT ?",
                        (hold["first_id"], DISCARD_CHUNK),
                    )
                    ids = [r["id"] for r in rows]
                    await search.forget(conn, ids)
                    among, listed = in_ids(conn, ids)
                    await conn.execute(f"DELETE FROM films WHERE id {among}", (listed,))
                    if len(ids) < DISCARD_CHUNK:
                        await conn.execute(
                            "DELETE FROM catalog_unpublished WHERE run_id = ?", (hold["run_id"],)
                        )
                deleted += len(ids)
                if len(ids) < DISCARD_CHUNK:
                    break
        return deleted

    # -- bulk writes -------------------------------------------------------------------------------

    async def write_batch(
        self, films: Sequence[ImportedFilm], source: Source, *, dry_run: bool = False
    ) -> list[ImportOutcome]:
        """Write imported films in one transaction, one outcome per film (how: ``ImportBatch``)."""
        try:
            async with self._db.write() as conn:
                outcomes = await ImportBatch(conn, source, self._clock.now()).write(films)
                if dry_run:
                    raise _RolledBack(outcomes)
        except _RolledBack as rolled_back:
            return rolled_back.outcomes
        return outcomes

    async def write_prepared(
        self, batch: PreparedBatch, source: Source, pending: search.PendingNames
    ) -> list[ImportOutcome]:
        """Write a batch an import prepared (``bot.store.catalog_rows``) in one transaction, one outcome
        per film; the names of the films it adds go to ``pending``, for ``index_pending`` to index before
        the transaction commits."""
        async with self._db.write() as conn:
            return await ImportBatch(conn, source, self._clock.now(), pending).write_prepared(batch)

    async def index_pending(self, pending: search.PendingNames) -> None:
        """Index the names ``write_prepared`` left pending (the import's transaction is about to commit)."""
        async with self._db.write() as conn:
            await pending.write(conn)

    async def popularity(self) -> dict[int, int]:
        """Each film's largest rating vote count (how well known it is; the title index ranks equal
        matches by it)."""
        rows = await self._db.fetchall(
            "SELECT film_id, max(votes) AS votes FROM score_sources WHERE votes IS NOT NULL GROUP BY film_id"
        )
        return {r["film_id"]: r["votes"] for r in rows}

    # -- browsing ----------------------------------------------------------------------------------

    async def count_matching(self, *, genre: str | None, year: int | None, director: str | None) -> int:
        where, params = _filters(self._db, genre, year, director)
        row = await self._db.fetchone(f"SELECT count(*) FROM films f WHERE {where}", params)
        return int(row[0]) if row else 0

    async def browse(
        self, *, genre: str | None, year: int | None, director: str | None, offset: int, limit: int
    ) -> list[FilmSummary]:
        """Films matching every filter given, best known first (most rating votes), then by title."""
        where, params = _filters(self._db, genre, year, director)
        rows = await self._db.fetchall(
            "SELECT f.id, f.slug, f.title, f.year, f.original_title, "
            "(SELECT max(s.votes) FROM score_sources s WHERE s.film_id = f.id) AS votes "
            f"FROM films f WHERE {where} "
            f"ORDER BY votes DESC NULLS LAST, {nocase(self._db, 'f.title')}, f.year, f.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [summary_from_row(r) for r in rows]

    async def random_film(self, *, genre: str | None) -> FilmSummary | None:
        where, params = _filters(self._db, genre, None, None)
        row = await self._db.fetchone(
            f"SELECT f.id, f.slug, f.title, f.year, f.original_title FROM films f WHERE {where} "
            "ORDER BY random() LIMIT 1",
            params,
        )
        return None if row is None else summary_from_row(row)

    async def genres(self, prefix: str, limit: int) -> list[str]:
        rows = await self._db.fetchall(
            f"SELECT value FROM facts WHERE key = 'genre' AND value {like(self._db)} ? ESCAPE '\\' "
            f"GROUP BY value ORDER BY {nocase(self._db, 'value')} LIMIT ?",
            (_like_prefix(prefix), limit),
        )
        return [r["value"] for r in rows]

    async def directors(self, prefix: str, limit: int) -> list[str]:
        rows = await self._db.fetchall(
            f"SELECT person FROM credits WHERE role = 'director' AND person {like(self._db)} ? ESCAPE '\\' "
            f"GROUP BY person ORDER BY {nocase(self._db, 'person')} LIMIT ?",
            (_like_prefix(prefix), limit),
        )
        return [r["person"] for r in rows]


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(
    session: Session, genre: str | None, year: int | None, director: str | None
) -> tuple[str, tuple[object, ...]]:
    clauses = [PUBLISHED]
    params: list[object] = []
    if year is not None:
        clauses.append("f.year = ?")
        params.append(year)
    if genre:
        clauses.append(
            "EXISTS (SELECT 1 FROM facts g WHERE g.film_id = f.id AND g.key = 'genre' "
            f"AND {nocase(session, 'g.value')} = {nocase(session, '?')})"
        )
        params.append(genre)
    if director:
        clauses.append(
            "EXISTS (SELECT 1 FROM credits c WHERE c.film_id = f.id AND c.role = 'director' "
            f"AND {nocase(session, 'c.person')} = {nocase(session, '?')})"
        )
        params.append(director)
    return " AND ".join(clauses), tuple(params)
