"""A Wikidata film item as the catalog's records: each best-rank statement one fact, credit or score,
citing the item's source; qualifiers become the value's detail (a country, a character, a date) and a
statement's reference (stated in, URL, retrieved) is kept in the detail (or a score's note) as cited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.enrich import _wikidata_values as wd
from bot.enrich.models import ExternalIds
from bot.films.models import Credit, Fact, Score

CREDIT_PROPERTIES = {
    "P57": "director",
    "P58": "screenplay",
    "P725": "voice",
    "P161": "cast",
    "P86": "composer",
    "P344": "cinematographer",
    "P1040": "editor",
}
ITEM_FACTS = {
    "P144": "source_work",
    "P272": "production_company",
    "P750": "distributor",
    "P495": "country",
    "P364": "language",
    "P136": "genre",
}
MONEY_FACTS = {"P2142": "box_office", "P2130": "budget"}
ID_PROPERTIES = {
    "P345": "imdb",
    "P4947": "tmdb",
    "P6127": "letterboxd",
    "P1258": "rotten_tomatoes",
    "P1712": "metacritic",
}
# Qualifiers that say where a value holds: place of publication, valid in place, jurisdiction, country.
PLACE_QUALIFIERS = ("P291", "P3005", "P1001", "P17")
CHARACTER = ("P453", "P4633")  # character role (an item), name of the character role (a string)
MINUTES = {"Q7727": 1.0, "Q11574": 1 / 60, "Q25235": 60.0}  # minute, second, hour
CURRENCY_SIGNS = {"Q4917": "$", "Q8146": "¥", "Q4916": "€", "Q25224": "£"}
_PERCENT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*")
_OUT_OF = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*/\s*([0-9]+(?:\.[0-9]+)?)\s*")


@dataclass(frozen=True, slots=True)
class Mapped:
    facts: tuple[Fact, ...]
    credits: tuple[Credit, ...]
    scores: tuple[Score, ...]
    ids: ExternalIds
    title: str | None
    year: int | None


class ItemMapper:
    """Maps one item's claims; ``labels`` names the items it refers to (a missing label drops the value:
    an item id is no name to show)."""

    def __init__(
        self, entity: dict[str, Any], labels: Mapping[str, str], source: str, retrieved: date
    ) -> None:
        self.entity = entity
        self.claims: dict[str, Any] = entity.get("claims", {})
        self.labels = labels
        self.source = source
        self.retrieved = retrieved

    def map(self) -> Mapped:
        releases = [
            (t, s) for s in wd.best_statements(self.claims, "P577") if (t := wd.time_of(s["mainsnak"]))
        ]
        years = [t.year for t, _ in releases]
        return Mapped(
            facts=(*self._item_facts(), *self._releases(releases), *self._runtime(), *self._money()),
            credits=self._credits(),
            scores=ReviewScores(self).scores(),
            ids=self.ids(),
            title=wd.label(self.entity),
            year=min(years) if years else None,
        )

    def ids(self) -> ExternalIds:
        found: dict[str, str] = {"wikidata": str(self.entity["id"])}
        for prop, name in ID_PROPERTIES.items():
            texts = [t for s in wd.best_statements(self.claims, prop) if (t := wd.text_of(s["mainsnak"]))]
            if texts:
                found[name] = texts[0]
        enwiki = self.entity.get("sitelinks", {}).get("enwiki")
        if enwiki is not None:
            found["enwiki"] = str(enwiki["title"])
        return ExternalIds(**found)

    def name(self, qid: str | None) -> str | None:
        return None if qid is None else self.labels.get(qid)

    def _places(self, statement: dict[str, Any]) -> list[str]:
        names = [self.name(q) for prop in PLACE_QUALIFIERS for q in wd.qualifier_items(statement, prop)]
        return list(dict.fromkeys(n for n in names if n))

    def cited(self, statement: dict[str, Any]) -> str | None:
        """Where the statement's reference says it comes from: "per Box Office Mojo, retrieved 2024-03-01"."""
        reference = wd.first_reference(statement)
        if reference is None:
            return None
        where = self.name(reference.stated_in) or (urlsplit(reference.url).netloc if reference.url else None)
        if not where:
            return None
        text = f"per {where}"
        return f"{text}, retrieved {reference.retrieved.text}" if reference.retrieved else text

    def _detail(self, *parts: str | None) -> str | None:
        text = "; ".join(p for p in parts if p)
        return text or None

    def _item_facts(self) -> list[Fact]:
        facts = []
        for prop, key in ITEM_FACTS.items():
            for statement in wd.best_statements(self.claims, prop):
                value = self.name(wd.item_id(statement["mainsnak"]))
                if value:
                    detail = self._detail(", ".join(self._places(statement)), self.cited(statement))
                    facts.append(Fact(key, value, self.source, detail))
        return facts

    def _releases(self, releases: list[tuple[wd.WikiTime, dict[str, Any]]]) -> list[Fact]:
        return [
            Fact("release", when.text, self.source, self._detail(", ".join(self._places(s)), self.cited(s)))
            for when, s in sorted(releases, key=lambda pair: pair[0].as_date())
        ]

    def _runtime(self) -> list[Fact]:
        facts = []
        for statement in wd.best_statements(self.claims, "P2047"):
            quantity = wd.quantity_of(statement["mainsnak"])
            if quantity is None or quantity.unit not in MINUTES:
                continue
            minutes = round(quantity.amount * MINUTES[quantity.unit])
            if minutes > 0:
                detail = self._detail(", ".join(self._places(statement)), self.cited(statement))
                facts.append(Fact("runtime_minutes", str(minutes), self.source, detail))
        return facts

    def _money(self) -> list[Fact]:
        facts = []
        for prop, key in MONEY_FACTS.items():
            for statement in wd.best_statements(self.claims, prop):
                quantity = wd.quantity_of(statement["mainsnak"])
                if quantity is None or quantity.amount < 0:
                    continue
                value = self._amount(quantity)
                if value is None:
                    continue
                when = wd.qualifier_time(statement, "P585")
                detail = self._detail(
                    ", ".join(self._places(statement)),
                    f"as of {when.text}" if when else None,
                    self.cited(statement),
                )
                facts.append(Fact(key, value, self.source, detail))
        return facts

    def _amount(self, quantity: wd.Quantity) -> str | None:
        if quantity.unit is None:
            return None  # an amount of no currency says nothing
        sign = CURRENCY_SIGNS.get(quantity.unit)
        if sign is not None:
            return f"{sign}{quantity.amount:,.0f}"
        currency = self.name(quantity.unit)
        return f"{quantity.amount:,.0f} {currency}" if currency else None

    def _credits(self) -> tuple[Credit, ...]:
        credits = []
        for prop, role in CREDIT_PROPERTIES.items():
            for statement in wd.best_statements(self.claims, prop):
                person = self.name(wd.item_id(statement["mainsnak"]))
                if not person:
                    continue
                names = [self.name(q) for q in wd.qualifier_items(statement, "P453")]
                names.append(wd.qualifier_text(statement, "P4633"))
                characters: list[str | None] = list(dict.fromkeys(n for n in names if n)) or [None]
                credits += [Credit(person, role, self.source, character) for character in characters]
        return tuple(credits)


