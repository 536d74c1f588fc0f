"""The download's small parts: progress lines and bar, the gzip end check, ``Retry-After``."""

from __future__ import annotations

import gzip
import io
import zlib
from datetime import UTC, datetime

import pytest

from bot.catalog.download.fetch import retry_after
from bot.catalog.download.gzcheck import GzipCheck
from bot.catalog.download.models import size_text
from bot.catalog.download.progress import PlainLines, TerminalBar, byte_progress_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_say_size_share_rate_and_time_left() -> None:
    said: list[str] = []
    progress = PlainLines(said.append, every=0.0)
    progress.start("title.akas.tsv.gz", 400_000_000, 100_000_000)
    progress.update(200_000_000)
    progress.say("title.akas.tsv.gz: the server answered 503; trying again in 2 s")
    progress.finish()
    assert said[0] == "title.akas.tsv.gz: downloading (400.0 MB, resuming at 100.0 MB)"
    assert said[1].startswith("title.akas.tsv.gz: 200.0 MB of 400.0 MB (50%), ")
    assert "MB/s" in said[1] or "GB/s" in said[1]
    assert said[1].endswith(" left")
    assert said[2].endswith("trying again in 2 s")
    assert said[3].startswith("title.akas.tsv.gz: done, 200.0 MB of 400.0 MB (50%)")


def test_a_terminal_gets_a_bar_redrawn_in_place() -> None:
    terminal = Terminal()
    progress = byte_progress_for(terminal)
    assert isinstance(progress, TerminalBar)
    progress.start("title.basics.tsv.gz", 10_000, 0)
    progress.update(5_000)
    progress.finish()
    drawn = terminal.getvalue()
    assert drawn.count("\r") >= 2 and drawn.endswith("\n")
    last = drawn.rstrip("\n").split("\r")[-1]
    assert "title.basics.tsv.gz" in last and "[" + "#" * 12 + "-" * 12 + "]" in last
    assert "5.0 kB of 10.0 kB (50%)" in last


def test_not_a_terminal_gets_lines() -> None:
    assert isinstance(byte_progress_for(io.StringIO()), PlainLines)


@pytest.mark.parametrize(
    ("count", "text"),
    [(812, "812 bytes"), (45_300, "45.3 kB"), (182_400_000, "182.4 MB"), (1_250_000_000, "1.25 GB")],
)
def test_sizes(count: int, text: str) -> None:
    assert size_text(count) == text


def test_gzip_check_needs_every_member_to_end() -> None:
    data = gzip.compress(b"a\tb\n" * 1000) + gzip.compress(
        b"c\td\n" * 1000
    )  # two members, as some tools write
    whole = GzipCheck()
    for n in range(0, len(data), 7):
        whole.feed(data[n : n + 7])
    assert whole.complete
    cut = GzipCheck()
    cut.feed(data[:-5])
    assert not cut.complete
    with pytest.raises(zlib.error):
        GzipCheck().feed(b"<html>not gzip</html>")
    damaged = bytearray(gzip.compress(b"x" * 5000))
    damaged[-6] ^= 0xFF  # the stored CRC no longer matches
    with pytest.raises(zlib.error):
        GzipCheck().feed(bytes(damaged))


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), ("Wed, 01 Apr 2026 12:02:00 GMT", 120.0), ("Wed, 01 Apr 2026 11:00:00 GMT", 0.0), ("soon", None), (None, None)],
)  # fmt: skip
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert retry_after(value, now=datetime(2026, 4, 1, 12, 0, tzinfo=UTC)) == seconds
