"""The Wikipedia provider: a film's plot, from the plot section of its English Wikipedia article.

The article is the one the film's Wikidata item links (its ``enwiki`` sitelink, in ``FilmRef.ids`` or what
Wikidata found before), else one found by title (``list=search``) and checked to be the film (its title is
the film's, or "Title (YEAR film)"/"Title (film)", and its summary names the year or says "film"). It is
read with ``action=parse&prop=wikitext|revid&redirects=1&formatversion=2`` at ``FILMBOT_WIKIPEDIA_API``,
with ``maxlag`` in bulk runs (a member waiting goes without, as Wikimedia allows). A redirect the parse API
leaves (a double redirect) is followed a few hops, a loop is a problem; a disambiguation page is tried once
as "Title (YEAR film)" and "Title (film)". The plot section becomes spoiler phases
(``bot.enrich._plot_text``), cited to the exact revision read, CC BY-SA 4.0.

Failures never raise: a missing article, a disambiguation page, an article without a plot, a Wikipedia
that is down, slow or answers nonsense each come back as a result with a plain sentence in ``problems``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.clock import Clock
from bot.enrich._plot_phases import plot_phases
from bot.enrich._plot_text import is_disambiguation, plot_paragraphs
from bot.enrich.http import ProviderError, ProviderHttp, mediawiki_error
from bot.enrich.models import ExternalIds, FilmRef, ProviderResult
from bot.films.models import PlotSection, Source

log = logging.getLogger(__name__)

NAME = "Wikipedia"
SOURCE_KEY = "wikipedia"
SOURCE_KIND = "wikipedia"
LICENCE = "CC BY-SA 4.0"
# Redirects followed by hand after the parse API's own (it resolves one): enough for any double redirect.
REDIRECT_HOPS = 3
SEARCH_LIMIT = 5
_REDIRECT = re.compile(r"\s*#redirect\s*:?\s*\[\[([^\]|#]+)", re.IGNORECASE)
_FILM_TITLE = re.compile(r"^(?P<base>.+?)\s*\((?:(?P<year>\d{4})\s+)?(?:[\w\s-]*\s)?film\)$", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Article:
    """One page as the parse API gave it."""

    title: str
    revision: int
    wikitext: str


class _Problem(Exception):
    """The film has no usable article: ``sentence`` says why (a result with status ``missing``)."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def _key(title: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


def _refused(data: Any) -> None:
    """Raise for a MediaWiki error answer (``ProviderError``, its code named)."""
    error = mediawiki_error(data)
    if error is not None:
        raise ProviderError(NAME, f"answered with an error ({error[0] or 'no code'})", kind="error")


def _parsed(data: Any) -> Article | None:
    """A parse answer as an ``Article``; ``None`` for a missing page; ``KeyError``/``TypeError`` on nonsense."""
    error = mediawiki_error(data)
    if error is not None and error[0] in ("missingtitle", "invalidtitle", "nosuchpageid"):
        return None
    _refused(data)
    parse = data["parse"]
    wikitext = parse["wikitext"]
    if isinstance(wikitext, dict):  # formatversion=1 shape, from a server that ignored formatversion=2
        wikitext = wikitext["*"]
    title, revision = parse["title"], parse["revid"]
    if not isinstance(title, str) or not isinstance(wikitext, str) or not isinstance(revision, int):
        raise TypeError("parse answer without a title, a revision or wikitext")
    return Article(title, revision, wikitext)


def _search_hits(data: Any) -> list[tuple[str, str]]:
    """``list=search`` hits as ``(title, snippet without its highlighting)``."""
    _refused(data)
    hits = data["query"]["search"]
    return [(str(hit["title"]), _TAGS.sub("", str(hit.get("snippet", "")))) for hit in hits]


def _phases(wikitext: str) -> tuple[PlotSection, ...] | None:
    """The article's plot as spoiler phases (``None``: it has no plot section)."""
    paragraphs = plot_paragraphs(wikitext)
    return None if paragraphs is None else plot_phases(paragraphs)


def _label(ref: FilmRef) -> str:
    return f"{ref.title} ({ref.year})" if ref.year else ref.title


def is_the_film(title: str, snippet: str, ref: FilmRef) -> bool:
    """Whether a search hit is the film's article: "Title (YEAR film)", "Title (film)", or "Title" whose
    summary says it is a film of that year."""
    wanted = _key(ref.title)
    match = _FILM_TITLE.match(title)
    if match is not None:
        year = match.group("year")
        return _key(match.group("base")) == wanted and (
            year is None or ref.year is None or int(year) == ref.year
        )
    if _key(title) != wanted:
        return False
    text = snippet.casefold()
    return "film" in text and (ref.year is None or str(ref.year) in text)


