"""Group commit: events handled at the same time are stored in one transaction.

SQLite has a single writer, and every transaction costs a lock, a BEGIN and a COMMIT;
PostgreSQL pays a round trip and a WAL flush per commit. So concurrent callers queue their
work here; one worker runs everything queued so far inside one shared transaction and
commits it, and only then does each caller get its result: nothing is acknowledged before it
is stored. When any item fails (or the commit does), the whole group is rolled back and each
item is run again on its own, so one bad event never loses the others.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.storage.db import Database

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MAX_GROUP = 200
"""At most this many items per transaction, so a burst never holds the writer for long."""


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        db: Database,
        grouped: Callable[[T], Awaitable[R]],
        alone: Callable[[T], Awaitable[R]],
    ) -> None:
        """`grouped` runs an item inside the shared transaction and must raise on failure;
        `alone` runs it in its own transactions (the retry, and its usual error handling)."""
        self.db = db
        self.grouped = grouped
        self.alone = alone
        self.prepare: Callable[[list[T]], Awaitable[None]] | None = None
        """Runs first in each group's transaction with all its items (e.g. one statement
        recording every delivery id of the group)."""
        self.rolled_back: list[Callable[[], None]] = []
        """Called after a group is rolled back (e.g. to forget ids cached inside it)."""
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Run `item` with whatever else is queued; returns once its group is committed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._worker is None or self._worker.done():
            # Started as a task, so callers arriving in the same loop turn join this group.
            # A fresh context: the worker must not inherit the caller's transactions.
            self._worker = asyncio.create_task(self._drain(), context=contextvars.Context())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            await self._commit(group)

    async def _commit(self, group: list[tuple[T, asyncio.Future[R]]]) -> None:
        results: list[R] = []
        try:
            async with self.db.shared():
                if self.prepare is not None:
                    await self.prepare([item for item, _ in group])
                for item, _ in group:
                    results.append(await self.grouped(item))
        except Exception:
            log.info("group of %d rolled back; storing each on its own", len(group), exc_info=True)
            for forget in self.rolled_back:
                forget()
            for item, future in group:
                await self._settle(future, self.alone(item))
            return
        for (_, future), result in zip(group, results, strict=True):
            if not future.done():
                future.set_result(result)

    @staticmethod
    async def _settle(future: asyncio.Future[R], work: Awaitable[R]) -> None:
        try:
            result = await work
        except Exception as problem:
            if not future.done():
                future.set_exception(problem)
            return
        if not future.done():
            future.set_result(result)
