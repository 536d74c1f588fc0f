"""Plot paragraphs layered into spoiler phases (pure): "Part 1 of 4" … "Part 4 of 4 (the ending)".

At most ``MAX_PHASES`` phases of even length (paragraphs merged, never split, when they fit), spoiler
levels 1..n: never a level-0 premise, since plot text is never spoiler-free. No phase outgrows one plot
message once tagged (``PHASE_LIMIT``): a longer plot gets as many phases as it needs, each filled up to
the limit, cut between paragraphs, else sentences, else words (text without spaces, anywhere). Sizes
are measured as Discord counts the neutralized text (``bot.spoilers.safety``), once per piece, so even an
absurdly long plot is layered in time linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.films.models import PlotSection
from bot.spoilers.safety import discord_len, neutralize

# Most phases a plot is layered into, unless its length needs more to fit Discord's limits.
MAX_PHASES = 4
# The longest phase, measured as Discord counts its neutralized text (escapes included): with its spoiler
# tags, the cuts into 1,024-unit fields, their names, the title, attribution and footer, one phase always
# fits one embed's 6,000 units (``tests/enrich/test_plot_text.py`` renders one at the limit).
PHASE_LIMIT = 3600
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’)\]])\s+")
_PARAGRAPH = "\n\n"


def _size(text: str) -> int:
    return discord_len(neutralize(text))


def _fill(units: Sequence[str], sizes: Sequence[int], joiner: str, limit: int) -> list[tuple[str, int]]:
    """Consecutive ``units`` joined into groups of at most ``limit`` (by the sum of their sizes)."""
    gap = _size(joiner) if joiner.strip() else len(joiner)
    groups: list[tuple[list[str], int]] = []
    for unit, size in zip(units, sizes, strict=True):
        if groups and groups[-1][1] + gap + size <= limit:
            groups[-1][0].append(unit)
            groups[-1] = (groups[-1][0], groups[-1][1] + gap + size)
        else:
            groups.append(([unit], size))
    return [(joiner.join(parts), size) for parts, size in groups]


def _pieces(paragraph: str, limit: int) -> list[tuple[str, int]]:
    """A paragraph as ``(piece, size)`` that each fit ``limit``: whole, else cut between sentences, else
    between words, else (no space at all) anywhere."""
    size = _size(paragraph)
    if size <= limit:
        return [(paragraph, size)]
    for pattern in (_SENTENCE, re.compile(" ")):
        units = [u for u in pattern.split(paragraph) if u]
        if len(units) > 1:
            pieces = [piece for unit in units for piece in _pieces(unit, limit)]  # long units cut further
            return _fill([p for p, _ in pieces], [s for _, s in pieces], " ", limit)
    step = max(1, limit // 4)  # an escape or an astral character at most doubles a character's size
    return [(paragraph[i : i + step], _size(paragraph[i : i + step])) for i in range(0, len(paragraph), step)]


def _even(sizes: Sequence[int], count: int) -> list[int]:
    """Where ``count`` contiguous groups of ``sizes`` start, minimizing the largest (linear partition;
    ``count`` is at most ``MAX_PHASES``, so quadratic in the pieces is cheap)."""
    n = len(sizes)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(count + 1)]  # best[k][i]: first i pieces in k groups
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


def _texts(paragraphs: Sequence[str], limit: int) -> list[str]:
    pieces = [piece for paragraph in paragraphs for piece in _pieces(paragraph, limit)]
    if not pieces:
        return []
    texts, sizes = [p for p, _ in pieces], [s for _, s in pieces]
    gap = len(_PARAGRAPH)
    starts = _even([s + gap for s in sizes], min(MAX_PHASES, len(pieces)))
    bounds = list(zip(starts, [*starts[1:], len(pieces)], strict=True))
    if all(sum(sizes[a:b]) + gap * (b - a - 1) <= limit for a, b in bounds):
        return [_PARAGRAPH.join(texts[a:b]) for a, b in bounds]
    return [text for text, _ in _fill(texts, sizes, _PARAGRAPH, limit)]  # too long for a handful of phases


def plot_phases(paragraphs: Sequence[str], limit: int = PHASE_LIMIT) -> tuple[PlotSection, ...]:
    """The paragraphs as successive spoiler phases (see the module's docstring); positions and spoiler
    levels 1..n."""
    texts = _texts(paragraphs, limit)
    return tuple(
        PlotSection(position=index, phase=phase_name(index, len(texts)), spoiler_level=index, text=text)
        for index, text in enumerate(texts, start=1)
    )
