"""Making member-typed or stored text safe to show: no pings, no markdown tricks, within limits."""

from __future__ import annotations

import re

import discord

ELLIPSIS = "…"
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def plain(text: str, limit: int | None = None) -> str:
    """Show text literally: markdown escaped, mentions (``@everyone``, ``<@id>``, ``<@&id>``) defused."""
    escaped = discord.utils.escape_markdown(text, as_needed=False)
    escaped = discord.utils.escape_mentions(escaped)
    escaped = _MENTION.sub(lambda m: f"<{m.group(1)}\u200b{m.group(2)}>", escaped)
    return truncate(escaped, limit) if limit is not None else escaped


def one_line(text: str) -> str:
    return " ".join(text.split())


def join_limited(items: list[str], limit: int, sep: str = "\n") -> str:
    """Join as many items as fit in ``limit`` characters, then say how many were left out."""
    out: list[str] = []
    used = 0
    for index, item in enumerate(items):
        remaining = len(items) - index - 1
        tail = f"{sep}{ELLIPSIS} and {remaining} more" if remaining else ""
        piece = (sep if out else "") + item
        if used + len(piece) + len(tail) <= limit:
            out.append(item)
            used += len(piece)
            continue
        left = len(items) - index
        more = f"{ELLIPSIS} and {left} more"
        while out and used + len(sep) + len(more) > limit:
            dropped = out.pop()
            used -= len(dropped) + (len(sep) if out else 0)
            left += 1
            more = f"{ELLIPSIS} and {left} more"
        if not out:
            return truncate(items[0], limit) if len(items) == 1 else truncate(more, limit)
        return sep.join(out) + sep + more
    return sep.join(out)
