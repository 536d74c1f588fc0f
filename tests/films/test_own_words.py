"""Sentences do not carry over: the 100 Meters card's prose (plot phases, notes, tagline-free text) is in
the project's own words. No run of seven words in a row may appear in any press document, and no phase
may follow one document sentence by sentence (most of its sentences sharing a long run with it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.catalog.cards import parse_card
from tests.films.test_provenance import CARD, SOURCES, normalize

RUN = 7  # words: long enough that names and set phrases ("the 100-meter race") don't count
WORD = re.compile(r"[\w']+")


def _words(text: str) -> list[str]:
    return WORD.findall(normalize(text))


def _runs(words: list[str], size: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def copied_runs(prose: str, documents: list[str], size: int = RUN) -> list[str]:
    """The runs of ``size`` words of ``prose`` that some document also has, as text."""
    shared: set[tuple[str, ...]] = set()
    mine = _runs(_words(prose), size)
    for document in documents:
        shared |= mine & _runs(_words(document), size)
    return sorted(" ".join(run) for run in shared)


def test_copied_runs_catch_a_lifted_sentence_and_pass_a_paraphrase() -> None:
    document = "He transfers to a competitive school he bikes two hours to reach each day and climbs."
    assert copied_runs("Then he transfers to a competitive school he bikes two hours to reach.", [document])
    assert not copied_runs(
        "He cycles two hours each way to a school that takes the sport seriously.", [document]
    )


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the press documents are not on this machine")
def test_card_prose_is_in_our_own_words() -> None:
    documents = [path.read_text(encoding="utf-8") for path in sorted(Path(SOURCES).glob("*.txt"))]
    assert documents, f"no press documents in {SOURCES}"
    card = parse_card(CARD)
    prose = [(f"plot phase {section.phase!r}", section.text) for section in card.plot]
    prose += [(f"score note of {score.name!r}", score.note) for score in card.scores if score.note]
    lifted = {where: runs for where, text in prose if (runs := copied_runs(text, documents))}
    assert not lifted, f"text copied from a press document: {lifted}"
