"""Wikitext to plain plot text (``bot.enrich._plot_text``): the plot section found and rendered as a
reader sees it; disambiguation pages recognized."""

from __future__ import annotations

from typing import Any

import pytest

from bot.enrich import _plot_text
from bot.enrich._plot_text import is_disambiguation, plot_paragraphs

ARTICLE = """{{Short description|2025 film}}
{{Infobox film
| name = Sprint
| image = Sprint poster.jpg
| director = [[Someone]]
}}
'''''Sprint''''' is a 2025 [[Japan]]ese film.<ref>{{cite web |title=Sprint |url=https://example.org}}</ref>

== Plot ==
{{More citations needed section|date=May 2025}}
[[File:Track.jpg|thumb|The track, with a [[caption]]]]
'''Togashi''' is a [[Sprint (running)|sprinter]] who has always won.<ref name="a">{{cite news|title=x}}</ref> He meets ''Komiya'',{{efn|Called {{nihongo|Komiya|小宮}} in the manga.}} a boy who cannot run.<ref name="a" /><!-- keep it short -->
He teaches him.

=== High school ===
Years later, the two meet again &ndash; as rivals.{{citation needed|date=June 2025}} Komiya&nbsp;wins.<br />Togashi quits.

* Komiya trains.
* Togashi coaches.
The final race begins.[[Category:2025 films]]

{| class="wikitable"
! Race !! Time
|-
| 100 m || 10.0
|}

== Cast ==
* Someone as Togashi
"""


def test_the_plot_section_rendered_as_plain_paragraphs() -> None:
    paragraphs = plot_paragraphs(ARTICLE)
    assert paragraphs == (
        "Togashi is a sprinter who has always won. He meets Komiya, a boy who cannot run. He teaches him.",
        "Years later, the two meet again – as rivals. Komiya wins.\nTogashi quits.",
        "• Komiya trains.\n• Togashi coaches.\nThe final race begins.",
    )


@pytest.mark.parametrize(
    "heading", ["Plot", "PLOT", "plot summary", "Synopsis", "Story", " Plot ", "[[Plot (narrative)|Plot]]"]
)
def test_plot_headings_any_case(heading: str) -> None:
    text = f"Lead.\n\n== {heading} ==\nIt happens.\n\n== Reception ==\nLiked.\n"
    assert plot_paragraphs(text) == ("It happens.",)


def test_plot_wins_over_a_later_synopsis_and_a_level_3_plot_is_not_the_section() -> None:
    text = "== Background ==\n=== Plot ===\nNot this.\n== Synopsis ==\nSecond.\n== Plot ==\nFirst.\n"
    assert plot_paragraphs(text) == ("First.",)


def test_no_plot_section() -> None:
    assert plot_paragraphs("Lead.\n\n== Cast ==\n* A\n== Reception ==\nGood.") is None
    assert plot_paragraphs("") is None


def test_a_plot_section_with_only_templates_has_no_paragraphs() -> None:
    assert plot_paragraphs("== Plot ==\n{{Expand section|date=2025}}\n<!-- to do -->\n== Cast ==\n") == ()


def test_nested_templates_unclosed_refs_and_entities() -> None:
    text = (
        "== Plot ==\n"
        "A {{efn|outer {{inner|{{deepest}}}} note}}B &amp; C &lt;D&gt; &#91;E&#93; &eacute;t&eacute;.\n\n"
        "She runs.<ref>{{cite web|title=spanning\n\n"
        "paragraphs}}</ref> He leaves.<ref name=x/> The end.\n\n"
        "Unclosed.<ref>{{cite web|title=never closed}}\n\n"
        "Last.\n"
    )
    assert plot_paragraphs(text) == (
        "A B & C <D> [E] été.",
        "She runs. He leaves. The end.",
        "Unclosed.",
        "Last.",
    )


def test_links_bold_italic_and_text_templates() -> None:
    text = (
        "== Plot ==\n"
        "'''Bold''' and ''italic'' and '''''both'''''; [[A|b]], [[Plain]], [[:Category:Films|films]], "
        "[https://example.org a site], https://bare.example.org, {{nowrap|kept text}}, "
        "{{lang|ja|日本語}}, {{'}}quoted{{'}}, [[Image:X.png|thumb|gone]].\n"
    )
    assert plot_paragraphs(text) == (
        "Bold and italic and both; b, Plain, films, a site, , kept text, 日本語, 'quoted', .",
    )


def test_hostile_text_survives_as_text() -> None:
    text = "== Plot ==\n@everyone <@123> says ||spoiler|| and `code` **bold** ~~gone~~ # not a heading\n"
    assert plot_paragraphs(text) == (
        "@everyone <@123> says ||spoiler|| and `code` **bold** ~~gone~~ # not a heading",
    )


def test_disambiguation_pages() -> None:
    assert is_disambiguation("'''Sprint''' may refer to:\n* [[Sprint (film)]]\n{{disambiguation|film}}")
    assert is_disambiguation("x\n{{Dab}}")
    assert is_disambiguation("x\n{{Human name disambiguation}}")
    assert is_disambiguation("* [[Sprint (film)]]", "Sprint (disambiguation)")
    assert not is_disambiguation(ARTICLE, "Sprint (2025 film)")
    assert not is_disambiguation("See {{about|the film|the race|Sprint (running)}}")


def test_a_heading_line_inside_a_comment_is_not_the_section() -> None:
    text = "<!--\n== Plot ==\nhidden\n-->\n== Synopsis ==\nShown.\n"
    assert plot_paragraphs(text) == ("Shown.",)


def test_a_heading_with_a_trailing_comment_and_a_level_1_heading_ending_it() -> None:
    text = "== Plot == <!-- keep it short -->\nShown.\n= Appendix =\nNot plot.\n"
    assert plot_paragraphs(text) == ("Shown.",)


def test_only_the_plot_section_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large article (references and templates everywhere) is not parsed whole (a whole parse of one
    takes half a second): what is parsed is the plot section and heading titles."""
    reception = "Critics praised it.<ref>{{cite web|title=x|url=https://e.org|date=2025}}</ref> " * 40
    large = ARTICLE + ("\n== Reception ==\n" + reception + "\n") * 60
    parsed: list[int] = []
    real = _plot_text.mwparserfromhell.parse

    def parse(text: str) -> Any:
        parsed.append(len(text))
        return real(text)

    monkeypatch.setattr(_plot_text.mwparserfromhell, "parse", parse)
    assert plot_paragraphs(large) == plot_paragraphs(ARTICLE)
    assert len(large) > 100_000 and max(parsed) < 2_000
    assert not is_disambiguation(large) and max(parsed) < 2_000
