"""Wikitext to a spoiler-layered plot: the article's plot section as plain paragraphs, then as phases.

Pure (no I/O). :func:`plot_paragraphs` finds the level-2 "Plot" section (or "Synopsis", "Plot summary",
"Story"; any case, subsections included) with mwparserfromhell and renders it as a reader sees it, in
plain text: references, templates, comments, files, categories and tables gone; link text kept
(``[[A|b]]`` is "b"); bold and italic text kept without the quotes; entities decoded; ``<br>`` a line
break; list items one per line. :func:`plot_phases` merges the paragraphs into a handful of phases of
even length ("Part 1 of 4" … "Part 4 of 4 (the ending)"), spoiler levels 1..n: never a level-0 premise,
since plot text is never spoiler-free. A phase never outgrows one plot message once tagged
(``PHASE_LIMIT``): a longer plot gets more phases, cut between paragraphs, else sentences, else words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

import mwparserfromhell
from mwparserfromhell.nodes import (
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from bot.films.models import PlotSection
from bot.spoilers.safety import discord_len, neutralize

# Headings (level 2, compared case-insensitively) whose section is the film's plot, best first.
PLOT_HEADINGS = ("plot", "plot summary", "synopsis", "plot synopsis", "story", "summary")
# Most phases a plot is layered into, unless its length needs more to fit Discord's limits.
MAX_PHASES = 4
# The longest phase, measured as Discord counts its neutralized text (escapes included): with its spoiler
# tags, the cuts into 1,024-unit fields, their names, the title, attribution and footer, one phase always
# fits one embed's 6,000 units (``tests/enrich/test_plot_text.py`` renders one at the limit).
PHASE_LIMIT = 3600

# Link namespaces that render as no text (a leading colon makes a category or file link a plain link).
_HIDDEN_LINKS = re.compile(r"\s*(file|image|media|category)\s*:", re.IGNORECASE)
# Tags whose content a reader never sees in running text.
_HIDDEN_TAGS = frozenset(
    {
        "ref",
        "references",
        "gallery",
        "table",
        "math",
        "chem",
        "score",
        "timeline",
        "graph",
        "mapframe",
        "syntaxhighlight",
        "source",
        "templatedata",
        "noinclude",
        "imagemap",
        "hiero",
        "indicator",
    }
)
_LINE_TAGS = frozenset({"br", "p", "div", "li", "dd", "dt"})
# Templates that render text inline: the name and which positional parameter is shown.
_TEXT_TEMPLATES = {
    "nowrap": 1,
    "nobr": 1,
    "no wrap": 1,
    "lang": 2,
    "langx": 2,
    "transl": -1,
    "nihongo": 1,
    "nihongo2": 1,
    "ill": 1,
    "interlanguage link": 1,
    "visible anchor": 1,
    "vanchor": 1,
    "small": 1,
    "smaller": 1,
    "em": 1,
    "strong": 1,
    "as written": 1,
    "sic": -1,
    "title case": 1,
    "abbr": 1,
    "keypress": 1,
    "script": 2,
    "ship": 2,
}
# Templates that stand for one character or a fixed short text.
_CHARACTER_TEMPLATES = {
    "'": "'",
    "''": '"',
    "-": "-",
    "ndash": "–",
    "snd": " – ",
    "spaced ndash": " – ",
    "mdash": "—",
    "spaced en dash": " – ",
    "nbsp": " ",
    "thinsp": " ",
    "hair space": " ",
    "!": "|",
    "=": "=",
}
# Disambiguation pages carry one of these templates (any case), or one whose name ends "disambiguation".
_DISAMBIGUATION = frozenset({"dab", "disamb", "disambig", "disambiguation", "hndis", "geodis", "numberdis"})
_UNCLOSED_REF = re.compile(
    r"<ref\b[^>]*>[^\n]*?(?:</ref\s*>|(?=\n)|$)|<ref\b[^>]*/>|</ref\s*>", re.IGNORECASE
)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’)\]])\s+")
# A hard line break (``<br>``, a list item) while rendering; single newlines in wikitext are spaces.
_BREAK = "\u2028"
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def _name(template: Template) -> str:
    return re.sub(r"[\s_]+", " ", template.name.strip_code().strip()).casefold()


def is_disambiguation(wikitext: str, title: str = "") -> bool:
    """Whether the page is a disambiguation page: titled "… (disambiguation)", or carrying a
    ``{{disambiguation}}``-family template."""
    if title.casefold().rstrip().endswith("(disambiguation)"):
        return True
    for template in mwparserfromhell.parse(wikitext).filter_templates(recursive=False):
        name = _name(template)
        if name in _DISAMBIGUATION or name.endswith(" disambiguation"):
            return True
    return False


def _plot_section(code: Wikicode) -> Wikicode | None:
    found: dict[str, Wikicode] = {}
    for section in code.get_sections(levels=[2]):
        heading = section.filter_headings(recursive=False)[0]
        key = re.sub(r"\s+", " ", _render(heading.title.nodes)).strip().casefold()
        if key in PLOT_HEADINGS and key not in found:
            found[key] = section
    for key in PLOT_HEADINGS:
        if key in found:
            return found[key]
    return None


def plot_paragraphs(wikitext: str) -> tuple[str, ...] | None:
    """The plot section's paragraphs in plain text (``None``: the article has no plot section).

    A plot section holding no text (only a "plot needed" template, say) gives an empty tuple.
    """
    section = _plot_section(mwparserfromhell.parse(wikitext))
    if section is None:
        return None
    text = _UNCLOSED_REF.sub("", _render(section.nodes[1:]))
    return tuple(p for p in (_paragraph(block) for block in re.split(r"\n[ \t]*\n", text)) if p)


def _paragraph(block: str) -> str:
    """One paragraph: whitespace collapsed, single newlines joined; list items and ``<br>`` breaks kept."""
    out = ""
    after_item = False
    for raw in block.split("\n"):
        line = _SPACES.sub(" ", raw).strip(" ")
        if not line.strip(_BREAK + " "):
            continue
        if out:
            out += _BREAK if after_item else " "
        out += line
        after_item = line.lstrip(_BREAK + " ").startswith("• ")
    return "\n".join(p for p in (part.strip() for part in out.split(_BREAK)) if p)


def _render(nodes: Iterable[Node]) -> str:
    return "".join(_node(node) for node in nodes)


def _node(node: Node) -> str:
    if isinstance(node, Text):
        return str(node.value)
    if isinstance(node, HTMLEntity):
        return html.unescape(str(node))
    if isinstance(node, Wikilink):
        if _HIDDEN_LINKS.match(str(node.title)):
            return ""
        if node.text is not None:
            return _render(node.text.nodes)
        return _render(node.title.nodes).lstrip(":")
    if isinstance(node, ExternalLink):
        return _render(node.title.nodes) if node.title is not None and node.brackets else ""
    if isinstance(node, Template):
        return _template(node)
    if isinstance(node, Tag):
        return _tag(node)
    if isinstance(node, Heading):
        return "\n\n"  # a subsection's heading ends a paragraph; the plot itself goes on
    return ""  # comments, template arguments: nothing a reader sees


def _template(template: Template) -> str:
    name = _name(template)
    if name in _CHARACTER_TEMPLATES:
        return _CHARACTER_TEMPLATES[name]
    index = _TEXT_TEMPLATES.get(name)
    if index is None:
        return ""  # citations, footnotes, maintenance tags, infoboxes: nothing a reader sees in the plot
    positional = [p for p in template.params if not p.showkey]
    if not positional:
        return ""
    chosen = positional[index - 1] if index > 0 and index <= len(positional) else positional[-1]
    return _render(chosen.value.nodes)


def _tag(tag: Tag) -> str:
    name = str(tag.tag).strip().casefold()
    if name in _HIDDEN_TAGS:
        return ""
    if tag.wiki_markup and name in ("li", "dd", "dt"):
        return f"{_BREAK}• " if name == "li" else _BREAK  # a list item, or an indented line
    if name == "hr":
        return "\n\n"
    inner = _render(tag.contents.nodes) if tag.contents is not None else ""
    return f"{_BREAK}{inner}" if name in _LINE_TAGS else inner


# -- phases ------------------------------------------------------------------------------------------


def _size(text: str) -> int:
    return discord_len(neutralize(text))


def _pieces(paragraph: str, limit: int) -> list[str]:
    """A paragraph as pieces that each fit ``limit``: cut between sentences, else between words."""
    if _size(paragraph) <= limit:
        return [paragraph]
    units = [s for s in _SENTENCE.split(paragraph) if s]
    if len(units) == 1:
        units = paragraph.split(" ")
    if len(units) == 1:  # no space at all: not words, cut anywhere (escapes at most double a character)
        return [paragraph[i : i + limit // 4] for i in range(0, len(paragraph), limit // 4)]
    pieces: list[str] = []
    for unit in units:
        if _size(unit) > limit:  # one sentence longer than a phase: cut it between words
            pieces.extend(_pieces(unit, limit))
            continue
        joined = f"{pieces[-1]} {unit}" if pieces else unit
        if pieces and _size(joined) <= limit:
            pieces[-1] = joined
        else:
            pieces.append(unit)
    return pieces


def _groups(sizes: Sequence[int], count: int) -> list[int]:
    """Where ``count`` contiguous groups of ``sizes`` start, minimizing the largest group (linear partition)."""
    n = len(sizes)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    inf = float("inf")
    # best[k][i]: the smallest possible largest group when the first i items form k groups.
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0
    for k in range(1, count + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                worst = max(best[k - 1][j], prefix[i] - prefix[j])
                if worst < best[k][i]:
                    best[k][i], cut[k][i] = worst, j
    starts = []
    i = n
    for k in range(count, 0, -1):
        i = cut[k][i]
        starts.append(i)
    return starts[::-1]


def phase_name(index: int, count: int) -> str:
    """ "Part 2 of 4"; the last one says it is the ending."""
    if count == 1:
        return "The whole plot (with the ending)"
    name = f"Part {index} of {count}"
    return f"{name} (the ending)" if index == count else name


def plot_phases(paragraphs: Sequence[str], limit: int = PHASE_LIMIT) -> tuple[PlotSection, ...]:
    """The paragraphs as successive spoiler phases: at most ``MAX_PHASES`` of even length, more only when
    a phase would not fit one message otherwise; spoiler levels 1..n, positions 1..n."""
    pieces = [piece for paragraph in paragraphs for piece in _pieces(paragraph, limit)]
    if not pieces:
        return ()
    separator = _size("\n\n")
    sizes = [_size(piece) + separator for piece in pieces]
    count = min(MAX_PHASES, len(pieces))
    while True:
        starts = _groups(sizes, count)
        bounds = [*starts[1:], len(pieces)]
        texts = ["\n\n".join(pieces[a:b]) for a, b in zip(starts, bounds, strict=True)]
        if all(_size(text) <= limit for text in texts) or count == len(pieces):
            break
        count += 1
    return tuple(
        PlotSection(position=index, phase=phase_name(index, count), spoiler_level=index, text=text)
        for index, text in enumerate(texts, start=1)
    )
