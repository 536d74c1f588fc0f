"""Group commit: many callers' writes in one transaction (one fsync), each caller answered after COMMIT.

Durability comes from ``synchronous = FULL``: a write is on disk once its transaction commits, so a
caller may acknowledge it as soon as ``submit`` returns. Throughput comes from batching: while one
commit is in flight, every write that arrives queues up, and the next transaction takes all of them.
The first write after a quiet spell is committed at once (the writer task is idle and picks it up).

If a batch fails (one bad write, or the commit itself), it is rolled back and its writes are retried one
transaction each, so a failure reaches only its own caller and every other write still commits. If the
database refuses the transaction itself (``WriteFailed``: a full disk, a read-only file), every caller in
the batch gets that error at once: retrying each would fail alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.errors import WriteFailed
from bot.store._session import Engine, Transaction

log = logging.getLogger(__name__)

OpT = TypeVar("OpT")
ResultT = TypeVar("ResultT")

# Applies a batch of operations inside one transaction; returns one result per operation, in order.
Apply = Callable[[Transaction, list[OpT]], Awaitable[list[ResultT]]]


def _fail(batch: list[tuple[OpT, asyncio.Future[ResultT]]], error: BaseException) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)


class GroupCommit(Generic[OpT, ResultT]):
    """One writer task per engine; ``submit`` returns once the transaction holding the write committed."""

    def __init__(self, db: Engine, apply: Apply[OpT, ResultT], *, name: str, max_batch: int = 2000) -> None:
        self._db = db
        self._apply = apply
        self._name = name
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[OpT, asyncio.Future[ResultT]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.largest_batch = 0

    async def submit(self, op: OpT) -> ResultT:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._run(self._queue), name=self._name)
        future: asyncio.Future[ResultT] = loop.create_future()
        self._queue.put_nowait((op, future))
        # Shielded: a caller that gives up does not cancel the batch other callers wait on.
        return await asyncio.shield(future)

    async def now(self, op: OpT) -> ResultT:
        """The same write in a transaction of its own (one commit per write): a benchmark's baseline."""
        async with self._db.transaction() as tx:
            (result,) = await self._apply(tx, [op])
        return result

    async def stop(self) -> None:
        """Commit what is queued, then stop the writer task."""
        if self._task is None or self._queue is None:
            return
        if not self._task.done():
            await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self, queue: asyncio.Queue[tuple[OpT, asyncio.Future[ResultT]]]) -> None:
        while True:
            batch = [await queue.get()]
            while not queue.empty() and len(batch) < self._max_batch:
                batch.append(queue.get_nowait())
            try:
                await self._commit_batch(batch)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _commit_batch(self, batch: list[tuple[OpT, asyncio.Future[ResultT]]]) -> None:
        try:
            async with self._db.transaction() as tx:
                results = await self._apply(tx, [op for op, _ in batch])
                if len(results) != len(batch):  # checked before COMMIT: a bad apply must not strand callers
                    raise RuntimeError(f"{self._name}: {len(results)} results for {len(batch)} writes")
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except WriteFailed as error:
            # The database refused the transaction itself (a full disk…): every write in it fails alike.
            log.error("%s: %d writes not saved: %s", self._name, len(batch), error.detail)
            _fail(batch, error)
            return
        except Exception as error:
            if len(batch) == 1:
                log.exception("%s: a write could not be committed", self._name)
                _fail(batch, error)
                return
            log.warning("%s: a batch of %d writes failed; retrying them one by one", self._name, len(batch))
            for item in batch:
                await self._commit_batch([item])
            return
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(batch))
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
