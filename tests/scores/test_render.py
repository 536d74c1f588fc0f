"""Rendering: spoiler reviews cannot escape their tags; embeds and the chart stay within Discord's limits."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.films.models import FilmSummary, Score, Source
from bot.scores import render
from bot.scores.aggregate import aggregate
from bot.scores.chart import render_chart
from bot.scores.models import Rating, RatingsPage, ScoreSummary, TopEntry, TopPage
from bot.scores.service import summary_line
from bot.ui import limits
from tests.spoilers.checks import visible

FILM = FilmSummary(id=1, slug="100-meters", title="100 Meters", year=2025)
NOW = datetime(2026, 3, 1, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def summary(scores: list[Score], ratings: list[float], sources: tuple[Source, ...] = ()) -> ScoreSummary:
    result = aggregate(scores, ratings)
    return ScoreSummary(FILM, result.aggregate, summary_line(result), result, guild_id=1, sources=sources)


def rating(review: str | None, spoiler: bool, user: int = 1, score: float = 8) -> Rating:
    return Rating(1, 1, user, score, review, spoiler, NOW, NOW)


@given(st.text(max_size=700))
def test_spoiler_reviews_cannot_break_out(text: str) -> None:
    shown = render.review_text(rating(text, True), 300)
    assert len(shown) <= 300 + len("(spoiler) ")
    # Nothing of the review is visible outside the spoiler tag (the shared leak checker's markdown model).
    assert visible(shown).strip() in ("", "(spoiler)")


@pytest.mark.parametrize(
    "attack",
    [
        "the winner is || Komiya",
        "`||` code",
        "see https://example.com/||x||",
        "<@123> <@&456> @everyone",
        "line\n> quote\n# heading",
        "\\" * 50,
    ],
)
def test_known_breakouts_are_neutralized(attack: str) -> None:
    shown = render.review_text(rating(attack, True))
    assert visible(shown).strip() == "(spoiler)"
    assert "://" not in shown and "@everyone" not in shown and "<@123>" not in shown


def test_spoiler_reviews_only_appear_in_tags() -> None:
    shown = render.review_text(rating("Komiya wins", True))
    assert shown == "(spoiler) ||Komiya wins||"
    assert render.review_text(rating("*great*", False)) == "\\*great\\*"


def test_ratings_embed_hides_spoilers_and_fits() -> None:
    reviews = [rating("Komiya wins " * 40, True, user=i) for i in range(8)]
    page = RatingsPage(FILM, tuple(reviews), 0, 3, 20)
    embed = render.ratings_embed(page, summary([], [8] * 20))
    assert len(embed) <= limits.EMBED_TOTAL
    assert embed.description is not None
    for line in embed.description.split("\n"):
        if "Komiya" in line:
            assert "||Komiya" in line
    assert embed.footer.text is not None and "Page 1 of 3" in embed.footer.text


def test_scores_embed_for_100_meters_traces_every_figure() -> None:
    sources = (
        Source("listing", "100 METERS (2025)", "listing", date(2026, 11, 21)),
        Source("spokon", "Best spokon", "article", date(2026, 11, 21)),
    )
    scores = [
        Score("Rotten Tomatoes (critics)", "approval", 100, "listing", date(2026, 11, 21)),
        Score("Rotten Tomatoes (critics)", "approval", 100, "spokon", date(2026, 11, 21)),
        Score("IMDb", "average", 8.1, "spokon", date(2026, 11, 21), scale=10),
        Score(
            "Listing", "average", 7.7, "listing", date(2026, 11, 21), scale=10, votes=56, note="Site unnamed."
        ),
    ]
    embed = render.scores_embed(summary(scores, [10, 8], sources), chart="scores-100-meters.png")
    fields = {f.name: f.value or "" for f in embed.fields}
    assert "IMDb: **8.1**/10 → 81/100" in fields["Ratings, each on its own scale"]
    assert "from 56 votes" in fields["Ratings, each on its own scale"]
    approvals = fields["Approval (share who liked it, not averaged)"]
    assert approvals.count("Rotten Tomatoes (critics)") == 1 and "[1][2]" in approvals
    assert "Raw mean 9/10 from 2 ratings" in fields["This server's members"]
    assert "10 ×1 · 8 ×1" in fields["This server's members"]
    # consensus (81 + 77) / 2 = 79; members (10 × 79 + 180) / 12 = 80.83; aggregate (81 + 77 + 80.83) / 3
    assert "(81.0 + 77.0 + 80.8) / 3 = **79.6**" in fields["How the aggregate is computed"]
    assert embed.description == "**Aggregate 80/100** · outside consensus 79.0/100"
    assert embed.image.url == "attachment://scores-100-meters.png"
    assert len(embed) <= limits.EMBED_TOTAL


def test_scores_embed_at_the_limits() -> None:
    long = "N" * 300
    scores = [
        Score(f"{long}{i}", "average", 5, "s", date(2026, 1, 1), scale=10, votes=10**9, note=long * 5)
        for i in range(40)
    ]
    embed = render.scores_embed(summary(scores, [0.5 * h for h in range(1, 21)] * 50))
    assert len(embed) <= limits.EMBED_TOTAL
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)


def test_empty_scores_embed_says_so() -> None:
    embed = render.scores_embed(summary([], []))
    assert embed.description == "**No aggregate yet**"
    fields = {f.name: f.value or "" for f in embed.fields}
    assert "No outside average rating" in fields["Ratings, each on its own scale"]
    assert "/rate" in fields["This server's members"]


def test_top_embed_lists_ranks() -> None:
    members = aggregate([], [9, 9, 9]).members
    assert members is not None
    page = TopPage((TopEntry(1, FILM, members),), 0, 1, 1, 3)
    embed = render.top_embed(page)
    # No outside score: (10 × 50 + 3 × 90) / 13 = 59.2 → 5.9/10
    assert embed.description == "**1.** 100 Meters (2025) — **5.9**/10 (mean 9 from 3)"
    empty = render.top_embed(TopPage((), 0, 1, 0, 3))
    assert empty.description is not None and "min_ratings:1" in empty.description


@pytest.mark.parametrize("ratings", [[], [10.0], [0.5 * h for h in range(1, 21)] * 30])
def test_chart_is_a_small_png(ratings: list[float]) -> None:
    scores = [
        Score("IMDb", "average", 8.1, "s", date(2026, 1, 1), scale=10),
        Score("Rotten Tomatoes (critics)", "approval", 100, "s", date(2026, 1, 1)),
    ]
    png = render_chart(summary(scores, ratings))
    assert png.startswith(PNG)
    assert len(png) < 1_000_000  # far under Discord's 10 MiB attachment limit
    file = discord.File(io.BytesIO(png), filename=render.chart_filename(summary([], [])))
    assert file.filename == "scores-100-meters.png"


def test_chart_with_nothing_to_draw() -> None:
    assert render_chart(summary([], [])).startswith(PNG)
