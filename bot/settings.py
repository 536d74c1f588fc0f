"""One typed settings object, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.database_url import DatabaseLocation, PostgresUrl, database_location
from bot.errors import ConfigError
from bot.parsing import decimal

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
IMDB_DATASETS_URL = "https://datasets.imdbws.com/"
IMDB_REFRESH = ("off", "daily", "weekly", "monthly")
LETTERBOXD_URL = "https://letterboxd.com"
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
class Shards:
    """The gateway shards this process runs: discord.py's ``AutoShardedBot`` over ``ids`` of ``count``."""

    count: int | None  # None: the count Discord recommends (FILMBOT_SHARD_COUNT=auto), asked at each start
    ids: tuple[int, ...] | None = None  # None: every shard, 0 to count - 1

    @property
    def runs_shard_zero(self) -> bool:
        """Shard 0's process is the one that syncs commands (and gets DMs' events, by Discord's rule)."""
        return self.ids is None or 0 in self.ids

    def describe(self) -> str:
        if self.count is None:
            return "the shard count Discord recommends"
        if self.ids is None:
            return f"shards 0-{self.count - 1} of {self.count}" if self.count > 1 else "shard 0 of 1"
        return f"shards {id_ranges(self.ids)} of {self.count}"


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret = Secret("")
    # A SQLite file (the default) or a PostgreSQL server (``PostgresUrl``: its password never printed).
    database: DatabaseLocation = Path("data/filmbot.sqlite3")
    films_dir: Path = Path("data/films")
    guild_ids: tuple[int, ...] = ()
    log_level: str = "INFO"
    api_base: str = DISCORD_API_BASE
    gateway_url: str = DISCORD_GATEWAY_URL
    timer_grace: timedelta = timedelta(minutes=15)
    # How long a claim on a due timer holds before another process may retry it (renewed while it runs).
    timer_lease: timedelta = timedelta(minutes=1)
    # discord.py waits this long after the last GUILD_CREATE before READY (its default is 2 s).
    guild_ready_timeout: float = 2.0
    # Where `filmbot films download imdb` fetches IMDb's dataset files, and how often the bot refreshes them.
    imdb_datasets_url: str = IMDB_DATASETS_URL
    imdb_refresh: str = "off"
    # Where IMDb's dataset files are downloaded (FILMBOT_IMDB_DIR); None: ``imdb/`` beside a SQLite
    # database, ``data/imdb`` with a PostgreSQL server (``bot.catalog.download.run.default_dest``).
    imdb_dir: Path | None = None
    # Where members' public diary feeds are read: <letterboxd_url>/<username>/rss/.
    letterboxd_url: str = LETTERBOXD_URL
    # FILMBOT_SHARD_COUNT / FILMBOT_SHARD_IDS; None: one gateway connection (discord.py's plain Bot).
    shards: Shards | None = None

    def secrets(self) -> list[str]:
        """What no message or log line may show: the token, and a PostgreSQL DSN's password."""
        found = [self.token.reveal()]
        if isinstance(self.database, PostgresUrl) and self.database.password:
            found.append(self.database.password)
        return found

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
        database = database_location(get("FILMBOT_DATABASE", "data/filmbot.sqlite3"))
        return cls(
            token=Secret(get("DISCORD_TOKEN")),
            database=database,
            films_dir=Path(get("FILMBOT_FILMS_DIR", "data/films")),
            guild_ids=guild_ids(get("FILMBOT_GUILD_IDS")),
            log_level=level,
            api_base=url("DISCORD_API_BASE", get("DISCORD_API_BASE", DISCORD_API_BASE), _HTTP).rstrip("/"),
            gateway_url=url("DISCORD_GATEWAY_URL", get("DISCORD_GATEWAY_URL", DISCORD_GATEWAY_URL), _WS),
            timer_grace=timedelta(minutes=grace),
            timer_lease=timedelta(
                seconds=number(
                    "FILMBOT_TIMER_LEASE_SECONDS", get("FILMBOT_TIMER_LEASE_SECONDS", "60"), *_LEASE
                )
            ),
            guild_ready_timeout=number(
                "FILMBOT_GUILD_READY_TIMEOUT", get("FILMBOT_GUILD_READY_TIMEOUT", "2"), *_READY
            ),
            imdb_datasets_url=url(
                "FILMBOT_IMDB_DATASETS_URL", get("FILMBOT_IMDB_DATASETS_URL", IMDB_DATASETS_URL), _HTTP
            ),
            imdb_refresh=choice(
                "FILMBOT_IMDB_REFRESH", get("FILMBOT_IMDB_REFRESH", "off").lower(), IMDB_REFRESH
            ),
            imdb_dir=Path(get("FILMBOT_IMDB_DIR")) if get("FILMBOT_IMDB_DIR") else None,
            letterboxd_url=url(
                "FILMBOT_LETTERBOXD_URL", get("FILMBOT_LETTERBOXD_URL", LETTERBOXD_URL), _HTTP
            ).rstrip("/"),
            shards=shards(
                get("FILMBOT_SHARD_COUNT"), get("FILMBOT_SHARD_IDS"), shared=isinstance(database, PostgresUrl)
            ),
        )


