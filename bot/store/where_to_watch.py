"""SQL for what TMDB adds to a film beyond its cited facts: the poster, the overview and where to watch it
by country (tables ``film_tmdb`` and ``film_watch_options``, migration 0016 in the plan)."""

from __future__ import annotations

from bot.enrich.models import WatchOption
from bot.store._session import Session
from bot.store.timers import decode_time, encode_time
from bot.where_to_watch.models import TmdbExtras


class WhereToWatchStore:
    def __init__(self, db: Session) -> None:
        self._db = db

    async def replace(self, extras: TmdbExtras) -> None:
        """Keep TMDB's latest read of a film: its poster and every country's offers, the old ones gone."""
        async with self._db.write() as tx:
            await tx.execute(
                "INSERT INTO film_tmdb (film_id, tmdb_id, poster_url, premise, fetched_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (film_id) DO UPDATE SET tmdb_id = excluded.tmdb_id, poster_url = excluded.poster_url, "
                "premise = excluded.premise, fetched_at = excluded.fetched_at",
                (
                    extras.film_id,
                    extras.tmdb_id,
                    extras.poster_url,
                    extras.premise,
                    encode_time(extras.fetched_at),
                ),
            )
            await tx.execute("DELETE FROM film_watch_options WHERE film_id = ?", (extras.film_id,))
            await tx.executemany(
                "INSERT INTO film_watch_options (film_id, country, kind, service, link, position) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    (extras.film_id, o.country, o.kind, o.service, o.url, position)
                    for position, o in enumerate(extras.options)
                ],
            )

    async def forget(self, film_id: int) -> bool:
        """TMDB no longer has the film: its poster, overview and offers go. False if none were kept."""
        async with self._db.write() as tx:
            row = await tx.fetchone("DELETE FROM film_tmdb WHERE film_id = ? RETURNING film_id", (film_id,))
        return row is not None

    async def get(self, film_id: int, country: str | None) -> TmdbExtras | None:
        """TMDB's last read of a film, with the offers in ``country`` (None: none, only the poster)."""
        row = await self._db.fetchone(
            "SELECT tmdb_id, poster_url, premise, fetched_at FROM film_tmdb WHERE film_id = ?", (film_id,)
        )
        if row is None:
            return None
        rows = (
            await self._db.fetchall(
                "SELECT country, kind, service, link FROM film_watch_options WHERE film_id = ? AND country = ? "
                "ORDER BY position",
                (film_id, country),
            )
            if country
            else []
        )
        options = tuple(WatchOption(r["country"], r["kind"], r["service"], r["link"]) for r in rows)
        fetched = decode_time(row["fetched_at"])
        return TmdbExtras(film_id, row["tmdb_id"], fetched, row["poster_url"], options, row["premise"])
