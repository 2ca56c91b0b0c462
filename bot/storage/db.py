"""The async engine: SQLite with WAL and a busy timeout, or PostgreSQL through asyncpg."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.inline_sqlite import inline_engine_options
from bot.storage.sqlite_driver import OneCallDBAPI

BUSY_TIMEOUT_MS = 5000
MEMO = "trellis_memo"
DEFERRED = "trellis_deferred"


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


READ_ONLY = "trellis_read_only"

# The transaction a group commit shares with every repository call made in its task:
# `session()` and `read()` join it instead of opening their own. Keyed by task, so a task
# started inside (which copies the context) never uses the session concurrently.
_shared_in: ContextVar[tuple[AsyncSession, object] | None] = ContextVar(
    "trellis_shared_session", default=None
)
# The read transaction the reads of one command share (see `Database.reading`).
_reading_in: ContextVar[_Reads | None] = ContextVar("trellis_reads", default=None)


class _SharedSession:
    @staticmethod
    def get() -> AsyncSession | None:
        found = _shared_in.get()
        if found is None or found[1] is not asyncio.current_task():
            return None
        return found[0]

    @staticmethod
    def set(session: AsyncSession) -> Token[tuple[AsyncSession, object] | None]:
        return _shared_in.set((session, asyncio.current_task()))

    @staticmethod
    def reset(token: Token[tuple[AsyncSession, object] | None]) -> None:
        _shared_in.reset(token)


_shared = _SharedSession()


class _Reads:
    """One lazily opened read transaction for a task's reads; closed before the task writes
    (so a task never holds two pooled connections, and reads after a write see it)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.task = asyncio.current_task()
        self.session: AsyncSession | None = None

    async def open(self) -> AsyncSession:
        if self.session is None:
            self.session = self.db.readers()
        return self.session

    async def close(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            await session.close()

    @staticmethod
    def current(db: Database) -> _Reads | None:
        reads = _reading_in.get()
        if reads is None or reads.db is not db or reads.task is not asyncio.current_task():
            return None
        return reads


# The task holding this process's SQLite write lock (nested sessions pass through). A task,
# not a flag: a task started inside copies the context but does not hold the lock.
_writing: ContextVar[object | None] = ContextVar("trellis_writing", default=None)


def _holds_write_lock() -> bool:
    holder = _writing.get()
    return holder is not None and holder is asyncio.current_task()


def _begin(conn: Any) -> None:
    """Writers take the write lock at BEGIN: a read-then-write transaction (a claim) can then
    never fail halfway with SQLITE_BUSY. Readers begin deferred: in WAL mode they read a
    snapshot beside the writer and never wait for it."""
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    # On the driver's own cursor: this runs once per transaction, and SQLAlchemy's statement
    # machinery (events, execution context, result) costs twice the BEGIN itself.
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
    finally:
        cursor.close()


class Database:
    def __init__(self, url: str, *, inline_sqlite: bool = False) -> None:
        """`inline_sqlite`: run a SQLite file's calls on the event loop's thread (see
        `inline_sqlite.py`), for a scratch database on a memory file system."""
        self.url = url
        path = sqlite_path(url)
        # SQLite: each pooled connection is an aiosqlite thread; a few suffice (one writer,
        # short reads) and fewer threads fight less over the GIL in a burst.
        pool: dict[str, Any] = {"pool_size": 4, "max_overflow": 4} if path else {}
        if inline_sqlite and path:
            pool.update(inline_engine_options(path))
        elif path:
            pool["module"] = OneCallDBAPI()  # one thread hand-over per statement
        self.engine: AsyncEngine = create_async_engine(
            url, pool_pre_ping=not is_sqlite(url), **pool
        )
        if is_sqlite(url):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _begin)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self.readers = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}),
            class_=AsyncSession,
            expire_on_commit=False,
        )
        # SQLite has one writer and this process is its only one (ProcessLock): writers queue
        # here, in order, instead of sleeping in SQLite's busy handler (1-100 ms naps).
        self._write_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] | None = (
            weakref.WeakKeyDictionary() if is_sqlite(url) else None  # type: ignore[assignment]
        )
        self.members_version = 0
        """Bumped by every write to member rows, so in-process member caches start over."""

    def writing(self) -> bool:
        """True in a task inside a write transaction (it holds SQLite's write queue)."""
        return _holds_write_lock() or _shared.get() is not None

    def members_changed(self) -> None:
        self.members_version += 1

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
        """A read-write transaction, committed on the way out (or the shared one)."""
        shared = _shared.get()
        if shared is not None:
            yield shared
            return
        reads = _Reads.current(self)
        if reads is not None:
            await reads.close()  # release its connection first; later reads see this write
        async with self._writer(), self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """`session()` for Core statements only: the same write lock and shared transaction,
        on a bare connection, without an ORM session's bookkeeping (a quarter of a short
        write's cost; the outbox makes one per message sent)."""
        shared = _shared.get()
        if shared is not None:
            yield await shared.connection()
            return
        reads = _Reads.current(self)
        if reads is not None:
            await reads.close()
        async with self._writer(), self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: every repository call made in this task until the block ends
        commits together, or not at all (a scheduled run: its messages, its own record and
        the plan of its next run). Inside one already, that one."""
        shared = _shared.get()
        if shared is not None:
            yield shared
            return
        async with self.shared() as session:
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction: on SQLite it never takes (or waits for) the write lock.
        Inside a shared transaction it reads that one, so it sees its uncommitted writes;
        inside `reading()` it joins the task's read transaction."""
        shared = _shared.get()
        if shared is not None:
            yield shared
            return
        reads = _Reads.current(self)
        if reads is not None:
            yield await reads.open()
            return
        async with self.readers() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """Every `read()` of this task until the block ends shares one read transaction (a
        command's several lookups cost one BEGIN, one connection); a write ends it."""
        if _shared.get() is not None or _Reads.current(self) is not None:
            yield
            return
        reads = _Reads(self)
        token = _reading_in.set(reads)
        try:
            yield
        finally:
            _reading_in.reset(token)
            await reads.close()

    async def end_reads(self) -> None:
        """End this task's read transaction now, giving its connection back to the pool
        (before waiting for work that needs one); later reads open a fresh one."""
        reads = _Reads.current(self)
        if reads is not None:
            await reads.close()

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[AsyncSession]:
        """One transaction for everything this task stores until the block ends (group
        commit): every `session()`/`read()` inside joins it. Rolled back if the block raises."""
        async with self.session() as session:
            token = _shared.set(session)
            try:
                yield session
                await _insert_deferred(session)
            finally:
                _shared.reset(token)

    async def remembered(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        """`load()`, answered once per shared transaction (a group reads a channel's container
        once, not once per message). Outside one, simply `load()`."""
        shared = _shared.get()
        if shared is None:
            return await load()
        memo: dict[Hashable, Any] = shared.info.setdefault(MEMO, {})
        if key not in memo:
            memo[key] = await load()
        return memo[key]

    async def flush_deferred(self) -> None:
        """Store the shared transaction's deferred rows now, before reading them back."""
        shared = _shared.get()
        if shared is not None:
            await _insert_deferred(shared)

    def shared_state(self) -> dict[str, Any] | None:
        """Scratch space living as long as the current shared transaction; None outside one."""
        shared = _shared.get()
        return None if shared is None else shared.info

    def forget_remembered(self) -> None:
        """A write that may change what `remembered` answered in this transaction."""
        shared = _shared.get()
        if shared is not None:
            shared.info.pop(MEMO, None)

    async def insert_ignoring_duplicates(self, table: Table, rows: list[dict[str, Any]]) -> int:
        """INSERT … ON CONFLICT DO NOTHING for many rows; returns how many were new. Inside a
        shared transaction they are stored with the group's other rows in one statement just
        before its commit (then every row counts as new: callers there ignore the count)."""
        if not rows:
            return 0
        shared = _shared.get()
        if shared is not None:
            shared.info.setdefault(DEFERRED, {}).setdefault(table, []).extend(rows)
            return len(rows)
        async with self.session() as session:
            return await _insert_rows(session, table, rows)

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[None]:
        if self._write_locks is None or _holds_write_lock():
            yield
            return
        # One lock per event loop (a CLI may run several loops over one Database).
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            lock = self._write_locks[loop] = asyncio.Lock()
        async with lock:
            token = _writing.set(asyncio.current_task())
            try:
                yield
            finally:
                _writing.reset(token)

    async def dispose(self) -> None:
        await self.engine.dispose()


async def _insert_deferred(session: AsyncSession) -> None:
    deferred: dict[Table, list[dict[str, Any]]] = session.info.pop(DEFERRED, {})
    for table, rows in deferred.items():
        await _insert_rows(session, table, rows, count=False)


async def _insert_rows(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]], *, count: bool = True
) -> int:
    """Many rows with one cached statement (executemany); counts the rows actually new
    (RETURNING their keys) unless `count` is False."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = builder(table).on_conflict_do_nothing()
    connection = await session.connection()
    if not count:
        await connection.execute(statement, rows)
        return len(rows)
    key = next(iter(table.primary_key.columns))
    result = await connection.execute(statement.returning(key), rows)
    return len(result.all())


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
