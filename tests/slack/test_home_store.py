"""The stored Homes on both backends: several processes finding the same change at once
swap the stored hash exactly once (so exactly one publishes), and the daily Home pass is
never claimed by a process that does not run Slack."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.ports import SimulatedClock
from bot.scheduling.runner import LEASE, Scheduler
from bot.storage import migrate
from bot.storage.db import Database
from bot.storage.repositories import ScheduleRepository
from bot.storage.slack_homes_repository import SlackHomeRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OLD, NEW = "a" * 64, "b" * 64


async def test_one_of_several_processes_swaps_a_changed_home(database_url: str) -> None:
    databases = [Database(database_url) for _ in range(4)]
    await migrate.upgrade(databases[0])
    try:
        await SlackHomeRepository(databases[0]).published("T1", "U1", OLD, T0)
        await SlackHomeRepository(databases[1]).published("T1", "U2", OLD, T0)
        swaps = await asyncio.gather(
            *(SlackHomeRepository(db).swap("T1", "U1", OLD, NEW, T0) for db in databases)
        )
        assert sorted(swaps) == [False, False, False, True]
        homes = SlackHomeRepository(databases[0])
        assert await homes.homes("T1") == [("U1", NEW), ("U2", OLD)]
        # Opening the Home again records what was published, whatever was stored.
        await homes.published("T1", "U1", OLD, T0)
        assert await homes.homes("T1") == [("U1", OLD), ("U2", OLD)]
        assert await homes.teams() == ["T1"]
        await homes.forget("T1")
        assert await homes.teams() == []
    finally:
        for db in databases:
            await db.dispose()


async def test_slack_runs_are_claimed_only_where_slack_runs(database_url: str) -> None:
    db = Database(database_url)
    await migrate.upgrade(db)
    try:
        schedule = ScheduleRepository(db)
        await schedule.plan("slack.homes.daily:1", "slack.homes.daily", T0)
        await schedule.plan("pulse.open:1", "pulse.open", T0 + timedelta(hours=1))
        console = Scheduler(schedule, SimulatedClock(T0))
        console.job("pulse.open", lambda payload, due: asyncio.sleep(0))
        later = T0 + timedelta(hours=2)
        assert await schedule.next_due_at(console.elsewhere()) == T0 + timedelta(hours=1)
        claimed = await schedule.claim_due(later, "console", LEASE, leave=console.elsewhere())
        assert [run.kind for run in claimed] == ["pulse.open"]

        slack = Scheduler(schedule, SimulatedClock(T0))
        slack.job("slack.homes.daily", lambda payload, due: asyncio.sleep(0))
        claimed = await schedule.claim_due(later, "slack", LEASE, leave=slack.elsewhere())
        assert [run.kind for run in claimed] == ["slack.homes.daily"]
    finally:
        await db.dispose()
