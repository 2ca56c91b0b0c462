"""Shared fixtures: a database on each backend, and a Trellis on a simulated clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.storage.db import Database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
NO_POSTGRES = "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"


def worker_database(url: str) -> str:
    """Each pytest-xdist worker gets a database of its own (test_gw0, test_gw1, …)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{url}_{worker}" if worker else url


async def create_database(url: str) -> None:
    name = url.rpartition("/")[2]
    admin = Database(POSTGRES_URL or url)
    try:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()


async def reset_postgres(url: str) -> None:
    if url != POSTGRES_URL:
        await create_database(url)
    database = Database(url)
    try:
        async with database.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await database.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage test runs on both backends; PostgreSQL skips only when not configured."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/trellis.db"
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    url = worker_database(POSTGRES_URL)
    await reset_postgres(url)
    return url


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
async def trellis(tmp_path: Path, clock: SimulatedClock) -> AsyncIterator[Trellis]:
    """A Trellis on a temporary SQLite file (behaviour tests; storage tests use database_url)."""
    settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/app.db"})
    async with lifespan(settings, clock) as app:
        yield app


@pytest.fixture
async def trellis_any_db(database_url: str, clock: SimulatedClock) -> AsyncIterator[Trellis]:
    settings = load_settings({"DATABASE_URL": database_url})
    async with lifespan(settings, clock) as app:
        yield app


@pytest.fixture
def community(trellis: Trellis) -> MemoryCommunity:
    return MemoryCommunity(trellis)