class ReviewScores:
    """Review scores (P444) on their own scales: "93%" an approval, "81/100" an average out of 100; the
    site (P447) names it, the method (P459) tells two of one site apart, P585 dates it and P7887 counts
    its reviews. Of one site's scores by one method only the latest is kept (older ones are history)."""

    def __init__(self, mapper: ItemMapper) -> None:
        self.mapper = mapper

    def scores(self) -> tuple[Score, ...]:
        latest: dict[tuple[str | None, str | None], tuple[date, Score]] = {}
        for statement in wd.best_statements(self.mapper.claims, "P444"):
            score = self._score(statement)
            if score is None:
                continue
            sites = wd.qualifier_items(statement, "P447")
            methods = wd.qualifier_items(statement, "P459")
            key = (sites[0] if sites else None, methods[0] if methods else None)
            if key not in latest or score.as_of > latest[key][0]:
                latest[key] = (score.as_of, score)
        methods_per_site: dict[str | None, int] = {}
        for site_id, _ in latest:
            methods_per_site[site_id] = methods_per_site.get(site_id, 0) + 1
        return tuple(
            self._named(score, site, method, methods_per_site[site] > 1)
            for (site, method), (_, score) in latest.items()
        )

    def _named(self, score: Score, site: str | None, method: str | None, qualify: bool) -> Score:
        name = self.mapper.name(site)
        if name is None:
            return replace(score, name="Review score (site not named on Wikidata)", site_named=False)
        method_name = self.mapper.name(method)
        if qualify and method_name:
            name = f"{name} ({method_name})"
        return replace(score, name=name)

    def _score(self, statement: dict[str, Any]) -> Score | None:
        text = wd.text_of(statement["mainsnak"])
        if text is None:
            return None
        parsed = parse_score(text)
        if parsed is None:
            return None
        kind, value, scale = parsed
        when = wd.qualifier_time(statement, "P585")
        count = wd.qualifier_quantity(statement, "P7887")
        return Score(
            name="",
            kind=kind,
            value=value,
            scale=scale,
            votes=int(count.amount) if count is not None and count.amount >= 0 else None,
            source=self.mapper.source,
            as_of=when.as_date() if when else self.mapper.retrieved,
            dated=when is not None,
            note=self.mapper.cited(statement),
        )


def parse_score(text: str) -> tuple[str, float, float | None] | None:
    """("approval", 93, None) from "93%", ("average", 81, 100) from "81/100"; None for a grade ("A-")
    or anything out of range."""
    percent = _PERCENT.fullmatch(text)
    if percent is not None:
        value = float(percent[1])
        return ("approval", value, None) if 0 <= value <= 100 else None
    out_of = _OUT_OF.fullmatch(text)
    if out_of is not None:
        value, scale = float(out_of[1]), float(out_of[2])
        return ("average", value, scale) if scale > 0 and 0 <= value <= scale else None
    return None
