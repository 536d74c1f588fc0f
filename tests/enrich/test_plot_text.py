"""Wikitext to plot phases (``bot.enrich._plot_text``): the plot section found and rendered as a reader
sees it, then layered into phases that each fit one plot message."""

from __future__ import annotations

from typing import Any

import pytest

from bot.enrich._plot_text import (
    MAX_PHASES,
    PHASE_LIMIT,
    is_disambiguation,
    phase_name,
    plot_paragraphs,
    plot_phases,
)
from bot.films.models import FilmSummary, PlotSection
from bot.spoilers.models import Phase, PlotReveal
from bot.spoilers.render import plot_embeds
from bot.spoilers.safety import discord_len, neutralize
from bot.ui import limits

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


def test_phases_named_in_order_the_last_the_ending() -> None:
    phases = plot_phases([f"Paragraph {i} of the story." for i in range(1, 9)])
    assert [p.phase for p in phases] == [
        "Part 1 of 4",
        "Part 2 of 4",
        "Part 3 of 4",
        "Part 4 of 4 (the ending)",
    ]
    assert [p.spoiler_level for p in phases] == [1, 2, 3, 4]
    assert [p.position for p in phases] == [1, 2, 3, 4]
    assert all(p.spoiler_level > 0 for p in phases)  # never a premise cut out of plot text
    assert "\n\n".join(p.text for p in phases) == "\n\n".join(
        f"Paragraph {i} of the story." for i in range(1, 9)
    )


def test_fewer_paragraphs_than_phases() -> None:
    assert [p.phase for p in plot_phases(["One.", "Two."])] == ["Part 1 of 2", "Part 2 of 2 (the ending)"]
    (only,) = plot_phases(["Only."])
    assert only.phase == phase_name(1, 1) == "The whole plot (with the ending)"
    assert plot_phases([]) == ()


def test_paragraphs_merge_evenly_by_length() -> None:
    long, short = "word " * 200, "word " * 20
    paragraphs = [
        long.strip(),
        short.strip(),
        short.strip(),
        long.strip(),
        short.strip(),
        long.strip(),
        long.strip(),
    ]
    phases = plot_phases(paragraphs)
    assert len(phases) == MAX_PHASES
    sizes = [len(p.text) for p in phases]
    assert max(sizes) <= len(long) + 2 * len(short) + 10  # no phase holds two long paragraphs


def _render_one(phase_text: str) -> list[dict[str, Any]]:
    film = FilmSummary(id=1, slug="sprint", title="S" * 300, year=2025)
    phase = Phase(
        "Part 3 of 12", 3, (PlotSection(position=3, phase="Part 3 of 12", spoiler_level=3, text=phase_text),)
    )
    reveal = PlotReveal(
        film=film, premise=(), shown=(phase,), level=3, next_phase=phase, phases=(phase,), with_premise=False
    )
    return [dict(embed.to_dict()) for embed in plot_embeds(reveal)]


def test_a_very_long_plot_gets_more_phases_each_fitting_one_message() -> None:
    sentence = "Togashi runs the hundred metres again, faster than anyone has ever seen him run before. "
    paragraphs = [sentence * 60 for _ in range(6)]  # about 32,000 characters
    phases = plot_phases(paragraphs)
    assert len(phases) > MAX_PHASES
    assert phases[-1].phase == f"Part {len(phases)} of {len(phases)} (the ending)"
    for phase in phases:
        assert discord_len(neutralize(phase.text)) <= PHASE_LIMIT
        assert not phase.text.endswith(("Toga", "the hund"))
        assert phase.text.endswith(".")  # cut between sentences, never mid-word
        assert len(_render_one(phase.text)) == 1
    assert " ".join(p.text for p in phases).split() == " ".join(paragraphs).split()


def test_a_phase_at_the_limit_fits_one_embed() -> None:
    # Characters the spoiler renderer escapes (doubling them) and astral ones (two UTF-16 units each).
    word = "*_~😀#"
    text = " ".join([word] * 2000)
    phases = plot_phases([text])
    assert len(phases) > 1
    for phase in phases:
        size = discord_len(neutralize(phase.text))
        assert size <= PHASE_LIMIT
        (embed,) = _render_one(phase.text)
        total = discord_len(embed["title"]) + discord_len(embed["footer"]["text"])
        total += sum(discord_len(f["name"]) + discord_len(f["value"]) for f in embed["fields"])
        assert total <= limits.EMBED_TOTAL
    assert max(discord_len(neutralize(p.text)) for p in phases) > PHASE_LIMIT - 2 * len(word) * 2 - 10


def test_text_without_spaces_is_still_split() -> None:
    phases = plot_phases(["x" * (PHASE_LIMIT * 3)])
    assert len(phases) >= 3
    assert "".join("".join(p.text.split()) for p in phases) == "x" * (PHASE_LIMIT * 3)
    assert all(discord_len(neutralize(p.text)) <= PHASE_LIMIT for p in phases)
