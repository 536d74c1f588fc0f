"""Placeholders: the repositories' ``?``, ``?NNN`` and ``:name`` numbered as PostgreSQL's ``$1``, ``$2``…"""

from __future__ import annotations

import functools
import re
from typing import Any

from bot.store._session import Params

# Quoted text and comments (left as they are), ``::`` casts, and the two kinds of placeholder.
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|::|\?([0-9]+)?|:([A-Za-z_][A-Za-z0-9_]*)""")


@functools.lru_cache(maxsize=4096)
def _translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """``sql`` with numbered placeholders, and the names in number order (None: positional ``?``)."""
    names: list[str] = []
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        if match.group(1) is not None:  # ?NNN: SQLite's numbered parameter, PostgreSQL's $NNN
            positional = max(positional, int(match.group(1)))
            return f"${match.group(1)}"
        name = match.group(2)
        if name is None:
            return token
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _TOKEN.sub(number, sql)
    if names and positional:
        raise ValueError("a statement mixes ? and :name placeholders")
    return text, tuple(names) if names else None


def numbered(sql: str, params: Params) -> tuple[str, tuple[Any, ...] | list[Any]]:
    """The statement as PostgreSQL takes it, and its arguments in placeholder order."""
    text, names = _translate(sql)
    if isinstance(params, dict):
        return text, [params[name] for name in names or ()]
    return text, params
