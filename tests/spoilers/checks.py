"""The spoiler test, usable by any feature's tests: what would a member see without opening a spoiler?

``segments`` is a deliberately conservative model of Discord's markdown: a backslash escapes the next
non-alphanumeric character; a backtick code span is always visible, even inside a spoiler (spoilers
do not reliably span code); ``||`` opens a spoiler only when a later ``||`` closes it.

``assert_no_spoiler_leak`` checks a message payload (the dict Discord receives, or one built with
``payload_of``): no run of ``RUN`` consecutive words of any spoiler text may be visible in the
content, the embed title/author/footer/field names, components or attachments (not even inside
``||``: those places reach push notifications and previews), nor outside ``||…||`` in an embed
description or field value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import discord

from bot.spoilers.safety import BACKTICK_STANDIN, PIPE_STANDIN, ZWSP

RUN = 4
_WORD = re.compile(r"\w+")


def segments(markdown: str) -> list[tuple[str, bool]]:
    """``markdown`` as ``(rendered text, hidden)`` runs, escapes resolved."""
    out: list[tuple[str, bool]] = []
    hidden = False
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(("".join(buffer), hidden))
            buffer.clear()

    i = 0
    n = len(markdown)
    while i < n:
        ch = markdown[i]
        if ch == "\\" and i + 1 < n and not markdown[i + 1].isalnum() and not markdown[i + 1].isspace():
            buffer.append(markdown[i + 1])
            i += 2
            continue
        if ch == "`":
            run = len(markdown[i:]) - len(markdown[i:].lstrip("`"))
            closing = re.compile(rf"(?<!`)`{{{run}}}(?!`)")
            match = closing.search(markdown, i + run)
            if match is None:
                buffer.append("`" * run)
                i += run
                continue
            flush()
            out.append((markdown[i + run : match.start()], False))
            i = match.end()
            continue
        if markdown.startswith("||", i):
            if hidden:
                flush()
                hidden = False
                i += 2
                continue
            if _has_closing(markdown, i + 2):
                flush()
                hidden = True
                i += 2
                continue
            buffer.append("||")
            i += 2
            continue
        buffer.append(ch)
        i += 1
    flush()
    return out


def _has_closing(markdown: str, start: int) -> bool:
    i = start
    while i < len(markdown) - 1:
        if markdown[i] == "\\":
            i += 2
            continue
        if markdown.startswith("||", i):
            return True
        i += 1
    return False


def visible(markdown: str) -> str:
    """What a member sees before opening any spoiler."""
    return "".join(text for text, hidden in segments(markdown) if not hidden)


def revealed(markdown: str) -> str:
    """What the spoilers hide, in order."""
    return "".join(text for text, hidden in segments(markdown) if hidden)


def words(text: str) -> list[str]:
    text = text.replace(PIPE_STANDIN, "|").replace(BACKTICK_STANDIN, "`").replace(ZWSP, "")
    return _WORD.findall(text.lower())


def runs(text: str, size: int = RUN) -> set[tuple[str, ...]]:
    found = words(text)
    if not found:
        return set()
    if len(found) < size:
        return {tuple(found)}
    return {tuple(found[i : i + size]) for i in range(len(found) - size + 1)}


def payload_of(
    *,
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> dict[str, Any]:
    """The message payload discord.py would send for these arguments."""
    return {
        "content": content,
        "embeds": [embed.to_dict() for embed in embeds],
        "components": view.to_components() if view is not None else [],
    }


def _places(payload: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """``(where, markdown, may_hide)`` for every text a payload shows."""
    if payload.get("content"):
        yield "content", payload["content"], False
    for name in ("thread_name", "name"):
        if payload.get(name):
            yield name, payload[name], False
    for e, embed in enumerate(payload.get("embeds") or ()):
        yield from _embed_places(embed, f"embed {e}")
    yield from _component_places(payload.get("components") or (), "component")
    for a, attachment in enumerate(payload.get("attachments") or ()):
        for key in ("filename", "description", "title"):
            if attachment.get(key):
                yield f"attachment {a} {key}", str(attachment[key]), False


def _embed_places(embed: dict[str, Any], where: str) -> Iterator[tuple[str, str, bool]]:
    if embed.get("title"):
        yield f"{where} title", embed["title"], False
    if (embed.get("author") or {}).get("name"):
        yield f"{where} author", embed["author"]["name"], False
    if (embed.get("footer") or {}).get("text"):
        yield f"{where} footer", embed["footer"]["text"], False
    if embed.get("description"):
        yield f"{where} description", embed["description"], True
    for f, field in enumerate(embed.get("fields") or ()):
        yield f"{where} field {f} name", field.get("name") or "", False
        yield f"{where} field {f} value", field.get("value") or "", True


def _component_places(components: Iterable[dict[str, Any]], where: str) -> Iterator[tuple[str, str, bool]]:
    for c, component in enumerate(components):
        here = f"{where} {c}"
        for key in ("label", "placeholder", "content", "title"):
            if component.get(key):
                yield f"{here} {key}", str(component[key]), key == "content"
        for o, option in enumerate(component.get("options") or ()):
            yield f"{here} option {o} label", option.get("label") or "", False
            if option.get("description"):
                yield f"{here} option {o} description", option["description"], False
        yield from _component_places(component.get("components") or (), here)


def leaks(payload: dict[str, Any], spoiler_texts: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """Where a run of spoiler words is visible; empty when the payload is spoiler-safe."""
    allowed_runs: set[tuple[str, ...]] = set()
    for text in allowed:
        allowed_runs |= runs(text)
    secret: set[tuple[str, ...]] = set()
    for text in spoiler_texts:
        secret |= runs(text) - allowed_runs
    found = []
    for where, markdown, may_hide in _places(payload):
        shown = visible(markdown) if may_hide else "".join(text for text, _ in segments(markdown))
        hit = runs(shown) & secret
        if hit:
            found.append(f"{where}: {' '.join(sorted(hit)[0])!r}")
    return found


def assert_no_spoiler_leak(
    payload: dict[str, Any], spoiler_texts: Iterable[str], allowed: Iterable[str] = ()
) -> None:
    """Fail when any run of spoiler words would be visible without opening a spoiler.

    ``allowed`` texts (the premise, say) are shown in the clear on purpose: runs they share with a
    spoiler text are not counted.
    """
    found = leaks(payload, list(spoiler_texts), list(allowed))
    assert not found, "spoiler text visible outside ||…||: " + "; ".join(found)
