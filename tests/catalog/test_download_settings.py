"""The two settings of the IMDb download: where the files come from, and how often the bot refreshes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import IMDB_DATASETS_URL, Settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_are_imdbs_own_server_and_no_refresh() -> None:
    settings = Settings.from_env({}, env_file=None)
    assert settings.imdb_datasets_url == IMDB_DATASETS_URL == "https://datasets.imdbws.com/"
    assert settings.imdb_refresh == "off"


@pytest.mark.parametrize(
    ("raw", "every"), [("daily", "daily"), ("Weekly", "weekly"), (" MONTHLY ", "monthly")]
)
def test_refresh_periods(raw: str, every: str) -> None:
    assert Settings.from_env({"FILMBOT_IMDB_REFRESH": raw}, env_file=None).imdb_refresh == every


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FILMBOT_IMDB_REFRESH": "hourly"}, "FILMBOT_IMDB_REFRESH must be one of off, daily, weekly, monthly, not 'hourly'"),
        ({"FILMBOT_IMDB_DATASETS_URL": "datasets.imdbws.com"}, "FILMBOT_IMDB_DATASETS_URL must be an address starting with http:// or https://"),
        ({"FILMBOT_IMDB_DATASETS_URL": "ftp://example.org/"}, "FILMBOT_IMDB_DATASETS_URL must be an address"),
    ],
)  # fmt: skip
def test_bad_values_name_the_key_and_what_works(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(env, env_file=None)
    assert says in refused.value.message


def test_both_are_documented() -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for key in ("FILMBOT_IMDB_DATASETS_URL", "FILMBOT_IMDB_REFRESH"):
        assert f"\n{key}=" in example and key in readme
