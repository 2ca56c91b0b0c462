"""Three `trellis work` processes share one PostgreSQL through 50 scheduled periods: every
scheduled prompt is posted once, none is missed, none twice."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.adapters.memory import MemoryCommunity
from bot.app import lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from tests.community.helpers import Network
from tests.reliability.helpers import (
    DEADLINE_SECONDS,
    Sink,
    environment,
    running_sink,
    set_time,
    start_worker,
    stop,
    wait_until,
)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
PERIODS = 50
PROCESSES = 3
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def own_database() -> AsyncIterator[str]:
    """A database of this test's own (the shared `test` one is reset by other tests)."""
    if not POSTGRES_URL:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL); CI sets it")
    name = f"trellis_reliability_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_dsn(POSTGRES_URL))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def weekly_prompt(url: str) -> None:
    """A facilitator schedules a prompt every Tuesday at 09:00, as in docs/community.md."""
    clock = SimulatedClock(START)
    async with lifespan(load_settings({"DATABASE_URL": url}), clock) as trellis:
        network = Network(trellis, MemoryCommunity(trellis), clock)
        await network.container_with(["ben", "cleo"])
        scheduled = await network.run(
            "prompt schedule --every week --day tue --at 09:00 --purpose practice", by="ana"
        )
        assert "the first on 2026-03-03" in scheduled


async def test_three_processes_share_50_scheduled_periods_without_duplicates_or_misses(
    own_database: str, tmp_path: Path
) -> None:
    await weekly_prompt(own_database)
    clock_file = tmp_path / "now.txt"
    set_time(clock_file, START)
    sink = Sink()
    with running_sink(sink) as sink_url:
        env = environment(own_database, clock_file, sink_url)
        workers = [start_worker(env, tmp_path) for _ in range(PROCESSES)]
        try:
            for period in range(1, PERIODS + 1):
                set_time(clock_file, START + timedelta(weeks=period))
                wait_until(
                    lambda p=period: len(prompts(sink)) >= p,  # type: ignore[misc]
                    f"the prompt of week {period}",
                )
                # A week is far longer than any send: let this week's work settle before
                # moving on (a jump of a week would otherwise outlast a send's lease).
                await settled(own_database)
        finally:
            logs = [stop(worker) for worker in workers]
            print("\n---\n".join(logs))  # shown by pytest when the test fails

    posted = prompts(sink)
    dues = [START + timedelta(days=1, weeks=week) for week in range(PERIODS)]
    assert [key.split(":", 2)[2] for key in sorted(posted)] == [d.isoformat() for d in dues]
    duplicates = {key: n for key, n in sink.counts().items() if n > 1}
    assert duplicates == {}
    assert all("Traceback" not in log for log in logs), logs
    # Every kind of scheduled work (hygiene, reviews, prompts…) due by now ran, and once.
    connection = await asyncpg.connect(_dsn(own_database))
    try:
        rows = await connection.fetch(
            "SELECT status, count(*) AS n FROM scheduledrun WHERE due_at <= $1 GROUP BY status",
            START + timedelta(weeks=PERIODS),
        )
    finally:
        await connection.close()
    assert {row["status"]: row["n"] for row in rows}.keys() == {"done"}


async def settled(url: str) -> None:
    """Wait (bounded) until no scheduled run is claimed and no message is pending."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        for _ in range(int(DEADLINE_SECONDS / 0.02)):
            busy = await connection.fetchval(
                "SELECT (SELECT count(*) FROM scheduledrun WHERE status = 'claimed')"
                " + (SELECT count(*) FROM outboxmessage WHERE status = 'pending')"
            )
            if busy == 0:
                return
            await asyncio.sleep(0.02)
    finally:
        await connection.close()
    raise AssertionError("the workers did not settle")


def prompts(sink: Sink) -> list[str]:
    return [key for key in sink.counts() if key.startswith("prompt-run:")]
