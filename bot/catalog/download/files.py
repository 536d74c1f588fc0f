"""The download folder: its files, what the server said of each (kept beside them), partial files, a lock.

``.filmbot-datasets.json`` holds each complete file's validators (ETag, Last-Modified, size) and the
address they came from, so that a later run asks "changed since?" and the server answers 304. A file
being downloaded is ``<name>.part``, with ``<name>.part.json`` holding the validators of the version it
is part of (for an ``If-Range`` resume); a ``.part`` file is never imported. Every small JSON file is
written to a temporary name and renamed, so an interruption never leaves half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from pathlib import Path

from bot.catalog.download.models import Validators
from bot.errors import StartupError
from bot.store import hold_lock

MANIFEST = ".filmbot-datasets.json"
LOCK = ".filmbot-download.lock"


class FolderBusy(StartupError):
    """Another ``filmbot films download`` (or a running bot's refresh) is writing to the same folder."""

    exit_status = 4


def write_json(path: Path, value: object) -> None:
    """Write ``value`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(value, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _read_json(path: Path) -> dict[str, object]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class Manifest:
    """The validators of the complete files in ``dest``, as served from ``base_url``."""

    def __init__(self, dest: Path, base_url: str) -> None:
        self._path = dest / MANIFEST
        self._base_url = base_url
        raw = _read_json(self._path)
        files = raw.get("files") if raw.get("base_url") == base_url else None
        self._files = {
            name: Validators.from_dict(entry)
            for name, entry in (files.items() if isinstance(files, dict) else ())
            if isinstance(entry, dict)
        }

    def known(self, name: str, path: Path) -> Validators | None:
        """The validators of ``path`` when the file is still the one they describe (same size), else None."""
        found = self._files.get(name)
        if found is None or not path.is_file() or path.stat().st_size != found.size:
            return None
        return found

    def record(self, name: str, validators: Validators) -> None:
        self._files[name] = validators
        write_json(
            self._path,
            {"base_url": self._base_url, "files": {n: v.to_dict() for n, v in sorted(self._files.items())}},
        )


def read_part_validators(path: Path) -> Validators | None:
    """The validators a partial download was started under, or None (then it cannot be resumed)."""
    raw = _read_json(path)
    return Validators.from_dict(raw) if raw else None


def set_mtime(path: Path, last_modified: str | None) -> None:
    """Date the file as the server does (the import cites its date), when the server said."""
    if not last_modified:
        return
    with contextlib.suppress(TypeError, ValueError, OverflowError, OSError):
        stamp = parsedate_to_datetime(last_modified).timestamp()
        os.utime(path, (stamp, stamp))


@contextmanager
def hold_folder(dest: Path) -> Iterator[None]:
    """One download at a time per folder."""

    def busy(who: str) -> FolderBusy:
        return FolderBusy(
            f"another filmbot download{who} is writing to {dest}; let it finish (a running bot's refresh, "
            "perhaps) and run again"
        )

    with hold_lock(dest / LOCK, busy):
        yield
