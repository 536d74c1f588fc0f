"""One typed settings object, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values

from bot.errors import ConfigError

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
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

        level = get("FILMBOT_LOG_LEVEL", "INFO").upper()
        if level not in _LOG_LEVELS:
            raise ConfigError(f"FILMBOT_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {level!r}")
        guild_ids: list[int] = []
        for part in get("FILMBOT_GUILD_IDS").split(","):
            if part.strip():
                if not part.strip().isdigit():
                    raise ConfigError(f"FILMBOT_GUILD_IDS must be comma-separated server ids, not {part!r}")
                guild_ids.append(int(part))
        grace_raw = get("FILMBOT_TIMER_GRACE_MINUTES", "15")
        try:
            grace = timedelta(minutes=float(grace_raw))
        except ValueError:
            raise ConfigError(f"FILMBOT_TIMER_GRACE_MINUTES must be a number, not {grace_raw!r}") from None
        ready_raw = get("FILMBOT_GUILD_READY_TIMEOUT", "2")
        try:
            ready_timeout = float(ready_raw)
        except ValueError:
            raise ConfigError(f"FILMBOT_GUILD_READY_TIMEOUT must be seconds, not {ready_raw!r}") from None
        if not 0 <= ready_timeout <= 60:
            raise ConfigError("FILMBOT_GUILD_READY_TIMEOUT must be between 0 and 60 seconds")
        return cls(
            token=Secret(get("DISCORD_TOKEN")),
            database=Path(get("FILMBOT_DATABASE", "data/filmbot.sqlite3")),
            films_dir=Path(get("FILMBOT_FILMS_DIR", "data/films")),
            guild_ids=tuple(guild_ids),
            log_level=level,
            api_base=get("DISCORD_API_BASE", DISCORD_API_BASE).rstrip("/"),
            gateway_url=get("DISCORD_GATEWAY_URL", DISCORD_GATEWAY_URL),
            timer_grace=grace,
            guild_ready_timeout=ready_timeout,
        )
