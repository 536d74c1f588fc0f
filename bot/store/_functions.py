"""filmbot's own SQL functions, registered on every connection the store opens.

The title index (``search_names``, ``search_words``) is written by SQL statements (migration 0012 and
``bot/store/search.py``) that need filmbot's normalization of a name, which only Python has. These
functions bring it to SQL; they return JSON arrays, which the statements expand with ``json_each``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite

from bot.films.matching import name_keys, words


def _names(slug: str, title: str, original_title: str | None, aliases: str | None) -> str:
    """filmbot_names(slug, title, original_title, aliases as a JSON array): the film's normalized names."""
    return json.dumps(name_keys(slug, title, original_title, json.loads(aliases or "[]")), ensure_ascii=False)


def _words(name: str) -> str:
    """filmbot_words(name): the distinct words of one normalized name."""
    return json.dumps(words(name), ensure_ascii=False)


FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "filmbot_names": (4, _names),
    "filmbot_words": (1, _words),
}


async def register(conn: aiosqlite.Connection) -> None:
    """Make filmbot's SQL functions callable on ``conn``."""
    for name, (arity, function) in FUNCTIONS.items():
        await conn.create_function(name, arity, function, deterministic=True)


def register_functions(conn: sqlite3.Connection) -> None:
    """The same on a plain ``sqlite3`` connection: anything applying filmbot's migrations needs them."""
    for name, (arity, function) in FUNCTIONS.items():
        conn.create_function(name, arity, function, deterministic=True)
