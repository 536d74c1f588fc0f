"""SQL for online enrichment: each provider's last fetch per film (``enrichments``), and what it found
written as catalog rows (``film_sources`` with ``imported = 1``, facts, credits, scores) so cards, imports
and enrichment all merge the same way when a film is read (``bot.films.models.merge_imported``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.enrich.models import Enrichment, EnrichState, ExternalIds, FilmRef, ProviderResult
from bot.films.matching import match_key
from bot.films.models import FilmSummary
from bot.store._rows import summary_from_row
from bot.store._session import Row, Session, Transaction, in_texts, json_field
from bot.store.catalog_cards import source_columns
from bot.store.spoilers import write_fetched_plot

# Enriched rows sort after a card's own rows and an import's (catalog_batch.IMPORTED_POSITION).
ENRICHED_POSITION = 2000
_CHILDREN = ("facts", "credits", "score_sources")
_SOURCES_OF = "SELECT id FROM film_sources WHERE film_id = ? AND imported = 1 AND key {among}"


def _enrichment(row: Row) -> Enrichment:
    return Enrichment(
        film_id=row["film_id"],
        provider=row["provider"],
        fetched_at=datetime.fromisoformat(row["fetched_at"]),
        status=row["status"],
        problems=tuple(json.loads(row["problems"])),
        ids=ExternalIds.from_dict(json.loads(row["ids"])),
        succeeded_at=datetime.fromisoformat(row["succeeded_at"]) if row["succeeded_at"] else None,
    )


class EnrichStore:
    def __init__(self, db: Session) -> None:
        self._db = db

    async def state(self, film_id: int) -> EnrichState:
        rows = await self._db.fetchall(
            "SELECT film_id, provider, fetched_at, succeeded_at, status, problems, ids FROM enrichments "
            "WHERE film_id = ? ORDER BY provider",
            (film_id,),
        )
        return EnrichState(film_id, tuple(_enrichment(r) for r in rows))

    async def ref(self, film_id: int) -> FilmRef | None:
        """What providers are asked about the film: its title, year, IMDb id and every id found so far."""
        row = await self._db.fetchone("SELECT id, title, year, imdb_id FROM films WHERE id = ?", (film_id,))
        if row is None:
            return None
        ids = (await self.state(film_id)).ids.merged(ExternalIds(imdb=row["imdb_id"]))
        if row["imdb_id"]:
            ids = ExternalIds(**{**ids.as_dict(), "imdb": row["imdb_id"]})  # the catalog's id is the film's
        return FilmRef(row["id"], row["title"], row["year"], ids)

    async def film_with(self, ids: ExternalIds) -> FilmSummary | None:
        """The catalog's film with the IMDb id, or that an earlier fetch found the Wikidata item for."""
        sql = "SELECT id, slug, title, year, original_title FROM films WHERE "
        if ids.imdb:
            row = await self._db.fetchone(sql + "imdb_id = ?", (ids.imdb,))
            if row is not None:
                return summary_from_row(row)
        if ids.wikidata:
            row = await self._db.fetchone(
                sql
                + f"id = (SELECT film_id FROM enrichments WHERE {json_field(self._db, 'ids', 'wikidata')} = ? LIMIT 1)",
                (ids.wikidata,),
            )
            if row is not None:
                return summary_from_row(row)
        return None

    async def film_named(self, title: str, year: int | None, imdb_id: str | None) -> FilmSummary | None:
        """The film with the IMDb id, else the latest with the title and year (as the importer matches: a
        card film without an IMDb id takes an import of its title and year)."""
        sql = "SELECT id, slug, title, year, original_title FROM films WHERE "
        row = await self._db.fetchone(sql + "imdb_id = ?", (imdb_id,)) if imdb_id else None
        if row is None:
            key = match_key(title, year)
            row = await self._db.fetchone(sql + "match_key = ? ORDER BY id DESC LIMIT 1", (key,))
        return None if row is None else summary_from_row(row)

    async def due(self, providers: Sequence[str], before: datetime | None, limit: int) -> list[FilmSummary]:
        """Films some provider has not answered for since ``before`` (None: every film), oldest first."""
        among, listed = in_texts(self._db, providers)
        when = before.isoformat() if before else None
        rows = await self._db.fetchall(
            "SELECT * FROM (SELECT f.id, f.slug, f.title, f.year, f.original_title, "
            "(SELECT min(coalesce(e.succeeded_at, '')) FROM enrichments e WHERE e.film_id = f.id) AS oldest, "
            "(SELECT count(*) FROM enrichments e WHERE e.film_id = f.id AND e.succeeded_at IS NOT NULL "
            f" AND e.provider {among}) AS answered FROM films f) AS due "
            "WHERE CAST(? AS TEXT) IS NULL OR answered < ? OR oldest < ? ORDER BY oldest NULLS FIRST, id LIMIT ?",
            (listed, when, len(providers), when, limit),
        )
        return [summary_from_row(r) for r in rows]

    async def record(self, film_id: int, result: ProviderResult, now: datetime) -> None:
        """Keep one provider's fetch: an answer (found, or no such film) replaces what that provider wrote
        before; a failure keeps it (the card goes on showing it) and only notes the problem. A plot in the
        answer (Wikipedia's phases) replaces the fetched plot in the same transaction, so a refetch never
        shows the film without one (a card's own plot always wins)."""
        async with self._db.write() as conn:
            old = await conn.fetchone(
                "SELECT succeeded_at, ids, source_keys FROM enrichments WHERE film_id = ? AND provider = ?",
                (film_id, result.provider),
            )
            ids, keys = result.ids, [s.key for s in result.sources]
            succeeded: str | None = now.isoformat()
            if result.status == "failed":
                ids = ExternalIds.from_dict(json.loads(old["ids"])) if old else ExternalIds()
                keys = json.loads(old["source_keys"]) if old else []
                succeeded = old["succeeded_at"] if old else None
            else:
                stale = sorted({*(json.loads(old["source_keys"]) if old else []), *keys})
                await _forget(conn, film_id, stale)
                await _write_rows(conn, film_id, result)
                await _write_plot(conn, film_id, result)
                await _adopt_imdb_id(conn, film_id, result.ids.imdb)
            await conn.execute(
                "INSERT INTO enrichments (film_id, provider, fetched_at, succeeded_at, status, problems, ids, "
                "source_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (film_id, provider) DO UPDATE SET "
                "fetched_at = excluded.fetched_at, succeeded_at = excluded.succeeded_at, status = excluded.status, "
                "problems = excluded.problems, ids = excluded.ids, source_keys = excluded.source_keys",
                (
                    film_id,
                    result.provider,
                    now.isoformat(),
                    succeeded,
                    result.status,
                    json.dumps(list(result.problems), ensure_ascii=False),
                    json.dumps(ids.as_dict()),
                    json.dumps(keys),
                ),
            )


