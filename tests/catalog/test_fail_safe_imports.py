"""Imports fail safe (issue #16, items 7 and 8): every malformed file ends with a summary, never a
traceback; a file that cannot be used writes nothing; a failed write leaves a run row that ended and an
import that finishes when run again; memory stays bounded; text is never stored garbled.

Each file is imported as the administrator does it, ``filmbot films import`` in a subprocess.
"""

from __future__ import annotations

import gzip
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from bot.catalog.importing import import_catalog
from bot.catalog.importing._files import MAX_LINE
from bot.store import Store
from tests.catalog._helpers import BASICS_HEADER
from tests.startup._cli import CONFIG, Done, environment, filmbot, one_sentence

CSV_HEADER = "title,year,runtime,imdb_rating,imdb_votes,cast\n"


async def run_import(tmp_path: Path, path: Path, *args: str) -> Done:
    env = environment(tmp_path / "filmbot.sqlite3", FILMBOT_LOG_LEVEL="WARNING")
    return await filmbot("films", "import", str(path), *args, env=env, cwd=tmp_path)


async def titles(database: Path) -> list[str]:
    store = await Store.open(database)
    try:
        return sorted(f.title for f in await store.films.summaries())
    finally:
        await store.close()


def summary(done: Done, status: int = 0) -> str:
    assert done.status == status, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def imdb_folder(folder: Path, basics: bytes, ratings: str | None = None) -> Path:
    folder.mkdir()
    (folder / "title.basics.tsv.gz").write_bytes(basics)
    if ratings is not None:
        (folder / "title.ratings.tsv").write_text(
            f"tconst\taverageRating\tnumVotes\n{ratings}\n", encoding="utf-8"
        )
    return folder


def basics(count: int) -> bytes:
    rows = "".join(
        f"tt{n:07d}\tmovie\tFilm {n}\tFilm {n}\t0\t2000\t\\N\t90\tDrama\n" for n in range(1, count + 1)
    )
    return gzip.compress(f"{BASICS_HEADER}\n{rows}".encode())


# -- item 7: malformed files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (
            f'Heat,1995,170,8.3,100,"{"x" * 140_000}"',
            "skipped rows: unreadable CSV row (field larger than field limit",
        ),
        ("Heat,1995,170,8.3,²,", "values left out: imdb_votes: not a whole number of votes: 1 (line 2)"),
        ("Heat,1995,170,8.3,١٢٣,", "values left out: imdb_votes: not a whole number of votes: 1 (line 2)"),
        (
            f"Heat,1995,{'9' * 5000},8.3,100,",
            "values left out: runtime: outside 1–60,000 minutes: 1 (line 2)",
        ),
        ("Heat,1995,170,1e999,100,", "values left out: imdb_rating: not a number: 1 (line 2)"),
        ("Heat,1995,170,nan,100,", "values left out: imdb_rating: not a number: 1 (line 2)"),
        ("Heat,１９９５,170,8.3,100,", "values left out: year: not a four-digit year: 1 (line 2)"),
    ],
)
async def test_a_bad_value_is_left_out_with_its_reason(tmp_path: Path, row: str, says: str) -> None:
    path = tmp_path / "films.csv"
    path.write_text(f"{CSV_HEADER}{row}\nAlien,1979,117,8.5,900000,Sigourney Weaver\n", encoding="utf-8")
    out = summary(await run_import(tmp_path, path))
    assert says in out
    assert "Alien" in await titles(tmp_path / "filmbot.sqlite3")


