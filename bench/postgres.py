"""A throwaway PostgreSQL database for a benchmark: `trellis_bench` on 127.0.0.1:5432, created
and dropped by the benchmark itself (never the test suite's `test`). None when no server
answers there, so the row says "not run" instead of failing."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.storage.db import Database

HOST, PORT = "127.0.0.1", 5432
SERVER = f"postgresql+asyncpg://postgres@{HOST}:{PORT}"
NAME = "trellis_bench"


def answers() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=0.5):
            return True
    except OSError:
        return False


async def _admin(statement: str) -> None:
    admin = Database(f"{SERVER}/postgres")
    try:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


@asynccontextmanager
async def bench_database() -> AsyncIterator[str | None]:
    """The URL of a fresh, empty `trellis_bench`, dropped afterwards; None without a server."""
    if not answers():
        yield None
        return
    await _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "{NAME}"')
    try:
        yield f"{SERVER}/{NAME}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
