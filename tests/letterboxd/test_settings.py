"""The Letterboxd address is a setting like Discord's, checked at start and documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import LETTERBOXD_URL, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_letterboxd_is_letterboxd_unless_told_otherwise() -> None:
    assert Settings.from_env({}, env_file=None).letterboxd_url == LETTERBOXD_URL == "https://letterboxd.com"
    local = Settings.from_env({"FILMBOT_LETTERBOXD_URL": "http://127.0.0.1:8080/"}, env_file=None)
    assert local.letterboxd_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("value", ["letterboxd.com", "ftp://letterboxd.com", "https://"])
def test_a_bad_address_names_the_key(value: str) -> None:
    with pytest.raises(ConfigError, match="FILMBOT_LETTERBOXD_URL must be an address starting with http"):
        Settings.from_env({"FILMBOT_LETTERBOXD_URL": value}, env_file=None)


def test_the_setting_is_documented() -> None:
    assert "FILMBOT_LETTERBOXD_URL=https://letterboxd.com" in (ROOT / ".env.example").read_text(
        encoding="utf-8"
    )
    assert "FILMBOT_LETTERBOXD_URL" in (ROOT / "README.md").read_text(encoding="utf-8")
