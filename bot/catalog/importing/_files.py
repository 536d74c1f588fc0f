"""Reading dataset files as text, plain or gzipped, with bounded memory and exact decoding.

A line longer than ``MAX_LINE`` characters is skipped without being held in memory. Text is decoded in
the declared encoding (``--encoding``) or the one a byte-order mark shows, else UTF-8, and bytes that are
not valid in it stop the import with the line and the byte named: text is never stored garbled. A damaged
compressed file stops it too. Both raise ``UnusableFile`` before anything is written.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from bot.errors import BadInput

# No row of a film list is near this long; a longer line is skipped, never held whole.
MAX_LINE = 1 << 20
_DISCARD = 1 << 16
# Bytes the decoder could not read, kept as lone surrogates (errors="surrogateescape") to be reported.
_UNDECODED = re.compile("[\udc80-\udcff]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DAMAGED = (EOFError, zlib.error, gzip.BadGzipFile, OSError)


class UnusableFile(BadInput):
    """The file cannot be imported as a whole (damaged, or not text in its encoding); nothing was written."""


def text_encoding(name: str) -> str:
    """A codec name given with ``--encoding``, checked: ``BadInput`` when Python has no such text encoding."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise BadInput(f"--encoding {name!r} is not a text encoding; try utf-8, cp1252, latin-1 or utf-16")
    return info.name


class TextSource:
    """A text file (``.gz`` or plain) read as a stream; ``position`` counts bytes of the file on disk."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._raw: BinaryIO = path.open("rb")
        try:
            magic = self._raw.read(2)
            self._raw.seek(0)
            stream: BinaryIO = gzip.GzipFile(fileobj=self._raw) if magic == b"\x1f\x8b" else self._raw  # type: ignore[assignment]
            self.encoding = self._encoding(stream, encoding)
        except _DAMAGED as exc:
            self._raw.close()
            raise self._damaged(exc, 0) from exc
        self.text = io.TextIOWrapper(stream, encoding=self.encoding, errors="surrogateescape", newline="")
        self._line = 0  # lines read so far

    def _encoding(self, stream: BinaryIO, declared: str | None) -> str:
        """The declared encoding, else the one a byte-order mark shows, else UTF-8."""
        start = stream.peek(4)[:4]  # type: ignore[attr-defined]
        shown = next((name for bom, name in _BOMS if start.startswith(bom)), None)
        if declared is None:
            return shown or "utf-8"
        # A byte-order mark is not part of the first header, whichever UTF-8 spelling was declared.
        return "utf-8-sig" if declared == "utf-8" and shown == "utf-8-sig" else declared

    @property
    def position(self) -> int:
        return self._raw.tell()

    @property
    def label(self) -> str:
        """The encoding as named to the administrator."""
        return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}.get(self.encoding, self.encoding)

    def _damaged(self, exc: BaseException, line: int) -> UnusableFile:
        where = f"after line {line:,}" if line else "at its start"
        return UnusableFile(
            f"{self.path.name} is damaged or cut short ({exc or type(exc).__name__}) {where}; nothing was "
            "imported. Download or export it again"
        )

    def _undecodable(self, text: str, at: int, line: int) -> UnusableFile:
        byte = ord(text[at]) - 0xDC00
        start = max(text.rfind("\n", 0, at) + 1, at - 20)
        end = min(len(text), at + 20, *(i for i in (text.find("\n", at),) if i >= 0))
        context = _UNDECODED.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02X}", text[start:end])
        return UnusableFile(
            f"{self.path.name} is not valid {self.label}: line {line:,} holds the byte 0x{byte:02X} "
            f"(in “{context.strip()}”); nothing was imported. Say which encoding the file is in with "
            "--encoding (a spreadsheet export is often cp1252; also latin-1, utf-16)"
        )

    def _readline(self, size: int) -> str:
        try:
            return self.text.readline(size)
        except _DAMAGED as exc:
            raise self._damaged(exc, self._line) from exc

    def lines(self, *, keep_ends: bool = False) -> Iterator[tuple[int, str | None]]:
        """``(line number, line)``, from 1; ``None`` for a line longer than ``MAX_LINE`` (skipped unread)."""
        while True:
            text = self._readline(MAX_LINE + 1)
            if not text:
                return
            self._line += 1
            if len(text) > MAX_LINE and not text.endswith(("\n", "\r")):
                while (rest := self._readline(_DISCARD)) and not rest.endswith(("\n", "\r")):
                    pass
                yield self._line, None
                continue
            bad = _UNDECODED.search(text)
            if bad is not None:
                raise self._undecodable(text, bad.start(), self._line)
            yield self._line, text if keep_ends else text.rstrip("\r\n")

    def read(self, size: int) -> str:
        """Up to ``size`` characters, checked like a line."""
        try:
            chunk = self.text.read(size)
        except _DAMAGED as exc:
            raise self._damaged(exc, self._line + 1) from exc
        bad = _UNDECODED.search(chunk)
        if bad is not None:
            raise self._undecodable(chunk, bad.start(), self._line + 1 + chunk.count("\n", 0, bad.start()))
        self._line += chunk.count("\n")
        return chunk

    def close(self) -> None:
        with contextlib.suppress(*_DAMAGED):  # a damaged gzip trailer, already reported
            self.text.close()
        self._raw.close()

    def __enter__(self) -> TextSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def file_date(path: Path) -> date:
    """The day a dataset file was last written (IMDb's files are regenerated daily)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
