from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.log import RedactFilter
from bot.settings import DISCORD_API_BASE, Settings

TOKEN = "MTAxMjM0NTY3ODkw.secret-token-value"


def test_defaults() -> None:
    settings = Settings.from_env({}, env_file=None)
    assert settings.database == Path("data/filmbot.sqlite3")
    assert settings.api_base == DISCORD_API_BASE
    assert settings.guild_ids == ()
    assert not settings.token
    assert settings.event_loop == "asyncio"


def test_environment_overrides_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"DISCORD_TOKEN={TOKEN}\nFILMBOT_GUILD_IDS=1, 2\nFILMBOT_LOG_LEVEL=debug\n")
    settings = Settings.from_env({"FILMBOT_GUILD_IDS": "3"}, env_file=env)
    assert settings.token.reveal() == TOKEN
    assert settings.guild_ids == (3,)
    assert settings.log_level == "DEBUG"


def test_token_never_shows() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN}, env_file=None)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.token)
    assert TOKEN not in f"{settings}"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FILMBOT_LOG_LEVEL": "LOUD"}, "FILMBOT_LOG_LEVEL"),
        ({"FILMBOT_GUILD_IDS": "abc"}, "FILMBOT_GUILD_IDS"),
        ({"FILMBOT_EVENT_LOOP": "trio"}, "FILMBOT_EVENT_LOOP must be one of asyncio, uvloop, not 'trio'"),
    ],
)
def test_bad_settings_name_the_key(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        Settings.from_env(env, env_file=None)


def test_redact_filter_removes_the_token_from_log_records() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "connecting with %s", (TOKEN,), None)
    RedactFilter([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage()


def test_the_event_loop_may_be_uvloop() -> None:
    pytest.importorskip("uvloop")
    assert Settings.from_env({"FILMBOT_EVENT_LOOP": " UVLoop "}, env_file=None).event_loop == "uvloop"


def test_uvloop_asked_for_but_not_installed_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what Python does for a module it cannot import
    with pytest.raises(ConfigError, match=r"FILMBOT_EVENT_LOOP=uvloop needs uvloop installed \(pip install"):
        Settings.from_env({"FILMBOT_EVENT_LOOP": "uvloop"}, env_file=None)
