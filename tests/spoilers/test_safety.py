"""Property tests for the one spoiler rendering module: nothing escapes a tag, every part fits."""

from __future__ import annotations

import re

import discord
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.spoilers import safety
from bot.spoilers.safety import MIN_LIMIT, discord_len, labelled, spoiler, spoiler_chunks
from bot.ui import limits
from tests.spoilers.checks import assert_no_spoiler_leak, leaks, payload_of, revealed, visible

# Text built to hit every trick: markdown, pipes, code fences, mentions, links, invisible characters.
TRICKS = [
    "||", "|", "`", "```", "```py\n", "\\", "\\|", "\\`", "*", "**", "_", "__", "~~", "#", "# ", "## ",
    "-# ", "> ", ">>> ", "- ", "* ", "+ ", "1. ", "2) ", "[x](https://e.com)", "https://e.com/a_b",
    "<https://e.com>", "steam://run/1", "<@123>", "<@!123>", "<@&456>", "<#789>", "@everyone", "@here",
    "<t:1:R>", "</plot:1>", "\n", "\n\n", "\r\n", "\u2028", "\u200b", "\u202e", "\u2066", "\ufeff",
    "\x00", "\x1b", "\t", "😀", "👩‍👩‍👧", "𝔘", "e\u0301", " ", "Togashi", "Komiya", "wins",
]  # fmt: skip
tricky_text = st.lists(st.one_of(st.sampled_from(TRICKS), st.text(max_size=12)), max_size=60).map("".join)
long_text = st.builds(lambda part, n: part * n, tricky_text, st.integers(1, 80))
any_text = st.one_of(st.text(), tricky_text, long_text)
any_limit = st.one_of(
    st.integers(MIN_LIMIT, 64), st.sampled_from([limits.EMBED_FIELD_VALUE, limits.EMBED_DESCRIPTION, 2000])
)

_UNESCAPED = r"(?<!\\)(?:\\\\)*"


def _strip_ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _expected(text: str) -> str:
    """What the reader should find under the tags: the cleaned text with its look-alikes."""
    cleaned = safety._clean(text)
    return _strip_ws(cleaned.replace("|", safety.PIPE_STANDIN).replace("`", safety.BACKTICK_STANDIN))


def _assert_inert(part: str) -> None:
    body = part[2:-2]
    assert "|" not in body and "`" not in body
    assert "://" not in body
    assert not re.search(r"@(everyone|here)", body, re.IGNORECASE)
    for char in "<[]*_~#>":
        assert not re.search(_UNESCAPED + re.escape(char), body), char
    # Only lines after the first start a line: the first follows the opening tag.
    for line in body.split("\n")[1:]:
        assert not re.match(r"\s*(?:[-+]|\d+[.)])(?:\s|$)", line), line
    # No character Discord would drop, reorder or hide around the tags.
    assert not any(ch in body for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
    assert not body.endswith("\\") or body.endswith("\\\\")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy CI
@given(text=any_text, limit=any_limit)
@example(text="||a||b`c`||", limit=MIN_LIMIT)
@example(text="x" * 5000, limit=limits.EMBED_FIELD_VALUE)
@example(text="```\n||spoiler||\n```", limit=20)
def test_every_part_is_tagged_inert_and_within_limit(text: str, limit: int) -> None:
    parts = spoiler_chunks(text, limit)
    for part in parts:
        assert part.startswith("||") and part.endswith("||") and len(part) > 4
        assert discord_len(part) <= limit
        assert visible(part) == ""
        _assert_inert(part)
    joined = "\n".join(parts)
    # Shown together (as in a description), still nothing visible but the line breaks between parts.
    assert visible(joined).strip() == ""
    # Nothing lost, nothing added: what the tags hide is the text (whitespace aside).
    assert _strip_ws(revealed(joined)).replace(safety.ZWSP, "") == _expected(text)


@given(text=any_text, limit=st.integers(MIN_LIMIT + 1, 300))
def test_single_part_fits_and_hides_everything(text: str, limit: int) -> None:
    part = spoiler(text, limit)
    assert discord_len(part) <= limit
    assert visible(part) == ""


@given(label=st.sampled_from(["Premise", "High school", "The final race"]), text=any_text)
def test_labelled_parts_show_only_the_label(label: str, text: str) -> None:
    parts = labelled(label, text, limits.EMBED_FIELD_VALUE)
    for index, part in enumerate(parts):
        assert discord_len(part) <= limits.EMBED_FIELD_VALUE
        assert visible(part) == (f"{label}: " if index == 0 else "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(alphabet=st.sampled_from("ab |`\n*<@>"), min_size=1).map(lambda t: "w " + t)
       | tricky_text.filter(lambda t: len(t.split()) >= 4), min_size=1, max_size=4))  # fmt: skip
def test_embed_of_spoiler_fields_passes_the_spoiler_test(texts: list[str]) -> None:
    embed = discord.Embed(title="100 Meters (2025)", description="The premise, in the clear.")
    for number, text in enumerate(texts):
        for part in spoiler_chunks(text):
            embed.add_field(name=f"Phase {number}", value=part, inline=False)
    assert_no_spoiler_leak(payload_of(embeds=[embed]), texts, allowed=["The premise, in the clear."])


def test_neutralizes_the_known_tricks() -> None:
    text = "ends || early `code` ```x``` <@1> <@&2> <#3> @everyone [x](https://e.com) https://e.com\n# H\n> q\n- l"
    (part,) = spoiler_chunks(text)
    assert part.startswith("||ends ¦¦ early ˋcodeˋ ˋˋˋxˋˋˋ \\<@1\\> \\<@&2\\> \\<\\#3\\> @\u200beveryone")
    assert "https:\u200b//e.com" in part
    assert "\n\\# H\n\\> q\n\\- l||" in part
    assert spoiler_chunks("   \n\u200b\n ") == []


def test_long_text_splits_at_word_boundaries() -> None:
    text = " ".join(f"word{i}" for i in range(600))
    parts = spoiler_chunks(text, limits.EMBED_FIELD_VALUE)
    assert len(parts) > 1
    for part in parts:
        assert discord_len(part) <= limits.EMBED_FIELD_VALUE
        assert re.fullmatch(r"\|\|word\d+( word\d+)*\|\|", part)


def test_the_checker_catches_leaks() -> None:
    secret = "Komiya wins the final race by a hair"
    leaky = discord.Embed(title="x", description="||Komiya wins|| the final race by a hair")
    assert leaks(payload_of(embeds=[leaky]), [secret])
    fenced = discord.Embed(title="x", description=f"||`{secret}`||")
    assert visible(fenced.description or "") == secret and leaks(payload_of(embeds=[fenced]), [secret])
    unclosed = discord.Embed(title="x", description=f"||{secret}")
    assert leaks(payload_of(embeds=[unclosed]), [secret])
    in_content = payload_of(content=f"||{secret}||")
    assert leaks(in_content, [secret])  # content reaches push notifications: never even tagged
    safe = discord.Embed(title="x", description=f"||{secret}||")
    assert not leaks(payload_of(embeds=[safe]), [secret])
    assert visible("\\||a||") == "||a||"  # an escaped pipe opens nothing
