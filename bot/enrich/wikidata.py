"""The Wikidata provider (no key): a film's item found by IMDb id or by title and year, read whole.

All on the MediaWiki Action API at ``FILMBOT_WIKIDATA_API``:
- by IMDb id: ``action=query&list=search&srsearch=haswbstatement:P345=tt…`` (the search index of
  statements);
- by title: ``action=wbsearchentities&type=item`` for candidates, then ``wbgetentities`` of the candidates,
  keeping the first that is a film (``P31``) released in the year asked (``P577``, a year either side for
  releases in other countries);
- ``action=wbgetentities&props=claims|labels|sitelinks`` reads the item, and the labels of the people,
  companies, places and sites its statements refer to come in batches of at most 50 ids.

Every value cites one ``Source``: the item (CC0, dated by the day it was read); ``_wikidata_map`` says how
each statement becomes a fact, credit or score.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.enrich import _wikidata_values as wd
from bot.enrich._wikidata_map import CREDIT_PROPERTIES, ITEM_FACTS, MONEY_FACTS, ItemMapper
from bot.enrich.http import ProviderError, ProviderHttp, mediawiki_error, reading
from bot.enrich.models import FilmRef, ProviderResult
from bot.films.matching import normalize
from bot.films.models import Source

NAME = "Wikidata"
SOURCE_KEY = "wikidata"
ITEM_URL = "https://www.wikidata.org/wiki/{qid}"
LICENCE = "CC0 1.0"
LABEL_BATCH = 50  # wbgetentities takes at most 50 ids per request
CANDIDATES = 10
# Items that are films: film, feature film, animated film, animated feature film, documentary film, short
# film, television film, anime film, silent film. An item with a director (P57) counts too.
FILM_CLASSES = frozenset(
    {"Q11424", "Q24869", "Q202866", "Q29168811", "Q93204", "Q24862", "Q506240", "Q20650540", "Q226730"}
)
_TRAILING_YEAR = re.compile(r"(.+?)\s*\(?((?:18|19|20)[0-9]{2})\)?")
# The properties whose item values (and qualifiers) need labels on the card.
LABELLED = (*CREDIT_PROPERTIES, *ITEM_FACTS, *MONEY_FACTS, "P577", "P2047", "P444")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A film item an online search found."""

    qid: str
    title: str
    year: int | None
    description: str | None = None


def _entities(data: Any) -> dict[str, Any]:
    error = mediawiki_error(data)
    if error is not None:
        raise ValueError(f"{error[0]}: {error[1]}")
    entities: dict[str, Any] = data["entities"]
    return entities


def _search_titles(data: Any) -> list[str]:
    return [str(hit["title"]) for hit in data["query"]["search"]]


def _search_ids(data: Any) -> list[str]:
    return [str(hit["id"]) for hit in data["search"]]


def _is_film(entity: dict[str, Any]) -> bool:
    claims = entity.get("claims", {})
    kinds = {wd.item_id(s["mainsnak"]) for s in wd.best_statements(claims, "P31")}
    return bool(kinds & FILM_CLASSES) or bool(wd.best_statements(claims, "P57"))


def _years(entity: dict[str, Any]) -> list[int]:
    times = (wd.time_of(s["mainsnak"]) for s in wd.best_statements(entity.get("claims", {}), "P577"))
    return sorted(t.year for t in times if t is not None)


