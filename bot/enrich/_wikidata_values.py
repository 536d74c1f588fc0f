"""Reading Wikidata's JSON: statements by rank, snaks' datavalues (item ids, times with their precision,
quantities with units, strings, monolingual text) and references, as ``wbgetentities`` returns them
(https://www.wikidata.org/wiki/Wikidata:Data_access, https://doc.wikimedia.org/Wikibase/master/php/docs_topics_json.html).

Every function raises ``KeyError``/``TypeError``/``ValueError`` on a shape it does not expect; the HTTP
client turns those into a ``ProviderError`` saying the answer was malformed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

ENTITY_PREFIX = "http://www.wikidata.org/entity/"
_QID = re.compile(r"Q[1-9][0-9]*")
_TIME = re.compile(r"([+-])([0-9]{1,16})-([0-9]{2})-([0-9]{2})T")
# Wikidata's time precisions: 9 year, 10 month, 11 day (lower ones are decades, centuries…).
YEAR, MONTH, DAY = 9, 10, 11


@dataclass(frozen=True, slots=True)
class WikiTime:
    """A point in time as precise as Wikidata states it: ``text`` is "2025", "2025-09" or "2025-09-19"."""

    year: int
    month: int
    day: int
    precision: int

    @property
    def text(self) -> str:
        if self.precision >= DAY and self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision >= MONTH and self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def as_date(self) -> date:
        """The first day the value can mean (a year's 1 January), for sorting and ``as_of``."""
        return date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True, slots=True)
class Quantity:
    amount: float
    unit: str | None  # the unit's item id ("Q7727", minute), None for a plain number ("1")


@dataclass(frozen=True, slots=True)
class Reference:
    """What a statement's reference says: the work it is stated in, a URL, when it was retrieved."""

    stated_in: str | None = None  # an item id (P248)
    url: str | None = None  # P854
    retrieved: WikiTime | None = None  # P813


def is_qid(value: object) -> bool:
    return isinstance(value, str) and _QID.fullmatch(value) is not None


def best_statements(claims: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    """A property's statements that count: deprecated ones never, and the preferred ones alone when any
    is preferred (Wikidata's "best rank" rule)."""
    statements = [s for s in claims.get(prop, []) if s["rank"] != "deprecated"]
    preferred = [s for s in statements if s["rank"] == "preferred"]
    return preferred or statements


def value_of(snak: dict[str, Any]) -> Any | None:
    """A snak's datavalue's value; None for "unknown value" and "no value" snaks."""
    if snak["snaktype"] != "value":
        return None
    return snak["datavalue"]["value"]


def item_id(snak: dict[str, Any]) -> str | None:
    """The item a ``wikibase-entityid`` snak points to."""
    value = value_of(snak)
    if value is None:
        return None
    found = value.get("id") or f"Q{int(value['numeric-id'])}"
    if not is_qid(found):
        raise ValueError(f"not an item id: {found!r}")
    return str(found)


def text_of(snak: dict[str, Any]) -> str | None:
    """A ``string``/``external-id`` snak's text, or a ``monolingualtext`` snak's text."""
    value = value_of(snak)
    if value is None:
        return None
    if isinstance(value, dict):
        return str(value["text"])
    if not isinstance(value, str):
        raise TypeError(f"not a string value: {value!r}")
    return value


def time_of(snak: dict[str, Any]) -> WikiTime | None:
    """A ``time`` snak: ``+2025-09-19T00:00:00Z`` at precision 11 is 19 September 2025; year 0 and BCE
    dates (no film has one) are refused as malformed."""
    value = value_of(snak)
    if value is None:
        return None
    match = _TIME.match(value["time"])
    if match is None or match[1] == "-" or int(match[2]) < 1:
        raise ValueError(f"not a usable time: {value['time']!r}")
    precision = int(value["precision"])
    return WikiTime(int(match[2]), int(match[3]), int(match[4]), precision)


def quantity_of(snak: dict[str, Any]) -> Quantity | None:
    """A ``quantity`` snak: ``{"amount": "+111", "unit": "http://www.wikidata.org/entity/Q7727"}``."""
    value = value_of(snak)
    if value is None:
        return None
    unit = str(value["unit"])
    unit_id = unit.removeprefix(ENTITY_PREFIX) if unit != "1" else None
    if unit_id is not None and not is_qid(unit_id):
        raise ValueError(f"not a unit: {unit!r}")
    return Quantity(float(value["amount"]), unit_id)


def qualifiers(statement: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = statement.get("qualifiers", {}).get(prop, [])
    return found


def qualifier_items(statement: dict[str, Any], prop: str) -> list[str]:
    return [q for q in (item_id(s) for s in qualifiers(statement, prop)) if q is not None]


def qualifier_time(statement: dict[str, Any], prop: str) -> WikiTime | None:
    return next((t for t in (time_of(s) for s in qualifiers(statement, prop)) if t is not None), None)


def qualifier_text(statement: dict[str, Any], prop: str) -> str | None:
    return next((t for t in (text_of(s) for s in qualifiers(statement, prop)) if t), None)


def qualifier_quantity(statement: dict[str, Any], prop: str) -> Quantity | None:
    return next((q for q in (quantity_of(s) for s in qualifiers(statement, prop)) if q is not None), None)


def first_reference(statement: dict[str, Any]) -> Reference | None:
    """The statement's first reference that names a work or a URL (most give one, many none)."""
    for reference in statement.get("references", []):
        snaks = reference["snaks"]
        stated_in = next((i for i in (item_id(s) for s in snaks.get("P248", [])) if i), None)
        url = next((t for t in (text_of(s) for s in snaks.get("P854", [])) if t), None)
        if stated_in is None and url is None:
            continue
        retrieved = next((t for t in (time_of(s) for s in snaks.get("P813", [])) if t), None)
        return Reference(stated_in, url, retrieved)
    return None


def snak_items(statement: dict[str, Any]) -> Iterator[str]:
    """Every item id a statement mentions (its value, its qualifiers' values, its references' works):
    the ids whose labels the card needs."""
    snaks = [statement["mainsnak"]]
    snaks += [s for group in statement.get("qualifiers", {}).values() for s in group]
    snaks += [s for ref in statement.get("references", []) for s in ref["snaks"].get("P248", [])]
    for snak in snaks:
        if (
            snak.get("datatype") == "wikibase-item"
            or snak.get("datavalue", {}).get("type") == "wikibase-entityid"
        ):
            found = item_id(snak)
            if found is not None:
                yield found
        elif snak.get("datavalue", {}).get("type") == "quantity":
            quantity = quantity_of(snak)
            if quantity is not None and quantity.unit is not None:
                yield quantity.unit


def label(entity: dict[str, Any], language: str = "en") -> str | None:
    """An entity's label in ``language`` (with ``languagefallback`` the API may answer another one)."""
    labels = entity.get("labels", {})
    chosen = labels.get(language) or next(iter(labels.values()), None)
    return None if chosen is None else str(chosen["value"])
