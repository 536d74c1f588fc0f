"""Adversarial option values for the fuzz run (``benchmarks/fuzz.py``), deterministic for a seed.

A fixed corpus first (every input issue 16 names, and the classics: huge numbers, exotic digits, mentions,
markdown and spoiler bars, zero-width and bidi characters, very long strings, Discord timestamps, empty),
then random compositions of its pieces with random characters of every script. Lone surrogates are left
out: Discord's JSON is UTF-8 and cannot carry them.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from collections.abc import Iterator

HUGE = [
    "9" * 56 + "d", "9" * 60, "-" + "9" * 40, "9" * 5000, "1e308", "1e-308", "inf", "-inf", "nan", "NaN",
    "0", "-0", "00", "-1", "1", str(2**53), str(2**53 + 1), str(-(2**53)), str(2**63), str(2**64),
    "0.1", "0.5", "10.0", "7.3", "1_000", "0x10", "1e3", "1,5", "٣", "²", "¹²³", "١٢٣", "５", "Ⅻ", "𝟗", "߁",
]  # fmt: skip
MENTIONS = [
    "@everyone", "@here", "<@123>", "<@!123>", "<@&123>", "<#123>", "<@1100000000000000003>",
    "@everyone hi <@&1>", "<:emoji:123>", "</film:123>",
]  # fmt: skip
MARKDOWN = [
    "||spoiler||", "||", "|| a || b ||", "**bold**", "*", "_", "`", "```", "```py\nx\n```", "~~x~~",
    "> quote", "# heading", "-# small", "[link](https://example.com)", "<https://example.com>", "\\",
    "\\|\\|", "||\\||", "¦¦",
]  # fmt: skip
INVISIBLE = [
    "\u200b", "\u200b\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u202egnp.exe",
    "\u2066x\u2069", "\u061c", "\u180e", "\u3164", "\u115f", "\u034f", "\U000e0001",
]  # fmt: skip
TIMES = [
    "<t:0>", "<t:-99999999999999>", "<t:99999999999999999>", "<t:1767225600:F>", "<t:1767225600:R>",
    "<t:>", "<t:abc>", "9999-12-31 23:59", "0001-01-01 00:30", "9999-12-31T23:59:00-05:00",
    "2026-02-30 20:00", "2026-12-05 20:00+99:00", "25:00", "24:00", "13pm", "in 9999999999 days",
    "in 99999999999999999 weeks", "1.5h", "0m", "-1d", "in -5 minutes", "tomorrow 25:00", "now",
    "yesterday", "1d,1h,10m", "1d 1h 10m 5m 1m 2m", "in 2 hours", "friday 8pm", "2026-03-29 02:30",
]  # fmt: skip
EMPTY = ["", " ", "\n", "\t", "   \n "]
ODD = [
    "\x00", "\x1b[31m", "null", "None", "undefined", "true", "'", '"', "%s", "{0}", "${x}",
    "../../etc/passwd", "Robert'); DROP TABLE films;--", "🎬", "👨‍👩‍👧‍👦", "Z̴͉̈a̷l̵g̶o̸", "ﷺ", "𒐫",
    "A" * 100, "A" * 101, "A" * 4000, "A" * 6000, "A" * 6001, "a;b", ";;;", "a;a", "Heat;Heat\u200b",
    "é;e\u0301", "\u200b;\u200b", "100-meters", "100 Meters", "Premise", "Europe/Paris", "localtime",
    "Factory", "UTC",
]  # fmt: skip
CORPUS = [*HUGE, *MENTIONS, *MARKDOWN, *INVISIBLE, *TIMES, *EMPTY, *ODD]

# Ranges random characters are drawn from: ASCII, Latin, the bidi-heavy scripts, CJK, symbols, astral.
_RANGES = [
    (0x20, 0x7E), (0x00A0, 0x024F), (0x0300, 0x036F), (0x0590, 0x06FF), (0x0900, 0x097F),
    (0x2000, 0x206F), (0x2190, 0x2BFF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xFE00, 0xFFFD),
    (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF), (0xE0000, 0xE007F), (0x0, 0x1F),
]  # fmt: skip
_SEPARATORS = [" ", "", ";", ",", ":", "\n", " and ", "; "]


def _char(rng: random.Random) -> str:
    low, high = rng.choice(_RANGES)
    while True:
        char = chr(rng.randint(low, high))
        if unicodedata.category(char) != "Cs":
            return char


def _piece(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(CORPUS)[:200]
    if kind == 1:
        return "".join(_char(rng) for _ in range(rng.randint(1, 12)))
    if kind == 2:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 80)))
    if kind == 3:
        return str(rng.randint(-(2**70), 2**70)) + rng.choice(["", "d", "h", "m", "s", "w", " days", "pm"])
    if kind == 4:
        return rng.choice(["in ", "<t:", "||", "@", "<@", "**", "\u202e", "\u200b", "tomorrow ", "#"])
    return rng.choice(["Heat", "Ronin", "100", "Meters", "Paris", "friday", "8pm", "phase", "act 1"])


def random_text(rng: random.Random, longest: int) -> str:
    """A random composition of pieces; now and then a very long one (up to ``longest``)."""
    if rng.random() < 0.03:
        return "".join(_char(rng) for _ in range(rng.randint(longest // 2, longest)))
    text = rng.choice(_SEPARATORS).join(_piece(rng) for _ in range(rng.randint(1, 6)))
    return text[:longest] if rng.random() < 0.9 else text


def texts(rng: random.Random, count: int, longest: int) -> Iterator[str]:
    """``count`` values: the corpus first (as much as fits), then random ones."""
    fixed = CORPUS if count >= len(CORPUS) else rng.sample(CORPUS, count)
    yield from fixed
    for _ in range(count - len(fixed)):
        yield random_text(rng, longest)


def numbers(rng: random.Random, count: int, low: float, high: float, whole: bool) -> Iterator[str]:
    """``count`` values for a number option: its bounds and just past them, then random numbers of every
    size (most in range), then the text corpus (which Discord's client refuses before sending)."""
    edges = [low, high, low - 1, high + 1, (low + high) / 2, 0, -1, 2**53, -(2**53)]
    values = [str(int(v)) if whole else repr(float(v)) for v in edges]
    while len(values) < count * 3 // 4:
        if rng.random() < 0.7:
            value: float = rng.uniform(low, high)
        else:
            value = rng.choice([-1, 1]) * 10 ** rng.uniform(0, 20)
        values.append(str(int(value)) if whole else rng.choice([repr(value), f"{value:.1f}", f"{value:.0f}"]))
    values += list(texts(rng, max(count - len(values), 0), 100))
    return iter(values[:count])


if __name__ == "__main__":  # a look at what the run types: python -m benchmarks._fuzz_values
    for value in texts(random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1), 300, 200):
        print(repr(value)[:120])
