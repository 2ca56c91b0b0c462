"""Storage on both backends (SQLite always; PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.core.events import Actor
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.storage import migrate
from bot.storage.db import Database
from bot.storage.repositories import (
    DirectoryRepository,
    EventLedgerRepository,
    OutboxRepository,
    ScheduleRepository,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def migrated(url: str) -> Database:
    database = Database(url)
    await migrate.upgrade(database)
    return database


async def test_migrations_apply_and_are_idempotent(database_url: str) -> None:
    database = await migrated(database_url)
    try:
        await migrate.upgrade(database)
        assert await migrate.current_revision(database) == migrate.head_revision()
    finally:
        await database.dispose()


async def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path: object) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/wal.db")
    try:
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
            assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
    finally:
        await database.dispose()


async def test_communities_and_members_are_created_once_and_kept_fresh(database_url: str) -> None:
    database = await migrated(database_url)
    try:
        directory = DirectoryRepository(database, SimulatedClock(T0), timezone="Europe/Lisbon")
        ref = CommunityRef("slack", "T1")
        first, again = await directory.community(ref), await directory.community(ref)
        assert first == again and first.timezone == "Europe/Lisbon"
        actor = Actor(MemberRef("slack", "U1"), "Ana", platform_admin=True)
        ana = await directory.member(first, actor)
        renamed = await directory.member(first, Actor(actor.ref, "Ana Lima", timezone="Asia/Tokyo"))
        assert renamed.id == ana.id and ana.is_facilitator
        assert (renamed.display_name, renamed.timezone) == ("Ana Lima", "Asia/Tokyo")
        assert await directory.count_members(first.id) == 1
    finally:
        await database.dispose()


async def test_times_come_back_as_the_same_utc_instant(database_url: str) -> None:
    database = await migrated(database_url)
    try:
        schedule = ScheduleRepository(database)
        lisbon_summer = datetime(2026, 7, 1, 10, 30, tzinfo=UTC) + timedelta(microseconds=0)
        await schedule.plan("k", "test", lisbon_summer)
        due = await schedule.next_due_at()
        assert due == lisbon_summer and due.tzinfo is not None
    finally:
        await database.dispose()


async def test_an_event_id_is_a_first_delivery_only_once_per_community(database_url: str) -> None:
    database = await migrated(database_url)
    try:
        clock = SimulatedClock(T0)
        directory = DirectoryRepository(database, clock)
        ledger = EventLedgerRepository(database, clock)
        one = await directory.community(CommunityRef("slack", "T1"))
        two = await directory.community(CommunityRef("slack", "T2"))
        assert await ledger.first_delivery(one, "Ev1")
        assert not await ledger.first_delivery(one, "Ev1")
        assert await ledger.first_delivery(two, "Ev1")
        clock.advance(timedelta(hours=2))
        assert await ledger.forget_before(clock.now() - timedelta(hours=1)) == 2
    finally:
        await database.dispose()


async def test_the_outbox_refuses_a_second_message_with_the_same_key(database_url: str) -> None:
    database = await migrated(database_url)
    try:
        clock = SimulatedClock(T0)
        community = await DirectoryRepository(database, clock).community(
            CommunityRef("slack", "T1")
        )
        outbox = OutboxRepository(database, clock)
        assert await outbox.enqueue(community.id, "checkin:1:U1", "member", "U1", "{}")
        assert not await outbox.enqueue(community.id, "checkin:1:U1", "member", "U1", "{}")
        assert [m.idempotency_key for m in await outbox.due()] == ["checkin:1:U1"]
    finally:
        await database.dispose()


async def test_concurrent_claimers_each_get_different_runs(database_url: str) -> None:
    database = await migrated(database_url)
    others = [Database(database_url) for _ in range(3)]
    try:
        schedule = ScheduleRepository(database)
        for i in range(30):
            assert await schedule.plan(f"run:{i}", "test", T0 + timedelta(minutes=i))
        assert not await schedule.plan("run:0", "test", T0)
        claims = await asyncio.gather(
            *(
                ScheduleRepository(db).claim_due(
                    T0 + timedelta(hours=1), f"w{n}", timedelta(minutes=5), 7
                )
                for n, db in enumerate(others)
            )
        )
        keys = [run.run_key for batch in claims for run in batch]
        assert len(keys) == len(set(keys)) == 21
        # A run whose lease expired is claimable again (its worker died).
        later = T0 + timedelta(hours=2)
        reclaimed = await schedule.claim_due(later, "w9", timedelta(minutes=5), 100)
        assert {r.run_key for r in reclaimed} == {f"run:{i}" for i in range(30)}
    finally:
        for db in others:
            await db.dispose()
        await database.dispose()


async def test_upgrading_keeps_rows_stored_under_the_first_schema(database_url: str) -> None:
    database = Database(database_url)
    try:
        await migrate.upgrade(database, "0001")
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO community (platform, external_id, name, timezone, locale,"
                    " created_at)"
                    " VALUES ('console', 'local', 'local', 'UTC', 'en', '2026-01-01 00:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO member (community_id, platform_user_id, display_name,"
                    " is_facilitator, created_at)"
                    " VALUES (1, 'ana', 'Ana', true, '2026-01-01 00:00:00')"
                )
            )
        await migrate.upgrade(database)
        community = await DirectoryRepository(database, SimulatedClock(T0)).community(
            CommunityRef("console", "local")
        )
        assert community.name == "local"
        ana = await DirectoryRepository(database, SimulatedClock(T0)).find_member(
            community, MemberRef("console", "ana")
        )
        assert ana is not None and ana.is_facilitator and ana.display_name == "Ana"
    finally:
        await database.dispose()
