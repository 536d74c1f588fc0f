"""The online settings: defaults, FILMBOT_ONLINE off, the TMDB key as a Secret, bad values named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import ConfigError
from bot.settings import TMDB_API, WIKIDATA_API, WIKIPEDIA_API, Settings

KEY = "0123456789abcdef0123456789abcdef"


def test_defaults_are_online_without_tmdb() -> None:
    online = Settings.from_env({}, env_file=None).online
    assert online.enabled
    assert online.ttl == timedelta(days=30)
    assert (online.wikidata_api, online.wikipedia_api, online.tmdb_api) == (
        WIKIDATA_API,
        WIKIPEDIA_API,
        TMDB_API,
    )
    assert not online.tmdb_key
    assert not online.tmdb


def test_every_key_is_read() -> None:
    online = Settings.from_env(
        {
            "FILMBOT_ONLINE": "OFF",
            "FILMBOT_CONTACT": "admin@film.example (Film Club)",
            "FILMBOT_ENRICH_TTL_DAYS": "7",
            "FILMBOT_WIKIDATA_API": "http://127.0.0.1:8001/w/api.php",
            "FILMBOT_WIKIPEDIA_API": "http://127.0.0.1:8002/w/api.php",
            "FILMBOT_TMDB_API": "http://127.0.0.1:8003/",
            "TMDB_API_KEY": KEY,
        },
        env_file=None,
    ).online
    assert not online.enabled
    assert online.contact == "admin@film.example (Film Club)"
    assert online.ttl == timedelta(days=7)
    assert online.wikidata_api == "http://127.0.0.1:8001/w/api.php"
    assert online.wikipedia_api == "http://127.0.0.1:8002/w/api.php"
    assert online.tmdb_api == "http://127.0.0.1:8003"
    assert online.tmdb_key.reveal() == KEY
    assert not online.tmdb  # a key, but the bot is offline


def test_the_tmdb_key_never_shows() -> None:
    settings = Settings.from_env({"TMDB_API_KEY": KEY}, env_file=None)
    assert settings.online.tmdb
    assert KEY not in repr(settings)
    assert KEY not in f"{settings.online}"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FILMBOT_ONLINE": "maybe"}, "FILMBOT_ONLINE must be one of on, off"),
        ({"FILMBOT_ENRICH_TTL_DAYS": "0"}, "FILMBOT_ENRICH_TTL_DAYS must be a whole number of days from 1"),
        ({"FILMBOT_ENRICH_TTL_DAYS": "1.5"}, "FILMBOT_ENRICH_TTL_DAYS"),
        ({"FILMBOT_WIKIDATA_API": "www.wikidata.org"}, "FILMBOT_WIKIDATA_API must be an address"),
        ({"FILMBOT_WIKIPEDIA_API": "ftp://x/"}, "FILMBOT_WIKIPEDIA_API"),
        ({"FILMBOT_TMDB_API": "api.themoviedb.org"}, "FILMBOT_TMDB_API"),
        ({"FILMBOT_CONTACT": "me\x07@example.org"}, "FILMBOT_CONTACT must be one line"),
        ({"FILMBOT_CONTACT": "x" * 201}, "at most 200"),
    ],
)
def test_bad_values_name_the_key(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says) as caught:
        Settings.from_env(env, env_file=None)
    assert caught.value.exit_status == 2


def test_a_bad_tmdb_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError, match="TMDB_API_KEY") as caught:
        Settings.from_env({"TMDB_API_KEY": "abc déf"}, env_file=None)
    assert "abc" not in str(caught.value)
