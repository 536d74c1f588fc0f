"""Text a member typed, in one canonical form before it is checked, compared, stored or shown.

Pure (no Discord), so services use it. ``normalize`` is the one rule for a one-line label (a poll's
question and options, a watch party's place and note); ``clean`` applies the same character rule to
longer text whose lines and spacing are the member's own (a rating's review); ``label`` and
``optional_text`` refuse text that normalizes to nothing with a clear answer; ``fold`` is the key two
labels are compared by ("Heat" and "heat" are the same option).

The rule, in order:

* characters that never show are removed: bidirectional controls (U+202E would turn ``gnp.exe`` into
  "exe.png"), zero-width and other format characters (U+200B, U+2060, U+FEFF, the soft hyphen…),
  control characters, lone surrogates (SQLite cannot store them) and the invisible joiners U+034F,
  U+17B4 and U+17B5;
* the zero-width joiner and non-joiner stay only where they change what is drawn: between two emoji
  (👩‍💻) or between two letters of a script that joins or forms conjuncts (Arabic, Persian, the Indic
  scripts…); variation selectors stay only after a character they can change (❤️, not ``e``+VS16);
  emoji tag characters stay only in a flag's tag sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿);
* the result is NFC (``e`` + U+0301 and ``é`` are one text);
* every run of whitespace, including the letters that draw as nothing (Hangul fillers, the blank braille
  pattern), becomes one space, and the ends are trimmed.
"""

from __future__ import annotations

import unicodedata

from bot.errors import BadInput

ZWNJ = "\u200c"
ZWJ = "\u200d"
# Explicit bidirectional formatting: embeddings, overrides, isolates and the marks.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters that draw as an empty space: read as whitespace.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Default-ignorable marks (category Mn) that draw nothing.
INVISIBLE_MARKS = frozenset("\u034f\u17b4\u17b5")
# Format characters (category Cf) that are visible: prepended concatenation marks (Arabic number signs).
VISIBLE_FORMAT = frozenset(
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
)
BLACK_FLAG = "\U0001f3f4"
KEYCAP = "\u20e3"
KEYCAP_BASES = "0123456789#*"

# Scripts where ZWJ/ZWNJ select a joined, unjoined or conjunct form (code point ranges).
_JOINING_SCRIPTS = (
    (0x0600, 0x08FF),  # Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic extended
    (0x0900, 0x0DFF),  # Devanagari … Sinhala
    (0x0F00, 0x109F),  # Tibetan, Myanmar
    (0x1780, 0x18AF),  # Khmer, Mongolian
    (0xA840, 0xA8FF),  # Phags-pa, Saurashtra, Devanagari extended
    (0xFB50, 0xFDFF),  # Arabic presentation forms A
    (0xFE70, 0xFEFE),  # Arabic presentation forms B
    (0x10A00, 0x10A5F),  # Kharoshthi
    (0x11000, 0x11FFF),  # Brahmi and the other historic Indic scripts
)


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _is_tag(char: str) -> bool:
    return 0xE0020 <= ord(char) <= 0xE007F


def _is_emoji(char: str) -> bool:
    """Emoji and the characters that build emoji sequences (close enough without the emoji data files)."""
    code = ord(char)
    if char == "\ufe0f" or 0x1F000 <= code <= 0x1FAFF:
        return True
    return 0x2000 <= code < 0x3300 and unicodedata.category(char) == "So" and char not in BLANK_LETTERS


def _in_joining_script(char: str) -> bool:
    code = ord(char)
    in_script = any(low <= code <= high for low, high in _JOINING_SCRIPTS)
    return in_script and unicodedata.category(char)[0] in "LM"


def _always_removed(char: str) -> bool:
    """Characters that never draw anything, wherever they stand."""
    if char in BIDI_CONTROLS or char in INVISIBLE_MARKS:
        return True
    category = unicodedata.category(char)
    if category == "Cf":
        return char not in VISIBLE_FORMAT and char not in (ZWJ, ZWNJ) and not _is_tag(char)
    if category == "Cc":
        return not char.isspace()
    return category == "Cs"


def _joins(before: str, char: str, after: str) -> bool:
    """Does this ZWJ/ZWNJ between ``before`` and ``after`` change what is drawn?"""
    if not before or not after:
        return False
    if char == ZWJ and _is_emoji(before) and _is_emoji(after):
        return True
    return _in_joining_script(before) and _in_joining_script(after)


def _modifies(before: str, char: str, after: str) -> bool:
    """Does this variation selector or tag character belong to the character before it?"""
    if _is_tag(char):
        return before == BLACK_FLAG or (before != "" and _is_tag(before))
    if before and before in KEYCAP_BASES:
        return after == KEYCAP  # 1️⃣ is 1, VS16, the enclosing keycap
    return not before.isascii() and not before.isspace() and not _is_variation_selector(before)


def _visible(text: str) -> list[str]:
    """``text`` without what never shows, with joiners and selectors kept only where they act."""
    chars = [c for c in text if not _always_removed(c)]
    out: list[str] = []
    for index, char in enumerate(chars):
        before = out[-1] if out else ""
        after = chars[index + 1] if index + 1 < len(chars) else ""
        if char in (ZWJ, ZWNJ):
            if not _joins(before, char, after):
                continue
        elif (_is_variation_selector(char) or _is_tag(char)) and not _modifies(before, char, after):
            continue
        out.append(" " if char in BLANK_LETTERS else char)
    return out


def normalize(text: str) -> str:
    """A one-line label in canonical form: invisible characters removed, NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", "".join(_visible(text))).split())


def clean(text: str) -> str:
    """Longer text (a review): the same characters removed and NFC, its lines and spacing kept (any line
    break becomes ``\n``, any other whitespace a space), trailing spaces and blank ends trimmed."""
    lines = unicodedata.normalize("NFC", "".join(_visible(text))).splitlines()
    spaced = ("".join(" " if c.isspace() else c for c in line).rstrip() for line in lines)
    return "\n".join(spaced).strip()


def fold(text: str) -> str:
    """The key two normalized labels are compared by: case-insensitive, still NFC."""
    return unicodedata.normalize("NFC", text.casefold())


def blank_error(what: str) -> BadInput:
    """The answer to text that normalizes to nothing: ``what`` ("The question") is blank."""
    return BadInput(
        f"{what} is blank: it has only spaces or characters that don't show (zero-width or direction marks).",
        hints=["Type it with letters, digits or emoji."],
    )


def _checked(value: str, what: str, limit: int) -> str:
    if not value:
        raise blank_error(what)
    if len(value) > limit:
        raise BadInput(f"{what} can be at most {limit} characters; it has {len(value)}.")
    return value


def label(text: str, what: str, limit: int) -> str:
    """``normalize(text)``, refused with a clear answer when blank or longer than ``limit`` characters."""
    return _checked(normalize(text), what, limit)


def optional_text(text: str | None, what: str, limit: int, *, one_line: bool = True) -> str | None:
    """An optional field: None when not given; otherwise normalized (``clean`` for several lines) and
    refused when it is blank or too long."""
    if text is None or not text.strip():
        return None
    return _checked(normalize(text) if one_line else clean(text), what, limit)
