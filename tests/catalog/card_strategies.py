"""Hypothesis strategies for film cards ``filmbot films check`` accepts, at and near every bound it sets.

``cards()`` draws the mapping a card's TOML parses into: any title, many credits, long values, many
sources, many plot sections at every level, scores at the edges of their scales.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from bot.catalog import cards, values
from bot.films.models import CREDIT_ROLES, FACT_KEYS

SLUG = "any-film"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Text Discord's markdown or mentions could act on: every view must show it inertly and within limits.
TRICKS = ["||", "`", "```", "*", "_", "~~", "@everyone", "<@123456789012345678>", "<#1>", "# ", "> ", "- ",
          "[x](https://example.com)", "https://example.com", "\\", "\U0001f3c3", "\u200b", "e\u0301"]  # fmt: skip
_VISIBLE = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn"))
_INLINE = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), blacklist_characters=BIDI + "\x85"
)
_PIECE = st.one_of(st.sampled_from(TRICKS), st.text(_INLINE, max_size=12))


def line(limit: int) -> st.SearchStrategy[str]:
    """One line of text that shows something, at most ``limit`` characters: short, or filled to the limit."""
    short = st.builds(lambda v, rest: (v + "".join(rest))[:limit], _VISIBLE, st.lists(_PIECE, max_size=6))
    full = st.builds(
        lambda v, rest: (v + "".join(rest) * limit)[:limit],
        _VISIBLE,
        st.lists(_PIECE, min_size=1, max_size=4),
    )
    return st.one_of(short, full)


def paragraphs(limit: int) -> st.SearchStrategy[str]:
    """Plot text: lines and blank lines, up to ``limit`` characters."""
    para = st.lists(line(200), min_size=1, max_size=4).map(" ".join)
    return st.builds(
        lambda ps, n: ("\n\n".join(ps) + "\n") * n,
        st.lists(para, min_size=1, max_size=4),
        st.integers(1, 60),
    ).map(lambda text: text[:limit])


def dates() -> st.SearchStrategy[Any]:
    """A TOML date, or the same written in quotes, within the film years and at their edges."""
    day = st.one_of(
        st.sampled_from([date(values.MIN_YEAR, 1, 1), date(values.MAX_YEAR, 12, 31)]),
        st.dates(date(values.MIN_YEAR, 1, 1), date(values.MAX_YEAR, 12, 31)),
    )
    return st.one_of(day, day.map(date.isoformat))


def _partial_date() -> st.SearchStrategy[str]:
    return (
        dates()
        .map(lambda d: d if isinstance(d, str) else d.isoformat())
        .flatmap(lambda iso: st.sampled_from([iso, iso[:7], iso[:4]]))
    )


@st.composite
def _sources(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    count = draw(st.one_of(st.integers(1, 4), st.just(cards.MAX_SOURCES)))
    sources = {}
    for n in range(count):
        table: dict[str, Any] = {
            "title": draw(line(values.MAX_NAME)),
            "kind": draw(st.sampled_from(cards.SOURCE_KINDS)),
            "as_of": draw(dates()),
        }
        if draw(st.booleans()):
            table["publisher"] = draw(line(200))
        if draw(st.booleans()):
            table["url"] = "https://example.com/" + "a" * draw(st.integers(0, 480))
        sources[f"source-{n}"] = table
    return sources


def _many(draw: st.DrawFn, base: list[dict[str, Any]], limit: int, key: str) -> list[dict[str, Any]]:
    """``base`` repeated up to ``limit`` entries, each copy's ``key`` made distinct (``name 2``, …)."""
    if not base or not draw(st.booleans()):
        return base
    total = draw(st.integers(len(base), limit))
    out = []
    for n in range(total):
        entry = dict(base[n % len(base)])
        entry[key] = f"{entry[key][: values.MAX_NAME - 6]} {n}"
        out.append(entry)
    return out


@st.composite
def _facts(draw: st.DrawFn, keys: list[str]) -> list[dict[str, Any]]:
    facts = []
    for _ in range(draw(st.integers(0, 8))):
        key = draw(st.sampled_from(FACT_KEYS))
        value: Any
        if key == "runtime_minutes":
            value = draw(
                st.one_of(st.sampled_from([1, values.MAX_RUNTIME]), st.integers(1, values.MAX_RUNTIME))
            )
        elif key in cards.DATE_FACTS:
            value = draw(_partial_date())
        else:
            value = draw(line(500))
        fact = {"key": key, "value": value, "sources": draw(st.lists(st.sampled_from(keys), min_size=1))}
        if draw(st.booleans()):
            fact["detail"] = draw(line(values.MAX_NAME))
        facts.append(fact)
    texts = [f for f in facts if isinstance(f["value"], str) and f["key"] not in cards.DATE_FACTS]
    return facts + _many(draw, texts, cards.MAX_ROWS - len(facts), "value")[len(texts) :]


