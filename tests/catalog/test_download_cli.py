"""``python -m bot films download imdb`` as an administrator runs it, against the local dataset server."""

from __future__ import annotations

import asyncio
import resource
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.catalog.download.models import DATASET_FILES, size_text
from bot.store import Store
from tests.catalog._dataset_server import HEADERS, DatasetServer, dataset, gz, partly_downloaded
from tests.startup._cli import Done, environment, filmbot

DOWNLOAD = ("films", "download", "imdb")


def env(tmp_path: Path, server: DatasetServer) -> dict[str, str]:
    return environment(tmp_path / "filmbot.sqlite3", FILMBOT_IMDB_DATASETS_URL=server.url)


async def slugs(database: Path) -> list[str]:
    store = await Store.open(database)
    try:
        return sorted(await store.films.slugs())
    finally:
        await store.close()


async def test_download_and_import_then_an_unchanged_refresh(tmp_path: Path, server: DatasetServer) -> None:
    basics = server.files["title.basics.tsv.gz"].body
    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    assert done.status == 0, done.stderr
    dest = tmp_path / "imdb"  # beside the database
    assert f"\nIMDb datasets from {server.url} into {dest} (every film)\n" in done.stderr
    # Not a terminal: plain progress lines, no bar.
    assert (
        f"title.basics.tsv.gz: downloading ({size_text(len(basics))})\n" in done.stderr
        and "\r" not in done.stderr
    )
    assert "title.basics.tsv.gz: done, " in done.stderr
    out = done.stdout.splitlines()
    assert tuple(line.split(":")[0] for line in out[:6]) == DATASET_FILES
    assert all(": downloaded, " in line for line in out[:6])
    assert out[6] == f"IMDb datasets in {dest}: 5 added, 0 updated, 0 unchanged, 1 skipped"
    assert "solaris-1972" in await slugs(tmp_path / "filmbot.sqlite3")

    again = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    assert again.status == 0, again.stderr
    lines = again.stdout.splitlines()
    assert all(line.endswith("not downloaded") and ": unchanged (" in line for line in lines[:6])
    assert lines[6].startswith("Every file is unchanged since the import of ")
    assert lines[6].endswith("nothing to import.")
    assert {r.status for r in server.requests[6:]} == {304}


async def test_dest_and_min_votes_are_remembered_for_the_next_run(
    tmp_path: Path, server: DatasetServer
) -> None:
    dest = tmp_path / "datasets"
    first = await filmbot(
        *DOWNLOAD, "--min-votes", "1000", "--dest", str(dest), env=env(tmp_path, server), cwd=tmp_path
    )
    assert first.status == 0, first.stderr
    assert "(films with at least 1,000 IMDb votes)" in first.stderr
    assert "solaris-2002" not in await slugs(tmp_path / "filmbot.sqlite3")
    later = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    assert f"into {dest} (films with at least 1,000 IMDb votes)\n" in later.stderr
    assert "nothing to import" in later.stdout


async def test_a_missing_file_is_one_line_and_its_own_status(tmp_path: Path, server: DatasetServer) -> None:
    del server.files["title.crew.tsv.gz"]
    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    line = _last_line(done, 7)
    assert line.startswith("filmbot: title.crew.tsv.gz: ") and "404 Not Found" in line
    assert await slugs(tmp_path / "filmbot.sqlite3") == []


async def test_a_run_killed_mid_file_is_resumed_by_the_next(tmp_path: Path, server: DatasetServer) -> None:
    server.files = DatasetServer(dataset(filler=30_000)).files
    name = "title.principals.tsv.gz"
    served = server.files[name]
    served.pause = 0.01  # about 100 KiB/s
    assert len(served.body) > 60_000
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *DOWNLOAD,
        env=env(tmp_path, server), cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.wait_for(server.wait_sent(name, 20_000), 60)
    await asyncio.wait_for(partly_downloaded(tmp_path / "imdb" / f"{name}.part"), 60)
    process.send_signal(signal.SIGKILL)  # no clean-up at all: a power cut, the OOM killer
    await process.wait()
    part = tmp_path / "imdb" / f"{name}.part"
    kept = part.stat().st_size
    assert 0 < kept < len(served.body)
    assert await slugs(tmp_path / "filmbot.sqlite3") == []

    served.pause = 0.0
    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    assert done.status == 0, done.stderr
    resumed = server.seen(name)[-1]
    assert resumed.status == 206 and resumed.headers["Range"] == f"bytes={kept}-"
    assert f"{name}: resumed, " in done.stdout
    assert (tmp_path / "imdb" / name).read_bytes() == served.body and not part.exists()
    assert "solaris-1972" in await slugs(tmp_path / "filmbot.sqlite3")


