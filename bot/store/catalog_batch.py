"""One batch of imported films, written in the import's transaction with a few ``executemany`` calls.

A film is found by IMDb id, else by normalized title and year (never across different ids). On a card
film only the import's own rows change (the card's values win when read); an imported film's title,
year and original title follow the import. The title index follows in the same transaction.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.catalog.models import ImportOutcome
from bot.films.matching import match_key
from bot.films.models import ImportedFilm, Source
from bot.store import search
from bot.store._session import Row, Transaction
from bot.store.catalog_cards import source_columns

# Imported rows sort after a card's own rows on the card.
IMPORTED_POSITION = 1000
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """'Le Fabuleux Destin d'Amélie' -> 'le-fabuleux-destin-damelie'; '' when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return _SLUG_JUNK.sub("-", ascii_text.replace("'", "")).strip("-")[:80].strip("-")


def _in(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


@dataclass(slots=True)
class _Existing:
    film_id: int
    origin: str
    imdb_id: str | None


class ImportBatch:
    """One batch of imported films, written with a handful of ``executemany`` calls."""

    def __init__(self, conn: Transaction, source: Source, now: datetime) -> None:
        self.conn = conn
        self.source = source
        self.now = now.isoformat()

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
        # Milliseconds of pure Python per batch: on a thread, so a bot importing this goes on answering.
        keys, digests = await asyncio.to_thread(_fingerprints, films, self.source)
        targets = await self._targets(films, keys)
        hashes = await self._hashes([t.film_id for t in targets if t is not None])
        outcomes: list[ImportOutcome] = []
        seen: set[int] = set()
        new_ids: set[str] = set()
        new_keys: set[str] = set()
        new: list[tuple[ImportedFilm, str, str]] = []
        changed: list[tuple[ImportedFilm, _Existing, str, int | None]] = []
        for film, key, digest, target in zip(films, keys, digests, targets, strict=True):
            if target is None:
                if (film.imdb_id in new_ids) if film.imdb_id else (key in new_keys):
                    outcomes.append("duplicate")
                    continue
                if film.imdb_id:
                    new_ids.add(film.imdb_id)
                else:
                    new_keys.add(key)
                new.append((film, key, digest))
                outcomes.append("added")
                continue
            if target.film_id in seen:
                outcomes.append("duplicate")
                continue
            seen.add(target.film_id)
            source_id, old = hashes.get(target.film_id, (None, None))
            if old == digest:
                outcomes.append("unchanged")
                continue
            changed.append((film, target, digest, source_id))
            outcomes.append("updated")
        await self._update(changed)
        await search.reindex(self.conn, [t.film_id for _, t, _, _ in changed])
        await self._insert(new)
        return outcomes

    async def _targets(self, films: Sequence[ImportedFilm], keys: list[str]) -> list[_Existing | None]:
        """The film each imported one already is: by IMDb id, else by normalized title and year."""
        imdb_ids = [f.imdb_id for f in films if f.imdb_id]
        by_imdb: dict[str, _Existing] = {}
        if imdb_ids:
            for r in await self._rows(
                f"SELECT id, origin, imdb_id FROM films WHERE imdb_id IN ({_in(imdb_ids)})", imdb_ids
            ):
                by_imdb[r["imdb_id"]] = _Existing(r["id"], r["origin"], r["imdb_id"])
        by_key: dict[str, list[_Existing]] = {}
        for r in await self._rows(
            f"SELECT id, origin, imdb_id, match_key FROM films WHERE match_key IN ({_in(keys)}) ORDER BY id",
            keys,
        ):
            by_key.setdefault(r["match_key"], []).append(_Existing(r["id"], r["origin"], r["imdb_id"]))
        targets: list[_Existing | None] = []
        for film, key in zip(films, keys, strict=True):
            found = by_imdb.get(film.imdb_id) if film.imdb_id else None
            if found is None:
                # Same title and year is the same film only when no two different ids say otherwise.
                found = next(
                    (e for e in by_key.get(key, []) if e.imdb_id is None or film.imdb_id is None), None
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

    async def _update(self, changed: list[tuple[ImportedFilm, _Existing, str, int | None]]) -> None:
        if not changed:
            return
        old_sources = [sid for _, _, _, sid in changed if sid is not None]
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
                (
                    f.title,
                    f.original_title,
                    f.year,
                    f.imdb_id,
                    match_key(f.title, f.year),
                    digest,
                    self.now,
                    t.film_id,
                )
                for f, t, digest, _ in changed
            ],
        )
        await self._children([(f, t.film_id, digest, t.origin == "card") for f, t, digest, _ in changed])

    async def _insert(self, new: list[tuple[ImportedFilm, str, str]]) -> None:
        """Add the new films, and index them."""
        if not new:
            return
        slugs = await self._slugs([f for f, _, _ in new])
        first = await self._reserve_ids("films", len(new))
        rows = []
        for n, ((film, key, digest), slug) in enumerate(zip(new, slugs, strict=True)):
            rows.append(
                (
                    first + n,
                    slug,
                    film.title,
                    film.original_title,
                    film.year,
                    "import",
                    film.imdb_id,
                    digest,
                    self.now,
                    key,
                )
            )
        await self.conn.insert_rows("films", _FILM_COLUMNS, rows)
        await self._children([(f, first + n, digest, False) for n, (f, _, digest) in enumerate(new)])
        await search.index_added(
            self.conn,
            [
                search.AddedFilm(first + n, slug, f.title, f.original_title, f.aliases, f.year, _votes(f))
                for n, ((f, _, _), slug) in enumerate(zip(new, slugs, strict=True))
            ],
        )

    async def _slugs(self, films: list[ImportedFilm]) -> list[str]:
        """'title-year', or with the IMDb id (or a number) appended when that is taken."""
        wanted = []
        for film in films:
            base = slugify(film.title) or (film.imdb_id or "film")
            wanted.append(f"{base}-{film.year}" if film.year else base)
        taken = await self._taken(wanted)
        # Remakes share 'title-year' often in a large catalog: their 'title-year-ttID' are asked all at once.
        asked = {f"{slug}-{film.imdb_id}" for film, slug in zip(films, wanted, strict=True) if film.imdb_id}
        taken |= await self._taken(sorted(asked))
        slugs: list[str] = []
        for film, slug in zip(films, wanted, strict=True):
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

    async def _children(self, films: list[tuple[ImportedFilm, int, str, bool]]) -> None:
        source = self.source
        first = await self._reserve_ids("film_sources", len(films))
        await self.conn.insert_rows(
            "film_sources",
            _SOURCE_COLUMNS,
            [
                (first + n, film_id, *source_columns(source), 1, digest)
                for n, (_, film_id, digest, _) in enumerate(films)
            ],
        )
        aliases, facts, credits, scores = await asyncio.to_thread(_child_rows, films, first)
        await self.conn.executemany(
            "INSERT INTO film_aliases (film_id, alias, source_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            aliases,
        )
        await self.conn.insert_rows(
            "facts", ("film_id", "position", "key", "value", "detail", "source_id"), facts
        )
        await self.conn.insert_rows(
            "credits", ("film_id", "position", "person", "role", "character", "source_id"), credits
        )
        await self.conn.insert_rows("score_sources", _SCORE_COLUMNS, scores)


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
    "source_id",
    "dated",
    "site_named",
)


