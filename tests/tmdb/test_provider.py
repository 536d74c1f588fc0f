"""The TMDB provider against a local TMDB: a v3 key and a v4 token, find by IMDb id, search by title and
year, a TMDB id from Wikidata, what it maps, and every failure as one problem sentence (wrong key, 429
with Retry-After, a hung server, a malformed body, an unexpected shape)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.clock import ManualClock
from bot.enrich._tmdb_json import WATCH_KINDS
from bot.enrich.models import ExternalIds, FilmRef, ProviderResult
from bot.enrich.tmdb import TmdbProvider, is_read_token, tmdb_http
from bot.films.models import Credit, Fact, Source
from bot.settings import TMDB_IMAGES, Secret
from tests.conftest import NOW
from tests.enrich.fake_api import Fault
from tests.enrich.test_http import FakeTime  # waits recorded, never made
from tests.tmdb.fake_tmdb import FakeTmdb, rate_limited
from tests.tmdb.fixtures import DUNE_1984, DUNE_2021, HUNDRED_METERS, V3_KEY, V4_TOKEN, FakeMovie

TODAY: date = NOW.date()
CLOCK = ManualClock(NOW)
HUNDRED = FilmRef(7, "100 Meters", 2025, ExternalIds(imdb=HUNDRED_METERS.imdb_id))


@pytest.fixture
async def tmdb() -> AsyncIterator[FakeTmdb]:
    async with FakeTmdb() as server:
        yield server


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def provider(tmdb: FakeTmdb, fake_time: FakeTime) -> AsyncIterator[TmdbProvider]:
    clock = ManualClock(NOW)
    http = tmdb_http(
        "", clock, sleep=fake_time.sleep, monotonic=fake_time.monotonic, jitter=lambda: 0.5, timeout=2.0
    )
    made = TmdbProvider(tmdb.url, Secret(V3_KEY), http, clock)
    yield made
    await made.close()


def test_a_read_token_is_told_from_a_key() -> None:
    assert is_read_token(V4_TOKEN) and not is_read_token(V3_KEY)


async def test_v3_key_finds_by_imdb_id_and_maps_everything(tmdb: FakeTmdb, provider: TmdbProvider) -> None:
    result = await provider.fetch(HUNDRED, ())
    assert result.status == "ok" and result.problems == ()
    assert [r.path for r in tmdb.log] == [
        f"/3/find/{HUNDRED_METERS.imdb_id}",
        f"/3/movie/{HUNDRED_METERS.id}",
    ]
    assert all(r.query["api_key"] == V3_KEY and "Authorization" not in r.headers for r in tmdb.log)
    assert tmdb.log[0].query["external_source"] == "imdb_id"
    assert tmdb.log[1].query["append_to_response"] == "credits,release_dates,watch/providers"
    page = f"https://www.themoviedb.org/movie/{HUNDRED_METERS.id}"
    (details,) = result.sources
    assert details == Source("tmdb", "100 Meters (2025)", "tmdb", TODAY, "TMDB", page, dated=False)
    assert result.poster_url == f"{TMDB_IMAGES}/w342{HUNDRED_METERS.poster_path}"
    assert (result.premise, result.premise_source) == (HUNDRED_METERS.overview, details.key)
    assert result.ids == ExternalIds(imdb=HUNDRED_METERS.imdb_id, tmdb=str(HUNDRED_METERS.id))
    (score,) = result.scores
    assert (score.name, score.kind, score.scale, score.votes, score.source) == (
        "TMDB", "average", 10, HUNDRED_METERS.vote_count, details.key,
    )  # fmt: skip
    assert score.value == round(HUNDRED_METERS.vote_average, 1) and (score.as_of, score.dated) == (
        TODAY,
        True,
    )
    assert Fact("runtime_minutes", str(HUNDRED_METERS.runtime), details.key) in result.facts
    # The first premiere, theatrical and digital releases anywhere, and every one at home (Japan).
    releases = {(f.key, f.value, f.detail) for f in result.facts if f.key != "runtime_minutes"}
    assert releases == {
        ("premiere", "2025-06-11", "France; premiere; Annecy Festival"),
        ("release_theatrical", "2025-09-19", "Japan; theatrical; rated G"),
        ("release_streaming", "2025-12-31", "United States; digital; Netflix"),
    }
    assert Credit("Kenji Iwaisawa", "director", details.key) in result.credits
    assert Credit("Uoto", "original_creator", details.key) in result.credits
    assert Credit("Tori Matsuzaka", "voice", details.key, "Togashi") in result.credits
    us = [(w.kind, w.service, w.url, w.source) for w in result.watch if w.country == "US"]
    offers = HUNDRED_METERS.watch["US"]
    assert us == [(k, name, offers.link, details.key) for k in WATCH_KINDS for name in getattr(offers, k)]
    assert {w.country for w in result.watch} == set(HUNDRED_METERS.watch)


async def test_v4_token_goes_as_a_bearer_header(tmdb: FakeTmdb) -> None:
    provider = TmdbProvider(tmdb.url, Secret(V4_TOKEN), tmdb_http("", CLOCK), CLOCK)
    try:
        result = await provider.fetch(HUNDRED, ())
    finally:
        await provider.close()
    assert result.status == "ok"
    assert all(
        r.headers["Authorization"] == f"Bearer {V4_TOKEN}" and "api_key" not in r.query for r in tmdb.log
    )


async def test_a_wrong_key_is_one_clear_problem_without_the_key(tmdb: FakeTmdb) -> None:
    wrong = "ffffffffffffffffffffffffffffffff"
    provider = TmdbProvider(tmdb.url, Secret(wrong), tmdb_http("", CLOCK), CLOCK)
    try:
        result = await provider.fetch(HUNDRED, ())
    finally:
        await provider.close()
    assert result.status == "failed" and [r.status for r in tmdb.log] == [401]
    (problem,) = result.problems
    assert problem.startswith("TMDB: refused this bot's API key (401") and "TMDB_API_KEY" in problem
    assert wrong not in problem


@pytest.mark.parametrize(("year", "expected"), [(1984, DUNE_1984), (2021, DUNE_2021), (None, DUNE_2021)])
async def test_search_by_title_and_year_picks_the_right_film(
    tmdb: FakeTmdb, provider: TmdbProvider, year: int | None, expected: FakeMovie
) -> None:
    result = await provider.fetch(FilmRef(None, "Dune", year), ())
    assert result.status == "ok"
    search = tmdb.requests(path="/3/search/movie")
    assert len(search) == 1 and search[0].query["query"] == "Dune"
    assert search[0].query.get("year") == (str(year) if year else None)
    assert result.ids.tmdb == str(expected.id)


async def test_no_such_film_is_missing_with_a_sentence(tmdb: FakeTmdb, provider: TmdbProvider) -> None:
    tmdb.unknown("tt0000001")
    result = await provider.fetch(FilmRef(3, "A Film Nobody Made", 1999, ExternalIds(imdb="tt0000001")), ())
    assert result.status == "missing"
    assert result.problems == (
        "TMDB has no film matching IMDb id tt0000001 or the title “A Film Nobody Made” (1999)",
    )
    assert [r.path for r in tmdb.log] == ["/3/find/tt0000001", "/3/search/movie"]


async def test_a_tmdb_id_from_wikidata_needs_one_request(tmdb: FakeTmdb, provider: TmdbProvider) -> None:
    wikidata = ProviderResult("Wikidata", ids=ExternalIds(tmdb=str(HUNDRED_METERS.id)))
    result = await provider.fetch(FilmRef(7, "100 Meters", 2025), (wikidata,))
    assert result.status == "ok" and [r.path for r in tmdb.log] == [f"/3/movie/{HUNDRED_METERS.id}"]


async def test_a_tmdb_id_tmdb_no_longer_has_is_looked_up_again(
    tmdb: FakeTmdb, provider: TmdbProvider
) -> None:
    tmdb.gone(99)
    result = await provider.fetch(
        FilmRef(7, "100 Meters", 2025, ExternalIds(imdb=HUNDRED_METERS.imdb_id, tmdb="99")), ()
    )
    assert result.status == "ok" and result.ids.tmdb == str(HUNDRED_METERS.id)
    assert [r.status for r in tmdb.log] == [404, 200, 200]


async def test_values_wikidata_gave_are_not_repeated(provider: TmdbProvider) -> None:
    source = "wikidata"
    wikidata = ProviderResult(
        "Wikidata",
        facts=(
            Fact("runtime_minutes", "106", source),
            Fact("release", "2025-09-19", source, "Japan"),
        ),
        credits=(Credit("Kenji Iwaisawa", "director", source), Credit("Tori Matsuzaka", "cast", source)),
    )
    result = await provider.fetch(HUNDRED, (wikidata,))
    assert result.facts == ()
    assert {c.role for c in result.credits} == {"screenplay", "composer", "original_creator"}
    assert result.scores and result.premise and result.watch  # what only TMDB has still comes


async def test_429_waits_its_retry_after_then_answers(
    tmdb: FakeTmdb, provider: TmdbProvider, fake_time: FakeTime
) -> None:
    tmdb.fail(rate_limited("3"), times=2, path=f"/3/movie/{HUNDRED_METERS.id}")
    result = await provider.fetch(HUNDRED, ())
    assert result.status == "ok"
    assert [r.status for r in tmdb.log] == [200, 429, 429, 200]
    assert len(fake_time.waits) >= 2 and all(w >= 3 for w in fake_time.waits[-2:])


async def test_429_for_ever_is_a_problem(tmdb: FakeTmdb, provider: TmdbProvider) -> None:
    tmdb.fail(rate_limited("1"), times=100)
    result = await provider.fetch(HUNDRED, ())
    assert result.status == "failed"
    assert result.problems == ("TMDB: asked filmbot to slow down (429), 4 times",)


async def test_a_hung_server_is_a_timeout_problem(tmdb: FakeTmdb) -> None:
    provider = TmdbProvider(tmdb.url, Secret(V3_KEY), tmdb_http("", CLOCK, timeout=0.2), CLOCK)
    tmdb.fail(Fault.timeout())
    try:
        result = await provider.fetch(HUNDRED, ())
    finally:
        await provider.close()
    assert result.status == "failed"
    assert result.problems == ("TMDB: did not answer within 0.2 s",)


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (Fault.malformed(), "answered with a body that is not valid JSON"),
        (Fault.not_json(), "answered text/html, not JSON"),
        (Fault(200, b'{"id": "not a number"}', {"Content-Type": "application/json"}), "in a shape"),
        (Fault.server_error(500), "answered with an error (500)"),
    ],
)
async def test_bad_answers_are_one_problem_sentence(
    tmdb: FakeTmdb, provider: TmdbProvider, fault: Fault, says: str
) -> None:
    tmdb.fail(fault, path=f"/3/movie/{HUNDRED_METERS.id}")
    result = await provider.fetch(HUNDRED, ())
    assert result.status == "failed"
    (problem,) = result.problems
    assert problem.startswith("TMDB: ") and says in problem
