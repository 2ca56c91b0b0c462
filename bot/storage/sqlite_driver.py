"""SQLAlchemy over aiosqlite with one hand-over to its worker thread per statement.

SQLAlchemy's asyncio adapter makes four or five aiosqlite calls per statement (open a cursor,
execute, fetch, close), and every call crosses to aiosqlite's worker thread and back to the
event loop: about 150 µs of hand-over each, where the statement itself often takes a few µs.
Here a statement is one call: the worker runs it on a plain sqlite3 cursor, fetches every
row and closes the cursor, and hands back the rows with the cursor's description, row count
and last row id. Same aiosqlite thread, sqlite3 connection, SQL and transactions.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

# What a statement hands back: description, rows, row count, last row id.
Outcome = tuple[Any, list[Any], int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    """In the worker thread: the whole statement, its cursor opened and closed here."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _OneCallCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor adapter, each statement one call to aiosqlite's worker."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")
    _awaitable_cursor_close = False  # nothing is left open between calls

    def _make_new_cursor(self, connection: Any) -> Any:
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        return None  # the worker opens one per statement

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid or 0

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    def _settle(self, outcome: Outcome) -> None:
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        connection: Any = self._connection  # an aiosqlite.Connection
        try:
            self._settle(await_(connection._execute(_run, connection._conn, operation, parameters)))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        return None

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        connection: Any = self._connection  # an aiosqlite.Connection
        try:
            outcome = await_(
                connection._execute(_run_many, connection._conn, operation, seq_of_parameters)
            )
            self._settle(outcome)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        return None


class _OneCallConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneCallCursor


class OneCallDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite dialect's DBAPI shim, its connections handing over once a statement."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> _OneCallConnection:
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's own shim: never blocks exit
        opened: Any = await_(connection)
        return _OneCallConnection(self, opened)
