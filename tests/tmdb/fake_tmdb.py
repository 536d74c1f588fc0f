"""A local TMDB v3 API for the tests: find, search/movie and movie details (with append_to_response),
authenticated by a v3 key (``api_key=``) or a v4 read token (``Authorization: Bearer``), answering TMDB's
error bodies (401 with ``status_code`` 7, 404 with 34), with the fault script of ``FakeApi``."""

from __future__ import annotations

import json
from collections.abc import Iterable

from aiohttp import web

from bot.films.matching import normalize
from tests.enrich.fake_api import JSON_TYPE, FakeApi, Fault
from tests.tmdb.fixtures import (
    ALL_MOVIES,
    INVALID_KEY,
    NOT_FOUND,
    RATE_LIMITED,
    V3_KEY,
    V4_TOKEN,
    FakeMovie,
    details_json,
    find_json,
    search_json,
)


def rate_limited(retry_after: str = "1") -> Fault:
    """TMDB's 429: its JSON error body (``status_code`` 25) and ``Retry-After``."""
    headers = {"Content-Type": JSON_TYPE, "Retry-After": retry_after}
    return Fault(429, json.dumps(RATE_LIMITED).encode(), headers)


class FakeTmdb(FakeApi):
    """TMDB's v3 API over ``movies``; requests need ``key`` as ``api_key`` or ``token`` as a Bearer."""

    def __init__(
        self, movies: Iterable[FakeMovie] = ALL_MOVIES, *, key: str = V3_KEY, token: str = V4_TOKEN
    ) -> None:
        super().__init__()
        self.movies = {m.id: m for m in movies}
        self.key = key
        self.token = token
        for movie in self.movies.values():
            self.route(f"/3/movie/{movie.id}", self._details)
            if movie.imdb_id:
                self.route(f"/3/find/{movie.imdb_id}", self._find)
        self.route("/3/search/movie", self._search)

    def unknown(self, imdb_id: str) -> None:
        """``find`` of an IMDb id TMDB has no film for: 200 with empty lists, as TMDB answers."""
        self.route(f"/3/find/{imdb_id}", self._find)

    def gone(self, movie_id: int) -> None:
        """``movie/{id}`` of an id TMDB no longer has: 404 with ``status_code`` 34."""
        self.route(f"/3/movie/{movie_id}", self._details)

    def _refused(self, request: web.Request) -> web.Response | None:
        if request.query.get("api_key") == self.key:
            return None
        if request.headers.get("Authorization") == f"Bearer {self.token}":
            return None
        return self.json(INVALID_KEY, status=401)

    def _find(self, request: web.Request) -> object:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if request.query.get("external_source") != "imdb_id":
            return self.json({"success": False, "status_code": 22, "status_message": "Invalid page."}, 400)
        imdb = request.path.rsplit("/", 1)[1]
        return find_json(next((m for m in self.movies.values() if m.imdb_id == imdb), None))

    def _search(self, request: web.Request) -> object:
        refused = self._refused(request)
        if refused is not None:
            return refused
        query = normalize(request.query.get("query", ""))
        year = request.query.get("year")
        hits = [
            m
            for m in self.movies.values()
            if query and query in normalize(m.title) and (year is None or str(m.year) == year)
        ]
        return search_json(sorted(hits, key=lambda m: -m.popularity))

    def _details(self, request: web.Request) -> object:
        refused = self._refused(request)
        if refused is not None:
            return refused
        movie = self.movies.get(int(request.path.rsplit("/", 1)[1]))
        if movie is None:
            return self.json(NOT_FOUND, status=404)
        append = tuple(p for p in request.query.get("append_to_response", "").split(",") if p)
        return details_json(movie, append)

    def details_requests(self) -> int:
        return sum(1 for r in self.log if r.path.startswith("/3/movie/"))
