"""Bad dataset files: each gives a clear message naming the file and line, and an import is one unit:
a failure (or an interruption) half-way leaves the catalog exactly as it was."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest

from bot.catalog.importing import import_catalog
from bot.errors import BadInput
from bot.store import Store
from tests.catalog._dataset_server import HEADERS, dataset, gz


def write_dataset(folder: Path, files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in (files or dataset()).items():
        (folder / name).write_bytes(body)
    return folder


async def film_count(store: Store) -> int:
    row = await store.db.fetchone("SELECT count(*) FROM films")
    assert row is not None
    return int(row[0])


async def test_a_changed_header_stops_before_anything_is_written(store: Store, tmp_path: Path) -> None:
    files = dataset()
    renamed = HEADERS["title.akas"].replace("isOriginalTitle", "isOriginal")
    files["title.akas.tsv.gz"] = gz(renamed, ["tt0069293\t1\tSolyaris\tSU\t\\N\toriginal\t\\N\t1"])
    with pytest.raises(BadInput) as refused:
        await import_catalog(store, write_dataset(tmp_path / "imdb", files), "imdb")
    message = refused.value.message
    assert message.startswith("title.akas.tsv.gz line 1: the header is not IMDb's documented one")
    assert "isOriginalTitle" in message and "isOriginal'" in message
    assert message.endswith("Nothing was imported")
    assert await film_count(store) == 0


async def test_bad_rows_are_reported_with_their_file_and_line(store: Store, tmp_path: Path) -> None:
    files = dataset(
        extra_basics=(
            "tt0200001\tfeature\tA New Kind\tA New Kind\t0\t2001\t\\N\t90\tDrama",
            "tt0200002\tmovie\tWho Knows\tWho Knows\t\\N\t2002\t\\N\t90\tDrama",
            "tt0200003\tmovie\tToo Short",
        )
    )
    ratings = gzip.decompress(files["title.ratings.tsv.gz"]).decode().splitlines()
    ratings[2] = "tt0307479\t6.2\tmany"  # line 3
    files["title.ratings.tsv.gz"] = gz(ratings[0], ratings[1:])
    principals = gzip.decompress(files["title.principals.tsv.gz"]).decode().splitlines()
    principals.insert(3, "tt0069293\t9\tnm0002")  # line 4: three columns of six
    files["title.principals.tsv.gz"] = gz(principals[0], principals[1:])

    report = await import_catalog(store, write_dataset(tmp_path / "imdb", files), "imdb")

    assert report.added == 5
    lines = "\n".join(report.lines())
    assert (
        "skipped rows: unknown titleType 'feature' (not one IMDb documents): 1 (title.basics.tsv.gz line 8)"
        in lines
    )
    assert "skipped rows: isAdult is neither 0 nor 1: 1 (title.basics.tsv.gz line 9)" in lines
    assert "skipped rows: malformed line (3 columns, expected 9): 1 (title.basics.tsv.gz line 10)" in lines
    assert "values left out: numVotes: not a whole number of votes: 1 (title.ratings.tsv.gz line 3)" in lines
    assert (
        "values left out: malformed line (3 columns, expected 6): 1 (title.principals.tsv.gz line 4)" in lines
    )
    remake = await store.films.get("solaris-2002")
    assert remake is not None and remake.scores == ()  # its rating was the bad row


@pytest.mark.parametrize("name", ["title.basics.tsv.gz", "title.akas.tsv.gz", "name.basics.tsv.gz"])
async def test_a_gzip_cut_short_names_the_file_and_line_and_imports_nothing(
    store: Store, tmp_path: Path, name: str
) -> None:
    files = dataset(filler=3000)
    header = HEADERS[name.removesuffix(".tsv.gz")]
    width = header.count("\t") + 1
    rows = [f"tt{n:07d}" + "\tx" * (width - 1) for n in range(5000)]
    if name == "title.basics.tsv.gz":
        rows = [f"tt{n:07d}\ttvEpisode\tE{n}\tE{n}\t0\t2001\t\\N\t30\tDrama" for n in range(5000)]
    body = gz(header, rows)
    files[name] = body[: len(body) * 2 // 3]
    with pytest.raises(BadInput) as refused:
        await import_catalog(store, write_dataset(tmp_path / "imdb", files), "imdb")
    message = refused.value.message
    # The wording of the shared reader (bot.catalog.importing._files, issue #16's fs-data merge).
    assert message.startswith(f"{name} is damaged or cut short (")
    last_line = int(message.split("after line ")[1].split(";")[0].replace(",", ""))
    assert 1000 < last_line < 5001
    assert "nothing was imported" in message and message.endswith("Download or export it again")
    assert await film_count(store) == 0


async def test_a_cut_short_csv_imports_nothing(store: Store, tmp_path: Path) -> None:
    rows = "".join(f"Film {n},{1950 + n % 70}\n" for n in range(6000))
    body = gzip.compress(("title,year\n" + rows).encode())
    path = tmp_path / "films.csv.gz"
    path.write_bytes(body[: len(body) // 2])
    with pytest.raises(
        BadInput, match=r"^films\.csv\.gz is damaged or cut short .* after line [\d,]+; nothing was"
    ):
        await import_catalog(store, path, "csv")
    assert await film_count(store) == 0
    assert (await store.db.fetchall("SELECT count(*) FROM catalog_imports"))[0][0] == 0


class _Watch:
    """An import's progress: ``reached`` is set once ``at`` films have been written (not committed)."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.reached = asyncio.Event()
        self.phase = ""

    def start(self, phase: str, total: int) -> None:
        self.phase = phase

    def finish(self) -> None: ...

    def update(self, done: int, films: int) -> None:
        if self.phase == "writing films" and films >= self.at:
            self.reached.set()


async def test_an_import_is_invisible_until_it_commits_and_gone_if_interrupted(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "films.csv"
    rows = "".join(f"Film {n},{1950 + n % 70}\n" for n in range(20_000))
    path.write_text("title,year\n" + rows, encoding="utf-8")
    other = await Store.open(store.db.location)  # another connection, like the running bot's
    try:
        watch = _Watch(at=2000)
        importing = asyncio.create_task(import_catalog(store, path, "csv", progress=watch))
        await watch.reached.wait()  # 2,000 films written in the import's transaction, 18,000 to go
        assert await film_count(other) == 0
        importing.cancel()  # an interruption (Ctrl-C) half-way
        with pytest.raises(asyncio.CancelledError):
            await importing
        assert await film_count(other) == 0
        assert await film_count(store) == 0
        report = await import_catalog(store, path, "csv")  # and a whole run afterwards is whole
        assert report.added == 20_000 and await film_count(other) == 20_000
    finally:
        await other.close()
