"""The TMDB provider (optional: on only when ``TMDB_API_KEY`` is set): the poster, a spoiler-free premise,
TMDB's user score, where to watch by country, and runtime, releases and credits the film lacks.

The film is found by its IMDb id (``GET /3/find/{imdb_id}?external_source=imdb_id``) or, without one, by
title and year (``GET /3/search/movie``), unless an earlier provider already knows its TMDB id (Wikidata's
P4947); then read in one request, ``GET /3/movie/{id}?append_to_response=credits,release_dates,
watch/providers``. A v3 API key goes as the ``api_key`` query parameter, a v4 read access token (a JWT,
"eyJ…") as ``Authorization: Bearer``. TMDB asks for no more than about 50 requests a second and answers
429 with ``Retry-After`` past it: the client keeps well under that and waits as asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bot.clock import Clock
from bot.enrich._tmdb_json import Movie, parse_find, parse_movie, parse_search, pick
from bot.enrich._tmdb_map import MOVIE_PAGE, NAME, to_result
from bot.enrich.http import ProviderError, ProviderHttp
from bot.enrich.models import FilmRef, ProviderResult
from bot.settings import TMDB_IMAGES, Secret

T = TypeVar("T")
APPEND = "credits,release_dates,watch/providers"
# Well inside TMDB's ~50 requests/s: a card needs two requests, a bulk run goes one film after another.
CONCURRENCY = 4
MIN_INTERVAL = 0.025  # at most 40 request starts a second


def is_read_token(key: str) -> bool:
    """A v4 read access token is a JWT (its base64url header starts ``eyJ``); a v3 key is 32 hex digits."""
    return key.startswith("eyJ")


def tmdb_http(contact: str, clock: Clock, *, interactive: bool = True, **options: Any) -> ProviderHttp:
    """TMDB's client: a few requests at once and at most 40 a second for a member's card, gentler in bulk
    (``filmbot films enrich``). ``options``: more of ``ProviderHttp``'s (tests' sleep and clock)."""
    pace: dict[str, Any] = {
        "concurrency": CONCURRENCY if interactive else 2,
        "min_interval": MIN_INTERVAL if interactive else 0.1,
    }
    return ProviderHttp(NAME, contact=contact, clock=clock, **{**pace, **options})


class TmdbProvider:
    """TMDB as one of the enrichment service's providers (``bot.enrich.service.Provider``)."""

    def __init__(
        self, api: str, key: Secret, http: ProviderHttp, clock: Clock, *, images: str = TMDB_IMAGES
    ) -> None:
        """``http``: TMDB's client (``tmdb_http``); the key goes with each request, never in its headers."""
        self._api = api.rstrip("/")
        self._images = images.rstrip("/")
        self._clock = clock
        self.http = http
        token = key.reveal()
        self._params: dict[str, str] = {} if is_read_token(token) else {"api_key": token}
        self._headers = {"Authorization": f"Bearer {token}"} if is_read_token(token) else {}

    @property
    def name(self) -> str:
        return NAME

    async def close(self) -> None:
        await self.http.close()

    async def fetch(self, ref: FilmRef, so_far: tuple[ProviderResult, ...]) -> ProviderResult:
        """What TMDB knows about ``ref``; its failures come back as problems, never raised."""
        try:
            movie = await self._movie(ref, so_far)
        except ProviderError as error:
            return ProviderResult.failed(NAME, problem(error))
        if movie is None:
            return ProviderResult.missing(NAME, f"TMDB has no film matching {_described(ref)}")
        return to_result(movie, self._clock.now().date(), self._images, so_far)

    async def _movie(self, ref: FilmRef, so_far: tuple[ProviderResult, ...]) -> Movie | None:
        known = ref.ids.tmdb or next((r.ids.tmdb for r in so_far if r.ids.tmdb), None)
        if known and known.isdigit():
            try:
                return await self._details(int(known))
            except ProviderError as error:
                if error.kind != "not_found":  # an id TMDB merged away: look the film up again
                    raise
        imdb = ref.imdb_id or next((r.ids.imdb for r in so_far if r.ids.imdb), None)
        found = await self._find(imdb) if imdb else None
        if found is None:
            found = await self._search(ref)
        return await self._details(found) if found is not None else None

    async def _find(self, imdb_id: str) -> int | None:
        params = {**self._params, "external_source": "imdb_id"}
        candidates = await self._get(f"/3/find/{imdb_id}", params, parse_find)
        return candidates[0].id if candidates else None

    async def _search(self, ref: FilmRef) -> int | None:
        params: dict[str, str | int] = {**self._params, "query": ref.title, "include_adult": "false"}
        if ref.year:
            params["year"] = ref.year
        candidates = await self._get("/3/search/movie", params, parse_search)
        chosen = pick(candidates, ref.title, ref.year)
        return chosen.id if chosen else None

    async def _details(self, movie_id: int) -> Movie:
        params = {**self._params, "append_to_response": APPEND}
        return await self._get(f"/3/movie/{movie_id}", params, parse_movie)

    async def _get(self, path: str, params: Mapping[str, str | int], parse: Callable[[Any], T]) -> T:
        """One TMDB request, authenticated: ``api_key`` (v3) or the Bearer header (v4)."""
        return await self.http.get_json(f"{self._api}{path}", params, parse=parse, headers=self._headers)


def watch_page(tmdb_id: int, country: str) -> str:
    """TMDB's watch page for a film in one country (every offer there, with the services' own links)."""
    return f"{MOVIE_PAGE.format(id=tmdb_id)}/watch?locale={country}"


def problem(error: ProviderError) -> str:
    """What could not be fetched, as the card's line says it ("TMDB: did not answer within 8 s"); a
    refused key says what whoever runs the bot should fix (the key itself is never in it)."""
    if error.status == 401:
        return "TMDB: refused this bot's API key (401, invalid key); whoever runs filmbot should check TMDB_API_KEY"
    return str(error)


def _described(ref: FilmRef) -> str:
    if ref.imdb_id:
        return f"IMDb id {ref.imdb_id} or the title “{ref.title}”" + (f" ({ref.year})" if ref.year else "")
    return f"“{ref.title}”" + (f" ({ref.year})" if ref.year else "")
