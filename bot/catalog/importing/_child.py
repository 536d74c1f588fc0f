"""The process that reads IMDb's files for an import (``_assembly.ImdbSlices`` starts it): every message
of ``imdb_messages`` sent down the pipe whose descriptor is its argument, a failure sent too."""

from __future__ import annotations

import contextlib
import pickle
import signal
import sys
from multiprocessing.connection import Connection

from bot.catalog.importing._assembly import PipeProgress, imdb_messages, portable


def _child_main(fd: int) -> None:
    """The child process: every message of ``imdb_messages`` sent down ``fd``; a failure sent too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    conn = Connection(fd, readable=False)
    # The parent's own arguments, from its pipe: nothing from outside.
    read = pickle.loads(sys.stdin.buffer.read())
    try:
        for message in imdb_messages(read, PipeProgress(conn)):
            conn.send(message)
    except (BrokenPipeError, ConnectionResetError):  # the parent is gone
        return
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.send(("failed", portable(exc)))
    finally:
        conn.close()


if __name__ == "__main__":
    _child_main(int(sys.argv[1]))
