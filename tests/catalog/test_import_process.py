"""IMDb's datasets read in a process of their own (a large ``title.basics``: ``_assembly.PROCESS_FROM``).

The same files give the same catalog row for row, whichever side reads them; what reading finds (rows
and values left out) reaches the report; a bad file stops the import with the same message; a reading
process that dies, or an import cancelled, ends with nothing shown and no process left behind.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.importing import _assembly, import_catalog
from bot.catalog.importing.progress import NoProgress
from bot.errors import BadInput
from bot.store import Store
from tests.catalog._dataset_server import HEADERS, dataset, gz
from tests.catalog.test_import_faults import write_dataset
from tests.engines import TEST_SERVER

# The rows an import writes, ids and times left out (they differ between two databases).
CATALOG = {
    "films": "SELECT slug, title, original_title, year, origin, imdb_id, content_hash, match_key FROM films",
    "facts": "SELECT f.imdb_id, x.position, x.key, x.value, x.detail FROM facts x JOIN films f ON f.id = x.film_id",
    "credits": "SELECT f.imdb_id, c.position, c.person, c.role, c.character FROM credits c "
    "JOIN films f ON f.id = c.film_id",
    "scores": "SELECT f.imdb_id, s.name, s.kind, s.value, s.scale, s.votes, s.as_of FROM score_sources s "
    "JOIN films f ON f.id = s.film_id",
    "aliases": "SELECT f.imdb_id, a.alias FROM film_aliases a JOIN films f ON f.id = a.film_id",
    "names": "SELECT f.imdb_id, n.id & 255, n.name, n.compact, n.len, n.year, n.votes FROM search_names n "
    "JOIN films f ON f.id = n.id >> 8",
    "words": "SELECT word, docs FROM search_words WHERE docs > 0",
}


@pytest.fixture
async def second_store(tmp_path: Path) -> AsyncIterator[Store]:
    """Another empty store on the same engine as ``store``."""
    location = tmp_path / "second.sqlite3" if TEST_SERVER is None else TEST_SERVER.create()
    opened = await Store.open(location)
    try:
        yield opened
    finally:
        await opened.close()
        if TEST_SERVER is not None:
            TEST_SERVER.drop(location)  # type: ignore[arg-type]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[_assembly.ImdbSlices]:
    """The reading sides of the test's IMDb imports, as they start."""
    sides: list[_assembly.ImdbSlices] = []
    real = _assembly.ImdbSlices.__init__

    def remembered(self: _assembly.ImdbSlices, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        sides.append(self)

    monkeypatch.setattr(_assembly.ImdbSlices, "__init__", remembered)
    return sides


@pytest.fixture
def in_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every IMDb import reads its files in a process of its own, however small they are."""
    monkeypatch.setattr(_assembly, "PROCESS_FROM", 0)


def many(count: int) -> dict[str, bytes]:
    """``dataset()`` and ``count`` more films, some with the same title and year (their slugs differ),
    one title in Cyrillic, ratings on every other one: several slices' worth."""
    extra = tuple(
        f"tt{300000 + n:07d}\tmovie\t{'Harbour' if n % 7 == 0 else f'Quiet Light {n}'}\t"
        f"{'Гавань' if n == 5 else 'Harbour'}\t0\t{1990 + n % 3}\t\\N\t{80 + n % 50}\tDrama,Family"
        for n in range(count)
    )
    files = dataset(extra_basics=extra)
    ratings = gzip.decompress(files["title.ratings.tsv.gz"]).decode().splitlines()
    ratings += [f"tt{300000 + n:07d}\t{n % 10}.5\t{n * 3}" for n in range(0, count, 2)]
    files["title.ratings.tsv.gz"] = gz(ratings[0], sorted(ratings[1:]))
    return files


async def catalog(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        name: sorted(tuple(r[i] for i in range(len(r))) for r in await store.db.fetchall(sql))
        for name, sql in CATALOG.items()
    }


async def test_a_process_writes_the_same_catalog_as_a_thread(
    store: Store,
    second_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    started: list[_assembly.ImdbSlices],
) -> None:
    folder = write_dataset(tmp_path / "imdb", many(700))
    monkeypatch.setattr(_assembly, "PROCESS_FROM", 2**62)
    by_thread = await import_catalog(second_store, folder, "imdb")
    monkeypatch.setattr(_assembly, "PROCESS_FROM", 0)
    by_process = await import_catalog(store, folder, "imdb")
    assert [side._child is not None for side in started] == [False, True]
    assert by_process.lines() == by_thread.lines()
    assert by_process.added == 705
    assert await catalog(store) == await catalog(second_store)
    slugs = [
        r[0] for r in await store.db.fetchall("SELECT slug FROM films WHERE title = 'Harbour' ORDER BY id")
    ]
    assert len(slugs) == len(set(slugs)) == 100
    assert "harbour-1990" in slugs and "harbour-1990-tt0300021" in slugs


@pytest.mark.usefixtures("in_a_process")
async def test_what_the_process_finds_reaches_the_report(store: Store, tmp_path: Path) -> None:
    files = dataset(
        extra_basics=(
            "tt0200001\tfeature\tA New Kind\tA New Kind\t0\t2001\t\\N\t90\tDrama",
            "tt0200002\tmovie\tLong Enough\tLong Enough\t0\t2002\t\\N\t99999999\tDrama",
        )
    )
    report = await import_catalog(store, write_dataset(tmp_path / "imdb", files), "imdb")
    assert report.added == 6
    lines = report.lines()
    assert (
        "  skipped rows: unknown titleType 'feature' (not one IMDb documents): 1 (title.basics.tsv.gz line 8)"
        in lines
    )
    assert any(line.startswith("  values left out: runtime: outside 1–60,000 minutes: 1") for line in lines)
    assert report.read == 6  # films read (the unknown type is not one)


@pytest.mark.parametrize("side", ["thread", "process"])
async def test_a_bad_file_stops_either_side_with_the_same_message(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    started: list[_assembly.ImdbSlices],
    side: str,
) -> None:
    monkeypatch.setattr(_assembly, "PROCESS_FROM", 0 if side == "process" else 2**62)
    files = dataset()
    files["title.principals.tsv.gz"] = files["title.principals.tsv.gz"][:-12]
    with pytest.raises(BadInput) as refused:
        await import_catalog(store, write_dataset(tmp_path / "imdb", files), "imdb")
    assert (started[0]._child is not None) == (side == "process")
    assert refused.value.message == (
        "title.principals.tsv.gz is damaged or cut short (Compressed file ended before the end-of-stream "
        "marker was reached) after line 6; nothing was imported. Download or export it again"
    )
    assert await store.db.fetchall("SELECT id FROM films") == []
    renamed = dataset()
    renamed["title.crew.tsv.gz"] = gz(HEADERS["title.crew"].replace("writers", "authors"), [])
    with pytest.raises(
        BadInput, match=r"^title\.crew\.tsv\.gz line 1: the header is not IMDb's documented one"
    ):
        await import_catalog(store, write_dataset(tmp_path / "again", renamed), "imdb")


class _KillAfterStaging:
    """Progress that kills the reading process once the writer has begun: what an OOM killer would do."""

    def __init__(self, slices: list[_assembly.ImdbSlices]) -> None:
        self.slices = slices

    def start(self, phase: str, total: int) -> None:
        if phase == "writing films":
            child = self.slices[0]._child
            assert child is not None
            os.kill(child.pid, signal.SIGKILL)
            child.wait()

    def update(self, done: int, films: int) -> None: ...
    def finish(self) -> None: ...


@pytest.mark.usefixtures("in_a_process")
async def test_a_reading_process_that_dies_stops_the_import_with_nothing_shown(
    store: Store, tmp_path: Path, started: list[_assembly.ImdbSlices]
) -> None:
    folder = write_dataset(tmp_path / "imdb", many(3000))
    with pytest.raises(Exception, match="the process reading IMDb's files ended unexpectedly") as stopped:
        await import_catalog(store, folder, "imdb", progress=_KillAfterStaging(started))
    assert "exit status -9" in str(stopped.value.__cause__ or stopped.value)
    shown = await store.db.fetchall("SELECT id FROM films WHERE origin = 'import'")
    assert shown == []  # the films it had written were taken out again
    run = await store.db.fetchone("SELECT outcome FROM catalog_imports ORDER BY id DESC LIMIT 1")
    assert run is not None and run[0] == "failed"


@pytest.mark.usefixtures("in_a_process")
async def test_a_cancelled_import_leaves_no_reading_process(
    store: Store, tmp_path: Path, started: list[_assembly.ImdbSlices], monkeypatch: pytest.MonkeyPatch
) -> None:
    running = asyncio.Event()
    real = _assembly.ImdbSlices.read

    async def reading(self: _assembly.ImdbSlices) -> int:
        running.set()
        return await real(self)

    monkeypatch.setattr(_assembly.ImdbSlices, "read", reading)
    task = asyncio.ensure_future(
        import_catalog(store, write_dataset(tmp_path / "imdb", many(3000)), "imdb", progress=NoProgress())
    )
    await running.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    child = started[0]._child
    assert child is not None and child.poll() is not None
    assert await store.db.fetchall("SELECT id FROM films") == []  # cancelled while reading: none written
