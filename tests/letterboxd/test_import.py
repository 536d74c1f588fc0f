"""Importing an export as the member's ratings: matching, the newer rating winning, nothing on bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.errors import BadInput, UserError
from bot.films.service import FilmService
from bot.letterboxd.matching import match_film
from bot.letterboxd.models import ImportSummary
from bot.letterboxd.service import LetterboxdService
from bot.scores.models import DatedRating
from bot.scores.service import ScoreService
from bot.store import Store
from tests.letterboxd.conftest import GUILD, MEMBER, OTHER_MEMBER
from tests.letterboxd.exports import export_zip, ratings_csv
from tests.letterboxd.feeds import FeedServer


async def _upload(
    feeds: FeedServer, service: LetterboxdService, data: bytes, name: str = "export.zip", user: int = MEMBER
) -> ImportSummary:
    feeds.files[name] = (data, {})
    return await service.import_file(
        GUILD, user, url=f"{feeds.url}/files/{name}", filename=name, size=len(data)
    )


async def _ratings(store: Store, films: FilmService, user: int = MEMBER) -> dict[str, float]:
    found = {}
    for slug in ("solaris", "solaris-2002", "amelie", "flow", "paris-texas", "drive-my-car", "100-meters"):
        film = (
            await films.resolve(slug)
            if slug != "solaris"
            else (await films.search("Solaris (1972)", 1))[0].film
        )
        for rating in await store.ratings.page(GUILD, film.id, offset=0, limit=50):
            if rating.user_id == user:
                found[film.label] = rating.score
    return found


async def test_matching_by_title_and_year_never_guesses(films: FilmService) -> None:
    solaris = await match_film(films, "Solaris", 1972)
    assert solaris.kind == "matched" and solaris.film is not None and solaris.film.year == 1972
    assert (await match_film(films, "Solaris", 2002)).film.year == 2002  # type: ignore[union-attr]
    assert (
        await match_film(films, "Solaris", 1990)
    ).kind == "missing"  # two of that title, neither of that year
    assert (await match_film(films, "Solaris", None)).kind == "ambiguous"
    assert (await match_film(films, "The Thing", 1982)).kind == "ambiguous"  # two of that title and year
    assert (await match_film(films, "Solyaris", 1972)).kind == "matched"  # its original title
    assert (await match_film(films, "Drive My Car", 2022)).kind == "matched"  # the only one, a year off
    assert (await match_film(films, "Flow", 2019)).kind == "missing"  # five years off is another film
    assert (await match_film(films, "Flowers", 2024)).kind == "missing"  # a near title is not the title
    assert (await match_film(films, "Amelie", 2001)).kind == "matched"


async def test_an_export_becomes_ratings_times_two(
    feeds: FeedServer, service: LetterboxdService, catalog_store: Store, films: FilmService
) -> None:
    data = export_zip(
        {
            "ratings.csv": ratings_csv(
                [
                    ("2024-05-10", "Solaris", "1972", "4.5"),
                    ("2024-05-11", "Amélie", "2001", "0.5"),
                    ("2024-05-12", "Paris, Texas", "1984", "5"),
                    ("2024-05-13", "Drive My Car", "2022", "3.5"),
                    ("2024-05-14", "The Thing", "1982", "4"),
                    ("2024-05-15", "Heat", "1995", "4"),
                    ("2024-05-16", "Solaris", "1990", "2"),
                ]
            )
        }
    )
    summary = await _upload(feeds, service, data)
    assert summary.source == "ratings.csv" and summary.rated == 7
    assert summary.count("added") == 4
    assert [r.name for r in summary.missing] == ["Heat", "Solaris"]
    assert [r.name for r in summary.ambiguous] == ["The Thing"]
    assert await _ratings(catalog_store, films) == {
        "Solaris (1972)": 9.0,
        "Amélie (2001)": 1.0,
        "Paris, Texas (1984)": 10.0,
        "Drive My Car (2021)": 7.0,
    }
    # Committed, and dated the day Letterboxd says it was rated.
    (solaris,) = await catalog_store.ratings.page(GUILD, summary.imported[0].film.id, offset=0, limit=5)
    assert solaris.updated_at == datetime(2024, 5, 10, tzinfo=UTC)


async def test_the_newer_rating_wins(
    feeds: FeedServer,
    service: LetterboxdService,
    catalog_store: Store,
    films: FilmService,
    clock: ManualClock,
) -> None:
    scores = ScoreService(catalog_store, films, clock)  # rated here on 27 March 2026 (the clock)
    for slug, score in (("flow", 6), ("paris-texas", 8), ("amelie", 7), ("100-meters", 9)):
        await scores.rate(GUILD, await films.resolve(slug), MEMBER, score, review="mine")
    data = ratings_csv(
        [
            ("2026-03-28", "Flow", "2024", "4"),  # later on Letterboxd: replaces 6 with 8
            ("2026-03-20", "Paris, Texas", "1984", "3"),  # earlier: this server's 8 is kept
            ("2026-03-27", "Amélie", "2001", "4.5"),  # the same day: kept
            ("2026-03-01", "100 Meters", "2025", "4.5"),  # the same score: nothing to do
        ]
    )
    summary = await _upload(feeds, service, data, "ratings.csv")
    outcomes = {r.film.title: (r.outcome, r.previous, r.score) for r in summary.imported}
    assert outcomes == {
        "Flow": ("replaced", 6.0, 8.0),
        "Paris, Texas": ("kept", 8.0, 6.0),
        "Amélie": ("kept", 7.0, 9.0),
        "100 Meters": ("same", 9.0, 9.0),
    }
    ratings = await _ratings(catalog_store, films)
    assert (
        ratings["Flow (2024)"] == 8 and ratings["Paris, Texas (1984)"] == 8 and ratings["Amélie (2001)"] == 7
    )
    (flow,) = await catalog_store.ratings.page(GUILD, (await films.resolve("flow")).id, offset=0, limit=5)
    assert flow.review == "mine"  # the review written here stays with the new score
    # Importing the same file again changes nothing.
    again = await _upload(feeds, service, data, "ratings.csv")
    assert {r.outcome for r in again.imported} == {"kept", "same"} and again.count("replaced") == 0


async def test_a_bad_file_changes_nothing(
    feeds: FeedServer, service: LetterboxdService, catalog_store: Store, films: FilmService
) -> None:
    good = ratings_csv([("2024-05-10", "Flow", "2024", "4")])
    for data, says in (
        (good.replace(b"Rating", b"Stars"), "lacks Rating"),
        (b"PK\x03\x04" + good, "damaged"),
        (ratings_csv([("2024-05-10", "Flow", "2024", "")]), "no rated film"),
    ):
        with pytest.raises(BadInput, match=says):
            await _upload(feeds, service, data, "ratings.csv" if b"PK" not in data[:2] else "export.zip")
    assert await _ratings(catalog_store, films) == {}


async def test_uploads_past_the_cap_are_never_read_whole(
    feeds: FeedServer, service: LetterboxdService
) -> None:
    with pytest.raises(BadInput, match=r"12\.0 MB"):
        await service.import_file(
            GUILD, MEMBER, url=f"{feeds.url}/files/x", filename="x.zip", size=12 * 1024**2
        )
    assert not feeds.requests
    # Discord said it was small; the body is not (sent without a length): reading stops at the cap.
    feeds.files["lie.zip"] = (b"PK" * (6 * 1024 * 1024), {})
    with pytest.raises(BadInput, match="larger than 10 MB"):
        await service.import_file(
            GUILD, MEMBER, url=f"{feeds.url}/files/lie.zip", filename="lie.zip", size=10
        )
    with pytest.raises(UserError, match="Discord answered 404"):
        await service.import_file(GUILD, MEMBER, url=f"{feeds.url}/files/gone.zip", filename="x.zip", size=10)


async def test_each_member_imports_their_own(
    feeds: FeedServer, service: LetterboxdService, catalog_store: Store, films: FilmService
) -> None:
    await _upload(feeds, service, ratings_csv([("2024-05-10", "Flow", "2024", "4")]), "a.csv")
    await _upload(feeds, service, ratings_csv([("2024-05-10", "Flow", "2024", "2")]), "b.csv", OTHER_MEMBER)
    assert await _ratings(catalog_store, films) == {"Flow (2024)": 8}
    assert await _ratings(catalog_store, films, OTHER_MEMBER) == {"Flow (2024)": 4}


async def test_an_import_is_one_unit(catalog_store: Store, films: FilmService, clock: ManualClock) -> None:
    scores = ScoreService(catalog_store, films, clock)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    flow, amelie = await films.resolve("flow"), await films.resolve("amelie")
    with pytest.raises(BadInput):  # one score off the scale: none is written
        await scores.import_dated(
            GUILD, MEMBER, [DatedRating(flow.id, 8, at), DatedRating(amelie.id, 7.3, at)]
        )
    assert await _ratings(catalog_store, films) == {}
    merged = await scores.import_dated(
        GUILD, MEMBER, [DatedRating(flow.id, 8, at), DatedRating(amelie.id, 7, at)]
    )
    assert [m.written for m in merged] == [True, True]
    assert await _ratings(catalog_store, films) == {"Amélie (2001)": 7, "Flow (2024)": 8}
