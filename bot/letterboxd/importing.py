"""Turning an export's ratings into this server's ratings for the member who uploaded it.

Letterboxd's half stars become this server's scale by doubling (★★★½ = 3.5 → 7/10; the server's ratings
go from 0.5 to 10 in halves, so every star rating has an exact equivalent). Only films in the catalog are
rated, each found by title and year (``matching.match_film``); the rest are reported. Every rating is
merged in one unit of work by the score service: the newer rating wins (``scores.service.newer_wins``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.films.service import FilmService
from bot.letterboxd.matching import match_film
from bot.letterboxd.models import (
    Export,
    ExportRating,
    FilmMatch,
    ImportedRating,
    ImportOutcome,
    ImportSummary,
)
from bot.scores.models import DatedRating, MergedRating
from bot.scores.service import ScoreService


def to_score(stars: float) -> float:
    """Letterboxd's 0.5–5 stars on this server's 0.5–10 scale."""
    return stars * 2


async def _match_all(
    films: FilmService, ratings: tuple[ExportRating, ...]
) -> list[tuple[ExportRating, FilmMatch]]:
    return [(rating, await match_film(films, rating.name, rating.year)) for rating in ratings]


def _outcome(merged: MergedRating) -> ImportOutcome:
    if merged.previous is None:
        return "added"
    if merged.written:
        return "replaced"
    return "same" if merged.previous.score == merged.wanted.score else "kept"


async def import_export(
    films: FilmService, scores: ScoreService, guild_id: int, user_id: int, export: Export
) -> ImportSummary:
    """Rate the export's films that are in the catalog for the member; committed before returning."""
    # Thousands of title searches, each in the database (its read connection): the bot answers between them.
    matches = await _match_all(films, export.ratings)
    chosen: dict[int, tuple[ExportRating, FilmMatch]] = {}
    missing: list[ExportRating] = []
    ambiguous: list[ExportRating] = []
    for rating, match in matches:
        if match.film is None:
            (ambiguous if match.kind == "ambiguous" else missing).append(rating)
            continue
        held = chosen.get(match.film.id)
        # Two rows naming one catalog film (an alias, a year one off): the later rating stands.
        if held is None or (rating.rated_on, rating.line) > (held[0].rated_on, held[0].line):
            chosen[match.film.id] = (rating, match)
    dated = [
        DatedRating(
            film_id=film_id,
            score=to_score(rating.stars),
            rated_at=datetime(rating.rated_on.year, rating.rated_on.month, rating.rated_on.day, tzinfo=UTC),
        )
        for film_id, (rating, _) in chosen.items()
    ]
    merged = await scores.import_dated(guild_id, user_id, dated)
    imported = []
    for result in merged:
        rating, match = chosen[result.wanted.film_id]
        assert match.film is not None
        imported.append(
            ImportedRating(
                film=match.film,
                score=result.wanted.score,
                rated_on=rating.rated_on,
                outcome=_outcome(result),
                previous=result.previous.score if result.previous else None,
                previous_at=result.previous.updated_at if result.previous else None,
            )
        )
    return ImportSummary(
        source=export.source,
        rows=export.rows,
        unrated=export.unrated,
        bad_lines=export.bad_lines,
        imported=tuple(imported),
        missing=tuple(missing),
        ambiguous=tuple(ambiguous),
    )
