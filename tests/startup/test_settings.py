"""Bad settings (issue #16, item 13) end every command with one sentence naming the key and what works."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings
from tests.startup._cli import CONFIG, TIMEOUT, environment, filmbot, one_sentence

TOKEN = "MTAxMjM0NTY3ODkw.secret-token-value"
GRACE_RANGE = "FILMBOT_TIMER_GRACE_MINUTES must be a number of minutes from 0 to 10080"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("FILMBOT_TIMER_GRACE_MINUTES", "inf", GRACE_RANGE),
        ("FILMBOT_TIMER_GRACE_MINUTES", "nan", GRACE_RANGE),
        ("FILMBOT_TIMER_GRACE_MINUTES", "1e300", GRACE_RANGE),
        ("FILMBOT_TIMER_GRACE_MINUTES", "-5", GRACE_RANGE),
        ("FILMBOT_TIMER_GRACE_MINUTES", "²", GRACE_RANGE),
        ("FILMBOT_GUILD_IDS", "²", "FILMBOT_GUILD_IDS must be comma-separated server ids (digits 0-9"),
        ("FILMBOT_GUILD_IDS", "123,١٢٣", "not '١٢٣'"),  # Arabic-Indic digits: int() would take them
        (
            "FILMBOT_GUILD_READY_TIMEOUT",
            "inf",
            "FILMBOT_GUILD_READY_TIMEOUT must be a number of seconds from 0 to 60",
        ),
        ("DISCORD_API_BASE", "discord.com/api", "DISCORD_API_BASE must be an address starting with http://"),
    ],
)
async def test_a_bad_value_is_one_sentence(tmp_path: Path, key: str, value: str, says: str) -> None:
    env = environment(tmp_path / "filmbot.sqlite3", **{key: value})
    done = await filmbot("ask", "/film 100-meters", env=env, cwd=tmp_path)
    one_sentence(done, CONFIG, says, f"not {value.split(',')[-1]!r}")
    assert not (tmp_path / "filmbot.sqlite3").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("run",),
        ("ask", "/film 100-meters"),
        ("films", "load"),
        ("films", "check"),
        ("films", "import", "x.csv"),
    ],
)
async def test_every_command_checks_the_settings(tmp_path: Path, command: tuple[str, ...]) -> None:
    env = environment(tmp_path / "filmbot.sqlite3", FILMBOT_TIMER_GRACE_MINUTES="inf", DISCORD_TOKEN="x" * 20)
    one_sentence(await filmbot(*command, env=env, cwd=tmp_path), CONFIG, GRACE_RANGE)


@pytest.mark.parametrize("value", ["0", "15", "1.5", "10080", " 30 "])
def test_sane_grace_values_are_accepted(value: str) -> None:
    settings = Settings.from_env({"FILMBOT_TIMER_GRACE_MINUTES": value}, env_file=None)
    assert settings.timer_grace.total_seconds() == float(value) * 60


@pytest.mark.parametrize("value", ["0", str(2**63), "1" * 25, "+5", "5 5"])
def test_server_ids_are_snowflakes(value: str) -> None:
    with pytest.raises(ConfigError, match="FILMBOT_GUILD_IDS"):
        Settings.from_env({"FILMBOT_GUILD_IDS": value}, env_file=None)


async def test_an_unexpected_error_is_one_line_naming_it(tmp_path: Path) -> None:
    # A bug stands in for anything unforeseen; its message spans lines and holds the token.
    code = (
        "import os, sys, bot.cli as cli\n"
        "def broken(args, settings):\n"
        "    raise ZeroDivisionError('a bug\\nnear ' + os.environ['DISCORD_TOKEN'])\n"
        "cli._dispatch = broken\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    env = environment(tmp_path / "filmbot.sqlite3", DISCORD_TOKEN=TOKEN)
    status, stderr = await _python(code, env, tmp_path)
    assert status == 1 and "Traceback" not in stderr
    assert stderr.splitlines() == [
        "filmbot: stopped by an unexpected error (ZeroDivisionError: a bug near ********); "
        "run again with FILMBOT_LOG_LEVEL=DEBUG to see where"
    ]
    status, stderr = await _python(code, dict(env, FILMBOT_LOG_LEVEL="DEBUG"), tmp_path)
    assert status == 1 and "Traceback" in stderr and "ZeroDivisionError: a bug" in stderr
    assert stderr.splitlines()[-1] == (
        "filmbot: stopped by an unexpected error (ZeroDivisionError: a bug near ********); "
        "the traceback is above"
    )


async def _python(code: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, "ask", "/film 100-meters",
        env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return process.returncode, stderr.decode()
