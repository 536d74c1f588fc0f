"""TMDB's settings: the provider is built only with a key and the bot online; the image base is a setting."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.enrich.providers import build_providers
from bot.enrich.tmdb import TmdbProvider
from bot.errors import ConfigError
from bot.settings import TMDB_IMAGES, Settings
from tests.conftest import NOW
from tests.tmdb.fixtures import V3_KEY


def online(**env: str) -> Settings:
    return Settings.from_env(env, env_file=None)


async def test_tmdb_is_asked_only_with_a_key_and_online() -> None:
    clock = ManualClock(NOW)
    assert not any(isinstance(p, TmdbProvider) for p in build_providers(online().online, clock))
    assert build_providers(online(TMDB_API_KEY=V3_KEY, FILMBOT_ONLINE="off").online, clock) == ()
    providers = build_providers(online(TMDB_API_KEY=V3_KEY).online, clock)
    (tmdb,) = [p for p in providers if isinstance(p, TmdbProvider)]
    assert tmdb.name == "TMDB"
    for provider in providers:
        await provider.close()


def test_the_image_base_is_a_setting() -> None:
    assert online().online.tmdb_images == TMDB_IMAGES
    assert (
        online(FILMBOT_TMDB_IMAGES="http://127.0.0.1:9/img/").online.tmdb_images == "http://127.0.0.1:9/img"
    )
    with pytest.raises(ConfigError, match="FILMBOT_TMDB_IMAGES must be an address"):
        online(FILMBOT_TMDB_IMAGES="image.tmdb.org")
