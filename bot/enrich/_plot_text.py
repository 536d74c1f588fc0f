"""Wikitext to plain plot text: the article's plot section as a reader sees it, in paragraphs (pure).

:func:`plot_paragraphs` finds the level-2 "Plot" section (or "Synopsis", "Plot summary", "Story"; any
case, subsections included) and renders it with mwparserfromhell: references, templates, comments, files,
categories and tables gone; link text kept (``[[A|b]]`` is "b"); bold and italic text kept without the
quotes; entities decoded; ``<br>`` a line break; list items one per line. Only the plot section is
parsed: level-2 headings are found by their lines first (a large article's full parse takes half a
second). ``bot.enrich._plot_phases`` layers the paragraphs into spoiler phases.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

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

# Headings (level 2, compared case-insensitively) whose section is the film's plot, best first.
PLOT_HEADINGS = ("plot", "plot summary", "synopsis", "plot synopsis", "story", "summary")
# A level-1 or level-2 heading line (MediaWiki: the line starts and ends with the same run of "=", then
# only blanks or comments); level 2 is where a plot section starts, either ends one.
_HEADING_LINE = re.compile(r"^(={1,2})(?!=)(.+?)(?<!=)\1[ \t]*(?:<!--.*?-->[ \t]*)*$", re.MULTILINE)
# A comment (an unclosed one runs to the end, as MediaWiki reads it): gone before headings are looked for.
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# A template's name, for the disambiguation check without a parse.
_TEMPLATE_NAME = re.compile(r"\{\{\s*([^{}|\n]+?)\s*(?:\||\}\})")

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
# A hard line break (``<br>``, a list item) while rendering; single newlines in wikitext are spaces.
_BREAK = "\u2028"
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name).strip().casefold()


def _name(template: Template) -> str:
    return _key(str(template.name.strip_code()))


def is_disambiguation(wikitext: str, title: str = "") -> bool:
    """Whether the page is a disambiguation page: titled "… (disambiguation)", or carrying a
    ``{{disambiguation}}``-family template."""
    if title.casefold().rstrip().endswith("(disambiguation)"):
        return True
    for match in _TEMPLATE_NAME.finditer(wikitext):
        name = _key(match.group(1))
        if name in _DISAMBIGUATION or name.endswith(" disambiguation"):
            return True
    return False


def _plot_block(wikitext: str) -> str | None:
    """The wikitext of the best plot section, its heading line included (found by heading lines)."""
    headings = list(_HEADING_LINE.finditer(wikitext))
    found: dict[str, str] = {}
    for index, match in enumerate(headings):
        if len(match.group(1)) != 2:
            continue
        key = _key(_render(mwparserfromhell.parse(match.group(2)).nodes))
        if key in PLOT_HEADINGS and key not in found:
            end = headings[index + 1].start() if index + 1 < len(headings) else len(wikitext)
            found[key] = wikitext[match.start() : end]
    return next((found[key] for key in PLOT_HEADINGS if key in found), None)


def _plot_section(code: Wikicode) -> Wikicode | None:
    found: dict[str, Wikicode] = {}
    for section in code.get_sections(levels=[2]):
        heading = section.filter_headings(recursive=False)[0]
        key = _key(_render(heading.title.nodes))
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
    wikitext = _COMMENT.sub("", wikitext)
    block = _plot_block(wikitext)
    if block is None:
        return None
    section = _plot_section(mwparserfromhell.parse(block))
    if section is None:  # the heading line was not a heading (inside a comment, say): read it all
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
