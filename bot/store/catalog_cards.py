"""Writing one curated card's film: which row it is, what it may not take from another film, its children.

A card is written to the row with its slug; a new card takes over the row of an imported film it
describes (the same IMDb id, else the same normalized title and year with no IMDb id against it) or of a
card film whose card is gone and that has its IMDb id (a renamed card). A slug or an IMDb id that belongs
to another film is a ``CardClash``: nothing is written and the loader reports the card.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from bot.films.matching import match_key
from bot.films.models import CardClash, FilmData, Source, UpsertOutcome
from bot.store import search
from bot.store._session import ConstraintViolated, Row, Transaction, inserted_id

log = logging.getLogger(__name__)

_FILM = "SELECT id, slug, title, year, origin, imdb_id, content_hash FROM films"


async def _one(conn: Transaction, sql: str, params: tuple[object, ...]) -> Row | None:
    return await conn.fetchone(sql, params)


def _label(row: Row) -> str:
    return f"“{row['title']}” ({row['year']})" if row["year"] else f"“{row['title']}”"


async def write_card(
    conn: Transaction, data: FilmData, now: datetime, vacated: Collection[str]
) -> UpsertOutcome | CardClash:
    digest = data.content_hash()
    key = match_key(data.title, data.year)
    existing = await _one(conn, f"{_FILM} WHERE slug = ?", (data.slug,))
    if existing is not None and existing["content_hash"] == digest:
        await conn.execute(
            "UPDATE films SET match_key = ? WHERE id = ? AND (match_key IS NULL OR match_key <> ?)",
            (key, existing["id"], key),
        )
        return "unchanged"
    target = await _target(conn, data, existing, vacated)
    if isinstance(target, CardClash):
        return target
    adopted = target is not None and target["origin"] == "import"
    imdb_id = data.imdb_id
    if adopted:
        assert target is not None
        await _keep_import_names(conn, target["id"])
        imdb_id = imdb_id or target["imdb_id"]  # the import's id still finds the film on the next import
    columns = (
        data.slug,
        data.title,
        data.original_title,
        data.year,
        "card",
        imdb_id,
        digest,
        now.isoformat(),
        key,
    )
    if target is None:
        film_id = await _insert_film(conn, columns)
    else:
        film_id = target["id"]
        if target["slug"] != data.slug and not adopted:
            log.info("film %s is now %s: its card was renamed", target["slug"], data.slug)
        await _update_film(conn, film_id, columns)
    await _write_children(conn, film_id, data)
    await search.reindex(conn, [film_id])
    return "added" if target is None or adopted else "updated"


async def _target(
    conn: Transaction, data: FilmData, existing: Row | None, vacated: Collection[str]
) -> Row | CardClash | None:
    """The row the card is written to (None: a new one), or why it may not be written."""
    holder = await _one(conn, f"{_FILM} WHERE imdb_id = ?", (data.imdb_id,)) if data.imdb_id else None
    if existing is not None:
        if (
            existing["origin"] == "import"
            and data.imdb_id
            and existing["imdb_id"] not in (None, data.imdb_id)
        ):
            return CardClash(
                "slug",
                f"{data.slug!r} is already the slug of the imported film {_label(existing)} "
                f"({existing['imdb_id']}), another film; rename this card (its file and slug)",
            )
        if holder is not None and holder["id"] != existing["id"]:
            return await _free_imdb_id(conn, holder) or existing
        return existing
    if holder is not None:
        if holder["origin"] == "import" or holder["slug"] in vacated:
            return holder
        return _held(holder)
    # The same title and year is the same film only when no two different IMDb ids say otherwise.
    return await _one(
        conn,
        f"{_FILM} WHERE match_key = ? AND origin = 'import' AND (imdb_id IS NULL OR CAST(? AS TEXT) IS NULL) ORDER BY id LIMIT 1",
        (match_key(data.title, data.year), data.imdb_id),
    )


def _held(holder: Row) -> CardClash:
    return CardClash(
        "imdb_id",
        f"{holder['imdb_id']} is already the IMDb id of {_label(holder)}, the film of card "
        f"{holder['slug']}.toml; two cards cannot describe one film (this card is skipped)",
    )


async def _free_imdb_id(conn: Transaction, holder: Row) -> CardClash | None:
    """A card film given an IMDb id an imported film holds: that imported copy of the film goes (the next
    import fills the card in), unless member data refers to it. None when the id is free now."""
    if holder["origin"] == "card":
        return _held(holder)
    try:
        async with conn.savepoint():
            await conn.execute("DELETE FROM films WHERE id = ?", (holder["id"],))
    except ConstraintViolated:
        return CardClash(
            "imdb_id",
            f"{holder['imdb_id']} is already the IMDb id of the imported film {_label(holder)} "
            f"(slug {holder['slug']}), which member data (ratings, polls or watch parties) refers to; "
            "remove imdb_id from this card to keep the two films apart",
        )
    await search.forget(conn, [holder["id"]])  # its names are still indexed under its id
    log.info(
        "imported film %s removed: card film with IMDb id %s replaces it", holder["slug"], holder["imdb_id"]
    )
    return None


async def _keep_import_names(conn: Transaction, film_id: int) -> None:
    """The imported film's own names stay as aliases (the card keeps the row and gives it its title),
    as when the import comes after the card."""
    await conn.execute(
        "INSERT INTO film_aliases (film_id, alias, source_id) "
        "SELECT f.id, n.name, "
        "(SELECT min(id) FROM film_sources WHERE film_id = f.id AND imported = 1) "
        "FROM films f JOIN (SELECT title AS name FROM films WHERE id = ? "
        "UNION ALL SELECT original_title FROM films WHERE id = ?) n ON n.name IS NOT NULL "
        "WHERE f.id = ? ON CONFLICT DO NOTHING",
        (film_id, film_id, film_id),
    )


async def _insert_film(conn: Transaction, columns: tuple[object, ...]) -> int:
    return await inserted_id(
        conn,
        "INSERT INTO films (slug, title, original_title, year, origin, imdb_id, content_hash, "
        "updated_at, match_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        columns,
    )


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
    # A plot fetched from outside (source_id set) stays while the card gives none (see _write_children).
    await conn.execute("DELETE FROM plot_sections WHERE film_id = ? AND source_id IS NULL", (film_id,))
    await conn.execute("DELETE FROM film_sources WHERE film_id = ? AND imported = 0", (film_id,))


def source_columns(source: Source) -> tuple[object, ...]:
    """A source's film_sources columns: key, title, publisher, kind, url, file, as_of, dated, licence."""
    return (
        source.key,
        source.title,
        source.publisher,
        source.kind,
        source.url,
        source.file,
        source.as_of.isoformat(),
        int(source.dated),
        source.licence,
    )


