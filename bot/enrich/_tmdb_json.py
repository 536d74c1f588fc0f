"""TMDB's JSON, read: the v3 ``find``, ``search/movie`` and ``movie/{id}`` answers (with credits,
release_dates and watch/providers appended) as typed records. No HTTP and no catalog records here.

A shape TMDB never sends (a missing ``id``, a list where an object goes) raises ``KeyError``,
``TypeError`` or ``ValueError``, which the HTTP client turns into one "malformed answer" problem.
Optional fields TMDB documents as nullable (``poster_path``, ``runtime``, ``overview``…) may be null,
empty or absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.films.matching import normalize

# watch/providers' kinds of offer, in the order a member reads them: included with a subscription first.
WATCH_KINDS = ("flatrate", "free", "ads", "rent", "buy")
_IMAGE_PATH = re.compile(r"/[A-Za-z0-9_-]+\.[A-Za-z]{3,4}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_LINK = re.compile(r"https?://[^\s()<>\[\]]+")
# release_dates' types (TMDB's documented numbering).
RELEASE_TYPES = {
    1: "premiere",
    2: "theatrical (limited)",
    3: "theatrical",
    4: "digital",
    5: "physical",
    6: "TV",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One movie in a ``find`` or ``search/movie`` answer."""

    id: int
    title: str
    original_title: str
    year: int | None
    popularity: float
    vote_count: int


@dataclass(frozen=True, slots=True)
class Release:
    """One release in one country: its ISO date, TMDB's type number, certification and note."""

    country: str
    date: str
    type: int
    certification: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CastCredit:
    name: str
    character: str | None
    order: int


@dataclass(frozen=True, slots=True)
class CrewCredit:
    name: str
    job: str


@dataclass(frozen=True, slots=True)
class Offer:
    kind: str  # one of WATCH_KINDS
    service: str
    priority: int


@dataclass(frozen=True, slots=True)
class CountryOffers:
    """Where the film can be watched in one country, and TMDB's watch page for it there."""

    country: str
    link: str | None
    offers: tuple[Offer, ...]


@dataclass(frozen=True, slots=True)
class Movie:
    """``movie/{id}`` with its appended parts."""

    id: int
    title: str
    original_title: str | None
    year: int | None
    imdb_id: str | None
    overview: str | None
    poster_path: str | None
    runtime: int | None
    vote_average: float
    vote_count: int
    production_countries: tuple[str, ...]
    releases: tuple[Release, ...]
    cast: tuple[CastCredit, ...]
    crew: tuple[CrewCredit, ...]
    watch: tuple[CountryOffers, ...]


def _text(value: object) -> str | None:
    """A string field, stripped; None for null, absent or blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value.strip() or None


def _number(value: object, default: float = 0.0) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"not a TMDB id: {value!r}")
    return value


def _year(date: str | None) -> int | None:
    """``"2025-09-19"`` -> 2025; TMDB sends ``""`` for a film with no date yet."""
    if not date or len(date) < 4 or not date[:4].isdigit():
        return None
    return int(date[:4])


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _candidate(item: object) -> Candidate:
    data = _object(item)
    return Candidate(
        id=_id(data["id"]),
        title=_text(data.get("title")) or "",
        original_title=_text(data.get("original_title")) or "",
        year=_year(_text(data.get("release_date"))),
        popularity=_number(data.get("popularity")),
        vote_count=int(_number(data.get("vote_count"))),
    )


def parse_find(data: object) -> list[Candidate]:
    """``GET /3/find/{imdb_id}?external_source=imdb_id``: its ``movie_results``."""
    return [_candidate(item) for item in _list(_object(data)["movie_results"])]


def parse_search(data: object) -> list[Candidate]:
    """``GET /3/search/movie``: the first page's ``results``."""
    return [_candidate(item) for item in _list(_object(data)["results"])]


def pick(candidates: list[Candidate], title: str, year: int | None) -> Candidate | None:
    """The film meant by ``title`` and ``year`` among search results: the same year first (a year off by
    one next: release years differ by country), the same title before a merely similar one, then the
    more popular and the more voted. With a year, none within a year of it is None: a different film."""
    wanted = normalize(title)

    def distance(c: Candidate) -> int:
        return 0 if year is None else abs((c.year or 0) - year) if c.year is not None else 99

    fits = [c for c in candidates if year is None or distance(c) <= 1]
    if not fits:
        return None

    def rank(c: Candidate) -> tuple[int, bool, float, int]:
        same = wanted in (normalize(c.title), normalize(c.original_title))
        return (distance(c), not same, -c.popularity, -c.vote_count)

    return min(fits, key=rank)