def _votes(film: ImportedFilm) -> int:
    """The film's largest rating vote count (what the title index ranks equal matches by)."""
    return max((s.votes for s in film.scores if s.votes is not None), default=0)


def _fingerprints(films: Sequence[ImportedFilm], source: Source) -> tuple[list[str], list[str]]:
    """Each film's match key and content hash."""
    return [match_key(f.title, f.year) for f in films], [f.content_hash(source) for f in films]


Rows = list[tuple[object, ...]]


def _child_rows(
    films: list[tuple[ImportedFilm, int, str, bool]], first: int
) -> tuple[Rows, Rows, Rows, Rows]:
    """The alias, fact, credit and score rows of films whose import sources are numbered from ``first``."""
    aliases: Rows = []
    facts: Rows = []
    credits: Rows = []
    scores: Rows = []
    for n, (film, film_id, _, on_card) in enumerate(films):
        sid = first + n
        names = list(film.aliases)
        if on_card:
            # The card keeps its title; the import's names still find the film.
            names = [film.title, *([film.original_title] if film.original_title else []), *names]
        aliases += [(film_id, a, sid) for a in dict.fromkeys(names)]
        facts += [
            (film_id, IMPORTED_POSITION + i, f.key, f.value, f.detail, sid) for i, f in enumerate(film.facts)
        ]
        credits += [
            (film_id, IMPORTED_POSITION + i, c.person, c.role, c.character, sid)
            for i, c in enumerate(film.credits)
        ]
        scores += [
            (film_id, IMPORTED_POSITION + i, s.name, s.kind, s.value, s.scale, s.votes, s.as_of.isoformat(),
             s.note, sid, int(s.dated), int(s.site_named))
            for i, s in enumerate(film.scores)
        ]  # fmt: skip
    return aliases, facts, credits, scores
