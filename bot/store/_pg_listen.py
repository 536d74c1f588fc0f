"""PostgreSQL's ``LISTEN``: a connection of its own that calls back on every notification of a channel.

The timer dispatcher of each process listens on ``filmbot_timers`` (``bot.store.timers.CHANNEL``), which
a transaction that adds an earlier timer notifies as it commits. The connection is held for as long as
the listener runs; if it is lost (the server restarted), it is opened again after a pause, and the
callback is called once more then: a notification sent meanwhile was missed, so read the table again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from bot.database_url import PostgresUrl
from bot.store._pg_failures import CONNECT_TIMEOUT

log = logging.getLogger(__name__)

RECONNECT_AFTER = 5.0


@asynccontextmanager
async def listening(url: PostgresUrl, channel: str, callback: Callable[[], None]) -> AsyncIterator[None]:
    """For the length of the block, call ``callback`` on every notification of ``channel``."""
    task = asyncio.create_task(_listen(url, channel, callback), name=f"listen-{channel}")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _listen(url: PostgresUrl, channel: str, callback: Callable[[], None]) -> None:
    while True:
        try:
            await _listen_once(url, channel, callback)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning(
                "cannot listen for %s on %s (%s); trying again in %.0f s", channel, url, exc, RECONNECT_AFTER
            )
        else:
            log.warning(
                "lost the connection listening for %s; listening again in %.0f s", channel, RECONNECT_AFTER
            )
        await asyncio.sleep(RECONNECT_AFTER)


async def _listen_once(url: PostgresUrl, channel: str, callback: Callable[[], None]) -> None:
    """Listen until the connection is lost."""
    lost = asyncio.Event()

    def notified(*_: Any) -> None:
        callback()

    conn = await asyncpg.connect(url.reveal(), timeout=CONNECT_TIMEOUT)
    try:
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(channel, notified)
        callback()  # anything committed before the LISTEN took effect
        await lost.wait()
    finally:
        if not conn.is_closed():
            conn.terminate()
