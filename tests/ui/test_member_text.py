"""The one normalization for member text: property tests (hypothesis) and the issue's own examples."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.polls.checks import check_question, parse_options
from bot.scores.service import parse_review
from bot.ui.member_text import (
    BIDI_CONTROLS,
    BLANK_LETTERS,
    VISIBLE_FORMAT,
    ZWJ,
    ZWNJ,
    clean,
    fold,
    label,
    normalize,
)

# What never shows in running text (joiners included: between Latin letters they join nothing).
INVISIBLE = [
    "\u200b",  # zero-width space
    ZWNJ,
    ZWJ,
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space (BOM)
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u180e",  # Mongolian vowel separator
    "\u2061",  # function application
    *sorted(BIDI_CONTROLS),
]
WHITESPACE = [" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u3164", "\u2800"]
# Visible text (no semicolon: it separates poll options): Latin (with precomposed accents), Greek, Cyrillic, CJK, digits, punctuation, spaces.
VISIBLE = st.text(
    st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:!?'-()")
        + list("éèüñçÅøßœ")
        + list("αβγΔΩжЖщЯ")
        + list("映画祭東京")
    ),
    max_size=40,
)


def _disguised(draw: st.DrawFn, text: str) -> str:
    """``text`` as it may arrive: decomposed, invisible characters sprinkled in, other whitespace."""
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    out = [draw(st.sampled_from([*WHITESPACE, *INVISIBLE, ""]))]
    for char in text:
        out.append(draw(st.sampled_from(WHITESPACE)) if char == " " else char)
        out.extend(draw(st.lists(st.sampled_from(INVISIBLE), max_size=2)))
    out.append(draw(st.sampled_from([*WHITESPACE, ""])))
    return "".join(out)


@st.composite
def look_alikes(draw: st.DrawFn) -> tuple[str, str]:
    text = draw(VISIBLE)
    return text, _disguised(draw, text)


# Any text at all (surrogates included), and text dense in the characters the rule treats specially.
PIECES = [*INVISIBLE, *WHITESPACE, "a", "1", "é", "e\u0301", "👩", "💻", "❤", "\ufe0f", "\u20e3", "ی", "م"]
PIECES += ["\U0001f3f4", "\U000e0067", "\U000e007f", "\u0600", "\x00", "\x1b", "\ud800"]
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60) | st.lists(
    st.sampled_from(PIECES), max_size=30
).map("".join)


def _stray(text: str) -> list[str]:
    """Characters in normalized text that should not be there."""
    found = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS or category in ("Cc", "Cs") or char in BLANK_LETTERS:
            found.append(char)
        elif char in (ZWJ, ZWNJ):
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isascii() or after.isascii() or before.isspace() or after.isspace():
                found.append(char)
        elif category == "Cf" and char not in VISIBLE_FORMAT and not 0xE0020 <= ord(char) <= 0xE007F:
            found.append(char)
    return found


@settings(max_examples=400)
@given(ANY_TEXT)
def test_normalized_text_has_no_controls_is_nfc_and_is_stable(text: str) -> None:
    out = normalize(text)
    assert _stray(out) == []
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip() and "  " not in out and all(c == " " or not c.isspace() for c in out)
    assert normalize(out) == out


@settings(max_examples=400)
@given(look_alikes())
def test_texts_that_render_alike_are_equal_once_normalized(pair: tuple[str, str]) -> None:
    text, disguised = pair
    assert normalize(disguised) == normalize(text)
    assert fold(normalize(disguised.upper())) == fold(normalize(text))


@settings(max_examples=200)
@given(st.text(st.sampled_from(INVISIBLE + WHITESPACE), min_size=1, max_size=20))
def test_text_of_only_invisible_characters_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match="blank"):
        label(text, "The question", 200)


@settings(max_examples=200)
@given(look_alikes().filter(lambda pair: normalize(pair[0]) != ""))
def test_look_alike_options_are_one_option(pair: tuple[str, str]) -> None:
    text, disguised = pair
    if len(normalize(text)) > 80:
        return
    with pytest.raises(BadInput, match="given twice"):
        parse_options(f"{text};{disguised}")


@settings(max_examples=200)
@given(ANY_TEXT)
def test_a_review_keeps_its_lines_but_loses_its_controls(text: str) -> None:
    out = clean(text)
    assert all(_stray(line) == [] for line in out.split("\n"))
    assert unicodedata.is_normalized("NFC", out) and out == out.strip()
    assert clean(out) == out


@pytest.mark.parametrize(
    ("options", "twice"),
    [("Heat;Heat\u200b", "Heat"), ("é;e\u0301", "é"), ("Ronin; \u202eRonin", "Ronin"), ("A;a\u2060", "a")],
)
def test_the_issues_duplicates_are_caught(options: str, twice: str) -> None:
    with pytest.raises(BadInput, match=f"“{twice}” is given twice"):
        parse_options(options)


def test_options_of_only_zero_width_characters_are_refused() -> None:
    with pytest.raises(BadInput, match="An option is blank"):
        parse_options("Heat;\u200b\u200c\u200d")
    assert parse_options("Heat; ;Ronin;") == ("Heat", "Ronin")  # empty parts are just extra semicolons


def test_a_right_to_left_override_cannot_disguise_a_question() -> None:
    assert check_question("Open \u202egnp.exe please") == "Open gnp.exe please"
    with pytest.raises(BadInput, match="blank"):
        check_question("\u202e\u200b \u2066")


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d💻",  # woman technologist: one emoji
        "❤\ufe0f\u200d🔥",  # heart on fire
        "1\ufe0f\u20e3",  # keycap one
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # flag of Scotland
        "می\u200cخواهم",  # Persian: the non-joiner keeps the two parts apart
        "क्\u200dष",  # Devanagari: the joiner selects a half form
        "\u0600\u0661\u0662",  # Arabic number sign: a visible format character
    ],
)
def test_joiners_and_selectors_stay_where_they_change_what_is_drawn(text: str) -> None:
    assert normalize(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("He\u200dat", "Heat"), ("Heat\ufe0f", "Heat"), ("\ufe0fHeat", "Heat"), ("a\U000e0067", "a")],
)
def test_joiners_and_selectors_that_act_on_nothing_go(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_a_review_keeps_its_content_and_lines() -> None:
    review = "Heat\u200b is \u202elong\u202c.\r\n\r\nStill: e\u0301pique.  "
    assert parse_review(review) == "Heat is long.\n\nStill: épique."
    assert parse_review("   ") is None
    with pytest.raises(BadInput, match="Your review is blank"):
        parse_review("\u200b\u2066\u2069")
