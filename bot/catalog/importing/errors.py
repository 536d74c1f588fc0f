"""Why an import (or the download before it) stopped when the disk gave out: one sentence, place named."""

from __future__ import annotations

import resource
import shutil
from pathlib import Path

from bot.errors import StartupError


class NoRoom(StartupError):
    """A dataset file, the import's scratch files or the catalog could not be written: no room left.

    Exit status 3, like a database that cannot be written (README, "Exit statuses").
    """

    exit_status = 3


def no_room(
    where: str, folder: Path, *, then: str = "free some space and run again. Nothing was imported"
) -> NoRoom:
    """``where`` (a file and line, or a download) stopped because ``folder``'s disk, or the file-size
    limit, left no room; ``then``: what that means and what to do."""
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit != resource.RLIM_INFINITY:
        why = f"the file-size limit of this process ({limit:,} bytes, see ulimit -f) was reached"
    else:
        free = shutil.disk_usage(folder if folder.is_dir() else folder.parent).free
        why = f"the disk holding {folder} is full ({free:,} bytes free)"
    return NoRoom(f"{where}: cannot write in {folder}: {why}; {then}")
