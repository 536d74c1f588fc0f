"""Imported films turned into the rows a catalog import writes, before any database is asked anything.

``prepare`` is pure Python (no driver, no I/O): an import runs it on the side, on a worker thread or, for
IMDb's datasets, in the process that reads them (``bot.catalog.importing._assembly``), so that the writer
only looks films up, numbers them and inserts. What it makes depends on nothing but the films and their
source. Rows refer to their film by its place in the batch (``rel``); the writer, which knows the film
and source ids, puts those in (``bot.store.catalog_batch``). Everything here is tuples of plain values,
cheap to pickle between processes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from bot.films.matching import match_key, name_keys, words
from bot.films.models import ImportedFilm, Source

# Imported rows sort after a card's own rows on the card.
IMPORTED_POSITION = 1000
# At most this many names of one film are indexed (a name's id is film_id << 8 | n).
MAX_NAMES = 256
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")

Rows = list[tuple[object, ...]]


def slugify(title: str) -> str:
    """'Le Fabuleux Destin d'Amélie' -> 'le-fabuleux-destin-damelie'; '' when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return _SLUG_JUNK.sub("-", ascii_text.replace("'", "")).strip("-")[:80].strip("-")


def wanted_slug(title: str, year: int | None, imdb_id: str | None) -> str:
    """The slug a new film asks for: 'title-year' (the writer appends the IMDb id when that is taken)."""
    base = slugify(title) or (imdb_id or "film")
    return f"{base}-{year}" if year else base


class PreparedFilm(NamedTuple):
    """What the writer needs of one film to find it, tell whether it changed, and write its own row."""

    imdb_id: str | None
    key: str  # match_key(title, year)
    digest: str  # ImportedFilm.content_hash(source)
    title: str
    original_title: str | None
    year: int | None
    slug: str  # the slug it asks for (``wanted_slug``)
    votes: int  # its largest rating vote count (the title index ranks equal matches by it)


class NameRow(NamedTuple):
    """One indexed name of a film: its number among the film's names, the name, and its words."""

    n: int
    name: str
    compact: str
    length: int
    words: tuple[str, ...]


class PreparedBatch(NamedTuple):
    """A batch of films and their rows; every row starts with its film's place in ``films``.

    ``aliases``: (rel, alias); ``facts``: (rel, position, key, value, detail); ``credits``: (rel,
    position, person, role, character); ``scores``: (rel, position, name, kind, value, scale, votes,
    as_of, note, dated, site_named); ``names[rel]``: the film's index names, made from its wanted slug.
    """

    films: list[PreparedFilm]
    aliases: Rows
    facts: Rows
    credits: Rows
    scores: Rows
    names: list[list[NameRow]]
    # How many of the batch's names hold each word: the vocabulary's counts when every film is new.
    words: dict[str, int]


def name_rows(slug: str, title: str, original_title: str | None, aliases: Iterable[str]) -> list[NameRow]:
    """A film's index names (``name_keys``), each with its compact form, length and words."""
    rows = []
    for n, name in enumerate(name_keys(slug, title, original_title, aliases)[:MAX_NAMES]):
        compact = name.replace(" ", "")
        rows.append(NameRow(n, name, compact, min(len(compact), 255), tuple(words(name))))
    return rows


def votes(film: ImportedFilm) -> int:
    """The film's largest rating vote count."""
    return max((s.votes for s in film.scores if s.votes is not None), default=0)


def prepare(films: Sequence[ImportedFilm], source: Source) -> PreparedBatch:
    """The rows of ``films`` from ``source``, film ids and source ids left to the writer."""
    batch = PreparedBatch([], [], [], [], [], [], {})
    for rel, film in enumerate(films):
        slug = wanted_slug(film.title, film.year, film.imdb_id)
        batch.films.append(
            PreparedFilm(
                film.imdb_id,
                match_key(film.title, film.year),
                film.content_hash(source),
                film.title,
                film.original_title,
                film.year,
                slug,
                votes(film),
            )
        )
        batch.aliases.extend((rel, a) for a in dict.fromkeys(film.aliases))
        batch.facts.extend(
            (rel, IMPORTED_POSITION + i, f.key, f.value, f.detail) for i, f in enumerate(film.facts)
        )
        batch.credits.extend(
            (rel, IMPORTED_POSITION + i, c.person, c.role, c.character) for i, c in enumerate(film.credits)
        )
        batch.scores.extend(
            (rel, IMPORTED_POSITION + i, s.name, s.kind, s.value, s.scale, s.votes, s.as_of.isoformat(),
             s.note, int(s.dated), int(s.site_named))
            for i, s in enumerate(film.scores)
        )  # fmt: skip
        batch.names.append(name_rows(slug, film.title, film.original_title, film.aliases))
    batch.words.update(Counter(word for names in batch.names for name in names for word in name.words))
    return batch


def card_aliases(batch: PreparedBatch, rel: int) -> list[str]:
    """The aliases an import gives a film that is on a card: the card keeps its title, and the import's
    title, original title and aliases still find the film."""
    film = batch.films[rel]
    names = [film.title, *([film.original_title] if film.original_title else [])]
    names += [str(alias) for r, alias in batch.aliases if r == rel]
    return list(dict.fromkeys(names))


def with_ids(rows: Rows, ids: Sequence[tuple[int, int] | None]) -> Rows:
    """``rows`` of the films kept (``ids[rel]``: their film id and source id, None for a film not
    written), each as (film_id, the rest of the row, source_id)."""
    out: Rows = []
    for row in rows:
        kept = ids[row[0]]  # type: ignore[call-overload]
        if kept is not None:
            out.append((kept[0], *row[1:], kept[1]))
    return out
