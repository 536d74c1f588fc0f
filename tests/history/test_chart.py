"""The ``/stats`` chart: a PNG of fixed size whatever the data (full lists, long and non-Latin names, an
empty panel), drawn in the worker process through the service."""

from __future__ import annotations

import struct

from bot.films.models import FilmSummary
from bot.history.chart import DPI, HEIGHT_IN, WIDTH_IN, render_stats
from bot.history.models import Count, ServerStats, StatsFigure
from bot.history.service import HistoryService
from bot.scores.aggregate import MemberScore

PNG = b"\x89PNG\r\n\x1a\n"


def size_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG) and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


GENRES = (
    "Drama",
    "Science Fiction and Fantasy of the Far Future",
    "アニメ",
    "Comedy 🎭",
    "Horror",
    "War",
    "x",
    "y",
)


def stats(**changes: object) -> ServerStats:
    values: dict[str, object] = {
        "guild_id": 1,
        "year": 2026,
        "months": tuple(Count(f"2026-{n:02d}", n % 4) for n in range(1, 13)),
        "genres": tuple(Count(name, 9 - i) for i, name in enumerate(GENRES)),
        "distribution": tuple(range(20)),
        "raters": tuple(Count(str(100 + i), 40 - i) for i in range(8)),
        "suggesters": tuple(Count(str(200 + i), 12 - i) for i in range(5)),
        "viewings": 18,
        "films": 15,
        "at_parties": 11,
        "ratings": 190,
        "members_rating": 23,
        "mean_rating": 6.84,
        "best": (FilmSummary(1, "a", "A", 2000), MemberScore(3, 8.0, 79.0, 78.0, True, ((8.0, 3),))),
    }
    values.update(changes)
    return ServerStats(**values)  # type: ignore[arg-type]


NAMES = (
    "Alice",
    "Bob the Extremely Long Display Name of Doom",
    "名無しさん",
    "🎬🍿 Popcorn",
    "e",
    "f",
    "g",
    "h",
)


def test_a_full_chart_has_its_fixed_size() -> None:
    png = render_stats(
        StatsFigure(stats(), "A Server With A Very Long Name Indeed · 2026" * 3, NAMES, NAMES[:5])
    )
    assert size_of(png) == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    assert len(png) < 600_000


def test_empty_panels_are_drawn_with_a_note() -> None:
    only_ratings = stats(
        months=tuple(Count(f"2026-{n:02d}", 0) for n in range(1, 13)),
        genres=(),
        raters=(Count("5", 1),),
        suggesters=(),
        viewings=0,
        films=0,
        at_parties=0,
        ratings=1,
        members_rating=1,
        distribution=(0,) * 19 + (1,),
        mean_rating=10.0,
        best=None,
        year=None,
    )
    png = render_stats(StatsFigure(only_ratings, "Film Club · all time", ("Alice",)))
    assert size_of(png) == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    no_ratings = stats(raters=(), distribution=(0,) * 20, ratings=0, members_rating=0, mean_rating=None)
    assert render_stats(StatsFigure(no_ratings, "Film Club · 2026", ())).startswith(PNG)


async def test_the_service_draws_it_in_the_worker_process(history: HistoryService) -> None:
    png = await history.chart(StatsFigure(stats(), "Film Club · 2026", NAMES))
    assert png == render_stats(StatsFigure(stats(), "Film Club · 2026", NAMES))
