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

import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple

from bot.films.models import NameHit, WordGroup
from bot.store import _search_pg
from bot.store._rows import summary_from_row
from bot.store._session import Session, Transaction
from bot.store.catalog_rows import NameRow, name_rows

# Word matches: names at most NEAR shorter than the query (without spaces) come first.
NEAR = 2
# Above every character: the upper bound of a prefix range.
_LAST = "\U0010ffff"
_IDS = "SELECT value FROM json_each(:ids)"
# Films below this id are shown; those an import in progress has added (migration 0013) are not, yet.
# (2**32 written out: PostgreSQL shifts a 32-bit 1 by 32 back to 1.)
PUBLISHED_BELOW = "(SELECT coalesce(min(first_id), 4294967296) FROM catalog_unpublished)"
# The same bound for names (a film's names are film_id << 8 | n).
_SHOWN = f"({PUBLISHED_BELOW} * 256)"

_PREFIX = """
SELECT id FROM (
    SELECT n.id FROM search_lengths l
    JOIN search_names n ON n.len = l.len AND n.compact >= :prefix{n} AND n.compact < :prefix{n} || :last
    WHERE l.len >= length(CAST(:prefix{n} AS TEXT)) AND n.id < {shown}
    ORDER BY l.len, n.compact, n.votes DESC LIMIT :prefix_limit
) AS prefix{n}"""
_YEAR = """
SELECT id FROM (
    SELECT id FROM search_names
    WHERE len = CASE WHEN length(CAST(:prefix{n} AS TEXT)) > 255 THEN 255 ELSE length(CAST(:prefix{n} AS TEXT)) END
    AND compact = :prefix{n} AND year = :year AND id < {shown}
    LIMIT :prefix_limit) AS year{n}"""
# Names holding the words, shortest first from NEAR below the query's length (FTS5 rowids begin with the
# name's length): a misspelled or reordered title is about as long as the film's name, a partial one
# longer. One pass: FTS5 reads an AND of common words from where it starts on to its matches, so a second
# window (shorter names, say) would cost a second pass over the words' postings.
_WORDS = f"""
SELECT id FROM (
    SELECT rowid & 0xffffffffff AS id FROM search_fts WHERE search_fts MATCH :match AND rowid >= :shortest
      AND rowid & 0xffffffffff < {_SHOWN} ORDER BY rowid LIMIT :word_limit) AS words"""
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
            parts += [_PREFIX.format(n=n, shown=_SHOWN)]
            parts += [_YEAR.format(n=n, shown=_SHOWN)] if year is not None else []
            params[f"prefix{n}"] = prefix
        if groups:
            params |= {"shortest": max(len(prefixes[0]) - NEAR, 1) << 40, "word_limit": word_limit}
            if self._db.dialect == "postgresql":
                parts.append(_search_pg.word_match(groups, params, _SHOWN))
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


class IndexedName(NamedTuple):
    """One name of a film just written, about to be indexed."""

    film_id: int
    year: int | None
    votes: int
    row: NameRow


async def index_added(conn: Transaction, films: Sequence[AddedFilm]) -> None:
    """Index films just added, from what their writer has in hand: the same names ``reindex`` would find."""
    await index_names(
        conn,
        [
            IndexedName(f.film_id, f.year, f.votes, row)
            for f in films
            for row in name_rows(f.slug, f.title, f.original_title, f.aliases)
        ],
    )


class PendingNames:
    """Names of films a transaction added, indexed together just before it commits (``index_names``): FTS5
    writes a segment of its index per statement, so one statement for a whole import transaction leaves
    it far less to merge than one per batch."""

    def __init__(self) -> None:
        self.names: list[IndexedName] = []
        self.counts: Counter[str] = Counter()

    def add(self, names: Sequence[IndexedName], counted: Mapping[str, int] | None) -> None:
        self.names.extend(names)
        self.counts.update(counted if counted is not None else _counts(names))

    async def write(self, conn: Transaction) -> None:
        """Index what is pending, in ``conn``'s transaction."""
        if self.names:
            await index_names(conn, self.names, self.counts)
        self.names, self.counts = [], Counter()


def _counts(names: Sequence[IndexedName]) -> Counter[str]:
    return Counter(w for name in names for w in name.row.words)


async def index_names(
    conn: Transaction, names: Sequence[IndexedName], counted: Mapping[str, int] | None = None
) -> None:
    """Index names of films just added (normalized by their writer, ``catalog_rows.name_rows``: not on the
    database's thread, whose time bounds how fast an import goes), and count their words (``counted``:
    already counted, how many of ``names`` hold each word)."""
    rows = [
        ((n.film_id << 8) | n.row.n, n.row.name, n.row.compact, n.row.length, n.year, n.votes) for n in names
    ]
    counts = counted if counted is not None else _counts(names)
    if conn.dialect == "postgresql":
        await conn.insert_rows("search_names", ("id", "name", "compact", "len", "year", "votes"), rows)
    else:
        # One statement for the batch, not one a name: FTS5 writes out what it holds in memory at the start
        # of every statement that writes to it (its trigger here), so one a name would leave a segment a name.
        await conn.execute(
            "INSERT INTO search_names (id, name, compact, len, year, votes) SELECT value ->> 0, value ->> 1, "
            "value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?)",
            (json.dumps(rows, ensure_ascii=False),),
        )
    await conn.executemany(
        "INSERT INTO search_words (word, docs) VALUES (?, ?) "
        "ON CONFLICT (word) DO UPDATE SET docs = search_words.docs + excluded.docs",
        sorted(counts.items()),
    )


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
