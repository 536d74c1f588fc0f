"""A property of the Wikidata mapping: whatever mix of ranks an item's statements have, a deprecated value
never shows, and when any statement of a property is preferred only the preferred ones do."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.enrich._wikidata_map import ItemMapper
from tests.enrich.wikidata_server import item, item_snak, quantity_snak, statement, string_snak

RANKS = st.sampled_from(("normal", "preferred", "deprecated"))


def _expected(ranked: list[tuple[int, str]]) -> set[int]:
    kept = [(n, r) for n, r in ranked if r != "deprecated"]
    preferred = [n for n, r in kept if r == "preferred"]
    return set(preferred) if preferred else {n for n, _ in kept}


@settings(max_examples=200, deadline=None)
@given(
    directors=st.lists(RANKS, max_size=6),
    runtimes=st.lists(RANKS, max_size=4),
    scores=st.lists(RANKS, max_size=4),
)
def test_best_rank_wins_and_deprecated_never_shows(
    directors: list[str], runtimes: list[str], scores: list[str]
) -> None:
    labels = {f"Q{100 + n}": f"Director {n}" for n in range(len(directors))}
    labels |= {f"Q{200 + n}": f"Site {n}" for n in range(len(scores))}
    claims = [statement(item_snak("P57", f"Q{100 + n}"), rank=rank) for n, rank in enumerate(directors)]
    claims += [
        statement(quantity_snak("P2047", f"+{90 + n}", "Q7727"), rank=rank) for n, rank in enumerate(runtimes)
    ]
    claims += [
        statement(string_snak("P444", f"{50 + n}%"), rank=rank, qualifiers=[item_snak("P447", f"Q{200 + n}")])
        for n, rank in enumerate(scores)
    ]
    mapped = ItemMapper(item("Q1", "A film", claims), labels, "wikidata", date(2026, 3, 27)).map()
    assert {c.person for c in mapped.credits} == {
        f"Director {n}" for n in _expected(list(enumerate(directors)))
    }
    assert {f.value for f in mapped.facts if f.key == "runtime_minutes"} == {
        str(90 + n) for n in _expected(list(enumerate(runtimes)))
    }
    assert {s.name for s in mapped.scores} == {f"Site {n}" for n in _expected(list(enumerate(scores)))}
