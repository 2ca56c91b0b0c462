"""aiosqlite without its worker thread, for a throw-away database on a memory file system.

aiosqlite runs every sqlite3 call on a worker thread and wakes the event loop for each
result: about 150 µs of hand-over per statement, where the statement itself takes 1 µs on
/dev/shm. The demo's scratch database runs each call at once on the loop's own thread
instead: the same sqlite3 connection, SQL, pragmas and transactions, without the hand-over.
Production keeps the thread: there a slow disk or a long query must not stall the loop.

Two layers: `InlineConnection` is aiosqlite's connection with its queue replaced by a call
made at once; `InlineDBAPI` hands SQLAlchemy cursors that call sqlite3 directly, so a
statement also skips the three awaits (and six greenlet switches) SQLAlchemy's asyncio
adapter spends on a driver whose calls never wait.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_


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


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    # A scratch file in memory: let each connection map it and keep more of it cached
    # (reads without a system call per page).
    connection.execute("PRAGMA mmap_size=1073741824")
    connection.execute("PRAGMA cache_size=-65536")
    return connection


class InlineConnection(aiosqlite.Connection):
    def __init__(self, path: str) -> None:
        super().__init__(partial(_connect, path), iter_chunk_size=64)
        self._tx = _RunAtOnce()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        return self._connect().__await__()  # no worker thread to start


async def _nothing() -> None:
    """Awaited once per statement: SQLAlchemy's AsyncConnection checks that a statement
    awaited its driver (a guard against a synchronous driver in an async engine)."""


class _InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor adapter over a plain sqlite3 cursor: every call made at once."""

    __slots__ = ()
    _awaitable_cursor_close = False  # sqlite3's close is a plain call

    def _make_new_cursor(self, connection: Any) -> Any:
        return connection._conn.cursor()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        cursor: sqlite3.Cursor = self._cursor  # type: ignore[assignment]
        try:
            if parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            if cursor.description:
                self._rows = collections.deque(cursor.fetchall())
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        await_(_nothing())
        return cursor

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        cursor: sqlite3.Cursor = self._cursor  # type: ignore[assignment]
        try:
            result = cursor.executemany(operation, seq_of_parameters)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        await_(_nothing())
        return result


class _InlineAdaptedConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _InlineCursor

    def commit(self) -> None:
        if self._connection._connection:
            try:
                self._connection._conn.commit()
            except Exception as error:
                self._handle_exception(error)

    def rollback(self) -> None:
        if self._connection._connection:
            try:
                self._connection._conn.rollback()
            except Exception as error:
                self._handle_exception(error)


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite dialect's DBAPI shim, connecting through `InlineConnection`."""

    def __init__(self, path: str) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.path = path

    def connect(self, *arg: Any, **kw: Any) -> _InlineAdaptedConnection:
        connection: Any = await_(InlineConnection(self.path))
        return _InlineAdaptedConnection(self, connection)


def inline_engine_options(path: str) -> dict[str, Any]:
    """For `create_async_engine(...)`: the aiosqlite dialect over `InlineDBAPI`."""
    return {"module": InlineDBAPI(path)}
