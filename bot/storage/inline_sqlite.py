"""aiosqlite without its worker thread, for a throw-away database on a memory file system.

aiosqlite runs every sqlite3 call on a worker thread and wakes the event loop for each
result: about 150 µs of hand-over per statement, where the statement itself takes 1 µs on
/dev/shm. The demo's scratch database runs each call at once on the loop's own thread
instead: the same sqlite3 connection, SQL, pragmas and transactions, without the hand-over.
Production keeps the thread: there a slow disk or a long query must not stall the loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import aiosqlite


class _RunAtOnce:
    """Stands where aiosqlite keeps the queue to its worker: each call runs as it is put,
    and its future is settled before the caller awaits it (so awaiting never yields)."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the caller, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    def __init__(self, path: str) -> None:
        super().__init__(partial(sqlite3.connect, path), iter_chunk_size=64)
        self._tx = _RunAtOnce()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        return self._connect().__await__()  # no worker thread to start


def inline_creator(path: str) -> Callable[[], InlineConnection]:
    """For `create_async_engine(async_creator=...)`: SQLAlchemy awaits what it returns."""
    return lambda: InlineConnection(path)
