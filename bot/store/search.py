"""SQL for title search: the index of every film's names (migration 0012), read and kept in step.

Reads (``SearchStore``) run on the database's read-only connection: a search answers while an import
holds the writing connection, and sees only committed films. Three kinds of candidates, each a few index
seeks that stop after a fixed number of rows however large the catalog:

- names *starting with* what was typed (compared without spaces), shortest first, the better known first
  among equal names: a walk over ``search_lengths`` joined to the ``(len, compact)`` index;
- when the query ends with a year, the names equal to the rest among that year's films (however many
  films share the name);
- names holding a word of every group asked (``WordGroup``): the FTS5 word index, whose rowids begin with
  the name's length, read from just below the query's length up.

Writes call ``reindex`` (or ``forget``, or for a batch of new films ``index_added``) in the transaction that
changed the films, so the index is never out of step with them and a reader never sees one without the
other.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Collection, Sequence
from typing import NamedTuple

from bot.films.matching import name_keys, words
from bot.films.models import NameHit, WordGroup
from bot.store import _search_pg
from bot.store._rows import summary_from_row
from bot.store._session import Session, Transaction

# Word matches: names at most NEAR shorter than the query (without spaces) come first.
NEAR = 2
# Above every character: the upper bound of a prefix range.
_LAST = "\U0010ffff"
_IDS = "SELECT value FROM json_each(:ids)"

_PREFIX = """
SELECT id FROM (
    SELECT n.id FROM search_lengths l
    JOIN search_names n ON n.len = l.len AND n.compact >= :prefix{n} AND n.compact < :prefix{n} || :last
    WHERE l.len >= length(CAST(:prefix{n} AS TEXT)) ORDER BY l.len, n.compact, n.votes DESC LIMIT :prefix_limit
) AS prefix{n}"""
_YEAR = """
SELECT id FROM (
    SELECT id FROM search_names
    WHERE len = CASE WHEN length(CAST(:prefix{n} AS TEXT)) > 255 THEN 255 ELSE length(CAST(:prefix{n} AS TEXT)) END
    AND compact = :prefix{n} AND year = :year
    LIMIT :prefix_limit) AS year{n}"""
# Names holding the words, shortest first from NEAR below the query's length (FTS5 rowids begin with the
# name's length): a misspelled or reordered title is about as long as the film's name, a partial one
# longer. One pass: FTS5 reads an AND of common words from where it starts on to its matches, so a second
# window (shorter names, say) would cost a second pass over the words' postings.
_WORDS = """
SELECT id FROM (
    SELECT rowid & 0xffffffffff AS id FROM search_fts WHERE search_fts MATCH :match AND rowid >= :shortest
    ORDER BY rowid LIMIT :word_limit) AS words"""
_HITS = """
SELECT n.name, n.votes, f.id, f.slug, f.title, f.year, f.original_title
FROM hits JOIN search_names n ON n.id = hits.id JOIN films f ON f.id = n.id >> 8"""


_VOCABULARY = (
    "SELECT 0 AS completion, word, docs FROM search_words "
    "WHERE word IN (SELECT value FROM json_each(:words)) AND docs > 0 "
    "UNION ALL SELECT * FROM (SELECT 1, word, docs FROM search_words "
    "WHERE word >= :low AND word < :high AND docs > 0 LIMIT :most)"
)


class SearchStore:
    def __init__(self, db: Session) -> None:
        self._db = db

    async def vocabulary(
        self, words: Collection[str], completing: str | None, most: int
    ) -> tuple[dict[str, int], list[tuple[str, int]]]:
        """How many names hold each of ``words`` (those in no name are left out), and up to ``most``
        words starting with ``completing`` with theirs (fewer only when there are no more)."""
        postgres = self._db.dialect == "postgresql"
        rows = await self._db.read(
            _search_pg.VOCABULARY if postgres else _VOCABULARY,
            {
                "words": sorted(words) if postgres else json.dumps(sorted(words), ensure_ascii=False),
                "low": completing or _LAST,
                "high": (completing or "") + _LAST,
                "most": most if completing else 0,
            },
        )
        known = {r["word"]: r["docs"] for r in rows if not r["completion"]}
        return known, [(r["word"], r["docs"]) for r in rows if r["completion"]]

    async def candidates(
        self,
        prefixes: Sequence[str],
        year: int | None,
        groups: Sequence[WordGroup],
        *,
        prefix_limit: int,
        word_limit: int,
    ) -> list[NameHit]:
        """Names starting with one of ``prefixes`` (compact: without spaces; the first is what was typed),
        with a ``year`` the names equal to one among that year's films, and names holding a word of every
        group from about the typed length up; each with its film."""
        parts: list[str] = []
        params: dict[str, object] = {"last": _LAST, "prefix_limit": prefix_limit, "year": year}
        for n, prefix in enumerate(prefixes):
            parts += [_PREFIX.format(n=n), *([_YEAR.format(n=n)] if year is not None else [])]
            params[f"prefix{n}"] = prefix
        if groups:
            params |= {"shortest": max(len(prefixes[0]) - NEAR, 1) << 40, "word_limit": word_limit}
            if self._db.dialect == "postgresql":
                parts.append(_search_pg.word_match(groups, params))
            else:
                parts.append(_WORDS)
                params["match"] = match_expression(groups)
        rows = await self._db.read(f"WITH hits (id) AS ({' UNION '.join(parts)}) {_HITS}", params)
        return [NameHit(film=summary_from_row(r), name=r["name"], votes=r["votes"]) for r in rows]


def match_expression(groups: Sequence[WordGroup]) -> str:
    """An FTS5 query asking for a name holding one word of each group: '("silent") AND ("rivr" OR "river")'."""
    clauses = []
    for group in groups:
        terms = [_quoted(t) for t in group.terms]
        if group.prefix:
            terms.append(_quoted(group.prefix) + "*")
        clauses.append("(" + " OR ".join(terms) + ")")
    return " AND ".join(clauses)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


# -- keeping the index in step ------------------------------------------------------------------------

# The names of the films :ids (a film's names are the ids film_id << 8 to film_id << 8 | 255).
_NAMES = f"""(SELECT n.id, n.name FROM ({_IDS}) f
    JOIN search_names n ON n.id BETWEEN f.value << 8 AND f.value << 8 | 255)"""

# The words of the names about to go no longer count.
_UNCOUNT = f"""
UPDATE search_words SET docs = docs - gone.n
FROM (SELECT w.value AS word, count(*) AS n FROM {_NAMES} s, json_each(filmbot_words(s.name)) w
      GROUP BY w.value) AS gone