async def _forget(conn: Transaction, film_id: int, keys: Sequence[str]) -> None:
    """The provider's earlier rows go (a card's own sources, ``imported = 0``, are never touched)."""
    if not keys:
        return
    among, listed = in_texts(conn, keys)
    sources = _SOURCES_OF.format(among=among)
    for table in _CHILDREN:
        await conn.execute(
            f"DELETE FROM {table} WHERE film_id = ? AND source_id IN ({sources})", (film_id, film_id, listed)
        )
    await conn.execute(
        f"DELETE FROM film_sources WHERE film_id = ? AND imported = 1 AND key {among}", (film_id, listed)
    )


async def _write_rows(conn: Transaction, film_id: int, result: ProviderResult) -> None:
    """The result's sources (as imported ones) and the facts, credits and scores citing them. A source
    whose key the film's card already uses is left out with what cites it (the card's wins)."""
    ids: dict[str, int] = {}
    for source in result.sources:
        row = await conn.fetchone(
            "INSERT INTO film_sources (film_id, key, title, publisher, kind, url, file, as_of, dated, licence, "
            "imported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (film_id, key) DO NOTHING RETURNING id",
            (film_id, *source_columns(source)),
        )
        if row is not None:
            ids[source.key] = int(row[0])
    base = ENRICHED_POSITION
    await conn.executemany(
        "INSERT INTO facts (film_id, position, key, value, detail, source_id) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (film_id, base + i, f.key, f.value, f.detail, ids[f.source])
            for i, f in enumerate(result.facts)
            if f.source in ids
        ],
    )
    await conn.executemany(
        "INSERT INTO credits (film_id, position, person, role, character, source_id) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (film_id, base + i, c.person, c.role, c.character, ids[c.source])
            for i, c in enumerate(result.credits)
            if c.source in ids
        ],
    )
    await conn.executemany(
        "INSERT INTO score_sources (film_id, position, name, kind, value, scale, votes, as_of, note, source_id, "
        "dated, site_named) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (film_id, base + i, s.name, s.kind, s.value, s.scale, s.votes, s.as_of.isoformat(), s.note,
             ids[s.source], int(s.dated), int(s.site_named))
            for i, s in enumerate(result.scores)
            if s.source in ids
        ],
    )  # fmt: skip


async def _write_plot(conn: Transaction, film_id: int, result: ProviderResult) -> None:
    """The result's plot, cited to the source it names; none, and the plot fetched before stays."""
    source = next((s for s in result.sources if s.key == result.plot_source), None)
    if result.plot and source is not None:
        await write_fetched_plot(conn, film_id, source, result.plot)


async def _adopt_imdb_id(conn: Transaction, film_id: int, imdb_id: str | None) -> None:
    """A film without an IMDb id takes the one a provider found, unless another film holds it."""
    if imdb_id:
        await conn.execute(
            "UPDATE films SET imdb_id = ? WHERE id = ? AND imdb_id IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM films WHERE imdb_id = ?)",
            (imdb_id, film_id, imdb_id),
        )
