"""A local Wikipedia: the MediaWiki Action API's ``action=parse`` and ``list=search``, as documented.

``action=parse&page=…&prop=wikitext|revid&redirects=1&formatversion=2`` answers
``{"parse": {"title", "pageid", "revid", "redirects": [{"from", "to"}], "wikitext"}}``; with
``redirects=1`` it resolves one redirect, as MediaWiki does (a double redirect gives the middle page's
``#REDIRECT`` wikitext). A missing page is ``{"error": {"code": "missingtitle", "info", "docref"}}``.
``list=search`` answers ``{"batchcomplete": true, "query": {"searchinfo": {"totalhits"}, "search": [{"ns",
"title", "pageid", "snippet"}]}}``, snippets highlighted with ``<span class="searchmatch">``.
https://www.mediawiki.org/wiki/API:Parsing_wikitext, https://www.mediawiki.org/wiki/API:Search
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.enrich.fake_api import FakeApi

PATH = "/w/api.php"
DOCREF = "See https://en.wikipedia.org/w/api.php for API usage. Subscribe to the mediawiki-api-announce list."


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    pageid: int
    revid: int
    wikitext: str


def _normal(title: str) -> str:
    """MediaWiki's title normalization, as far as these tests need it: underscores, first letter."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]


class FakeWikipedia(FakeApi):
    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, Page] = {}
        self.answers: dict[str, Any] = {}  # a page's parse answer given as is (odd shapes)
        self.route(PATH, self._parse, action="parse")
        self.route(PATH, self._search, action="query", list="search")

    @property
    def api(self) -> str:
        return self.url + PATH

    def page(self, title: str, wikitext: str, revid: int | None = None) -> Page:
        page = Page(_normal(title), 1000 + len(self.pages), revid or 900_000 + len(self.pages), wikitext)
        self.pages[page.title] = page
        return page

    def redirect(self, title: str, target: str) -> Page:
        return self.page(
            title, f"#REDIRECT [[{target}]]\n\n{{{{Redirect category shell|{{{{R from move}}}}}}}}"
        )

    def _parse(self, request: web.Request) -> Any:
        title = _normal(request.query.get("page", ""))
        if title in self.answers:
            return self.answers[title]
        page = self.pages.get(title)
        if page is None:
            return self.missing()
        answer: dict[str, Any] = {"title": page.title, "pageid": page.pageid, "revid": page.revid}
        target = re.match(r"#REDIRECT \[\[([^\]]+)\]\]", page.wikitext)
        if target and request.query.get("redirects") in ("1", "true", ""):
            resolved = self.pages.get(_normal(target.group(1)))
            if resolved is None:
                return self.missing()
            answer = {
                "title": resolved.title,
                "pageid": resolved.pageid,
                "revid": resolved.revid,
                "redirects": [{"from": page.title, "to": resolved.title}],
            }
            page = resolved
        answer["wikitext"] = page.wikitext
        return {"parse": answer}

    @staticmethod
    def missing() -> dict[str, Any]:
        return {
            "error": {
                "code": "missingtitle",
                "info": "The page you specified doesn't exist.",
                "docref": DOCREF,
            },
            "servedby": "mw-api-ext.eqiad.main-7d9c7b8b5c-x2m4q",
        }

    def _search(self, request: web.Request) -> Any:
        words = [w for w in re.findall(r"\w+", request.query.get("srsearch", "").casefold()) if w != "film"]
        hits = []
        for page in self.pages.values():
            if page.wikitext.startswith("#REDIRECT"):
                continue
            base = re.sub(r"\s*\(.*\)$", "", page.title).casefold()
            if all(w in words for w in re.findall(r"\w+", base)):
                lead = re.sub(r"\{\{[^{}]*\}\}|'''|''|\[\[|\]\]", "", page.wikitext).strip()[:160]
                snippet = re.sub(
                    r"(?i)\b(" + "|".join(map(re.escape, words or ["-"])) + r")\b",
                    r'<span class="searchmatch">\1</span>',
                    lead,
                )
                hits.append({"ns": 0, "title": page.title, "pageid": page.pageid, "snippet": snippet})
        limit = int(request.query.get("srlimit", "10"))
        return {
            "batchcomplete": True,
            "query": {"searchinfo": {"totalhits": len(hits)}, "search": hits[:limit]},
        }


# An article as Wikipedia has them: infobox, lead with references, a plot with footnotes, maintenance
# templates, a file, a subsection, a list, a comment; then other sections.
FILM_ARTICLE = """{{Short description|2025 Japanese animated film}}
{{Use mdy dates|date=May 2025}}
{{Infobox film
| name           = Sprint
| image          = Sprint film poster.jpg
| director       = [[Kenji Iwaisawa]]
| released       = {{Film date|2025|09|19|Japan}}
}}
'''''Sprint''''' is a 2025 Japanese [[Animated film|animated]] [[sports film]] directed by Kenji Iwaisawa.<ref>{{cite web |url=https://example.org/sprint |title=Sprint |date=May 1, 2025}}</ref>

== Plot ==
{{More citations needed section|date=June 2025}}
[[File:Track at dusk.jpg|thumb|A track at dusk]]
'''Togashi''' is a gifted [[Sprint (running)|sprinter]] who has always won.<ref name="natalie">{{cite news |title=Interview |work=Natalie}}</ref> He meets ''Komiya'',{{efn|Written {{nihongo|Komiya|小宮}} in the original manga.}} a transfer student who runs to escape his troubles.<ref name="natalie" /><!-- Do not add the cast here. -->
Togashi teaches him how to run the hundred metres.

=== High school ===
Years later the two meet again &ndash; as rivals at the national championships.{{citation needed|date=July 2025}}<br />Komiya wins by a hundredth of a second.

* Togashi quits the team.
* Komiya keeps racing.

Years later, both line up for one last race, and neither knows who won until the board lights up.

== Cast ==
* [[Someone]] as Togashi

== Reception ==
Critics praised it.<ref>{{cite web|title=Review}}</ref>

== References ==
{{Reflist}}

[[Category:2025 films]]
[[Category:2025 anime films]]
"""
FILM_PLOT_WORDS = ("Togashi", "Komiya", "hundredth", "board lights up")

DISAMBIGUATION = """'''Sprint''' may refer to:

* [[Sprint (running)]], a short running race
* [[Sprint (2025 film)]], a Japanese animated film
* [[Sprint Corporation]], a former telecommunications company

{{disambiguation}}
"""

NO_PLOT = """{{Infobox film| name = Quiet}}
'''''Quiet''''' is a 2024 documentary film.

== Production ==
Filmed in 2023.

== Reception ==
Well received.
"""

# The article Wikidata's test film (tests/enrich/wikidata_items.py) links.
LIGHTHOUSE_ARTICLE = """{{Short description|2024 animated film}}
{{Infobox film
| name = The Lighthouse at Noon
}}
'''''The Lighthouse at Noon''''' is a 2024 animated film.<ref>{{cite web|title=Lighthouse}}</ref>

== Plot ==
Mara, a keeper's daughter, finds the lamp of her island's lighthouse lit at noon.<ref name="a"/>

Each day it burns longer, and the ships that follow its light arrive in a harbour nobody remembers.

Her father admits he lit it the day her mother sailed away, hoping she would find the way back.

Mara puts out the lamp; that evening a single boat comes home through the fog.{{efn|In the novel the boat is empty.}}

== Reception ==
Praised.
"""


def populate(server: FakeWikipedia, title: str) -> None:
    """The article of Wikidata's test film (``title``, its enwiki sitelink)."""
    server.page(title, LIGHTHOUSE_ARTICLE, revid=1_161_000)