WHERE search_words.word = gone.word"""
_DROP = f"DELETE FROM search_names WHERE id IN (SELECT s.id FROM {_NAMES} s)"
_ADD = f"""
INSERT INTO search_names (id, name, compact, len, year, votes)
SELECT (f.id << 8) | k.key,
       k.value,
       replace(k.value, ' ', ''),
       min(length(replace(k.value, ' ', '')), 255),
       f.year,
       coalesce((SELECT max(s.votes) FROM score_sources s WHERE s.film_id = f.id), 0)
FROM films f,
     json_each(filmbot_names(f.slug, f.title, f.original_title,
                             (SELECT json_group_array(a.alias) FROM film_aliases a WHERE a.film_id = f.id))) k
WHERE f.id IN ({_IDS}) AND k.key < 256"""
_COUNT = f"""
INSERT INTO search_words (word, docs)
SELECT w.value, count(*) FROM {_NAMES} s, json_each(filmbot_words(s.name)) w WHERE true GROUP BY w.value
ON CONFLICT (word) DO UPDATE SET docs = search_words.docs + excluded.docs"""


async def reindex(conn: Transaction, film_ids: Collection[int]) -> None:
    """Bring the index in line with the films ``film_ids`` as they now stand, in their writer's transaction."""
    if not film_ids:
        return
    if conn.dialect == "postgresql":
        await _search_pg.forget(conn, film_ids)
        await index_added(conn, [AddedFilm(*row) for row in await _search_pg.film_rows(conn, film_ids)])  # type: ignore[arg-type]
        return
    ids = {"ids": json.dumps(sorted(film_ids))}
    for statement in (_UNCOUNT, _DROP, _ADD, _COUNT):
        await conn.execute(statement, ids)


class AddedFilm(NamedTuple):
    """A film just written, with nothing of it indexed yet: what its names are made of."""

    film_id: int
    slug: str
    title: str
    original_title: str | None
    aliases: Sequence[str]
    year: int | None
    votes: int


async def index_added(conn: Transaction, films: Sequence[AddedFilm]) -> None:
    """Index films just added, from what their writer has in hand (a catalog import's batch): the same
    names ``reindex`` would find, normalized on a worker thread rather than on the database's, whose time
    bounds how fast an import goes."""
    names, counts = await asyncio.to_thread(_added_rows, films)
    await conn.insert_rows("search_names", ("id", "name", "compact", "len", "year", "votes"), names)
    await conn.executemany(
        "INSERT INTO search_words (word, docs) VALUES (?, ?) "
        "ON CONFLICT (word) DO UPDATE SET docs = search_words.docs + excluded.docs",
        counts,
    )


def _added_rows(films: Sequence[AddedFilm]) -> tuple[list[tuple[object, ...]], list[tuple[str, int]]]:
    names: list[tuple[object, ...]] = []
    counts: Counter[str] = Counter()
    for film in films:
        keys = name_keys(film.slug, film.title, film.original_title, film.aliases)
        for n, name in enumerate(keys[:256]):
            compact = name.replace(" ", "")
            names.append(
                ((film.film_id << 8) | n, name, compact, min(len(compact), 255), film.year, film.votes)
            )
            counts.update(words(name))
    return names, sorted(counts.items())


async def forget(conn: Transaction, film_ids: Collection[int]) -> None:
    """Take the films ``film_ids`` out of the index (before they are deleted, in the same transaction)."""
    if not film_ids:
        return
    if conn.dialect == "postgresql":
        await _search_pg.forget(conn, film_ids)
        return
    ids = {"ids": json.dumps(sorted(film_ids))}
    for statement in (_UNCOUNT, _DROP):
        await conn.execute(statement, ids)
