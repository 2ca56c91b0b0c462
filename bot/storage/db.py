"""The async engine: SQLite with WAL and a busy timeout, or PostgreSQL through asyncpg."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

BUSY_TIMEOUT_MS = 5000


class DatabaseUnavailable(Exception):
    """The database named by DATABASE_URL cannot be opened; the message is one line."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # We issue BEGIN ourselves (below), so the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is durable across application crashes and skips an fsync per commit
    # (only an OS crash or power loss can lose the last commits); SQLite's own advice.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_immediate(conn: Any) -> None:
    """Take the write lock at BEGIN: a read-then-write transaction (a claim) can then never
    fail halfway with SQLITE_BUSY; other writers wait up to busy_timeout instead."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(url, pool_pre_ping=not is_sqlite(url))
        if is_sqlite(url):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _begin_immediate)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        # The transaction a `transaction()` block opened in this task, if any.
        self._ambient: ContextVar[AsyncSession | None] = ContextVar(
            f"trellis_db_{id(self)}", default=None
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def check(self) -> None:
        path = sqlite_path(self.url)
        if path is not None:
            _open_sqlite_file(path)
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseUnavailable(
                f"DATABASE_URL: cannot open the database ({reason[:160]})"
            ) from None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction of its own; inside `transaction()`, that one (no savepoint: a
        failure anywhere fails the whole unit, which is what a scheduled run wants, and a
        500-member fan-out keeps half its statements)."""
        ambient = self._ambient.get()
        if ambient is not None:
            yield ambient
            return
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: every repository call made in this task until the block ends
        commits together, or not at all (a scheduled run: its messages, its own record and
        the plan of its next run)."""
        if self._ambient.get() is not None:
            async with self.session() as session:
                yield session
            return
        async with self.sessions() as session, session.begin():
            token = self._ambient.set(session)
            try:
                yield session
            finally:
                self._ambient.reset(token)

    async def dispose(self) -> None:
        await self.engine.dispose()


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL; None for PostgreSQL and for in-memory SQLite."""
    if not is_sqlite(url):
        return None
    path = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
    return None if path in ("", ":memory:") else path


def _open_sqlite_file(path: str) -> None:
    """Open the file with the plain sqlite3 module first, in this thread.

    aiosqlite opens files on a worker thread; when that open fails it queues a `stop` whose
    future nobody awaits, and the thread later calls back into an event loop that
    `asyncio.run` may already have closed ("Event loop is closed" on stderr, now and then).
    Failing here, before aiosqlite starts a thread, keeps the error one clean line."""
    try:
        sqlite3.connect(path).close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(
            f"DATABASE_URL: cannot open the database ({str(exc)[:160]})"
        ) from None
