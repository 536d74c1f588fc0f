"""One typed settings object, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.errors import ConfigError

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
IMDB_DATASETS_URL = "https://datasets.imdbws.com/"
IMDB_REFRESH = ("off", "daily", "weekly", "monthly")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that never shows itself in a repr, a log line or an error."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret = Secret("")
    database: Path = Path("data/filmbot.sqlite3")
    films_dir: Path = Path("data/films")
    guild_ids: tuple[int, ...] = ()
    log_level: str = "INFO"
    api_base: str = DISCORD_API_BASE
    gateway_url: str = DISCORD_GATEWAY_URL
    timer_grace: timedelta = timedelta(minutes=15)
    # discord.py waits this long after the last GUILD_CREATE before READY (its default is 2 s).
    guild_ready_timeout: float = 2.0
    # Where `filmbot films download imdb` fetches IMDb's dataset files, and how often the bot refreshes them.
    imdb_datasets_url: str = IMDB_DATASETS_URL
    imdb_refresh: str = "off"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
    ) -> Settings:
        """Read settings; real environment variables win over the ``.env`` file."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(key: str, default: str = "") -> str:
            return values.get(key, "").strip() or default

        level = choice("FILMBOT_LOG_LEVEL", get("FILMBOT_LOG_LEVEL", "INFO").upper(), _LOG_LEVELS)
        grace = number("FILMBOT_TIMER_GRACE_MINUTES", get("FILMBOT_TIMER_GRACE_MINUTES", "15"), *_GRACE)
        return cls(
            token=Secret(get("DISCORD_TOKEN")),
            database=Path(get("FILMBOT_DATABASE", "data/filmbot.sqlite3")),
            films_dir=Path(get("FILMBOT_FILMS_DIR", "data/films")),
            guild_ids=guild_ids(get("FILMBOT_GUILD_IDS")),
            log_level=level,
            api_base=url("DISCORD_API_BASE", get("DISCORD_API_BASE", DISCORD_API_BASE), _HTTP).rstrip("/"),
            gateway_url=url("DISCORD_GATEWAY_URL", get("DISCORD_GATEWAY_URL", DISCORD_GATEWAY_URL), _WS),
            timer_grace=timedelta(minutes=grace),
            guild_ready_timeout=number(
                "FILMBOT_GUILD_READY_TIMEOUT", get("FILMBOT_GUILD_READY_TIMEOUT", "2"), *_READY
            ),
            imdb_datasets_url=url(
                "FILMBOT_IMDB_DATASETS_URL", get("FILMBOT_IMDB_DATASETS_URL", IMDB_DATASETS_URL), _HTTP
            ),
            imdb_refresh=choice(
                "FILMBOT_IMDB_REFRESH", get("FILMBOT_IMDB_REFRESH", "off").lower(), IMDB_REFRESH
            ),
        )


# Every numeric setting's bounds, (low, high, unit): one place says what each accepts.
_GRACE = (0.0, 7 * 24 * 60.0, "minutes")
_READY = (0.0, 60.0, "seconds")
# A plain decimal in ASCII digits: float() alone also takes "inf", "nan", "1e300", "1_0" and "١٢".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SNOWFLAKE = re.compile(r"[0-9]{1,19}")
_MAX_SNOWFLAKE = 2**63 - 1
_HTTP = ("http", "https")
_WS = ("ws", "wss")


def number(key: str, raw: str, low: float, high: float, unit: str) -> float:
    """The one parser of numeric settings: ASCII decimal digits, finite, within ``low``–``high``."""
    value = float(raw) if _DECIMAL.fullmatch(raw) else math.nan
    if not low <= value <= high:
        raise ConfigError(f"{key} must be a number of {unit} from {low:g} to {high:g}, not {raw!r}")
    return value


def guild_ids(raw: str) -> tuple[int, ...]:
    """Comma-separated Discord server ids (snowflakes): ASCII digits only, as Discord shows them."""
    found: list[int] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if not _SNOWFLAKE.fullmatch(part) or not 0 < int(part) <= _MAX_SNOWFLAKE:
            raise ConfigError(
                f"FILMBOT_GUILD_IDS must be comma-separated server ids (digits 0-9, as Discord shows them "
                f"with Copy Server ID), not {part!r}"
            )
        found.append(int(part))
    return tuple(found)


def choice(key: str, raw: str, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        raise ConfigError(f"{key} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def url(key: str, raw: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(
            f"{key} must be an address starting with {' or '.join(s + '://' for s in schemes)}, not {raw!r}"
        )
    return raw