async def test_ctrl_c_mid_file_says_what_is_kept(tmp_path: Path, server: DatasetServer) -> None:
    server.files = DatasetServer(dataset(filler=30_000)).files
    name = "title.principals.tsv.gz"
    server.files[name].pause = 0.01
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *DOWNLOAD,
        env=env(tmp_path, server), cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await asyncio.wait_for(server.wait_sent(name, 20_000), 60)
    await asyncio.wait_for(partly_downloaded(tmp_path / "imdb" / f"{name}.part"), 60)
    process.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 130
    last = err.decode().splitlines()[-1]
    assert last.startswith("filmbot: interrupted; a file being downloaded is kept as <name>.part")
    assert (tmp_path / "imdb" / f"{name}.part").stat().st_size > 0
    assert await slugs(tmp_path / "filmbot.sqlite3") == []


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer outright
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


async def test_a_full_disk_while_downloading_keeps_the_partial_file(
    tmp_path: Path, server: DatasetServer
) -> None:
    server.files = DatasetServer(dataset(filler=30_000)).files
    await slugs(tmp_path / "filmbot.sqlite3")  # the database exists (it is not what fills the disk here)
    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path, preexec=_file_size_limit(40_000))
    line = _last_line(done, 3)
    part = tmp_path / "imdb" / "title.principals.tsv.gz.part"
    assert line.startswith("filmbot: title.principals.tsv.gz (after ")
    assert "file-size limit of this process (40,000 bytes" in line
    assert f"are kept in {part}; free some space and run again to resume" in line
    assert line.endswith("Nothing was imported")
    assert part.stat().st_size == 40_000

    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    assert done.status == 0, done.stderr
    assert server.seen("title.principals.tsv.gz")[-1].headers["Range"] == "bytes=40000-"


@pytest.mark.parametrize(
    ("limit", "where"),
    [
        (600_000, "the catalog"),  # the staging fits; the database's write-ahead log does not
        (64_000, "the scratch files"),  # staging title.basics already does not fit
    ],
)
async def test_a_full_disk_while_importing_leaves_the_catalog_as_it_was(
    tmp_path: Path, server: DatasetServer, limit: int, where: str
) -> None:
    films = tuple(
        f"tt{3_000_000 + n}\tmovie\tHarbor {n}\tHarbor {n}\t0\t2001\t\\N\t90\tDrama" for n in range(3000)
    )
    server.files = DatasetServer(dataset(extra_basics=films)).files
    fetched = await filmbot(*DOWNLOAD, "--no-import", env=env(tmp_path, server), cwd=tmp_path)
    assert fetched.status == 0, fetched.stderr
    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path, preexec=_file_size_limit(limit))
    line = _last_line(done, 3)
    assert line.startswith("filmbot: title.basics.tsv.gz line "), line
    assert f"file-size limit of this process ({limit:,} bytes" in line and line.endswith(
        "Nothing was imported"
    )
    if where == "the scratch files":
        assert f"cannot write in {tmp_path / 'imdb'}/filmbot-import-" in line
    else:
        assert f"cannot write {tmp_path / 'filmbot.sqlite3'}" in line
    assert await slugs(tmp_path / "filmbot.sqlite3") == []


async def test_a_changed_header_is_refused_with_its_file_and_line(
    tmp_path: Path, server: DatasetServer
) -> None:
    server.files["title.ratings.tsv.gz"].body = gz(
        HEADERS["title.ratings"] + "\tnumReviews", ["tt0069293\t8.0\t1\t2"]
    )
    done = await filmbot(*DOWNLOAD, env=env(tmp_path, server), cwd=tmp_path)
    line = _last_line(done, 2)
    assert line.startswith("filmbot: title.ratings.tsv.gz line 1: the header is not IMDb's documented one")
    assert await slugs(tmp_path / "filmbot.sqlite3") == []


async def test_min_votes_must_be_a_whole_number(tmp_path: Path, server: DatasetServer) -> None:
    done = await filmbot(*DOWNLOAD, "--min-votes", "1e3", env=env(tmp_path, server), cwd=tmp_path)
    assert done.status == 2 and "must be a whole number of votes" in done.stderr
    assert server.requests == []


def _last_line(done: Done, status: int) -> str:
    """The run ended with ``status`` and a ``filmbot:`` line last on stderr, without a traceback."""
    assert done.status == status, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr.splitlines()[-1]
