"""CPU-heavy work (chart rendering) in a worker process, so the event loop never waits on it.

A thread is not enough: matplotlib holds the GIL while it draws, which stalls the event loop for tens of
milliseconds per chart (``python -m benchmarks.scores`` measures it). One worker process, started on
first use and kept for the bot's life, takes the whole cost; the loop only pickles the inputs and the
PNG bytes. The pool uses the ``spawn`` start method: forking a process that runs threads (aiosqlite's)
is unsafe.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
_pool: ProcessPoolExecutor | None = None


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        log.debug("started the chart worker process")
    return _pool


async def in_worker(function: Callable[..., T], *args: object) -> T:
    """Run ``function(*args)`` (picklable, module-level) in the worker process and return its result."""
    global _pool
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_get_pool(), function, *args)
    except BrokenProcessPool:
        # The worker died (killed, out of memory): start a fresh one and try once more.
        log.warning("the chart worker process died; starting a new one")
        _pool = None
        return await loop.run_in_executor(_get_pool(), function, *args)


def shutdown() -> None:
    """Stop the worker process (at bot shutdown); a later call to ``in_worker`` starts a new one."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
