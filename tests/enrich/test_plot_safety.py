"""No plot text from any provider is visible outside a spoiler tag in any /plot payload, and every
payload holding fetched text carries its attribution, linked, pinging no one, within Discord's limits.

Text reaches /plot either through a Wikipedia article (wikitext rendered by ``bot.enrich._plot_text``, then
layered into phases) or as plot sections stored from any source; both are tried here with text full of
Discord markdown: pipes, backticks, code fences, mentions, links, headings, invisible characters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.enrich._plot_phases import plot_phases
from bot.enrich._plot_text import plot_paragraphs
from bot.films.models import FilmSummary, PlotSection, Source
from bot.spoilers.models import PlotPhases, PlotReveal
from bot.spoilers.render import SOURCE_FIELD
from bot.spoilers.service import PlotService, group_phases
from bot.spoilers.views import plot_messages
from tests.enrich.test_plot_store import WIKIPEDIA
from tests.spoilers.checks import assert_no_spoiler_leak, payload_of, segments, visible
from tests.spoilers.test_render import assert_within_limits
from tests.spoilers.test_safety import TRICKS

FILM = FilmSummary(id=9, slug="sprint", title="Sprint", year=2025)
_WIKI_TRICKS = [
    "'''",
    "''",
    "[[",
    "]]",
    "{{",
    "}}",
    "<ref>",
    "</ref>",
    "<br>",
    "&amp;",
    "&lt;",
    "== x ==",
    "* ",
]

tricky = st.lists(st.one_of(st.sampled_from(TRICKS + _WIKI_TRICKS), st.text(max_size=15)), max_size=80).map(
    "".join
)
long = st.builds(lambda part, n: (part + " ") * n, tricky, st.integers(1, 120))
paragraph = st.one_of(tricky, long)
article = st.one_of(
    st.sampled_from(["Sprint (2025 film)", "100 Meters (film)"]),
    st.lists(st.sampled_from([*TRICKS, "Film", " "]), max_size=12).map("".join).filter(str.strip),
)


def _source(title: str) -> Source:
    return replace(WIKIPEDIA, title=title)


def _reveals(phases: tuple[PlotSection, ...], source: Source) -> list[PlotReveal]:
    grouped = group_phases(phases)
    levels = [p.level for p in grouped]
    build = PlotService._build
    plot = PlotPhases(grouped, source)
    reveals = [build(FILM, plot, level) for level in levels]
    reveals += [build(FILM, plot, level, since=since) for since, level in itertools.pairwise(levels)]
    return reveals


def _check(phases: tuple[PlotSection, ...], source: Source) -> None:
    secrets = [p.text for p in phases]
    allowed = [p.phase for p in phases] + [source.title, "Plot from Wikipedia's article revision 1234"]
    for reveal in _reveals(phases, source):
        for embed, view in plot_messages(reveal):
            payload: dict[str, Any] = payload_of(embeds=[embed], view=view)
            assert_no_spoiler_leak(payload, secrets, allowed=allowed)
            assert_within_limits(payload)
            _assert_attributed(payload["embeds"][0])


def _assert_attributed(embed: dict[str, Any]) -> None:
    fields = embed.get("fields", [])
    if not fields:
        return
    *shown, credit = fields
    assert credit["name"] == SOURCE_FIELD
    assert all(f["name"] != SOURCE_FIELD for f in shown)
    text = credit["value"]
    assert all(not hidden for _, hidden in segments(text))  # outside every spoiler tag
    assert "(revision 1234)" in text
    assert "[CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/)" in text
    assert "(https://en.wikipedia.org/w/index.php?title=Sprint_%282025_film%29&oldid=1234)" in text
    seen = visible(text)
    assert not re.search(r"@(everyone|here)", seen, re.IGNORECASE)
    assert not re.search(r"<@[!&]?\d+>", text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.lists(paragraph, min_size=1, max_size=10), title=article)
def test_wikipedia_plot_text_never_leaks(paragraphs: list[str], title: str) -> None:
    wikitext = "Lead.\n\n== Plot ==\n" + "\n\n".join(paragraphs) + "\n\n== Cast ==\n* Someone\n"
    found = plot_paragraphs(wikitext)
    assert found is not None
    phases = plot_phases(found)
    assert all(p.spoiler_level > 0 for p in phases)
    if phases:
        _check(phases, _source(title))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(paragraph.filter(str.strip), min_size=1, max_size=6), title=article)
def test_plot_sections_from_any_source_never_leak(texts: list[str], title: str) -> None:
    phases = tuple(PlotSection(i, f"Part {i}", i, text) for i, text in enumerate(texts, start=1))
    _check(phases, _source(title))
