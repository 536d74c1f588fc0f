"""Test items for the local Wikidata: a film only Wikidata knows, with every property filmbot maps (ranks
deprecated and preferred, qualifiers, references, review scores), a same-titled novel and an older film
of the same name. The ids are the tests' own (Q9000…, tt91…); sites and countries use Wikidata's ids."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tests.enrich.wikidata_server import (
    METACRITIC,
    ROTTEN_TOMATOES,
    FakeWikidata,
    item,
    item_snak,
    quantity_snak,
    somevalue_snak,
    statement,
    string_snak,
    time_snak,
)

FILM = "Q90000001"
NOVEL = "Q90000002"
OLD_FILM = "Q90000003"
TITLE = "The Lighthouse at Noon"
IMDB = "tt9100001"
OLD_IMDB = "tt0055001"
LABELS = {
    "Q90000101": "Aiko Tanabe",
    "Q90000102": "Ren Kobayashi",
    "Q90000103": "Mio Sato",
    "Q90000104": "Daichi Mori",
    "Q90000105": "Sam Reyes",
    "Q90000106": "Yui Ota",
    "Q90000107": "Kenta Ito",
    "Q90000108": "Nao Fujita",
    "Q90000201": "Hana",
    "Q90000301": "Studio Kaze",
    "Q90000302": "North Light Films",
    "Q90000303": "GKIDS",
    "Q90000304": "Toho",
    "Q90000401": "The Keeper",
    "Q90000501": "Box Office Mojo",
    "Q17": "Japan",
    "Q30": "United States",
    "Q5287": "Japanese",
    "Q130232": "drama film",
    "Q202866": "animated film",
    "Q11424": "film",
    "Q7725634": "literary work",
    "Q13780930": "worldwide",
    "Q4917": "United States dollar",
    "Q8146": "Japanese yen",
    "Q7727": "minute",
    ROTTEN_TOMATOES: "Rotten Tomatoes",
    METACRITIC: "Metacritic",
    "Q108403393": "Tomatometer score",
    "Q106515043": "Metascore",
    "Q1045376": "CinemaScore",
    "Q90000601": "director",
}


def film_claims() -> list[dict[str, object]]:
    s, i = statement, item_snak
    return [
        s(i("P31", "Q202866")),
        s(i("P57", "Q90000101")),
        s(i("P58", "Q90000102")),
        s(i("P725", "Q90000103"), qualifiers=[i("P453", "Q90000201")]),
        s(i("P725", "Q90000104"), qualifiers=[string_snak("P4633", "the keeper")]),
        s(i("P161", "Q90000105")),
        s(somevalue_snak("P161")),  # an unknown cast member: nothing to show
        s(i("P86", "Q90000106")),
        s(i("P344", "Q90000107")),
        s(i("P1040", "Q90000108")),
        s(i("P272", "Q90000301")),
        s(i("P272", "Q90000302")),
        s(i("P750", "Q90000303"), qualifiers=[i("P291", "Q30")]),
        s(i("P750", "Q90000304"), qualifiers=[i("P291", "Q17")]),
        s(i("P495", "Q17")),
        s(i("P364", "Q5287")),
        s(time_snak("P577", "2024-06-14"), qualifiers=[i("P291", "Q17")]),
        s(time_snak("P577", "2024-10-04"), qualifiers=[i("P291", "Q30")]),
        s(time_snak("P577", "2023-01-01"), rank="deprecated"),
        s(quantity_snak("P2047", "+104", "Q7727")),
        s(quantity_snak("P2047", "+95", "Q7727"), rank="deprecated"),
        s(i("P136", "Q130232")),
        s(i("P144", "Q90000401")),
        s(
            quantity_snak("P2142", "+3033000", "Q4917"),
            rank="preferred",
            qualifiers=[i("P3005", "Q13780930"), time_snak("P585", "2025-01-05")],
            references=[[i("P248", "Q90000501"), time_snak("P813", "2025-01-10")]],
        ),
        s(quantity_snak("P2142", "+600000000", "Q8146"), qualifiers=[i("P3005", "Q17")]),
        s(quantity_snak("P2130", "+2000000", "Q4917")),
        s(
            string_snak("P444", "93%"),
            qualifiers=[
                i("P447", ROTTEN_TOMATOES),
                i("P459", "Q108403393"),
                time_snak("P585", "2024-11-01"),
                quantity_snak("P7887", "+120"),
            ],
            references=[
                [string_snak("P854", "https://www.rottentomatoes.com/m/the_lighthouse_at_noon", "url")]
            ],
        ),
        s(
            string_snak("P444", "91%"),
            qualifiers=[i("P447", ROTTEN_TOMATOES), i("P459", "Q108403393"), time_snak("P585", "2024-10-01")],
        ),
        s(
            string_snak("P444", "81/100"),
            qualifiers=[
                i("P447", METACRITIC),
                i("P459", "Q106515043"),
                time_snak("P585", "2024-10-20"),
                quantity_snak("P7887", "+30"),
            ],
        ),
        s(string_snak("P444", "A-"), qualifiers=[i("P447", "Q1045376")]),
        s(string_snak("P345", IMDB, "external-id")),
        s(string_snak("P4947", "1234567", "external-id")),
        s(string_snak("P6127", "the-lighthouse-at-noon", "external-id")),
        s(string_snak("P1258", "m/the_lighthouse_at_noon", "external-id")),
        s(string_snak("P1712", "movie/the-lighthouse-at-noon", "external-id")),
    ]


def populate(server: FakeWikidata) -> None:
    """The film, a same-titled novel and a 1961 film of the same name, and every item they refer to."""
    server.add(
        item(FILM, TITLE, film_claims(), description="2024 animated film by Aiko Tanabe", enwiki=TITLE),
        item(NOVEL, TITLE, [statement(item_snak("P31", "Q7725634"))], description="2019 novel"),
        item(
            OLD_FILM,
            TITLE,
            [
                statement(item_snak("P31", "Q11424")),
                statement(time_snak("P577", "1961-00-00", 9)),
                statement(string_snak("P345", OLD_IMDB, "external-id")),
            ],
            description="1961 film",
        ),
    )
    server.name(LABELS)


@contextlib.asynccontextmanager
async def populated() -> AsyncIterator[FakeWikidata]:
    """A running local Wikidata holding the test items."""
    async with FakeWikidata() as server:
        populate(server)
        yield server