class WikidataProvider:
    """Facts, credits, review scores and other sites' ids from a film's Wikidata item."""

    name = NAME

    def __init__(self, api: str, http: ProviderHttp, clock: Clock, *, maxlag: int | None = None) -> None:
        """``maxlag``: sent on every request (Wikimedia asks it of non-interactive tools: the bulk
        ``films enrich``); a member waiting on a card is interactive and goes without."""
        self.api = api
        self.http = http
        self._clock = clock
        self._maxlag = maxlag

    async def close(self) -> None:
        await self.http.close()

    async def _get(self, params: dict[str, str | int], parse: Any) -> Any:
        query: dict[str, str | int] = {"format": "json", **params}
        return await self.http.get_json(self.api, query, parse=parse, maxlag=self._maxlag)

    async def fetch(self, ref: FilmRef, so_far: tuple[ProviderResult, ...]) -> ProviderResult:
        try:
            with reading(NAME):
                entity = await self._find(ref, so_far)
                if entity is None:
                    what = f"{ref.title} ({ref.year})" if ref.year else ref.title
                    return ProviderResult.missing(NAME, f"Wikidata has no film item for {what}")
                return await self._read(entity)
        except ProviderError as error:
            return ProviderResult.failed(NAME, str(error))

    async def _find(self, ref: FilmRef, so_far: tuple[ProviderResult, ...]) -> dict[str, Any] | None:
        known = ref.ids.wikidata or next((r.ids.wikidata for r in so_far if r.ids.wikidata), None)
        if known is None and ref.ids.imdb:
            titles = await self._get(
                {"action": "query", "list": "search", "srsearch": f"haswbstatement:P345={ref.ids.imdb}",
                 "srnamespace": 0, "srlimit": 5},
                _search_titles,
            )  # fmt: skip
            known = next((t for t in titles if wd.is_qid(t)), None)
        if known is not None:
            entities = await self._entities([known])
            entity = entities.get(known)
            return None if entity is None or "missing" in entity else entity
        if ref.ids.imdb:
            return None  # the IMDb id is the film's identity: a title match could be another film
        return await self.by_title(ref.title, ref.year)

    async def by_title(self, title: str, year: int | None) -> dict[str, Any] | None:
        """The first film item among the title's search hits released in ``year`` (±1), or None."""
        films = await self._candidates(title)
        if year is None:
            return films[0] if films else None
        return next((e for e in films if any(abs(y - year) <= 1 for y in _years(e))), None)

    async def search(self, text: str) -> list[Candidate]:
        """Film items whose label or alias matches ``text``, best first (the online search of ``/film``)."""
        with reading(NAME):
            return [
                Candidate(
                    str(e["id"]), wd.label(e) or str(e["id"]), next(iter(_years(e)), None), _description(e)
                )
                for e in await self._candidates(text)
            ]

    async def find_film(self, text: str) -> ProviderResult:
        """The film item best matching ``text`` ("Title" or "Title 1961"), read whole: one whose label is
        the text first, else the search's first film; ``missing`` when no film matches."""
        title, year = _title_and_year(text)
        # "Blade Runner 2049" is a title, not "Blade Runner" of 2049: the whole text is tried next.
        tries = [(title, year), (text.strip(), None)] if year is not None else [(title, None)]
        try:
            with reading(NAME):
                for wanted, in_year in tries:
                    films = await self._candidates(wanted)
                    if in_year is not None:
                        films = [e for e in films if any(abs(y - in_year) <= 1 for y in _years(e))]
                    name = normalize(wanted)
                    best = next((e for e in films if normalize(wd.label(e) or "") == name), None)
                    best = best or next(iter(films), None)
                    if best is not None:
                        return await self._read(best)
                return ProviderResult.missing(NAME, f"Wikidata has no film called “{text.strip()}”")
        except ProviderError as error:
            return ProviderResult.failed(NAME, str(error))

    async def _candidates(self, text: str) -> list[dict[str, Any]]:
        ids = await self._get(
            {"action": "wbsearchentities", "search": text[:250], "language": "en", "uselang": "en",
             "type": "item", "limit": CANDIDATES},
            _search_ids,
        )  # fmt: skip
        if not ids:
            return []
        entities = await self._entities(ids, props="claims|labels|sitelinks|descriptions")
        return [e for qid in ids if (e := entities.get(qid)) and "missing" not in e and _is_film(e)]

    async def _entities(self, ids: list[str], props: str = "claims|labels|sitelinks") -> dict[str, Any]:
        found: dict[str, Any] = await self._get(
            {"action": "wbgetentities", "ids": "|".join(ids), "props": props, "languages": "en",
             "languagefallback": 1},
            _entities,
        )  # fmt: skip
        return found

    async def read(self, entity: dict[str, Any]) -> ProviderResult:
        """The result for an item already fetched (the online search's pick)."""
        try:
            with reading(NAME):
                return await self._read(entity)
        except ProviderError as error:
            return ProviderResult.failed(NAME, str(error))

    async def _read(self, entity: dict[str, Any]) -> ProviderResult:
        qid = str(entity["id"])
        labels, problems = await self._labels(_referenced(entity))
        today = self._clock.now().date()
        mapped = ItemMapper(entity, labels, SOURCE_KEY, today).map()
        title = mapped.title or qid
        source = Source(
            key=SOURCE_KEY,
            title=f"item {qid} ({title})",
            kind="wikidata",
            as_of=today,
            publisher="Wikidata",
            url=ITEM_URL.format(qid=qid),
            dated=False,
            licence=LICENCE,
        )
        return ProviderResult(
            provider=NAME,
            sources=(source,),
            facts=mapped.facts,
            credits=mapped.credits,
            scores=mapped.scores,
            ids=mapped.ids,
            title=mapped.title,
            year=mapped.year,
            problems=problems,
        )

    async def _labels(self, ids: Iterable[str]) -> tuple[dict[str, str], tuple[str, ...]]:
        """English labels (with fallback) of ``ids``, in batches of 50 fetched side by side; a batch that
        fails leaves its values out and says so."""
        wanted = sorted(set(ids), key=lambda q: int(q[1:]))
        batches = [wanted[i : i + LABEL_BATCH] for i in range(0, len(wanted), LABEL_BATCH)]
        results = await asyncio.gather(
            *(self._entities(batch, props="labels") for batch in batches), return_exceptions=True
        )
        labels: dict[str, str] = {}
        problems: list[str] = []
        for result in results:
            if isinstance(result, ProviderError):
                problems.append(f"{result}; some names of people and companies are missing")
            elif isinstance(result, BaseException):
                raise result
            else:
                labels.update({qid: name for qid, e in result.items() if (name := wd.label(e))})
        return labels, tuple(dict.fromkeys(problems))


def _referenced(entity: dict[str, Any]) -> list[str]:
    claims = entity.get("claims", {})
    return [q for prop in LABELLED for s in wd.best_statements(claims, prop) for q in wd.snak_items(s)]


def _title_and_year(text: str) -> tuple[str, int | None]:
    """ "Solaris 1972" or "Solaris (1972)" -> ("Solaris", 1972); a title alone keeps no year."""
    match = _TRAILING_YEAR.fullmatch(text.strip())
    if match is None:
        return text.strip(), None
    return match[1].strip(), int(match[2])


def _description(entity: dict[str, Any]) -> str | None:
    descriptions = entity.get("descriptions", {})
    chosen = descriptions.get("en") or next(iter(descriptions.values()), None)
    return None if chosen is None else str(chosen["value"])