async def test_numvotes_in_exotic_digits_is_left_out(tmp_path: Path) -> None:
    folder = imdb_folder(
        tmp_path / "imdb", basics(2), ratings="tt0000001\t7.0\t¹\ntt0000002\t7.5\t" + "9" * 5000
    )
    out = summary(await run_import(tmp_path, folder))
    assert "2 added" in out
    assert "values left out: numVotes: not a whole number of votes: 1 (title.ratings.tsv line 2)" in out
    assert "values left out: numVotes: outside 0–10,000,000,000: 1 (title.ratings.tsv line 3)" in out


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("deep.json", "[" + "[" * 100_000 + "]" * 100_000 + "]", "deep.json: line 1: JSON nested too deeply"),
        ("cut.json", '[{"title": "Heat", "year": 1995}, {"title": "Ali', "cut.json: line 1: invalid JSON"),
        (
            "long.json",
            "[" + " " * 10 + '"' + "x" * (1 << 21),
            "no JSON value ends within 1,048,576 characters",
        ),
    ],
)
async def test_an_unreadable_json_list_imports_nothing(
    tmp_path: Path, name: str, content: str, says: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    one_sentence(await run_import(tmp_path, path), CONFIG, says, "nothing was imported")
    assert await titles(tmp_path / "filmbot.sqlite3") == []


async def test_a_film_nested_too_deeply_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "films.json"
    path.write_text(
        '[{"title": "Heat"}, {"title": "X", "cast": [[[["a"]]]]}, {"title": "Alien"}]', encoding="utf-8"
    )
    assert "nested more than 3 levels deep (not a film): 1" in summary(await run_import(tmp_path, path))
    assert await titles(tmp_path / "filmbot.sqlite3") == ["Alien", "Heat"]


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
async def test_a_damaged_dataset_imports_nothing(tmp_path: Path, damage: str) -> None:
    data = basics(5000)
    broken = data[: len(data) // 2] if damage == "truncated" else data[:10] + bytes(range(256)) * 20
    folder = imdb_folder(tmp_path / "imdb", broken)
    one_sentence(await run_import(tmp_path, folder), CONFIG, "title.basics.tsv.gz is damaged or cut short")
    assert await titles(tmp_path / "filmbot.sqlite3") == []


async def test_a_failed_write_ends_its_run_and_the_import_finishes_when_run_again(tmp_path: Path) -> None:
    # The import is one transaction (the cat-download merge): a failed write keeps nothing, says so, and
    # the run row still ends; running the same import again does all of it.
    database = tmp_path / "filmbot.sqlite3"
    await (await Store.open(database)).close()  # migrated
    path = tmp_path / "films.csv"
    path.write_text("title,year\n" + "".join(f"Film {n},2000\n" for n in range(2500)), encoding="utf-8")
    with sqlite3.connect(database) as conn:  # the second batch fails, as a disk error would
        conn.execute(
            "CREATE TRIGGER second_batch_fails BEFORE INSERT ON films WHEN (SELECT count(*) FROM films) >= 1000 "
            "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"
        )
    done = await run_import(tmp_path, path)
    assert done.status == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith(
        "films.csv: 0 added, 0 updated, 0 unchanged, 0 skipped (stopped: nothing was written)"
    )
    assert "simulated write failure" in done.stderr.splitlines()[-1]
    assert await titles(database) == []
    with sqlite3.connect(database) as conn:
        run = conn.execute(
            "SELECT finished_at IS NOT NULL, outcome, added, error FROM catalog_imports"
        ).fetchall()
        conn.execute("DROP TRIGGER second_batch_fails")
    assert run == [(1, "failed", 0, "ConstraintViolated: simulated write failure")]
    again = summary(await run_import(tmp_path, path))
    assert again.startswith("films.csv: 2,500 added, 0 updated, 0 unchanged, 0 skipped\n")
    assert len(await titles(database)) == 2500
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT outcome FROM catalog_imports ORDER BY id").fetchall() == [
            ("failed",),
            ("done",),
        ]


@pytest.mark.parametrize("fmt", ["csv", "json", "imdb"])
async def test_memory_stays_bounded_for_a_file_without_line_breaks(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    size = 24 * MAX_LINE  # 24 MiB on one line
    if fmt == "imdb":
        path = tmp_path / "imdb"
        path.mkdir()
        (path / "title.basics.tsv").write_text(BASICS_HEADER + "\n" + "x" * size, encoding="utf-8")
    else:
        path = tmp_path / f"films.{fmt}"
        path.write_text(("title,year\n" if fmt == "csv" else "[") + " " * size, encoding="utf-8")
    tracemalloc.start()
    try:
        report = await import_catalog(store, path, fmt)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.added == 0
    assert peak < 4 * MAX_LINE, f"{peak:,} bytes at the peak for a {size:,}-byte line"


# -- item 8: text in the wrong encoding ----------------------------------------------------------------


async def test_a_latin1_file_is_refused_by_line_and_byte_then_imported_as_declared(tmp_path: Path) -> None:
    path = tmp_path / "films.csv"
    path.write_bytes("title,year\nHeat,1995\nAmélie,2001\n".encode("latin-1"))
    refused = await run_import(tmp_path, path)
    one_sentence(
        refused, CONFIG, "films.csv is not valid UTF-8: line 3 holds the byte 0xE9 (in “Am\\xE9lie,2001”)",
        "nothing was imported", "--encoding",
    )  # fmt: skip
    assert await titles(tmp_path / "filmbot.sqlite3") == []
    assert "2 added" in summary(await run_import(tmp_path, path, "--encoding", "latin-1"))
    assert await titles(tmp_path / "filmbot.sqlite3") == ["Amélie", "Heat"]


async def test_bytes_the_declared_encoding_lacks_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "films.csv"
    path.write_bytes(b"title,year\nCaf\xe9 \x81,2001\n")
    one_sentence(
        await run_import(tmp_path, path, "--encoding", "cp1252"), CONFIG, "not valid cp1252: line 2", "0x81"
    )


async def test_a_byte_order_mark_says_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "films.tsv"
    path.write_bytes("title\tyear\r\nAmélie\t2001\r\n東京物語\t1953\r\n".encode("utf-16"))
    assert "2 added" in summary(await run_import(tmp_path, path, "--format", "csv"))
    assert await titles(tmp_path / "filmbot.sqlite3") == ["Amélie", "東京物語"]


@pytest.mark.parametrize("name", ["klingon", "rot13", "base64"])
async def test_an_unknown_encoding_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "films.csv"
    path.write_text("title\nHeat\n", encoding="utf-8")
    one_sentence(await run_import(tmp_path, path, "--encoding", name), CONFIG, "is not a text encoding")
