"""Plot paragraphs layered into spoiler phases (``bot.enrich._plot_phases``): named in order, the last the
ending, even in length, and each fitting one plot message at Discord's limits however long the plot."""

from __future__ import annotations

from typing import Any

import pytest

from bot.enrich import _plot_phases
from bot.enrich._plot_phases import MAX_PHASES, PHASE_LIMIT, phase_name, plot_phases
from bot.films.models import FilmSummary, PlotSection
from bot.spoilers.models import Phase, PlotReveal
from bot.spoilers.render import plot_embeds
from bot.spoilers.safety import discord_len, neutralize
from bot.ui import limits


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


def test_an_absurdly_long_plot_is_layered_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every piece is measured a bounded number of times: the text neutralized to measure it is a small
    multiple of the plot's length (it was quadratic: 120 s for 376 KB)."""
    measured: list[int] = []
    real = _plot_phases.neutralize

    def neutralize_counted(text: str) -> str:
        measured.append(len(text))
        return real(text)

    monkeypatch.setattr(_plot_phases, "neutralize", neutralize_counted)
    paragraphs = ["Togashi runs fast again and again in the rain. " * 80 for _ in range(100)]
    phases = plot_phases(paragraphs)
    assert len(phases) > MAX_PHASES
    assert sum(measured) <= 3 * sum(len(p) for p in paragraphs)
