"""Reading a member's public Letterboxd diary feed (``letterboxd.com/<username>/rss/``) with feedparser.

Letterboxd's feed is RSS 2.0 with two namespaces of its own. A diary item (guid ``letterboxd-watch-…``
or ``letterboxd-review-…``) carries ``letterboxd:filmTitle``, ``letterboxd:filmYear``,
``letterboxd:watchedDate`` (``YYYY-MM-DD``), ``letterboxd:rewatch`` and ``letterboxd:memberLike``
(``Yes``/``No``), ``letterboxd:memberRating`` (0.5–5.0, absent when unrated) and ``tmdb:movieId``; its
title is ``Film, 2024 - ★★★★½``, with `` (contains spoilers)`` after it when the member marked the
review so, and its description is HTML: the poster (``<p><img src=…/></p>``), then
``<p><em>This review may contain spoilers.</em></p>`` for such reviews, then the review's paragraphs, or
``<p>Watched on Saturday May 9, 2026.</p>`` when there is no review. Lists (``letterboxd-list-…``) have
none of the ``letterboxd:`` elements and are skipped.

feedparser does the XML (encodings, namespaces, dates, entity handling, HTML sanitizing); this module
only maps its entries to ``DiaryEntry`` and turns the review's HTML into plain text.
"""

from __future__ import annotations

import calendar
import re
import xml.sax
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from bot.letterboxd.models import DiaryEntry

REVIEW_MAX = 4000  # kept of a review; a post shows less
_SPOILER_WARNING = re.compile(r"this review may contain spoilers\.?", re.IGNORECASE)
_WATCHED_ON = re.compile(r"watched on \w+ \w+ \d{1,2}, \d{4}\.?", re.IGNORECASE)
_SPOILER_TITLE = "(contains spoilers)"
_BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})
_HIDDEN = frozenset({"script", "style", "template"})


class FeedUnreadable(Exception):
    """The body is not an RSS feed feedparser can read as a whole (malformed XML, an HTML page, …)."""


class _Review(HTMLParser):
    """The description's text, paragraph by paragraph, and the first image (the poster)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.poster: str | None = None
        self._current: list[str] = []
        self._hidden = 0  # inside <script>, <style>: never text (feedparser strips them already)

    def _close_block(self) -> None:
        text = "".join(self._current)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        block = "\n".join(line for line in lines if line).strip()
        if block:
            self.blocks.append(block)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self._close_block()
        elif tag == "br":
            self._current.append("\n")
        elif tag == "img" and self.poster is None:
            src = dict(attrs).get("src") or ""
            self.poster = src if src.startswith(("https://", "http://")) else None

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in _BLOCKS:
            self._close_block()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._close_block()


def review_of(html: str) -> tuple[str | None, str | None, bool]:
    """``(review text, poster URL, marked as spoilers)`` from an item's description HTML."""
    parser = _Review()
    parser.feed(html)
    parser.close()
    warned = any(_SPOILER_WARNING.fullmatch(block) for block in parser.blocks)
    blocks = [block for block in parser.blocks if not _SPOILER_WARNING.fullmatch(block)]
    if len(blocks) == 1 and _WATCHED_ON.fullmatch(blocks[0]):
        blocks = []  # a diary entry without a review: Letterboxd says when it was watched instead
    text = "\n\n".join(blocks).strip()
    return (text[:REVIEW_MAX] or None), parser.poster, warned


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _stars(value: Any) -> float | None:
    try:
        stars = float(str(value).strip())
    except ValueError:
        return None
    return stars if 0.5 <= stars <= 5 and stars * 2 == int(stars * 2) else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _yes(value: Any) -> bool:
    return str(value or "").strip().lower() == "yes"


def _published(item: Any, watched_on: date | None, now: datetime) -> datetime:
    parsed = item.get("published_parsed")
    if parsed:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    if watched_on is not None:
        return datetime(watched_on.year, watched_on.month, watched_on.day, tzinfo=UTC)
    return now


def _entry(item: Any, now: datetime) -> DiaryEntry | None:
    title = " ".join(str(item.get("letterboxd_filmtitle") or "").split())
    guid = str(item.get("id") or "").strip()
    if not title or not guid or len(guid) > 200:
        return None  # a list, or something that is not a diary entry
    watched_on = _date(item.get("letterboxd_watcheddate"))
    review, poster, warned = review_of(str(item.get("summary") or ""))
    link = str(item.get("link") or "")
    return DiaryEntry(
        guid=guid,
        film_title=title[:300],
        film_year=_int(item.get("letterboxd_filmyear")),
        rating=_stars(item.get("letterboxd_memberrating")),
        rewatch=_yes(item.get("letterboxd_rewatch")),
        liked=_yes(item.get("letterboxd_memberlike")),
        watched_on=watched_on,
        published_at=_published(item, watched_on, now),
        link=link if link.startswith(("https://", "http://")) else None,
        poster=poster,
        tmdb_id=_int(item.get("tmdb_movieid")),
        review=review,
        spoiler=warned or str(item.get("title") or "").rstrip().endswith(_SPOILER_TITLE),
    )


def parse_feed(body: bytes, now: datetime) -> tuple[DiaryEntry, ...]:
    """The diary entries of a feed body, newest first; ``FeedUnreadable`` if it is not a whole RSS feed.

    ``now`` stands in for an entry's time when it has neither a pubDate nor a watched date.
    """
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(problem, xml.sax.SAXException):
        raise FeedUnreadable(f"the feed is not well-formed XML ({problem.getMessage()})")
    if not str(parsed.get("version") or "").startswith("rss"):
        raise FeedUnreadable("the answer is not an RSS feed")
    unique = {e.guid: e for e in (_entry(item, now) for item in reversed(parsed.entries)) if e is not None}
    entries = list(unique.values())
    entries.sort(key=lambda e: e.published_at, reverse=True)
    return tuple(entries)