class WikipediaProvider:
    """Reads films' plots from Wikipedia (see the module's docstring)."""

    def __init__(self, http: ProviderHttp, api: str, clock: Clock, *, maxlag: int | None) -> None:
        self._http = http
        self._api = api
        self._clock = clock
        self._maxlag = maxlag

    @property
    def name(self) -> str:
        return NAME

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self, ref: FilmRef, so_far: tuple[ProviderResult, ...]) -> ProviderResult:
        ids = ref.ids
        for result in so_far:
            ids = ids.merged(result.ids)
        try:
            article = await self._article(ref, ids.enwiki)
            return await self._result(article)
        except _Problem as problem:
            log.debug("Wikipedia: nothing for film %s: %s", ref.film_id, problem.sentence)
            return ProviderResult.missing(NAME, problem.sentence)
        except ProviderError as error:
            log.info("Wikipedia could not be read for film %s: %s", ref.film_id, error)
            return ProviderResult.failed(NAME, f"Wikipedia {error.reason}.")

    async def _result(self, article: Article) -> ProviderResult:
        # Off the event loop: a typical article takes a few milliseconds, an absurdly long plot a second.
        phases = await asyncio.to_thread(_phases, article.wikitext)
        if phases is None:
            raise _Problem(f"Wikipedia's article “{article.title}” has no plot section.")
        if not phases:
            raise _Problem(f"The plot section of Wikipedia's article “{article.title}” is empty.")
        source = Source(
            key=SOURCE_KEY,
            title=article.title,
            kind=SOURCE_KIND,
            as_of=self._clock.now().date(),
            publisher=NAME,
            url=self.permalink(article.title, article.revision),
            dated=False,  # a revision has a date, but the parse API does not give it: the retrieval date
            licence=LICENCE,
            revision=article.revision,
        )
        return ProviderResult(
            provider=NAME,
            sources=(source,),
            plot=phases,
            plot_source=SOURCE_KEY,
            ids=ExternalIds(enwiki=article.title),
        )

    def permalink(self, title: str, revision: int) -> str:
        """The article's link to exactly this revision (``index.php`` beside the API's ``api.php``)."""
        base = self._api.rsplit("/", 1)[0] if self._api.endswith(".php") else self._api.rstrip("/")
        return f"{base}/index.php?title={quote(title.replace(' ', '_'), safe='')}&oldid={revision}"

    async def _article(self, ref: FilmRef, sitelink: str | None) -> Article:
        """The film's article, followed through redirects, never a disambiguation page."""
        if sitelink:
            article = await self._follow(sitelink)
            if article is None:
                raise _Problem(f"Wikipedia has no article “{sitelink}” (the one Wikidata links).")
        else:
            title = await self._search(ref)
            if title is None:
                raise _Problem(f"Wikipedia has no article for “{_label(ref)}” that filmbot could find.")
            article = await self._follow(title)
            if article is None:
                raise _Problem(f"Wikipedia has no article for “{_label(ref)}”.")
        if is_disambiguation(article.wikitext, article.title):
            return await self._instead_of_disambiguation(ref, article.title)
        return article

    async def _instead_of_disambiguation(self, ref: FilmRef, page: str) -> Article:
        base = ref.title
        tried = [f"{base} ({ref.year} film)"] if ref.year else []
        tried.append(f"{base} (film)")
        for title in tried:
            if _key(title) == _key(page):
                continue
            article = await self._follow(title)
            if article is not None and not is_disambiguation(article.wikitext, article.title):
                return article
        raise _Problem(
            f"Wikipedia's “{page}” is a disambiguation page, and neither "
            + " nor ".join(f"“{t}”" for t in tried)
            + " is an article."
        )

    async def _follow(self, title: str) -> Article | None:
        """The page ``title`` leads to (``None``: missing), following redirects the API left; a loop is a
        problem."""
        seen = [title]
        for _ in range(REDIRECT_HOPS + 1):
            article = await self._parse(seen[-1])
            if article is None:
                return None
            target = _REDIRECT.match(article.wikitext)
            if target is None:
                return article
            following = target.group(1).strip()
            if any(_key(following) == _key(s) for s in (*seen, article.title)):
                raise _Problem(f"Wikipedia's article “{title}” redirects in a loop.")
            seen.append(following)
        raise _Problem(f"Wikipedia's article “{title}” redirects more than {REDIRECT_HOPS} times.")

    async def _parse(self, title: str) -> Article | None:
        params: dict[str, str | int] = {
            "action": "parse",
            "page": title,
            "prop": "wikitext|revid",
            "redirects": 1,
            "format": "json",
            "formatversion": 2,
        }
        return await self._http.get_json(self._api, params, parse=_parsed, maxlag=self._maxlag)

    async def _search(self, ref: FilmRef) -> str | None:
        words = f"{ref.title} {ref.year} film" if ref.year else f"{ref.title} film"
        params: dict[str, str | int] = {
            "action": "query",
            "list": "search",
            "srsearch": words,
            "srnamespace": 0,
            "srlimit": SEARCH_LIMIT,
            "srprop": "snippet",
            "format": "json",
            "formatversion": 2,
        }
        hits = await self._http.get_json(self._api, params, parse=_search_hits, maxlag=self._maxlag)
        for title, snippet in hits:
            if is_the_film(title, snippet, ref):
                return title
        return None