async def _write_children(conn: Transaction, film_id: int, data: FilmData) -> None:
    # A card's alias takes over the same alias brought by an import (it is the card's from now on).
    aliases = [(film_id, a) for a in data.aliases]
    await conn.executemany("DELETE FROM film_aliases WHERE film_id = ? AND alias = ?", aliases)
    await conn.executemany(
        "INSERT INTO film_aliases (film_id, alias, source_id) VALUES (?, ?, NULL)", aliases
    )
    source_ids: dict[str, int] = {}
    for source in data.sources:
        source_ids[source.key] = await inserted_id(
            conn,
            "INSERT INTO film_sources (film_id, key, title, publisher, kind, url, file, as_of, dated, licence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (film_id, *source_columns(source)),
        )
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
        "INSERT INTO score_sources (film_id, position, name, kind, value, scale, votes, as_of, note, source_id, "
        "dated, site_named) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                int(s.dated),
                int(s.site_named),
            )
            for i, s in enumerate(data.scores)
        ],
    )
    if data.plot:  # the card's plot wins: a plot fetched from outside goes
        await conn.execute(
            "DELETE FROM plot_sections WHERE film_id = ? AND source_id IS NOT NULL", (film_id,)
        )
    await conn.executemany(
        "INSERT INTO plot_sections (film_id, position, phase, spoiler_level, text) VALUES (?, ?, ?, ?, ?)",
        [(film_id, p.position, p.phase, p.spoiler_level, p.text) for p in data.plot],
    )
