"""A local Wikidata: the MediaWiki Action API calls filmbot makes, answered from items built here in
Wikibase's documented JSON (https://doc.wikimedia.org/Wikibase/master/php/docs_topics_json.html):
statements with ranks, qualifiers and references; datavalues of type wikibase-entityid, time (with its
precision), quantity (with its unit), string and monolingualtext.

- ``action=query&list=search&srsearch=haswbstatement:P345=tt…``: items with that IMDb id;
- ``action=wbsearchentities&search=…``: items whose English label or alias starts with the text;
- ``action=wbgetentities&ids=Q1|Q2&props=…``: the items (``"missing": ""`` for unknown ids), at most 50.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.enrich.fake_api import FakeApi

API_PATH = "/w/api.php"
ENTITY = "http://www.wikidata.org/entity/"
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
ROTTEN_TOMATOES = "Q105584"
METACRITIC = "Q150248"


# -- snaks and statements, in Wikibase's JSON ---------------------------------------------------------


def item_snak(prop: str, qid: str) -> dict[str, Any]:
    return {
        "snaktype": "value",
        "property": prop,
        "datavalue": {
            "value": {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid},
            "type": "wikibase-entityid",
        },
        "datatype": "wikibase-item",
    }


def string_snak(prop: str, text: str, datatype: str = "string") -> dict[str, Any]:
    return {
        "snaktype": "value",
        "property": prop,
        "datavalue": {"value": text, "type": "string"},
        "datatype": datatype,
    }


def time_snak(prop: str, day: str, precision: int = 11) -> dict[str, Any]:
    """``day`` as "2024-06-01" (the time is written ``+2024-06-01T00:00:00Z``, padded as Wikidata does:
    a year or month precision keeps ``-00`` for what it does not state)."""
    return {
        "snaktype": "value",
        "property": prop,
        "datavalue": {
            "value": {
                "time": f"+{day}T00:00:00Z",
                "timezone": 0,
                "before": 0,
                "after": 0,
                "precision": precision,
                "calendarmodel": GREGORIAN,
            },
            "type": "time",
        },
        "datatype": "time",
    }


def quantity_snak(prop: str, amount: str, unit: str | None = None) -> dict[str, Any]:
    return {
        "snaktype": "value",
        "property": prop,
        "datavalue": {
            "value": {"amount": amount, "unit": f"{ENTITY}{unit}" if unit else "1"},
            "type": "quantity",
        },
        "datatype": "quantity",
    }


def somevalue_snak(prop: str) -> dict[str, Any]:
    return {"snaktype": "somevalue", "property": prop, "datatype": "wikibase-item"}


def statement(
    main: dict[str, Any],
    *,
    rank: str = "normal",
    qualifiers: list[dict[str, Any]] = (),  # type: ignore[assignment]
    references: list[list[dict[str, Any]]] = (),  # type: ignore[assignment]
    sid: str = "",
) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for snak in qualifiers:
        grouped.setdefault(snak["property"], []).append({**snak, "hash": "q" + snak["property"]})
    body: dict[str, Any] = {
        "mainsnak": main,
        "type": "statement",
        "id": sid or f"Q0${main['property']}-{id(main)}",
        "rank": rank,
    }
    if grouped:
        body["qualifiers"] = grouped
        body["qualifiers-order"] = list(grouped)
    if references:
        body["references"] = []
        for ref in references:
            snaks: dict[str, list[dict[str, Any]]] = {}
            for snak in ref:
                snaks.setdefault(snak["property"], []).append(snak)
            body["references"].append(
                {"hash": f"r{len(body['references'])}", "snaks": snaks, "snaks-order": list(snaks)}
            )
    return body


def item(
    qid: str,
    label: str,
    claims: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    description: str | None = None,
    aliases: tuple[str, ...] = (),
    enwiki: str | None = None,
) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        grouped.setdefault(claim["mainsnak"]["property"], []).append(claim)
    body: dict[str, Any] = {
        "type": "item",
        "id": qid,
        "labels": {"en": {"language": "en", "value": label}},
        "descriptions": {"en": {"language": "en", "value": description}} if description else {},
        "aliases": {"en": [{"language": "en", "value": a} for a in aliases]} if aliases else {},
        "claims": grouped,
        "sitelinks": {},
    }
    if enwiki:
        body["sitelinks"]["enwiki"] = {"site": "enwiki", "title": enwiki, "badges": []}
    return body


# -- the server ---------------------------------------------------------------------------------------


class FakeWikidata(FakeApi):
    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, dict[str, Any]] = {}
        self.route(API_PATH, self._search, action="query", list="search")
        self.route(API_PATH, self._entity_search, action="wbsearchentities")
        self.route(API_PATH, self._entities, action="wbgetentities")

    @property
    def api(self) -> str:
        return f"{self.url}{API_PATH}"

    def add(self, *items: dict[str, Any]) -> None:
        for body in items:
            self.items[body["id"]] = body

    def name(self, labels: dict[str, str]) -> None:
        """Items that only need a label (people, companies, places, sites)."""
        self.add(*(item(qid, label) for qid, label in labels.items()))

    def _search(self, request: web.Request) -> dict[str, Any]:
        text = request.query.get("srsearch", "")
        hits = []
        if text.startswith("haswbstatement:P345="):
            wanted = text.split("=", 1)[1]
            for qid, body in self.items.items():
                ids = [s["mainsnak"]["datavalue"]["value"] for s in body["claims"].get("P345", [])]
                if wanted in ids:
                    hits.append({"ns": 0, "title": qid, "pageid": int(qid[1:]), "size": 1000, "wordcount": 0,
                                 "snippet": "", "timestamp": "2026-03-01T10:00:00Z"})  # fmt: skip
        return {"batchcomplete": "", "query": {"searchinfo": {"totalhits": len(hits)}, "search": hits}}

    def _entity_search(self, request: web.Request) -> dict[str, Any]:
        text = request.query.get("search", "").casefold()
        limit = int(request.query.get("limit", "7"))
        hits = []
        for qid, body in self.items.items():
            names = [body["labels"]["en"]["value"], *(a["value"] for a in body["aliases"].get("en", []))]
            match = next((n for n in names if n.casefold().startswith(text)), None)
            if text and match is not None:
                hits.append({
                    "id": qid, "title": qid, "pageid": int(qid[1:]), "repository": "wikidata",
                    "url": f"//www.wikidata.org/wiki/{qid}", "concepturi": f"{ENTITY}{qid}",
                    "label": body["labels"]["en"]["value"],
                    "description": body["descriptions"].get("en", {}).get("value", ""),
                    "match": {"type": "label", "language": "en", "text": match},
                })  # fmt: skip
        return {"searchinfo": {"search": text}, "search": hits[:limit], "success": 1}

    def _entities(self, request: web.Request) -> dict[str, Any]:
        ids = [i for i in request.query.get("ids", "").split("|") if i]
        if len(ids) > 50:
            return {
                "error": {
                    "code": "toomanyvalues",
                    "info": 'Too many values supplied for parameter "ids". The limit is 50.',
                }
            }
        props = set(
            request.query.get("props", "info|sitelinks|aliases|labels|descriptions|claims|datatype").split(
                "|"
            )
        )
        entities: dict[str, Any] = {}
        for qid in ids:
            body = self.items.get(qid)
            if body is None:
                entities[qid] = {"id": qid, "missing": ""}
                continue
            entities[qid] = {"type": "item", "id": qid, **{k: v for k, v in body.items() if k in props}}
        return {"entities": entities, "success": 1}
