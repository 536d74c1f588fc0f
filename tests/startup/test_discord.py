"""``filmbot run`` when Discord is out of reach or says no (issue #16, item 12): a sentence, not a traceback."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from tests.discord_emulator import Emulator
from tests.startup._cli import (
    CONFIG,
    DATABASE,
    TOKEN,
    UNREACHABLE,
    environment,
    filmbot,
    one_sentence,
)

TOKEN_VALUE = "MTAxMjM0NTY3ODkw.not-a-real-token"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_unreachable_discord_ends_with_a_sentence(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_closed_port()}/api/v10"
    database = tmp_path / "filmbot.sqlite3"
    env = environment(database, DISCORD_TOKEN=TOKEN_VALUE, DISCORD_API_BASE=base)
    done = await filmbot("run", env=env, cwd=tmp_path)
    one_sentence(done, UNREACHABLE, f"could not reach Discord at {base}: connection refused")
    # The lock went with the process: a second attempt meets the same closed port, not "in use".
    one_sentence(await filmbot("run", env=env, cwd=tmp_path), UNREACHABLE)


async def test_a_refused_token_has_its_own_status(emulator: Emulator, tmp_path: Path) -> None:
    env = environment(tmp_path / "filmbot.sqlite3", **emulator.bot_env(str(tmp_path / "filmbot.sqlite3")))
    env["DISCORD_TOKEN"] = TOKEN_VALUE
    with emulator.expect_errors(40001):
        done = await filmbot("run", env=env, cwd=tmp_path)
    one_sentence(done, TOKEN, "Discord refused the token (DISCORD_TOKEN)")
    assert TOKEN_VALUE not in done.stderr


async def test_no_token_is_a_settings_error(tmp_path: Path) -> None:
    done = await filmbot("run", env=environment(tmp_path / "filmbot.sqlite3"), cwd=tmp_path)
    one_sentence(done, CONFIG, "DISCORD_TOKEN", "developers")


async def test_run_on_a_sick_database_ends_once_discord_is_reached(
    emulator: Emulator, tmp_path: Path
) -> None:
    database = tmp_path / "filmbot.sqlite3"
    database.write_bytes(os.urandom(16 * 1024))
    env = environment(database, **emulator.bot_env(str(database)))
    done = await filmbot("run", env=env, cwd=tmp_path)
    one_sentence(done, DATABASE, f"{database} is not a SQLite database")
    assert emulator.gateway.identifies == 0