def _releases(data: dict[str, Any]) -> tuple[Release, ...]:
    found: list[Release] = []
    for country in _list(_object(data.get("release_dates") or {"results": []})["results"]):
        block = _object(country)
        code = str(block["iso_3166_1"]).upper()
        for item in _list(block["release_dates"]):
            entry = _object(item)
            date = _text(entry.get("release_date"))
            kind = int(_number(entry.get("type")))
            if date and len(date) >= 10 and kind in RELEASE_TYPES:
                found.append(
                    Release(
                        code, date[:10], kind, _text(entry.get("certification")), _text(entry.get("note"))
                    )
                )
    return tuple(sorted(found, key=lambda r: (r.date, r.type, r.country)))


def _credits(data: dict[str, Any]) -> tuple[tuple[CastCredit, ...], tuple[CrewCredit, ...]]:
    credits = _object(data.get("credits") or {})
    cast = []
    for item in _list(credits.get("cast")):
        entry = _object(item)
        name = _text(entry.get("name"))
        if name:
            cast.append(
                CastCredit(name, _text(entry.get("character")), int(_number(entry.get("order"), 999)))
            )
    crew = []
    for item in _list(credits.get("crew")):
        entry = _object(item)
        name, job = _text(entry.get("name")), _text(entry.get("job"))
        if name and job:
            crew.append(CrewCredit(name, job))
    return tuple(sorted(cast, key=lambda c: c.order)), tuple(crew)


def _image_path(value: object) -> str | None:
    """An image's path as TMDB gives it (``/kqjL17yufvn9OVLyXYpvtyrFfak.jpg``); anything else is dropped,
    since Discord refuses a whole message whose thumbnail is not a valid address."""
    text = _text(value)
    return text if text is not None and _IMAGE_PATH.fullmatch(text) else None


def _link(value: object) -> str | None:
    """A web address fit to put in a card's markdown link; anything else (a relative path, spaces, a
    bracket that would end the link early) is dropped and the card links TMDB's page itself."""
    text = _text(value)
    if text is None or not _LINK.fullmatch(text):
        return None
    return text


def _watch(data: dict[str, Any]) -> tuple[CountryOffers, ...]:
    results = _object(_object(data.get("watch/providers") or {"results": {}})["results"])
    found = []
    for code, block in sorted(results.items()):
        entry = _object(block)
        if not _COUNTRY.fullmatch(str(code)):
            continue  # not a two-letter country code: no server region could name it
        offers = [
            Offer(kind, name, int(_number(_object(item).get("display_priority"), 999)))
            for kind in WATCH_KINDS
            for item in _list(entry.get(kind))
            if (name := _text(_object(item).get("provider_name")))
        ]
        offers.sort(key=lambda o: (WATCH_KINDS.index(o.kind), o.priority, o.service))
        found.append(CountryOffers(str(code).upper(), _link(entry.get("link")), tuple(offers)))
    return tuple(found)


def parse_movie(data: object) -> Movie:
    """``GET /3/movie/{id}?append_to_response=credits,release_dates,watch/providers``."""
    movie = _object(data)
    cast, crew = _credits(movie)
    runtime = int(_number(movie.get("runtime")))
    return Movie(
        id=_id(movie["id"]),
        title=_text(movie.get("title")) or "",
        original_title=_text(movie.get("original_title")),
        year=_year(_text(movie.get("release_date"))),
        imdb_id=_text(movie.get("imdb_id")),
        overview=_text(movie.get("overview")),
        poster_path=_image_path(movie.get("poster_path")),
        runtime=runtime if runtime > 0 else None,
        vote_average=_number(movie.get("vote_average")),
        vote_count=int(_number(movie.get("vote_count"))),
        production_countries=tuple(
            str(_object(c)["iso_3166_1"]).upper() for c in _list(movie.get("production_countries"))
        ),
        releases=_releases(movie),
        cast=cast,
        crew=crew,
        watch=_watch(movie),
    )
