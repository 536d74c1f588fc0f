"""A sick database (issue #16, item 3): one plain sentence, exit status 3, the process ends, the file is kept."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import migrations, register_functions
from tests.engines import sqlite_only
from tests.startup._cli import DATABASE, environment, filmbot, one_sentence, real_database

# A damaged, truncated, read-only or foreign SQLite file: what only a database file can be.
pytestmark = sqlite_only

NOBODY = 65534
ASK = ("ask", "/film 100-meters")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _ask_refused(database: Path, cwd: Path, *says: str) -> str:
    """``filmbot ask`` refuses the database and leaves its bytes exactly as they were."""
    before = _digest(database)
    sentence = one_sentence(await filmbot(*ASK, env=environment(database), cwd=cwd), DATABASE, *says)
    assert _digest(database) == before
    return sentence


async def test_random_bytes(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    database.write_bytes(os.urandom(64 * 1024))
    await _ask_refused(database, tmp_path, str(database), "is not a SQLite database", "FILMBOT_DATABASE")


async def test_a_text_file(tmp_path: Path) -> None:
    database = tmp_path / "notes.txt"
    database.write_text("These are my notes, not a database.\n" * 100)
    await _ask_refused(database, tmp_path, str(database), "is not a SQLite database")


@pytest.mark.parametrize("keep", [0.5, 0.1])
async def test_a_truncated_database(tmp_path: Path, keep: float) -> None:
    database = await real_database(tmp_path / "filmbot.sqlite3")
    with database.open("r+b") as file:
        file.truncate(int(database.stat().st_size * keep) // 4096 * 4096)
    await _ask_refused(database, tmp_path, str(database), "is damaged", "backup")


async def test_a_database_from_a_newer_filmbot(tmp_path: Path) -> None:
    database = await real_database(tmp_path / "filmbot.sqlite3")
    newer = len(migrations()) + 1
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    await _ask_refused(
        database, tmp_path, "written by a newer filmbot", f"schema version {newer}", f"({len(migrations())})"
    )


async def test_every_command_that_opens_the_database_says_so(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    database.write_bytes(b"\0garbage" * 4096)
    data = tmp_path / "films.csv"
    data.write_text("title,year\nSolaris,1972\n")
    for command in (("films", "load"), ("films", "import", str(data))):
        done = await filmbot(*command, env=environment(database), cwd=tmp_path)
        one_sentence(done, DATABASE, "is not a SQLite database")


async def test_the_traceback_shows_at_debug_only(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    database.write_bytes(os.urandom(8192))
    done = await filmbot(*ASK, env=environment(database, FILMBOT_LOG_LEVEL="DEBUG"), cwd=tmp_path)
    assert done.status == DATABASE
    assert "Traceback" in done.stderr and "sqlite3.DatabaseError" in done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"filmbot: {database} is not a SQLite database")


# Read-only: root writes through any mode bits, so as root the process runs as nobody (uid 65534). The
# interpreter may live where nobody cannot reach it (pyenv under /root, mode 0700), so nobody keeps one
# capability, CAP_DAC_READ_SEARCH: it may read and search anything, and write only what its modes allow.

_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_SET_KEEPCAPS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE = 8, 47, 2
_CAP_DAC_READ_SEARCH = 2
_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _check(result: int, what: str) -> None:
    if result != 0:
        raise PermissionError(ctypes.get_errno(), what)


def _as_nobody() -> None:
    """In the child, before exec: become nobody, keeping (across exec) only the right to read."""
    _check(_LIBC.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)")
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    bit = 1 << _CAP_DAC_READ_SEARCH
    data = (_CapData * 2)(_CapData(bit, bit, bit), _CapData(0, 0, 0))
    _check(_LIBC.capset(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), data), "capset")
    _check(_LIBC.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE, _CAP_DAC_READ_SEARCH, 0, 0), "ambient")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="filmbot-startup-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o777)
        shutil.rmtree(folder)


def _unprivileged() -> Callable[[], None] | None:
    return _as_nobody if os.geteuid() == 0 else None


async def _ask_unprivileged(database: Path, cwd: Path) -> str:
    env = environment(database, TMPDIR=str(cwd))
    try:
        done = await filmbot(*ASK, env=env, cwd=cwd, preexec=_unprivileged())
    except (PermissionError, subprocess.SubprocessError) as exc:
        # As root without CAP_SETUID (or capabilities at all), a read-only file cannot be shown.
        pytest.skip(f"running as root and cannot run filmbot as uid {NOBODY} to honour file modes: {exc}")
    return one_sentence(done, DATABASE, str(database))


async def test_a_read_only_database_file(shared_dir: Path) -> None:
    database = await real_database(shared_dir / "filmbot.sqlite3")
    database.chmod(0o444)
    before = _digest(database)
    sentence = await _ask_unprivileged(database, shared_dir)
    assert "is read-only" in sentence and "write access" in sentence
    assert _digest(database) == before


async def test_a_read_only_folder(shared_dir: Path) -> None:
    folder = shared_dir / "db"
    folder.mkdir()
    database = await real_database(folder / "filmbot.sqlite3")
    database.chmod(0o666)
    folder.chmod(0o555)
    sentence = await _ask_unprivileged(database, shared_dir)
    assert "its folder is read-only" in sentence and "filmbot.sqlite3-wal" in sentence


async def test_a_folder_where_the_file_should_be(tmp_path: Path) -> None:
    done = await filmbot(*ASK, env=environment(tmp_path), cwd=tmp_path)
    one_sentence(done, DATABASE, f"cannot open {tmp_path}: it is a folder")


# A full disk: a file-size limit (RLIMIT_FSIZE) fails writes the way ENOSPC does, without filling a disk.


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer outright
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


async def test_a_full_disk_while_creating_the_database(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    done = await filmbot(*ASK, env=environment(database), cwd=tmp_path, preexec=_file_size_limit(64 * 1024))
    one_sentence(done, DATABASE, f"cannot write {database}", "file-size limit", "65,536 bytes")


async def test_a_full_disk_while_the_catalog_loads(tmp_path: Path) -> None:
    # Migrated and empty: opening writes nothing, the first write is loading the cards into the WAL.
    database = tmp_path / "filmbot.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        register_functions(conn)
        for version, _name, sql in migrations():
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    done = await filmbot(*ASK, env=environment(database), cwd=tmp_path, preexec=_file_size_limit(8192))
    one_sentence(done, DATABASE, f"cannot write {database}", "file-size limit")


def test_a_connection_that_fails_to_open_ends_before_its_event_loop(tmp_path: Path) -> None:
    # aiosqlite's worker thread posts its last result to the loop: if Database.open returned before the
    # thread ended, asyncio.run closed the loop first and the thread printed "Event loop is closed".
    script = (
        "import asyncio, contextlib, sys\n"
        "from pathlib import Path\n"
        "from bot.store._database import Database\n"
        "async def attempt():\n"
        "    with contextlib.suppress(Exception):\n"
        "        await Database.open(Path(sys.argv[1]))\n"
        "for _ in range(30):\n"
        "    asyncio.run(attempt())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
