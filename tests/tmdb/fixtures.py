"""TMDB v3 answers in the documented JSON (developer.themoviedb.org: find, search/movie, movie details
with append_to_response=credits,release_dates,watch/providers, and the error body), built by the tests.

The films are invented for the tests; their ids and values are what the tests check against, read from
these builders, never typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.enrich._tmdb_json import parse_movie
from bot.enrich._tmdb_map import to_result
from bot.enrich.models import ProviderResult
from tests.conftest import NOW

V3_KEY = "0123456789abcdef0123456789abcdef"  # a v3 key: 32 hex digits
# A v4 read access token is a JWT (header.payload.signature, base64url): it starts "eyJ".
V4_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiIwMTIzNDU2Nzg5YWJjZGVmIiwic3ViIjoiZmlsbWJvdC10ZXN0In0.c2lnbmF0dXJl"


@dataclass(frozen=True)
class Offers:
    link: str
    flatrate: tuple[str, ...] = ()
    free: tuple[str, ...] = ()
    ads: tuple[str, ...] = ()
    rent: tuple[str, ...] = ()
    buy: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeMovie:
    """One movie as the fake TMDB knows it."""

    id: int
    title: str
    release_date: str
    imdb_id: str | None = None
    original_title: str | None = None
    overview: str = ""
    poster_path: str | None = None
    runtime: int | None = None
    vote_average: float = 0.0
    vote_count: int = 0
    popularity: float = 1.0
    production_countries: tuple[tuple[str, str], ...] = ()
    # (country, [(date, type, certification, note)])
    release_dates: tuple[tuple[str, tuple[tuple[str, int, str, str], ...]], ...] = ()
    cast: tuple[tuple[str, str], ...] = ()  # (name, character), in billing order
    crew: tuple[tuple[str, str, str], ...] = ()  # (name, department, job)
    watch: dict[str, Offers] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return int(self.release_date[:4])


HUNDRED_METERS = FakeMovie(
    id=1_258_001,
    title="100 Meters",
    original_title="ひゃくえむ。",
    release_date="2025-09-19",
    imdb_id="tt31866958",
    overview="A gifted young sprinter teaches a lonely boy how to run; years later they meet on the track.",
    poster_path="/hundredMetersPoster.jpg",
    runtime=106,
    vote_average=7.412,
    vote_count=187,
    popularity=24.5,
    production_countries=(("JP", "Japan"),),
    release_dates=(
        ("JP", (("2025-09-19T00:00:00.000Z", 3, "G", ""),)),
        (
            "US",
            (
                ("2025-10-10T00:00:00.000Z", 2, "PG-13", "GKIDS"),
                ("2025-12-31T00:00:00.000Z", 4, "", "Netflix"),
            ),
        ),
        ("FR", (("2025-06-11T00:00:00.000Z", 1, "", "Annecy Festival"),)),
    ),
    cast=(("Tori Matsuzaka", "Togashi (voice)"), ("Shota Sometani", "Komiya (voice)")),
    crew=(
        ("Kenji Iwaisawa", "Directing", "Director"),
        ("Hiroshi Seko", "Writing", "Screenplay"),
        ("Hiroaki Tsutsumi", "Sound", "Original Music Composer"),
        ("Uoto", "Writing", "Comic Book"),
    ),
    watch={
        "US": Offers(
            "https://www.themoviedb.org/movie/1258001-100-meters/watch?locale=US",
            flatrate=("Netflix", "Netflix Standard with Ads"),
            rent=("Apple TV", "Amazon Video"),
            buy=("Apple TV",),
        ),
        "GB": Offers(
            "https://www.themoviedb.org/movie/1258001-100-meters/watch?locale=GB", flatrate=("Netflix",)
        ),
        "JP": Offers("https://www.themoviedb.org/movie/1258001-100-meters/watch?locale=JP", rent=("U-NEXT",)),
        "DE": Offers("https://www.themoviedb.org/movie/1258001-100-meters/watch?locale=DE", free=("Arte",)),
    },
)

# Same title, different years: search must pick by year, then popularity.
DUNE_1984 = FakeMovie(
    id=841, title="Dune", release_date="1984-12-14", imdb_id="tt0087182", popularity=30.0, vote_count=3000,
    overview="In the year 10,191, the desert planet Arrakis…", poster_path="/dune1984.jpg",
    runtime=137, vote_average=6.3,
)  # fmt: skip
DUNE_2021 = FakeMovie(
    id=438631, title="Dune", release_date="2021-09-15", imdb_id="tt1160419", popularity=120.0, vote_count=12000,
    overview="Paul Atreides, a brilliant and gifted young man…", poster_path="/dune2021.jpg",
    runtime=155, vote_average=7.8,
)  # fmt: skip
DUNE_2000 = FakeMovie(
    id=10_000_002, title="Dune", release_date="2000-12-03", popularity=5.0, vote_count=200,
    overview="A miniseries cut as a film.", runtime=265, vote_average=6.9,
)  # fmt: skip
DUNE_PART_TWO = FakeMovie(
    id=693134, title="Dune: Part Two", release_date="2024-02-27", popularity=300.0, vote_count=6000,
    runtime=167, vote_average=8.2,
)  # fmt: skip

ALL_MOVIES = (HUNDRED_METERS, DUNE_1984, DUNE_2021, DUNE_2000, DUNE_PART_TWO)


def summary_json(movie: FakeMovie) -> dict[str, Any]:
    """A movie as find and search/movie list it."""
    return {
        "adult": False,
        "backdrop_path": None,
        "genre_ids": [16, 18],
        "id": movie.id,
        "original_language": "ja" if movie.original_title else "en",
        "original_title": movie.original_title or movie.title,
        "overview": movie.overview,
        "popularity": movie.popularity,
        "poster_path": movie.poster_path,
        "release_date": movie.release_date,
        "title": movie.title,
        "video": False,
        "vote_average": movie.vote_average,
        "vote_count": movie.vote_count,
    }


def find_json(movie: FakeMovie | None) -> dict[str, Any]:
    return {
        "movie_results": [summary_json(movie)] if movie else [],
        "person_results": [],
        "tv_results": [],
        "tv_episode_results": [],
        "tv_season_results": [],
    }


def search_json(movies: list[FakeMovie]) -> dict[str, Any]:
    return {
        "page": 1,
        "results": [summary_json(m) for m in movies],
        "total_pages": 1,
        "total_results": len(movies),
    }


def _provider(name: str, priority: int) -> dict[str, Any]:
    return {
        "logo_path": f"/{name.lower().replace(' ', '')}.jpg",
        "provider_id": 1000 + sum(map(ord, name)),
        "provider_name": name,
        "display_priority": priority,
    }


def watch_json(movie: FakeMovie) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for country, offers in movie.watch.items():
        block: dict[str, Any] = {"link": offers.link}
        for kind in ("flatrate", "free", "ads", "rent", "buy"):
            names = getattr(offers, kind)
            if names:
                block[kind] = [_provider(name, index) for index, name in enumerate(names)]
        results[country] = block
    return {"id": movie.id, "results": results}


def details_json(movie: FakeMovie, append: tuple[str, ...] = ()) -> dict[str, Any]:
    """``movie/{id}``, with the parts ``append_to_response`` asked for."""
    data: dict[str, Any] = {
        **summary_json(movie),
        "belongs_to_collection": None,
        "budget": 0,
        "genres": [{"id": 16, "name": "Animation"}, {"id": 18, "name": "Drama"}],
        "homepage": "",
        "imdb_id": movie.imdb_id,
        "origin_country": [code for code, _ in movie.production_countries],
        "production_companies": [],
        "production_countries": [{"iso_3166_1": c, "name": n} for c, n in movie.production_countries],
        "revenue": 0,
        "runtime": movie.runtime,
        "spoken_languages": [],
        "status": "Released",
        "tagline": "",
    }
    if "credits" in append:
        data["credits"] = {
            "cast": [
                {"adult": False, "gender": 2, "id": 5000 + i, "known_for_department": "Acting", "name": name,
                 "original_name": name, "popularity": 3.0, "profile_path": None, "cast_id": i + 1,
                 "character": character, "credit_id": f"c{movie.id}{i}", "order": i}
                for i, (name, character) in enumerate(movie.cast)
            ],
            "crew": [
                {"adult": False, "gender": 0, "id": 6000 + i, "known_for_department": department, "name": name,
                 "original_name": name, "popularity": 1.0, "profile_path": None, "credit_id": f"w{movie.id}{i}",
                 "department": department, "job": job}
                for i, (name, department, job) in enumerate(movie.crew)
            ],
        }  # fmt: skip
    if "release_dates" in append:
        data["release_dates"] = {
            "results": [
                {"iso_3166_1": country, "release_dates": [
                    {"certification": cert, "descriptors": [], "iso_639_1": "", "note": note,
                     "release_date": date, "type": kind}
                    for date, kind, cert, note in dates
                ]}
                for country, dates in movie.release_dates
            ]
        }  # fmt: skip
    if "watch/providers" in append:
        data["watch/providers"] = {"results": watch_json(movie)["results"]}
    return data


def error_json(status_code: int, message: str) -> dict[str, Any]:
    """TMDB's error body: ``{"success": false, "status_code": 7, "status_message": "…"}``."""
    return {"success": False, "status_code": status_code, "status_message": message}


INVALID_KEY = error_json(7, "Invalid API key: You must be granted a valid key.")
NOT_FOUND = error_json(34, "The resource you requested could not be found.")
RATE_LIMITED = error_json(25, "Your request count (#) is over the allowed limit of (40).")


def tmdb_result(movie: FakeMovie = HUNDRED_METERS) -> ProviderResult:
    """What the TMDB provider returns for ``movie`` read whole (as of the tests' ``NOW``)."""
    append = ("credits", "release_dates", "watch/providers")
    return to_result(parse_movie(details_json(movie, append)), NOW.date(), "https://image.tmdb.test/t/p", ())
