"""JSON film lists: an array of objects or JSON Lines, streamed one object at a time in bounded memory.

Numbers are kept as written (``parse_int=str``) and read by the same parsers as a CSV cell, so ``1e999``
or a 5,000-digit number is a value left out with its reason, never an overflow. A value longer than
``MAX_VALUE_CHARS``, nested deeper than Python's parser goes or not JSON at all makes the file unusable
(``UnusableFile``): nothing after it can be trusted, so nothing is imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from bot.catalog.importing._files import TextSource, UnusableFile
from bot.catalog.importing._items import Item
from bot.catalog.importing.tabular import film_from_fields, match_columns

# One film's JSON object is small; a value this long is a broken file, not a film.
MAX_VALUE_CHARS = 1 << 20
# A film object holds names and lists of names: anything nested deeper is not a film.
MAX_DEPTH = 3
_CHUNK = 1 << 16
_BETWEEN = re.compile(r"[ \t\r\n,]*")  # what may stand between two values (always matches)


def read_json(src: TextSource, mapping: Mapping[str, str], source: str, as_of: date) -> Iterator[Item]:
    """A JSON array of objects, or JSON Lines; streamed one object at a time."""
    decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
    columns: dict[str, str] | None = None
    for line, value in _json_values(src, decoder):
        if isinstance(value, _Broken):
            raise UnusableFile(
                f"{src.path.name}: line {line:,}: {value.reason}; nothing was imported. Fix the file "
                "(a JSON array of film objects, or one object per line) and import it again"
            )
        if not isinstance(value, dict):
            yield Item(line, None, skip="not a JSON object")
            continue
        if _deeper_than(value, MAX_DEPTH):
            yield Item(line, None, skip=f"nested more than {MAX_DEPTH} levels deep (not a film)")
            continue
        if columns is None or any(k not in columns for k in value):
            seen = list(dict.fromkeys([*(columns or {}), *value]))
            columns = match_columns(seen, mapping)
        fields = {columns[k]: v for k, v in value.items() if k in columns}
        yield film_from_fields(fields, source, as_of, line)


def _deeper_than(value: Any, depth: int) -> bool:
    """Whether ``value`` nests more than ``depth`` levels (a scalar is 0), looked at no deeper than that."""
    level: list[Any] = [value]
    for _ in range(depth + 1):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True


class _Broken:
    """A value that cannot be read: the reader reports it and stops (nothing after it can be trusted)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _decode(decoder: json.JSONDecoder, buffer: str, pos: int) -> tuple[Any, int]:
    """The value at ``pos`` and where it ends; end -1 when it is not (yet) valid JSON."""
    try:
        return decoder.raw_decode(buffer, pos)
    except json.JSONDecodeError:
        return None, -1
    except RecursionError:
        return _Broken("JSON nested too deeply to read"), len(buffer)


def _json_values(src: TextSource, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """Top-level values of a JSON array (or of a JSON Lines file), with the line each starts on."""
    buffer, pos, line, in_array, started, eof = "", 0, 1, False, False, False
    while True:
        start, pos = pos, _BETWEEN.match(buffer, pos).end()  # type: ignore[union-attr]
        line += buffer.count("\n", start, pos)
        if not started and pos < len(buffer):
            started = True
            if buffer[pos] == "[":
                in_array, pos = True, pos + 1
                continue
        if (in_array and buffer.startswith("]", pos)) or (eof and pos >= len(buffer)):
            return
        value, end = _decode(decoder, buffer, pos) if pos < len(buffer) else (None, -1)
        if isinstance(value, _Broken):
            yield line, value
            return
        if (end < 0 or end == len(buffer)) and not eof and len(buffer) - pos < MAX_VALUE_CHARS:
            # The value may go on in the next chunk.
            chunk = src.read(_CHUNK)
            eof = not chunk
            buffer, pos = buffer[pos:] + chunk, 0
            continue
        if end < 0:
            too_long = len(buffer) - pos >= MAX_VALUE_CHARS
            yield (
                line,
                _Broken(
                    f"no JSON value ends within {MAX_VALUE_CHARS:,} characters, and a film is far shorter"
                    if too_long
                    else "invalid JSON"
                ),
            )
            return
        yield line, value
        line += buffer.count("\n", pos, end)
        pos = end
