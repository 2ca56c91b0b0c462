"""App Homes across restarts and several processes: who has a Home, and what it last showed,
is in the database, so a changed Home is published once, by whichever process finds the
change, and an unchanged one is never published again; the daily pass waits for a process
that runs Slack."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.adapters.slack.home_refresh import DAILY_KIND
from bot.app import lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.storage.models import ScheduledRun
from bot.storage.slack_homes_repository import SlackHomeRepository
from tests.fakes.slack_api import FakeSlack
from tests.slack.care import ADA, BOB, CAT, advance, container
from tests.slack.conftest import Slack, serve
from tests.slack.test_home import open_home, published_since, text

TEAM = "T0TRELLIS"
CHECKINS = "checkin schedule --every week --day fri --at 16:00 --questions what"


async def daily_runs(slack: Slack) -> list[tuple[datetime, str]]:
    async with slack.trellis.db.session() as session:
        query = (
            select(ScheduledRun)
            .where(ScheduledRun.kind == DAILY_KIND)
            .order_by(col(ScheduledRun.due_at))
        )
        return [(run.due_at, run.status) for run in (await session.exec(query)).all()]


async def test_a_home_opened_before_a_restart_follows_a_facilitators_change(
    tmp_path: Path, fake: FakeSlack
) -> None:
    async with serve(tmp_path, fake) as before:
        await container(before)
        assert "none planned" in text(await open_home(before, BOB))
    # A new process on the same database: it never saw Bob open his Home.
    async with serve(tmp_path, fake) as after:
        since = len(fake.calls)
        await after.command(CHECKINS)  # Ada, not Bob
        (view,) = published_since(after, since, BOB)
        assert "Next check-in" in text(view) and "Fri" in text(view)
        assert "none planned" not in text(view)
        assert published_since(after, since, CAT) == []  # Cat never opened hers
        assert published_since(after, since, ADA) == []


async def test_an_unchanged_home_is_not_published_again_after_a_restart(
    tmp_path: Path, fake: FakeSlack
) -> None:
    async with serve(tmp_path, fake) as before:
        await container(before)
        await open_home(before, BOB)
    async with serve(tmp_path, fake) as after:
        since = len(fake.calls)
        await after.command("help")
        await advance(after, days=1)  # the daily pass, and every other scheduled run
        await after.settle()
        assert [status for _, status in await daily_runs(after)][:1] == ["done"]
        assert published_since(after, since, BOB) == []


async def test_two_processes_publish_one_change_once(tmp_path: Path, fake: FakeSlack) -> None:
    async with serve(tmp_path, fake) as one, serve(tmp_path, fake) as two:
        await container(one)
        await open_home(one, BOB)
        since = len(fake.calls)
        await two.command(CHECKINS)  # handled by the other process
        (view,) = published_since(two, since, BOB)
        assert "Fri" in text(view)

        # Both now find Bob's Home out of date at once (what was published is not what
        # it shows): one of them publishes it, the other leaves it.
        homes = SlackHomeRepository(one.trellis.db)
        await homes.published(TEAM, BOB, "0" * 64, one.trellis.clock.now())
        since = len(fake.calls)
        one.adapter.homes.changed(TEAM)
        two.adapter.homes.changed(TEAM)
        await one.settle()
        await two.settle()
        (again,) = published_since(one, since, BOB)
        assert again == view

        # And neither publishes it a third time.
        since = len(fake.calls)
        one.adapter.homes.changed()
        two.adapter.homes.changed()
        await one.settle()
        await two.settle()
        assert published_since(one, since, BOB) == []


async def test_a_process_without_slack_leaves_the_daily_home_pass_to_one_with_it(
    tmp_path: Path, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async with serve(tmp_path, fake) as slack:
        await container(slack)
        await open_home(slack, BOB)  # plans the daily pass
        ((due, status),) = await daily_runs(slack)
        assert status == "due"
        # A console-only process on the same database (PostgreSQL allows several).
        settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.db"})
        clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        async with lifespan(settings, clock) as console:
            with caplog.at_level(logging.DEBUG, logger="bot.scheduling.runner"):
                await console.scheduler.advance(clock, timedelta(days=2))
            assert "no job" not in caplog.text
        assert await daily_runs(slack) == [(due, "due")]  # not eaten, not failed

        await advance(slack, days=1)
        runs = await daily_runs(slack)
        assert runs[0] == (due, "done")
        assert runs[1] == (due + timedelta(days=1), "due")  # and the next one planned
