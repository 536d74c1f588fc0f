"""The Wikidata provider against the local Wikidata: finding the item, mapping every statement (ranks,
qualifiers, references, review scores), and every failure coming back as a result with a sentence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.clock import ManualClock
from bot.enrich.http import ProviderHttp
from bot.enrich.models import ExternalIds, FilmRef, ProviderResult
from bot.enrich.wikidata import WikidataProvider
from bot.films.models import Credit
from tests.conftest import NOW
from tests.enrich import wikidata_items as items
from tests.enrich.fake_api import Fault, no_wait
from tests.enrich.wikidata_server import FakeWikidata, item

ITEM_REF = FilmRef(None, items.TITLE, 2024, ExternalIds(imdb=items.IMDB))


def provider_for(
    server: FakeWikidata, *, maxlag: int | None = None, timeout: float = 5.0
) -> WikidataProvider:
    http = ProviderHttp(
        "Wikidata", contact="ops@example.org", timeout=timeout, sleep=no_wait, jitter=lambda: 0.0
    )
    return WikidataProvider(server.api, http, ManualClock(NOW), maxlag=maxlag)


@pytest.fixture
async def provider(wikidata: FakeWikidata) -> AsyncIterator[WikidataProvider]:
    made = provider_for(wikidata)
    yield made
    await made.close()


def facts(result: ProviderResult, key: str) -> list[tuple[str, str | None]]:
    return [(f.value, f.detail) for f in result.facts if f.key == key]


async def test_an_item_by_imdb_id_mapped_whole(wikidata: FakeWikidata, provider: WikidataProvider) -> None:
    result = await provider.fetch(ITEM_REF, ())
    assert result.status == "ok", result.problems
    assert result.problems == ()
    (source,) = result.sources
    assert (source.key, source.kind, source.licence, source.dated) == (
        "wikidata",
        "wikidata",
        "CC0 1.0",
        False,
    )
    assert source.url == f"https://www.wikidata.org/wiki/{items.FILM}"
    assert source.as_of == NOW.date()
    assert (result.title, result.year) == (items.TITLE, 2024)
    assert result.ids == ExternalIds(
        wikidata=items.FILM,
        imdb=items.IMDB,
        tmdb="1234567",
        enwiki=items.TITLE,
        letterboxd="the-lighthouse-at-noon",
        rotten_tomatoes="m/the_lighthouse_at_noon",
        metacritic="movie/the-lighthouse-at-noon",
    )
    found = wikidata.requests(action="query")
    assert found[0].query["srsearch"] == f"haswbstatement:P345={items.IMDB}"
    assert all("maxlag" not in r.query for r in wikidata.log)  # interactive: no maxlag


async def test_credits_with_characters(provider: WikidataProvider) -> None:
    result = await provider.fetch(ITEM_REF, ())
    assert result.credits == (
        Credit("Aiko Tanabe", "director", "wikidata"),
        Credit("Ren Kobayashi", "screenplay", "wikidata"),
        Credit("Mio Sato", "voice", "wikidata", "Hana"),
        Credit("Daichi Mori", "voice", "wikidata", "the keeper"),
        Credit("Sam Reyes", "cast", "wikidata"),  # the "unknown value" cast member is left out
        Credit("Yui Ota", "composer", "wikidata"),
        Credit("Kenta Ito", "cinematographer", "wikidata"),
        Credit("Nao Fujita", "editor", "wikidata"),
    )


async def test_facts_with_qualifiers_ranks_and_references(provider: WikidataProvider) -> None:
    result = await provider.fetch(ITEM_REF, ())
    assert all(f.source == "wikidata" for f in result.facts)
    assert facts(result, "production_company") == [("Studio Kaze", None), ("North Light Films", None)]
    assert facts(result, "distributor") == [("GKIDS", "United States"), ("Toho", "Japan")]
    assert facts(result, "country") == [("Japan", None)]
    assert facts(result, "language") == [("Japanese", None)]
    assert facts(result, "genre") == [("drama film", None)]
    assert facts(result, "source_work") == [("The Keeper", None)]
    # The deprecated 2023 date is ignored; the others in date order, each with its place.
    assert facts(result, "release") == [("2024-06-14", "Japan"), ("2024-10-04", "United States")]
    assert facts(result, "runtime_minutes") == [("104", None)]  # the deprecated 95 is ignored
    # Preferred wins over normal: the worldwide figure only, with its date and its reference.
    assert facts(result, "box_office") == [
        ("$3,033,000", "worldwide; as of 2025-01-05; per Box Office Mojo, retrieved 2025-01-10")
    ]
    assert facts(result, "budget") == [("$2,000,000", None)]


async def test_review_scores_on_their_own_scales(provider: WikidataProvider) -> None:
    result = await provider.fetch(ITEM_REF, ())
    scores = {s.name: s for s in result.scores}
    assert set(scores) == {"Rotten Tomatoes", "Metacritic"}  # the older 91% and the "A-" grade are not
    rt, mc = scores["Rotten Tomatoes"], scores["Metacritic"]
    assert (rt.kind, rt.value, rt.scale, rt.votes, rt.as_of, rt.dated) == (
        "approval",
        93.0,
        None,
        120,
        date(2024, 11, 1),
        True,
    )
    assert rt.note == "per www.rottentomatoes.com"
    assert (mc.kind, mc.value, mc.scale, mc.votes, mc.as_of) == (
        "average",
        81.0,
        100.0,
        30,
        date(2024, 10, 20),
    )
    assert all(s.source == "wikidata" and s.site_named for s in result.scores)


async def test_two_methods_of_one_site_are_told_apart(
    wikidata: FakeWikidata, provider: WikidataProvider
) -> None:
    from tests.enrich.wikidata_server import item_snak, statement, string_snak

    film = wikidata.items[items.FILM]
    film["claims"]["P444"].append(
        statement(
            string_snak("P444", "7.9/10"),
            qualifiers=[item_snak("P447", "Q105584"), item_snak("P459", "Q90000601")],
        )
    )
    film["claims"]["P444"].append(statement(string_snak("P444", "55%")))  # no site named
    result = await provider.fetch(ITEM_REF, ())
    names = {s.name: s for s in result.scores}
    assert "Rotten Tomatoes (Tomatometer score)" in names
    assert names["Rotten Tomatoes (director)"].scale == 10.0
    unnamed = names["Review score (site not named on Wikidata)"]
    assert not unnamed.site_named
    assert not unnamed.dated and unnamed.as_of == NOW.date()


async def test_by_title_and_year_skips_a_novel_and_the_other_film(
    wikidata: FakeWikidata, provider: WikidataProvider
) -> None:
    old = await provider.fetch(FilmRef(1, items.TITLE, 1961), ())
    assert old.ids.wikidata == items.OLD_FILM
    assert old.ids.imdb == items.OLD_IMDB
    new = await provider.fetch(FilmRef(1, items.TITLE.lower(), 2025), ())  # a year off: another country
    assert new.ids.wikidata == items.FILM
    assert wikidata.requests(action="wbsearchentities")


async def test_a_wikidata_id_found_before_is_used(wikidata: FakeWikidata, provider: WikidataProvider) -> None:
    earlier = ProviderResult("Cards", ids=ExternalIds(wikidata=items.OLD_FILM))
    result = await provider.fetch(FilmRef(1, "whatever"), (earlier,))
    assert result.ids.wikidata == items.OLD_FILM
    assert not wikidata.requests(action="query")
    assert not wikidata.requests(action="wbsearchentities")


async def test_no_hits_is_missing_not_failed(provider: WikidataProvider) -> None:
    by_id = await provider.fetch(FilmRef(1, "Nothing", 2020, ExternalIds(imdb="tt0000404")), ())
    assert by_id.status == "missing"
    assert by_id.problems == ("Wikidata has no film item for Nothing (2020)",)
    by_title = await provider.fetch(FilmRef(1, "Nothing at all"), ())
    assert by_title.status == "missing"
    novel_only = await provider.fetch(FilmRef(1, items.TITLE, 2019), ())
    assert novel_only.status == "missing"  # the 2019 novel is no film


async def test_a_missing_item_is_missing(provider: WikidataProvider) -> None:
    result = await provider.fetch(FilmRef(1, "Gone", ids=ExternalIds(wikidata="Q99999999")), ())
    assert result.status == "missing"


async def test_labels_come_in_batches_of_at_most_50(
    wikidata: FakeWikidata, provider: WikidataProvider
) -> None:
    from tests.enrich.wikidata_server import item_snak, statement

    extras = {f"Q8{n:07d}": f"Extra {n}" for n in range(120)}
    wikidata.name(extras)
    wikidata.items[items.FILM]["claims"]["P161"] += [statement(item_snak("P161", q)) for q in extras]
    result = await provider.fetch(ITEM_REF, ())
    cast = [c.person for c in result.credits if c.role == "cast"]
    assert len(cast) == 121
    batches = [r for r in wikidata.requests(action="wbgetentities", props="labels")]
    assert len(batches) >= 3
    assert all(len(r.query["ids"].split("|")) <= 50 for r in batches)


async def test_bulk_calls_send_maxlag_and_wait_out_its_error(wikidata: FakeWikidata) -> None:
    provider = provider_for(wikidata, maxlag=5)
    wikidata.fail(Fault.maxlag(lag=8), times=2, action="wbgetentities")
    try:
        result = await provider.fetch(ITEM_REF, ())
    finally:
        await provider.close()
    assert result.status == "ok"
    assert all(r.query.get("maxlag") == "5" for r in wikidata.log)
    assert len(wikidata.requests(action="wbgetentities")) >= 3


async def test_429_with_retry_after_is_retried(wikidata: FakeWikidata, provider: WikidataProvider) -> None:
    wikidata.fail(Fault.rate_limited("2"), action="query")
    result = await provider.fetch(ITEM_REF, ())
    assert result.status == "ok"
    assert [r.status for r in wikidata.requests(action="query")] == [429, 200]


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (Fault.malformed(), "Wikidata: answered with a body that is not valid JSON"),
        (Fault.unavailable(), "Wikidata: was unavailable (503), 4 times"),
        (Fault.server_error(500), "Wikidata: answered with an error (500)"),
        (Fault.not_json(), "Wikidata: answered text/html, not JSON"),
    ],
)
async def test_a_failure_is_a_result_with_a_sentence(
    wikidata: FakeWikidata, provider: WikidataProvider, fault: Fault, says: str
) -> None:
    wikidata.fail(fault, times=10, action="wbgetentities")
    result = await provider.fetch(ITEM_REF, ())
    assert result.status == "failed"
    assert result.problems == (says,)
    assert result.facts == ()


async def test_a_timeout_is_a_result_with_a_sentence(wikidata: FakeWikidata) -> None:
    provider = provider_for(wikidata, timeout=0.3)
    wikidata.fail(Fault.timeout(), action="query")
    try:
        result = await provider.fetch(ITEM_REF, ())
    finally:
        await provider.close()
    assert result.status == "failed"
    assert result.problems == ("Wikidata: did not answer within 0.3 s",)


async def test_labels_that_fail_leave_a_partial_result(
    wikidata: FakeWikidata, provider: WikidataProvider
) -> None:
    wikidata.fail(Fault.server_error(500), times=5, action="wbgetentities", props="labels")
    result = await provider.fetch(ITEM_REF, ())
    assert result.status == "ok"
    assert result.problems == (
        "Wikidata: answered with an error (500); some names of people and companies are missing",
    )
    assert result.credits == ()  # no names, no credits
    assert facts(result, "runtime_minutes") == [("104", None)]
    assert facts(result, "release")[0] == ("2024-06-14", None)


async def test_an_unexpected_shape_is_malformed(wikidata: FakeWikidata, provider: WikidataProvider) -> None:
    broken = item(items.FILM, items.TITLE)
    broken["claims"] = {
        "P57": [{"rank": "normal", "mainsnak": {"snaktype": "value", "datavalue": {"value": 7}}}]
    }
    wikidata.add(broken)
    result = await provider.fetch(FilmRef(1, items.TITLE, ids=ExternalIds(wikidata=items.FILM)), ())
    assert result.status == "failed"
    assert result.problems == ("Wikidata: answered in a shape filmbot does not understand",)
