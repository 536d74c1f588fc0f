"""Reading dataset files line by line, plain or gzipped, with how far through the file we are."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO


class TextSource:
    """A text file (``.gz`` or plain) read as a stream; ``position`` counts bytes of the file on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._raw: BinaryIO = path.open("rb")
        magic = self._raw.read(2)
        self._raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=self._raw) if magic == b"\x1f\x8b" else self._raw  # type: ignore[assignment]
        # utf-8-sig: a byte-order mark (spreadsheet exports) is not part of the first header.
        self.text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")

    @property
    def position(self) -> int:
        return self._raw.tell()

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line number, line without its newline)``, from 1."""
        for number, line in enumerate(self.text, start=1):
            yield number, line.rstrip("\r\n")

    def close(self) -> None:
        self.text.close()
        self._raw.close()

    def __enter__(self) -> TextSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def file_date(path: Path) -> date:
    """The day a dataset file was last written (IMDb's files are regenerated daily)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
