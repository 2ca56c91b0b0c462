"""The demo's scratch database runs SQLite on the loop's thread: same results, same errors,
same transactions as aiosqlite's worker thread, and no worker thread at all."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.core.events import Actor
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.storage import migrate
from bot.storage.db import Database
from bot.storage.repositories import DirectoryRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_inline_sqlite_stores_reads_and_rolls_back_like_the_threaded_driver(
    tmp_path: Path,
) -> None:
    threads_before = threading.active_count()
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/inline.db", inline_sqlite=True)
    try:
        await migrate.upgrade(database)
        assert threading.active_count() == threads_before  # no aiosqlite worker started
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        directory = DirectoryRepository(database, SimulatedClock(T0))
        community = await directory.community(CommunityRef("console", "local"))
        ana = await directory.member(community, Actor(MemberRef("console", "ana"), "Ana"))
        assert ana.display_name == "Ana"

        # A failed statement raises the driver's error and rolls its transaction back.
        with pytest.raises(IntegrityError):
            async with database.session() as session:
                await session.exec(text("UPDATE member SET display_name = 'Ana B'"))  # type: ignore[call-overload]
                await session.exec(text("INSERT INTO member (id) VALUES (NULL)"))  # type: ignore[call-overload]
        async with database.read() as session:
            names = (await session.exec(text("SELECT display_name FROM member"))).all()  # type: ignore[call-overload]
        assert [tuple(row) for row in names] == [("Ana",)]
    finally:
        await database.dispose()
    assert threading.active_count() == threads_before
