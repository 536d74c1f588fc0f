"""Reading Letterboxd's RSS with feedparser, and fetching it from a local Letterboxd with every fault."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.letterboxd.feed import FeedUnreadable, parse_feed, review_of
from bot.letterboxd.http import LetterboxdHttp, retry_after_seconds
from bot.letterboxd.models import FeedFailure, FeedPage, NotModified
from tests.conftest import NOW
from tests.letterboxd.feeds import Fault, FeedServer, Item, rss

# A real item's shape (one line, +1300 pubDate, a review marked as containing spoilers).
REAL_ITEM = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:letterboxd="https://letterboxd.com" xmlns:tmdb="https://themoviedb.org"><channel>'
    "<title>Letterboxd - Max</title><link>https://letterboxd.com/max/</link><description>x</description>"
    "<item><title>Flow, 2024 - ★★★★½ (contains spoilers)</title>"
    "<link>https://letterboxd.com/max/film/flow-2024/1/</link>"
    '<guid isPermaLink="false">letterboxd-review-1153149850</guid>'
    "<pubDate>Mon, 12 Jan 2026 09:03:05 +1300</pubDate>"
    "<letterboxd:watchedDate>2026-01-11</letterboxd:watchedDate><letterboxd:rewatch>Yes</letterboxd:rewatch>"
    "<letterboxd:filmTitle>Flow</letterboxd:filmTitle><letterboxd:filmYear>2024</letterboxd:filmYear>"
    "<letterboxd:memberRating>4.5</letterboxd:memberRating><letterboxd:memberLike>Yes</letterboxd:memberLike>"
    "<tmdb:movieId>823219</tmdb:movieId>"
    '<description><![CDATA[ <p><img src="https://a.ltrbxd.com/resized/film-poster/flow.jpg?v=d6"/></p> '
    "<p><em>This review may contain spoilers.</em></p> <p>The cat &amp; the <b>boat</b>.<br/>Then the flood."
    "</p><p>@everyone ||see it||</p> ]]></description><dc:creator>Max</dc:creator></item>"
    "<item><title>Favs</title><link>https://letterboxd.com/max/list/favs/</link>"
    '<guid isPermaLink="false">letterboxd-list-73057123</guid><pubDate>Thu, 14 Aug 2025 20:06:06 +1200</pubDate>'
    "<description><![CDATA[ <ul> <li>Youth</li> </ul> ]]></description></item>"
    "</channel></rss>"
).encode()


def test_a_diary_item_becomes_an_entry_and_a_list_is_skipped() -> None:
    (entry,) = parse_feed(REAL_ITEM, NOW)
    assert entry.guid == "letterboxd-review-1153149850"
    assert (entry.film_title, entry.film_year, entry.rating) == ("Flow", 2024, 4.5)
    assert entry.rewatch and entry.liked and entry.spoiler
    assert entry.watched_on == date(2026, 1, 11)
    assert entry.published_at == datetime(2026, 1, 11, 20, 3, 5, tzinfo=UTC)  # +1300 read as UTC
    assert entry.tmdb_id == 823219
    assert entry.link == "https://letterboxd.com/max/film/flow-2024/1/"
    assert entry.poster == "https://a.ltrbxd.com/resized/film-poster/flow.jpg?v=d6"
    # The warning paragraph is not part of the review; paragraphs and line breaks are kept.
    assert entry.review == "The cat & the boat.\nThen the flood.\n\n@everyone ||see it||"


def test_items_built_like_letterboxds() -> None:
    items = [
        Item("letterboxd-watch-2", "Perfect Days", 2023, date(2026, 3, 20), NOW - timedelta(days=6)),
        Item("letterboxd-review-1", "Paris, Texas", 1984, date(2026, 3, 25), NOW - timedelta(days=1), rating=3.5,
             review="Long.\n\nAnd <sad>."),
    ]  # fmt: skip
    second, first = parse_feed(rss("max", items), NOW)
    assert (second.film_title, second.rating, second.review, second.spoiler) == (
        "Paris, Texas",
        3.5,
        "Long.\n\nAnd <sad>.",
        False,
    )
    # "Watched on …" stands in for a missing review: it is not one.
    assert (first.film_title, first.rating, first.review, first.rewatch) == (
        "Perfect Days",
        None,
        None,
        False,
    )


def test_review_html_is_text_without_scripts() -> None:
    text, poster, warned = review_of('<p><img src="javascript:x"/></p><p>a<script>b</script> &lt;c&gt;</p>')
    assert poster is None and not warned
    assert text == "a <c>"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (REAL_ITEM[:600], "not well-formed XML"),
        (b"<html><body>Sorry, we can't find the page</body></html>", "not an RSS feed"),
        (b"", "not an RSS feed"),
    ],
)
def test_a_body_that_is_not_a_whole_feed_is_unreadable(body: bytes, says: str) -> None:
    with pytest.raises(FeedUnreadable, match=says):
        parse_feed(body, NOW)


# -- over HTTP ----------------------------------------------------------------------------------------


async def test_conditional_requests_get_304(feeds: FeedServer, web: LetterboxdHttp) -> None:
    feeds.add("max", Item("letterboxd-watch-1", "Flow", 2024, date(2026, 3, 26), NOW))
    page = await web.fetch("max", None, None)
    assert isinstance(page, FeedPage) and [e.film_title for e in page.entries] == ["Flow"]
    assert page.etag and page.last_modified
    again = await web.fetch("max", page.etag, page.last_modified)
    assert isinstance(again, NotModified)
    first, second = feeds.requests_for("max")
    assert first.if_none_match is None and second.if_none_match == page.etag
    assert second.if_modified_since == page.last_modified and second.status == 304


@pytest.mark.parametrize(
    ("fault", "kind", "says"),
    [
        (Fault(404), "not_found", "no member by that name"),
        (Fault(500), "unavailable", "error (500)"),
        (Fault(503), "unavailable", "error (503)"),
        (Fault(403), "refused", "refused"),
        (Fault(200, b"<rss><channel><item><title>cut"), "malformed", "not well-formed XML"),
        (Fault(200, b"<html>maintenance</html>"), "malformed", "not an RSS feed"),
    ],
)
async def test_every_fault_is_a_value(
    feeds: FeedServer, web: LetterboxdHttp, fault: Fault, kind: str, says: str
) -> None:
    feeds.fail("max", fault)
    result = await web.fetch("max", None, None)
    assert isinstance(result, FeedFailure) and result.kind == kind and says in result.detail


async def test_429_holds_every_request_until_retry_after(
    feeds: FeedServer, web: LetterboxdHttp, clock: ManualClock
) -> None:
    feeds.add("max", Item("letterboxd-watch-1", "Flow", 2024, date(2026, 3, 26), NOW))
    feeds.fail("max", Fault(429, b"slow down", {"Retry-After": "120"}))
    limited = await web.fetch("max", None, None)
    assert isinstance(limited, FeedFailure) and limited.kind == "rate_limited" and limited.retry_after == 120
    held = await web.fetch("someone_else", None, None)  # Letterboxd asked: no request at all meanwhile
    assert isinstance(held, FeedFailure) and held.kind == "rate_limited" and held.retry_after == 120
    assert len(feeds.requests) == 1
    await clock.advance(121)
    assert isinstance(await web.fetch("max", None, None), FeedPage)


def test_retry_after_as_an_http_date() -> None:
    assert retry_after_seconds("Fri, 27 Mar 2026 12:10:00 GMT", NOW) == 600
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds("999999999", NOW) == 24 * 3600


async def test_a_slow_or_absent_letterboxd_is_unreachable(feeds: FeedServer, clock: ManualClock) -> None:
    feeds.fail("max", Fault(200, delay=3.0))
    slow = LetterboxdHttp(feeds.url, clock, timeout=0.3)
    gone = LetterboxdHttp("http://127.0.0.1:9", clock, timeout=2.0)
    try:
        timed_out = await slow.fetch("max", None, None)
        refused = await gone.fetch("max", None, None)
    finally:
        await slow.close()
        await gone.close()
    assert isinstance(timed_out, FeedFailure) and timed_out.kind == "unreachable"
    assert "did not answer within 0.3 s" in timed_out.detail
    assert isinstance(refused, FeedFailure) and refused.kind == "unreachable"


async def test_a_feed_past_the_size_cap_is_not_read(feeds: FeedServer, web: LetterboxdHttp) -> None:
    feeds.fail("max", Fault(200, b"<rss>" + b" " * (3 * 1024 * 1024)))
    result = await web.fetch("max", None, None)
    assert isinstance(result, FeedFailure) and "larger than 2 MB" in result.detail
