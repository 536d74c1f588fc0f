"""Checking that gzip data is whole while it streams in: every member must end, with a good checksum."""

from __future__ import annotations

import zlib
from pathlib import Path

_OUT = 1 << 20  # at most this much decompressed output at a time (thrown away)


class GzipCheck:
    """Feed it the bytes of a ``.gz`` file in order; ``complete`` says whether the data ended properly.

    Raises ``zlib.error`` as soon as the data is not gzip or is damaged (a checksum that does not match).
    """

    def __init__(self) -> None:
        self._stream = zlib.decompressobj(wbits=31)
        self._members = 0
        self._inside = False

    def feed(self, data: bytes) -> None:
        while data:
            self._inside = True
            self._stream.decompress(data, _OUT)
            data = self._stream.unconsumed_tail
            if self._stream.eof:
                # One member ended (its CRC and length checked); what follows starts another.
                self._members += 1
                self._inside = False
                data = self._stream.unused_data + data
                self._stream = zlib.decompressobj(wbits=31)

    @property
    def complete(self) -> bool:
        return self._members > 0 and not self._inside

    def feed_file(self, path: Path, upto: int) -> None:
        """Feed the first ``upto`` bytes of ``path`` (a partial download being resumed)."""
        with path.open("rb") as handle:
            left = upto
            while left > 0:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
                self.feed(chunk)
