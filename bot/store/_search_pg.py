"""The title search's SQL where PostgreSQL's differs from SQLite's (``bot/store/search.py`` picks by dialect).

The tables are the same (migration 0012); SQLite's FTS5 word index is ``search_name_words`` here, one row
per word of a name keyed as FTS5's rowid is, ``(len << 40) | id``, so names come shortest first in both.
SQLite normalizes names with filmbot's own SQL functions (``_functions``); here the same Python
normalization runs in the store, and the rows it makes are written as an import's batch writes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from bot.films.matching import words
from bot.films.models import WordGroup
from bot.store._session import Transaction

# 2**40 - 1: a word row's key without the name's length (PostgreSQL 15 reads no hex literals).
_ID_BITS = (1 << 40) - 1

VOCABULARY = (
    "SELECT 0 AS completion, word, docs FROM search_words "
    "WHERE word = ANY(CAST(:words AS TEXT[])) AND docs > 0 "
    "UNION ALL SELECT * FROM (SELECT 1, word, docs FROM search_words "
    "WHERE word >= :low AND word < :high AND docs > 0 LIMIT :most) AS completions"
)

_FILMS = """
SELECT f.id, f.slug, f.title, f.original_title, f.year,
       coalesce((SELECT max(s.votes) FROM score_sources s WHERE s.film_id = f.id), 0) AS votes,
       ARRAY(SELECT a.alias FROM film_aliases a WHERE a.film_id = f.id ORDER BY a.alias COLLATE "C") AS aliases
FROM films f WHERE f.id = ANY(CAST(? AS BIGINT[]))"""
_NAMES = """
SELECT n.name FROM unnest(CAST(? AS BIGINT[])) AS f (id)
JOIN search_names n ON n.id BETWEEN (f.id << 8) AND ((f.id << 8) | 255)"""
_DROP = """
DELETE FROM search_names n USING unnest(CAST(? AS BIGINT[])) AS f (id)
WHERE n.id BETWEEN (f.id << 8) AND ((f.id << 8) | 255)"""


def word_match(groups: Sequence[WordGroup], params: dict[str, object]) -> str:
    """Names holding a word of every group, shortest first from ``:shortest``: the first group (the
    rarest) read from the word index in key order, each other group checked on the same name."""
    conditions = []
    for n, group in enumerate(groups):
        column = "w.word" if n == 0 else f"w{n}.word"
        tests = [f"{column} = ANY(CAST(:terms{n} AS TEXT[]))"]
        params[f"terms{n}"] = list(group.terms)
        if group.prefix:
            tests.append(f"({column} >= :start{n} AND {column} < :start{n} || :last)")
            params[f"start{n}"] = group.prefix
        test = "(" + " OR ".join(tests) + ")"
        if n == 0:
            conditions.append(test)
        else:
            conditions.append(
                f"EXISTS (SELECT 1 FROM search_name_words w{n} WHERE w{n}.key = w.key AND {test})"
            )
    return f"""
SELECT id FROM (
    SELECT DISTINCT w.key, w.key & {_ID_BITS} AS id FROM search_name_words w
    WHERE {" AND ".join(conditions)} AND w.key >= :shortest
    ORDER BY w.key LIMIT :word_limit) AS words"""


async def forget(conn: Transaction, film_ids: Collection[int]) -> None:
    """Take the films' names out of the index, and their words out of the vocabulary's counts."""
    ids = sorted(film_ids)
    gone: Counter[str] = Counter()
    for row in await conn.fetchall(_NAMES, (ids,)):
        gone.update(words(row["name"]))
    if gone:
        await conn.executemany(
            "UPDATE search_words SET docs = docs - ? WHERE word = ?",
            [(n, w) for w, n in sorted(gone.items())],
        )
    await conn.execute(_DROP, (ids,))


async def film_rows(conn: Transaction, film_ids: Collection[int]) -> list[tuple[object, ...]]:
    """What the films' names are made of, as ``search.AddedFilm`` takes it."""
    rows = await conn.fetchall(_FILMS, (sorted(film_ids),))
    return [
        (r["id"], r["slug"], r["title"], r["original_title"], list(r["aliases"]), r["year"], r["votes"])
        for r in rows
    ]
