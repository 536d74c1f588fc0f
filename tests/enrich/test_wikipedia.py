"""The Wikipedia provider against a local Wikipedia speaking the documented Action API: the article from
the Wikidata sitelink or a search, redirects, loops, disambiguation pages, articles without a plot, and
Wikipedia slow, rate-limiting, lagging or answering nonsense. Waits the client would make are recorded,
not made."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.enrich.http import ProviderHttp
from bot.enrich.models import ExternalIds, FilmRef, ProviderResult
from bot.enrich.providers import build_providers
from bot.enrich.wikipedia import LICENCE, WikipediaProvider, is_the_film
from bot.settings import Settings
from tests.conftest import NOW
from tests.enrich.fake_api import Fault
from tests.enrich.fake_wikipedia import DISAMBIGUATION, FILM_ARTICLE, NO_PLOT, FakeWikipedia

SPRINT = FilmRef(film_id=7, title="Sprint", year=2025)
ARTICLE = "Sprint (2025 film)"


@pytest.fixture
async def wiki() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:
        server.page(ARTICLE, FILM_ARTICLE, revid=1_234_567)
        yield server


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
async def provider(wiki: FakeWikipedia, waits: list[float]) -> AsyncIterator[WikipediaProvider]:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    http = ProviderHttp(
        "Wikipedia", contact="film-club@example.org", timeout=1.0, clock=ManualClock(NOW), sleep=sleep
    )
    wikipedia = WikipediaProvider(http, wiki.api, ManualClock(NOW), maxlag=5)  # as in bulk runs
    yield wikipedia
    await wikipedia.close()


def linked(title: str) -> FilmRef:
    return FilmRef(film_id=7, title="Sprint", year=2025, ids=ExternalIds(wikidata="Q1", enwiki=title))


def assert_the_film(result: ProviderResult, wiki: FakeWikipedia, title: str = ARTICLE) -> None:
    assert result.status == "ok", result.problems
    assert result.problems == ()
    (source,) = result.sources
    revision = wiki.pages[title].revid
    assert source.title == title and source.revision == revision
    assert source.publisher == "Wikipedia" and source.kind == "wikipedia"
    assert source.licence == LICENCE == "CC BY-SA 4.0"
    assert (
        source.url
        == f"{wiki.url}/w/index.php?title={title.replace(' ', '_').replace('(', '%28').replace(')', '%29')}&oldid={revision}"
    )
    assert source.as_of == NOW.date() and not source.dated
    assert result.plot_source == source.key
    assert result.ids.enwiki == title
    assert result.premise is None  # never a premise cut out of plot text


async def test_the_article_wikidata_links(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    result = await provider.fetch(linked(ARTICLE), ())
    assert_the_film(result, wiki)
    assert [p.phase for p in result.plot][-1].endswith("(the ending)")
    assert [p.spoiler_level for p in result.plot] == list(range(1, len(result.plot) + 1))
    text = "\n\n".join(p.text for p in result.plot)
    assert text.startswith("Togashi is a gifted sprinter who has always won. He meets Komiya, a transfer")
    assert "neither knows who won until the board lights up." in text
    for gone in (
        "cite",
        "efn",
        "ref",
        "Natalie",
        "Do not add",
        "File:",
        "Category",
        "citation needed",
        "[[",
        "'''",
    ):
        assert gone not in text, gone
    assert "Komiya wins by a hundredth of a second." in text and "• Togashi quits the team." in text
    (request,) = wiki.log
    assert request.query == {
        "action": "parse",
        "page": ARTICLE,
        "prop": "wikitext|revid",
        "redirects": "1",
        "format": "json",
        "formatversion": "2",
        "maxlag": "5",
    }
    assert "film-club@example.org" in request.headers["User-Agent"]


async def test_the_sitelink_from_what_wikidata_found(
    provider: WikipediaProvider, wiki: FakeWikipedia
) -> None:
    wikidata = ProviderResult(provider="Wikidata", ids=ExternalIds(wikidata="Q1", enwiki=ARTICLE))
    assert_the_film(await provider.fetch(SPRINT, (wikidata,)), wiki)
    assert not wiki.requests(action="query")  # no search when the article is known


async def test_a_redirect_is_followed(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.redirect("Sprint (film)", ARTICLE)
    assert_the_film(await provider.fetch(linked("Sprint (film)"), ()), wiki)
    assert len(wiki.log) == 1  # the parse API followed it


async def test_a_double_redirect_is_followed(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.redirect("Sprint (anime)", "Sprint (film)")
    wiki.redirect("Sprint (film)", ARTICLE)
    assert_the_film(await provider.fetch(linked("Sprint (anime)"), ()), wiki)


async def test_a_redirect_loop_is_a_problem(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.redirect("Sprint (film)", "Sprint (movie)")
    wiki.redirect("Sprint (movie)", "Sprint (anime)")
    wiki.redirect("Sprint (anime)", "Sprint (film)")
    result = await provider.fetch(linked("Sprint (film)"), ())
    assert result.status == "missing" and not result.plot
    assert result.problems == ("Wikipedia's article “Sprint (film)” redirects in a loop.",)
    assert len(wiki.log) <= 3


async def test_a_missing_article(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    result = await provider.fetch(linked("Sprint (2031 film)"), ())
    assert result.status == "missing" and not result.sources
    assert result.problems == ("Wikipedia has no article “Sprint (2031 film)” (the one Wikidata links).",)


async def test_a_disambiguation_page_leads_to_the_film(
    provider: WikipediaProvider, wiki: FakeWikipedia
) -> None:
    wiki.page("Sprint", DISAMBIGUATION)
    assert_the_film(await provider.fetch(linked("Sprint"), ()), wiki)
    assert [r.query["page"] for r in wiki.requests(action="parse")] == ["Sprint", ARTICLE]


async def test_a_disambiguation_page_without_the_film(
    provider: WikipediaProvider, wiki: FakeWikipedia
) -> None:
    wiki.page("Dash", DISAMBIGUATION.replace("Sprint", "Dash"))
    result = await provider.fetch(FilmRef(7, "Dash", 1999, ExternalIds(enwiki="Dash")), ())
    assert result.status == "missing"
    assert result.problems == (
        "Wikipedia's “Dash” is a disambiguation page, and neither “Dash (1999 film)” nor “Dash (film)” is an article.",
    )
    assert len(wiki.requests(action="parse")) == 3  # each tried once


async def test_an_article_without_a_plot(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.page("Quiet (2024 film)", NO_PLOT)
    result = await provider.fetch(linked("Quiet (2024 film)"), ())
    assert result.status == "missing" and not result.plot
    assert result.problems == ("Wikipedia's article “Quiet (2024 film)” has no plot section.",)


async def test_found_by_title_when_wikidata_has_no_sitelink(
    provider: WikipediaProvider, wiki: FakeWikipedia
) -> None:
    wiki.page("Sprint (running)", "'''Sprinting''' is running over a short distance.\n\n== History ==\nOld.")
    wiki.page("Sprint", DISAMBIGUATION)
    assert_the_film(await provider.fetch(SPRINT, ()), wiki)
    (search,) = wiki.requests(action="query")
    assert search.query["list"] == "search" and search.query["srsearch"] == "Sprint 2025 film"
    assert search.query["maxlag"] == "5" and search.query["formatversion"] == "2"


async def test_a_search_that_finds_only_other_things(
    provider: WikipediaProvider, wiki: FakeWikipedia
) -> None:
    result = await provider.fetch(FilmRef(8, "Sprint (running)", 1990), ())
    assert result.status == "missing"
    assert result.problems == (
        "Wikipedia has no article for “Sprint (running) (1990)” that filmbot could find.",
    )


@pytest.mark.parametrize(
    ("title", "snippet", "expected"),
    [
        ("Sprint (2025 film)", "", True),
        ("Sprint (film)", "", True),
        ("Sprint (2025 animated film)", "", True),
        ("Sprint (2019 film)", "", False),
        ("Sprint (running)", "a 2025 film", False),
        ("Sprint", "Sprint is a 2025 Japanese animated film", True),
        ("Sprint", "Sprint is a 2025 album", False),
        ("Sprint", "Sprint is a 1990 film", False),
        ("Sprinter (2025 film)", "", False),
    ],
)
def test_is_the_film(title: str, snippet: str, expected: bool) -> None:
    assert is_the_film(title, snippet, SPRINT) is expected


async def test_429_with_retry_after_is_honoured(
    provider: WikipediaProvider, wiki: FakeWikipedia, waits: list[float]
) -> None:
    wiki.fail(Fault.rate_limited(retry_after="2"), times=1)
    assert_the_film(await provider.fetch(linked(ARTICLE), ()), wiki)
    assert [r.status for r in wiki.log] == [429, 200]
    assert waits and waits[0] >= 2


async def test_maxlag_is_waited_out(
    provider: WikipediaProvider, wiki: FakeWikipedia, waits: list[float]
) -> None:
    wiki.fail(Fault.maxlag(lag=6, retry_after="5"), times=2)
    assert_the_film(await provider.fetch(linked(ARTICLE), ()), wiki)
    assert len(wiki.log) == 3 and all(w >= 5 for w in waits[:2])


async def test_a_503_with_retry_after_is_retried(
    provider: WikipediaProvider, wiki: FakeWikipedia, waits: list[float]
) -> None:
    wiki.fail(Fault.unavailable(retry_after="3"), times=1)
    assert_the_film(await provider.fetch(linked(ARTICLE), ()), wiki)
    assert [r.status for r in wiki.log] == [503, 200]
    assert waits and waits[0] >= 3


async def test_wikipedia_unavailable(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.fail(Fault.unavailable(), times=10)
    result = await provider.fetch(linked(ARTICLE), ())
    assert result.status == "failed" and not result.plot
    assert result.problems == ("Wikipedia was unavailable (503), 4 times.",)


async def test_wikipedia_too_slow(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.fail(Fault.timeout(), times=1)
    result = await provider.fetch(linked(ARTICLE), ())
    assert result.status == "failed"
    assert result.problems == ("Wikipedia did not answer within 1 s.",)


@pytest.mark.parametrize("fault", [Fault.malformed(), Fault.not_json()])
async def test_wikipedia_answering_nonsense(
    provider: WikipediaProvider, wiki: FakeWikipedia, fault: Fault
) -> None:
    wiki.fail(fault, times=1)
    result = await provider.fetch(linked(ARTICLE), ())
    assert result.status == "failed"
    (problem,) = result.problems
    assert problem.startswith("Wikipedia answered")


async def test_a_parse_answer_of_the_wrong_shape(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.answers["Odd"] = {"parse": {"title": ARTICLE, "revid": "x"}}
    result = await provider.fetch(linked("Odd"), ())
    assert result.status == "failed"
    assert result.problems == ("Wikipedia answered in a shape filmbot does not understand.",)


async def test_an_api_error_other_than_missing(provider: WikipediaProvider, wiki: FakeWikipedia) -> None:
    wiki.fail(
        Fault(
            200,
            b'{"error": {"code": "internal_api_error_DBQueryError", "info": "x"}}',
            {"Content-Type": "application/json"},
        ),
        times=1,
    )
    result = await provider.fetch(linked(ARTICLE), ())
    assert result.status == "failed"
    assert result.problems == ("Wikipedia answered with an error (internal_api_error_DBQueryError).",)


def test_the_permalink_of_a_title_with_odd_characters(provider: WikipediaProvider) -> None:
    link = provider.permalink("Léon: The Professional & Co? #1", 42)
    assert link.endswith("/w/index.php?title=L%C3%A9on%3A_The_Professional_%26_Co%3F_%231&oldid=42")


def test_registered_when_online_only() -> None:
    online = Settings.from_env(
        {"FILMBOT_WIKIPEDIA_API": "http://127.0.0.1:9/w/api.php"}, env_file=None
    ).online
    (wikipedia,) = [p for p in build_providers(online, ManualClock(NOW)) if p.name == "Wikipedia"]
    assert isinstance(wikipedia, WikipediaProvider)
    assert wikipedia.permalink("Sprint", 1) == "http://127.0.0.1:9/w/index.php?title=Sprint&oldid=1"
    offline = Settings.from_env({"FILMBOT_ONLINE": "off"}, env_file=None).online
    assert build_providers(offline, ManualClock(NOW)) == ()