# Every numeric setting's bounds, (low, high, unit): one place says what each accepts.
_GRACE = (0.0, 7 * 24 * 60.0, "minutes")
_READY = (0.0, 60.0, "seconds")
_LEASE = (1.0, 3600.0, "seconds")
# Far above any one process's reach; Discord caps a shard at 2,500 servers, so 10,000 shards is 25M servers.
_SHARDS = (1.0, 10_000.0, "shards")
_SHARD_IDS = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_WHOLE = re.compile(r"[0-9]+")
_SNOWFLAKE = re.compile(r"[0-9]{1,19}")
_MAX_SNOWFLAKE = 2**63 - 1
_HTTP = ("http", "https")
_WS = ("ws", "wss")


def number(
    key: str, raw: str, low: float, high: float, unit: str, *, whole: bool = False, word: str = ""
) -> float:
    """The one parser of numeric settings: a plain decimal in ASCII digits (``bot.parsing.decimal``: not
    "inf", "nan", "1e300", "1_0" or "١٢", which float() takes), within ``low``–``high``.

    ``whole``: digits only, no fraction; ``word``: a word the setting takes instead (named in the error).
    """
    value = decimal(raw) if not whole or _WHOLE.fullmatch(raw) else None
    if value is None or not low <= value <= high:
        kind = f"{word} or a " if word else "a "
        kind += "whole number" if whole else "number"
        raise ConfigError(f"{key} must be {kind} of {unit} from {low:g} to {high:g}, not {raw!r}")
    return float(value)


def shards(count: str, ids: str, *, shared: bool = False) -> Shards | None:
    """FILMBOT_SHARD_COUNT (``auto`` or 1-10000) and FILMBOT_SHARD_IDS (``0-3``, ``0,2``; empty: every shard).

    ``shared``: the database is one several processes share (PostgreSQL), so ids naming only some shards
    leave the others to those processes; on SQLite (one process per database) they are refused.
    """
    if not count:
        if ids:
            raise ConfigError(
                f"FILMBOT_SHARD_IDS needs FILMBOT_SHARD_COUNT (the total number of shards) set as well "
                f"(FILMBOT_SHARD_IDS is {ids!r})"
            )
        return None
    if count.casefold() == "auto":
        if ids:
            raise ConfigError(
                f"FILMBOT_SHARD_IDS needs FILMBOT_SHARD_COUNT set to a number, not auto: which shards are "
                f"which depends on the count (FILMBOT_SHARD_IDS is {ids!r})"
            )
        return Shards(count=None)
    total = int(number("FILMBOT_SHARD_COUNT", count, *_SHARDS, whole=True, word="auto"))
    chosen = shard_ids(ids, total) if ids else None
    missing = sorted(set(range(total)) - set(chosen or range(total)))
    if missing and not shared:
        # One process per SQLite database (``filmbot run`` holds its lock): nobody else could run these.
        raise ConfigError(
            f"FILMBOT_SHARD_IDS {ids!r} would leave shard{'s' if len(missing) > 1 else ''} "
            f"{id_ranges(missing)} (of {total}) without a process, and a SQLite database (FILMBOT_DATABASE) "
            "is served by one process only: leave FILMBOT_SHARD_IDS empty to run every shard in this one, "
            "or share the shards between processes on a PostgreSQL database (FILMBOT_DATABASE=postgresql://…)"
        )
    return Shards(count=total, ids=chosen)


def shard_ids(raw: str, count: int) -> tuple[int, ...]:
    """Shard ids and inclusive ranges, comma-separated (``0-3``, ``0,2,5-7``): ASCII digits, each below ``count``."""
    found: set[int] = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        match = _SHARD_IDS.fullmatch(part)
        if match is None:
            raise ConfigError(
                f"FILMBOT_SHARD_IDS must be shard ids (digits 0-9) or ranges like 0-3, separated by "
                f"commas, not {part!r}"
            )
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high or high >= count:
            raise ConfigError(
                f"FILMBOT_SHARD_IDS must name shards from 0 to {count - 1}, low to high "
                f"(FILMBOT_SHARD_COUNT is {count}), not {part!r}"
            )
        found.update(range(low, high + 1))
    return tuple(sorted(found))


def id_ranges(ids: Sequence[int]) -> str:
    """``[0, 1, 2, 5]`` as ``0-2, 5``."""
    parts: list[str] = []
    for _, run in itertools.groupby(enumerate(sorted(ids)), key=lambda pair: pair[1] - pair[0]):
        values = [value for _, value in run]
        parts.append(str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}")
    return ", ".join(parts)


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