@st.composite
def _credits(draw: st.DrawFn, keys: list[str]) -> list[dict[str, Any]]:
    credits = []
    for _ in range(draw(st.integers(0, 8))):
        credit = {
            "person": draw(line(values.MAX_NAME)),
            "role": draw(st.sampled_from(CREDIT_ROLES)),
            "sources": draw(st.lists(st.sampled_from(keys), min_size=1)),
        }
        if draw(st.booleans()):
            credit["character"] = draw(line(values.MAX_NAME))
        credits.append(credit)
    return _many(draw, credits, cards.MAX_ROWS, "person")


@st.composite
def _score(draw: st.DrawFn, keys: list[str]) -> dict[str, Any]:
    score: dict[str, Any] = {
        "name": draw(line(100)),
        "sources": draw(st.lists(st.sampled_from(keys), min_size=1)),
    }
    if draw(st.booleans()):
        scale = draw(
            st.one_of(st.sampled_from([1, 4, 5, 10, 100, cards.MAX_SCALE]), st.floats(1, cards.MAX_SCALE))
        )
        share = draw(st.one_of(st.sampled_from([0, 1]), st.floats(0, 1)))
        score |= {"kind": "average", "scale": scale, "value": scale * share}
    else:
        score |= {"kind": "approval", "value": draw(st.one_of(st.sampled_from([0, 100]), st.floats(0, 100)))}
    if draw(st.booleans()):
        score["votes"] = draw(
            st.one_of(st.sampled_from([0, values.MAX_VOTES]), st.integers(0, values.MAX_VOTES))
        )
    if draw(st.booleans()):
        score["note"] = draw(line(values.MAX_NAME))
    if draw(st.booleans()):
        score["as_of"] = draw(dates())
    return score


@st.composite
def _plot(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Sections in story order, several premises (level 0) among them, up to every bound on plot text."""
    count = draw(st.one_of(st.integers(0, 6), st.just(cards.MAX_PLOT_SECTIONS)))
    levels = draw(st.lists(st.integers(0, cards.MAX_SPOILER_LEVEL), min_size=count, max_size=count))
    premises = draw(st.integers(0, min(count, 4)))
    levels = sorted([0] * premises + levels)[:count]
    names = draw(st.lists(line(80).filter(cards.NAMED.search), min_size=1, max_size=5))
    texts = [draw(paragraphs(cards.MAX_PLOT_TEXT)) for _ in levels]
    total = sum(map(len, texts))
    while total > cards.MAX_PLOT_TOTAL:  # within the card's total: shorten the longest section
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        cut = min(total - cards.MAX_PLOT_TOTAL, len(texts[longest]) - 1)
        texts[longest] = texts[longest][: len(texts[longest]) - cut]
        total -= cut
    return [
        {"phase": names[n % len(names)], "level": level, "text": text}
        for n, (level, text) in enumerate(zip(levels, texts, strict=True))
    ]


@st.composite
def cards_mapping(draw: st.DrawFn) -> dict[str, Any]:
    """A card, as the mapping its TOML parses into."""
    sources = draw(_sources())
    keys = sorted(sources)
    card: dict[str, Any] = {"slug": SLUG, "title": draw(line(values.MAX_NAME)), "sources": sources}
    if draw(st.booleans()):
        card["original_title"] = draw(line(values.MAX_NAME))
    if draw(st.booleans()):
        card["year"] = draw(
            st.one_of(
                st.sampled_from([values.MIN_YEAR, values.MAX_YEAR]),
                st.integers(values.MIN_YEAR, values.MAX_YEAR),
            )
        )
    if draw(st.booleans()):
        card["imdb_id"] = "tt" + "9" * draw(st.integers(7, 10))
    card["aliases"] = draw(st.lists(line(values.MAX_NAME), max_size=cards.MAX_ALIASES))
    card["facts"] = draw(_facts(keys))
    card["credits"] = draw(_credits(keys))
    card["scores"] = draw(st.lists(_score(keys), max_size=cards.MAX_SCORES))
    card["plot"] = draw(_plot())
    return card
