"""One batch of imported films, written in the import's transaction with a few ``executemany`` calls.

A film is found by IMDb id, else by normalized title and year (never across different ids). On a card
film only the import's own rows change (the card's values win when read); an imported film's title,
year and original title follow the import. The title index follows in the same transaction.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.catalog.models import ImportOutcome
from bot.films.matching import slug_name
from bot.films.models import ImportedFilm, Source
from bot.store import search
from bot.store._session import Row, Transaction
from bot.store.catalog_cards import source_columns
from bot.store.catalog_rows import PreparedBatch, card_aliases, name_rows, prepare, with_ids


def _in(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


@dataclass(slots=True)
class _Existing:
    film_id: int
    origin: str
    imdb_id: str | None


# A film the batch writes: its place in the batch, its id, and whether it is on a card.
_Kept = tuple[int, int, bool]


class ImportBatch:
    """One batch of imported films, written with a handful of ``executemany`` calls."""

    def __init__(
        self, conn: Transaction, source: Source, now: datetime, pending: search.PendingNames | None = None
    ) -> None:
        self.conn = conn
        self.source = source
        self.now = now.isoformat()
        # Where the new films' names wait to be indexed before the transaction commits; None: now.
        self.pending = pending

    async def _rows(self, sql: str, params: Sequence[object]) -> list[Row]:
        return await self.conn.fetchall(sql, tuple(params))

    async def _reserve_ids(self, table: str, count: int) -> int:
        """The first of ``count`` new ids of ``table``, which the batch writes itself (the import's one
        transaction is the only writer: SQLite's one, PostgreSQL's under the store's write lock)."""
        rows = await self._rows(f"SELECT coalesce(max(id), 0) + 1 FROM {table}", ())
        first = int(rows[0][0])
        if self.conn.dialect == "postgresql" and count:  # later rows numbered by the table's sequence
            await self._rows(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?)", (first + count - 1,)
            )
        return first

    async def write(self, films: Sequence[ImportedFilm]) -> list[ImportOutcome]:
        """Write ``films``, prepared on a thread (milliseconds of pure Python per batch: a bot importing
        this goes on answering meanwhile)."""
        return await self.write_prepared(await asyncio.to_thread(prepare, films, self.source))

    async def write_prepared(self, batch: PreparedBatch) -> list[ImportOutcome]:
        """Write a prepared batch (``bot.store.catalog_rows``): one outcome per film."""
        targets = await self._targets(batch)
        hashes = await self._hashes([t.film_id for t in targets if t is not None])
        outcomes: list[ImportOutcome] = []
        seen: set[int] = set()
        new_ids: set[str] = set()
        new_keys: set[str] = set()
        new: list[int] = []
        changed: list[tuple[int, _Existing, int | None]] = []
        for rel, (film, target) in enumerate(zip(batch.films, targets, strict=True)):
            if target is None:
                if (film.imdb_id in new_ids) if film.imdb_id else (film.key in new_keys):
                    outcomes.append("duplicate")
                    continue
                if film.imdb_id:
                    new_ids.add(film.imdb_id)
                else:
                    new_keys.add(film.key)
                new.append(rel)
                outcomes.append("added")
                continue
            if target.film_id in seen:
                outcomes.append("duplicate")
                continue
            seen.add(target.film_id)
            source_id, old = hashes.get(target.film_id, (None, None))
            if old == film.digest:
                outcomes.append("unchanged")
                continue
            changed.append((rel, target, source_id))
            outcomes.append("updated")
        if changed and self.pending is not None:  # a film it changes may be one added in this transaction
            await self.pending.write(self.conn)
        await self._update(batch, changed)
        await search.reindex(self.conn, [t.film_id for _, t, _ in changed])
        await self._insert(batch, new)
        return outcomes

    async def _targets(self, batch: PreparedBatch) -> list[_Existing | None]:
        """The film each imported one already is: by IMDb id, else by normalized title and year."""
        films = batch.films
        imdb_ids = [f.imdb_id for f in films if f.imdb_id]
        by_imdb: dict[str, _Existing] = {}
        if imdb_ids:
            for r in await self._rows(
                f"SELECT id, origin, imdb_id FROM films WHERE imdb_id IN ({_in(imdb_ids)})", imdb_ids
            ):
                by_imdb[r["imdb_id"]] = _Existing(r["id"], r["origin"], r["imdb_id"])
        by_key: dict[str, list[_Existing]] = {}
        identified = [f.key for f in films if f.imdb_id]
        unidentified = [f.key for f in films if not f.imdb_id]
        # SQLite, without statistics, would read every film without an id through the IMDb id index.
        small = " INDEXED BY films_match_key_unidentified" if self.conn.dialect == "sqlite" else ""
        for keys, index, where in ((identified, small, "AND imdb_id IS NULL"), (unidentified, "", "")):
            if not keys:
                continue
            for r in await self._rows(
                f"SELECT id, origin, imdb_id, match_key FROM films{index} "
                f"WHERE match_key IN ({_in(keys)}) {where}",
                keys,
            ):
                same = by_key.setdefault(r["match_key"], [])
                if all(e.film_id != r["id"] for e in same):
                    same.append(_Existing(r["id"], r["origin"], r["imdb_id"]))
        for same in by_key.values():
            same.sort(key=lambda e: e.film_id)
        targets: list[_Existing | None] = []
        for film in films:
            found = by_imdb.get(film.imdb_id) if film.imdb_id else None
            if found is None:
                # Same title and year is the same film only when no two different ids say otherwise: a film
                # with an IMDb id can only be one without (a card, a listed film; migration 0018's index).
                found = next(
                    (e for e in by_key.get(film.key, []) if e.imdb_id is None or film.imdb_id is None), None
                )
            targets.append(found)
        return targets

    async def _hashes(self, film_ids: list[int]) -> dict[int, tuple[int, str | None]]:
        """This source's row (id, content hash) on each of ``film_ids`` that has one."""
        hashes: dict[int, tuple[int, str | None]] = {}
        if film_ids:
            for r in await self._rows(
                "SELECT film_id, id, content_hash FROM film_sources "
                f"WHERE key = ? AND film_id IN ({_in(film_ids)})",
                [self.source.key, *film_ids],
            ):
                hashes[r["film_id"]] = (r["id"], r["content_hash"])
        return hashes

    async def _update(self, batch: PreparedBatch, changed: list[tuple[int, _Existing, int | None]]) -> None:
        if not changed:
            return
        old_sources = [sid for _, _, sid in changed if sid is not None]
        if old_sources:
            for table in ("facts", "credits", "score_sources", "film_aliases", "film_sources"):
                column = "id" if table == "film_sources" else "source_id"
                await self.conn.execute(
                    f"DELETE FROM {table} WHERE {column} IN ({_in(old_sources)})", tuple(old_sources)
                )
        await self.conn.executemany(
            "UPDATE films SET title = ?, original_title = ?, year = ?, imdb_id = coalesce(?, imdb_id), "
            "match_key = ?, content_hash = ?, updated_at = ? WHERE id = ? AND origin = 'import'",
            [
                (f.title, f.original_title, f.year, f.imdb_id, f.key, f.digest, self.now, t.film_id)
                for f, t in ((batch.films[rel], t) for rel, t, _ in changed)
            ],
        )
        await self._children(batch, [(rel, t.film_id, t.origin == "card") for rel, t, _ in changed])

    async def _insert(self, batch: PreparedBatch, new: list[int]) -> None:
        """Add the new films, and index them."""
        if not new:
            return
        slugs = await self._slugs(batch, new)
        first = await self._reserve_ids("films", len(new))
        rows = []
        for n, (rel, slug) in enumerate(zip(new, slugs, strict=True)):
            f = batch.films[rel]
            rows.append(
                (
                    first + n,
                    slug,
                    f.title,
                    f.original_title,
                    f.year,
                    "import",
                    f.imdb_id,
                    f.digest,
                    self.now,
                    f.key,
                )
            )
        await self.conn.insert_rows("films", _FILM_COLUMNS, rows)
        await self._children(batch, [(rel, first + n, False) for n, rel in enumerate(new)])
        names: list[search.IndexedName] = []
        as_prepared = len(new) == len(batch.films)
        for n, (rel, slug) in enumerate(zip(new, slugs, strict=True)):
            f = batch.films[rel]
            own = batch.names[rel]
            if slug not in (f.slug, f"{f.slug}-{f.imdb_id}") and slug_name(slug) != slug_name(f.slug):
                # Its names were made from another slug ('title-2'; an appended IMDb id is no name).
                aliases = [str(a) for r, a in batch.aliases if r == rel]
                own = name_rows(slug, f.title, f.original_title, aliases)
                as_prepared = False
            names += [search.IndexedName(first + n, f.year, f.votes, row) for row in own]
        # Every film new, with the names it was prepared with: the words were counted beforehand.
        counted = batch.words if as_prepared else None
        if self.pending is not None:
            self.pending.add(names, counted)
        else:
            await search.index_names(self.conn, names, counted)

    async def _slugs(self, batch: PreparedBatch, new: list[int]) -> list[str]:
        """'title-year', or with the IMDb id (or a number) appended when that is taken."""
        films = [batch.films[rel] for rel in new]
        wanted = [f.slug for f in films]
        taken = await self._taken(wanted)
        # Remakes share 'title-year' often in a large catalog: their 'title-year-ttID' are asked all at once.
        repeated = {slug for slug, count in Counter(wanted).items() if count > 1}
        asked = {
            f"{f.slug}-{f.imdb_id}" for f in films if f.imdb_id and (f.slug in taken or f.slug in repeated)
        }
        taken |= await self._taken(sorted(asked))
        slugs: list[str] = []
        for film in films:
            slug = film.slug
            if slug in taken:
                candidate = f"{slug}-{film.imdb_id}" if film.imdb_id else slug
                n = 2
                while candidate in taken or (candidate not in asked and await self._taken([candidate])):
                    candidate = f"{slug}-{n}"
                    n += 1
                slug = candidate
            taken.add(slug)
            slugs.append(slug)
        return slugs

    async def _taken(self, slugs: Sequence[str]) -> set[str]:
        """Which of ``slugs`` films already have."""
        if not slugs:
            return set()
        return {r[0] for r in await self._rows(f"SELECT slug FROM films WHERE slug IN ({_in(slugs)})", slugs)}

    async def _children(self, batch: PreparedBatch, kept: list[_Kept]) -> None:
        """The import's source row on each kept film, and its aliases, facts, credits and scores."""
        first = await self._reserve_ids("film_sources", len(kept))
        source = source_columns(self.source)
        await self.conn.insert_rows(
            "film_sources",
            _SOURCE_COLUMNS,
            [
                (first + n, film_id, *source, 1, batch.films[rel].digest)
                for n, (rel, film_id, _) in enumerate(kept)
            ],
        )
        ids: list[tuple[int, int] | None] = [None] * len(batch.films)
        for n, (rel, film_id, _) in enumerate(kept):
            ids[rel] = (film_id, first + n)
        on_card = {rel for rel, _, card in kept if card}
        aliases = with_ids([r for r in batch.aliases if r[0] not in on_card], ids)
        for rel in sorted(on_card):
            film_id, sid = ids[rel] or (0, 0)
            aliases += [(film_id, alias, sid) for alias in card_aliases(batch, rel)]
        await self.conn.executemany(
            "INSERT INTO film_aliases (film_id, alias, source_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            aliases,
        )
        await self.conn.insert_rows(
            "facts",
            ("film_id", "position", "key", "value", "detail", "source_id"),
            with_ids(batch.facts, ids),
        )
        await self.conn.insert_rows(
            "credits",
            ("film_id", "position", "person", "role", "character", "source_id"),
            with_ids(batch.credits, ids),
        )
        await self.conn.insert_rows("score_sources", _SCORE_COLUMNS, with_ids(batch.scores, ids))


_FILM_COLUMNS = (
    "id",
    "slug",
    "title",
    "original_title",
    "year",
    "origin",
    "imdb_id",
    "content_hash",
    "updated_at",
    "match_key",
)
_SOURCE_COLUMNS = (
    "id",
    "film_id",
    "key",
    "title",
    "publisher",
    "kind",
    "url",
    "file",
    "as_of",
    "dated",
    "licence",
    "imported",
    "content_hash",
)
_SCORE_COLUMNS = (
    "film_id",
    "position",
    "name",
    "kind",
    "value",
    "scale",
    "votes",
    "as_of",
    "note",
    "dated",
    "site_named",
    "source_id",
)
