"""Where the data lives: ``FILMBOT_DATABASE`` read once into a typed value.

A file path or ``sqlite:///path`` is a SQLite database (the default); ``postgresql://user@host:port/db``
(or ``postgres://``) a PostgreSQL server. The DSN's password never shows: ``str()`` and ``repr()`` of a
``PostgresUrl`` print the DSN without it, and only the store asks for the whole DSN (``reveal()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from bot.errors import ConfigError

_POSTGRES = ("postgresql", "postgres")
_FORMS = "a file path, sqlite:///path/to/file.sqlite3 or postgresql://user@host:port/database"


@dataclass(frozen=True, slots=True)
class PostgresUrl:
    """A PostgreSQL server's DSN; ``shown`` is the DSN without its password, safe to log."""

    _dsn: str = field(repr=False)
    shown: str
    database: str
    user: str
    password: str = field(default="", repr=False)

    def reveal(self) -> str:
        """The whole DSN, password included: for the driver, never for a message."""
        return self._dsn

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"PostgresUrl({self.shown!r})"


DatabaseLocation = Path | PostgresUrl


def database_env(location: DatabaseLocation) -> str:
    """``location`` as FILMBOT_DATABASE spells it for a child process (a DSN whole, password included)."""
    return location.reveal() if isinstance(location, PostgresUrl) else str(location)


def database_location(raw: str) -> DatabaseLocation:
    """``FILMBOT_DATABASE`` as a SQLite file's path or a PostgreSQL DSN; ``ConfigError`` for any other form."""
    scheme, sep, rest = raw.partition("://")
    if not sep or "/" in scheme or "\\" in scheme:
        return Path(raw)  # a plain path (a path with ``://`` further in is still a path)
    scheme = scheme.lower()
    if scheme == "sqlite":
        # SQLAlchemy's form: sqlite:///relative/file or sqlite:////absolute/file.
        if not rest.startswith("/") or rest == "/":
            raise ConfigError(
                f"FILMBOT_DATABASE {raw!r} names no file: write sqlite:///relative/path.sqlite3 or "
                "sqlite:////absolute/path.sqlite3"
            )
        return Path(unquote(rest[1:]))
    if scheme in _POSTGRES:
        return postgres_url(raw)
    raise ConfigError(f"FILMBOT_DATABASE must be {_FORMS}, not a {scheme}:// address")


def postgres_url(raw: str) -> PostgresUrl:
    """A ``postgresql://`` DSN checked for what can be told without the server: host, port, names."""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"FILMBOT_DATABASE is not a valid postgresql:// address ({exc})") from None
    query = parse_qs(parts.query)
    if port is None and "port" in query and not query["port"][0].isdigit():
        raise ConfigError(f"FILMBOT_DATABASE's port must be a number, not {query['port'][0]!r}")
    database = unquote(parts.path.lstrip("/"))
    if "/" in database:
        raise ConfigError(f"FILMBOT_DATABASE's database name must not contain '/' ({database!r})")
    user = unquote(parts.username or "")
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username is not None:
        netloc = f"{quote(user, safe='')}@{netloc}"
    shown = urlunsplit((parts.scheme, netloc, parts.path, _without_password(parts.query), ""))
    password = unquote(parts.password or "") or (query.get("password") or [""])[0]
    return PostgresUrl(raw, shown, database or user, user, password)


def _without_password(query: str) -> str:
    """The query string with any ``password=`` parameter's value hidden."""
    kept = []
    for item in query.split("&") if query else []:
        name, _, _ = item.partition("=")
        kept.append(f"{name}=********" if name.lower() == "password" else item)
    return "&".join(kept)
