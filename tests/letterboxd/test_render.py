"""How diary posts and import summaries look: stars, spoilers kept behind tags, Discord's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.films.models import FilmSummary
from bot.letterboxd import render
from bot.letterboxd.models import (
    DiaryEntry,
    DiaryPost,
    ExportRating,
    ImportedRating,
    ImportSummary,
    PendingPost,
)
from bot.ui import limits
from tests.conftest import NOW


def post(
    review: str | None, *, spoiler: bool = False, more: int = 0, rating: float | None = 4.5
) -> DiaryPost:
    entry = DiaryEntry(
        guid="letterboxd-review-1",
        film_title="Flow *bold* @everyone",
        film_year=2024,
        rating=rating,
        rewatch=True,
        liked=True,
        watched_on=date(2026, 3, 26),
        published_at=NOW,
        link="https://letterboxd.com/max/film/flow-2024/",
        poster="https://a.ltrbxd.com/flow.jpg",
        review=review,
        spoiler=spoiler,
    )
    pending = PendingPost(41, 7, 1, "max", entry, 1, more, NOW)
    film = FilmSummary(1, "flow", "Flow", 2024)
    return DiaryPost(pending, film, "https://letterboxd.com/max/", "n" * 25)


def test_stars_are_letterboxds() -> None:
    assert [render.stars(r) for r in (0.5, 1, 3.5, 5)] == ["½", "★", "★★★½", "★★★★★"]


def test_a_diary_post() -> None:
    embed = render.diary_embed(post("Loved the cat.\n\nAnd the **boat**.", more=2))
    assert embed.title == "Flow \\*bold\\* @\u200beveryone (2024)"
    assert embed.url == "https://letterboxd.com/max/film/flow-2024/"
    assert embed.author.name == "max on Letterboxd" and embed.author.url == "https://letterboxd.com/max/"
    assert embed.thumbnail.url == "https://a.ltrbxd.com/flow.jpg"
    description = embed.description or ""
    assert description.startswith("<@7> watched it on 26 March 2026 · **★★★★½** (9/10) · ↻ rewatch · ♥ liked")
    assert "And the \\*\\*boat\\*\\*." in description
    assert description.endswith("…and 2 more new diary entries: https://letterboxd.com/max/films/diary/")
    assert embed.footer.text == "Letterboxd diary · in this server's catalog"


def test_a_spoiler_review_never_shows_outside_its_tag() -> None:
    review = "He dies || at the end `code` @everyone https://x.example\n\nThen ||more||."
    description = render.diary_embed(post(review, spoiler=True)).description or ""
    head, tagged = description.split("\n\n", 1)
    assert "dies" not in head
    label = "Review (contains spoilers): "
    assert tagged.startswith(label + "||") and tagged.endswith("||")
    inside = tagged[len(label) + 2 : -2]
    assert "||" not in inside and "`" not in inside and "@everyone" not in inside


def test_a_long_review_stays_within_discords_limits() -> None:
    for spoiler in (False, True):
        embed = render.diary_embed(post("word " * 900, spoiler=spoiler))
        assert len(embed.description or "") <= limits.EMBED_DESCRIPTION and len(embed) <= limits.EMBED_TOTAL


def test_an_import_summary_of_thousands_fits() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    films = [FilmSummary(n, f"film-{n}", f"A Film With A Rather Long Title {n}", 2000) for n in range(2000)]
    imported = tuple(
        ImportedRating(film, 8.0, date(2025, 1, 1), ("added", "replaced", "kept", "same")[n % 4], 6.0, at)
        for n, film in enumerate(films)
    )
    missing = tuple(
        ExportRating(f"Missing {n} " + "x" * 80, 1999, 3, date(2025, 1, 1), n) for n in range(3000)
    )
    summary = ImportSummary("ratings.csv", 5000, 12, tuple(range(2, 40)), imported, missing, missing[:50])
    embed = render.import_embed(summary)
    assert len(embed) <= limits.EMBED_TOTAL
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)
    description = embed.description or ""
    assert "5050 rated films, **2000** of them" in description
    assert "**500** new · **500** updated" in description and "12 rows without a rating" in description
    fields = {f.name: f.value or "" for f in embed.fields}
    assert "… and 494 more" in fields["Updated from Letterboxd (500)"]
    assert "6 → **8**/10" in fields["Updated from Letterboxd (500)"]
    assert "kept **6**/10, rated here <t:1767225600:D>" in fields["Kept this server's rating (500)"]
    assert "Not in this server's catalog (3000)" in fields


def test_status_and_days() -> None:
    assert render.day(date(2026, 3, 1)) == "1 March 2026"
    assert render.when(NOW + timedelta(hours=1), "R") == f"<t:{int(NOW.timestamp()) + 3600}:R>"
