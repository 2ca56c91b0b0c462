"""A scheduled job that fails between its steps (messages queued, next run not yet planned;
half a fan-out queued) leaves no trace; after a restart the run is taken again and every
message goes out once, and the schedule carries on: neither a duplicate nor a miss."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.directory import CommunityInfo
from bot.core.messages import Outgoing
from bot.core.ports import SimulatedClock
from bot.scheduling.runner import LEASE, Scheduler
from bot.storage.db import Database
from bot.storage.models import OutboxMessage, ScheduledRun
from bot.storage.repositories import ScheduleRepository
from tests.community.helpers import Network

MEMBERS = ["ben", "cai", "dee", "eve", "fay", "gus"]


@asynccontextmanager
async def process(url: str, clock: SimulatedClock) -> AsyncIterator[Network]:
    """One run of Trellis on the database; leaving the block is the process ending."""
    async with lifespan(load_settings({"DATABASE_URL": url}), clock) as trellis:
        yield Network(trellis, MemoryCommunity(trellis), clock)


class Fault(RuntimeError):
    pass


async def stored(trellis: Trellis, prefix: str) -> list[str]:
    async with trellis.db.session() as session:
        rows = await session.exec(select(OutboxMessage.idempotency_key))
        return sorted(key for key in rows.all() if key.startswith(prefix))


async def planned(trellis: Trellis, prefix: str) -> list[str]:
    async with trellis.db.session() as session:
        rows = await session.exec(select(ScheduledRun.run_key))
        return sorted(key for key in rows.all() if key.startswith(prefix))


async def test_a_fault_planning_the_next_prompt_neither_repeats_nor_skips_a_prompt(
    database_url: str, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with process(database_url, clock) as network:
        await network.container_with(["ben", "cleo"])
        await network.run(
            "prompt schedule --every week --day tue --at 09:00 --purpose practice", by="ana"
        )
        before = len(network.posts())
        real_plan = network.trellis.scheduler.plan

        async def plan_fails(run_key: str, *args: Any) -> bool:
            if run_key.startswith("prompt-run:"):
                raise Fault("the database went away while planning the next prompt")
            return await real_plan(run_key, *args)

        # The prompt's message is queued, then planning its next run fails.
        network.trellis.scheduler.plan = plan_fails  # type: ignore[method-assign]
        await network.advance(days=1, minutes=1)  # Tuesday 09:01
        assert len(network.posts()) == before  # the half-done run left nothing behind
        assert await stored(network.trellis, "prompt-run:") == []
        assert "failed; it is retried later" in caplog.text

    async with process(database_url, clock) as network:  # restarted, the fault gone
        await network.advance(minutes=10)  # the failed run's lease has ended: taken again
        first = network.posts()
        assert len(first) == 1
        await network.advance(days=7)  # and the schedule carries on
        assert len(network.posts()) == 2
        keys = await stored(network.trellis, "prompt-run:")
        assert [key.split(":", 2)[2][:10] for key in keys] == ["2026-03-03", "2026-03-10"]
        assert len(await planned(network.trellis, "prompt-run:")) == 3  # next: 17 March


async def test_a_fault_half_way_through_a_pulse_fan_out_neither_repeats_nor_skips_a_dm(
    database_url: str, clock: SimulatedClock
) -> None:
    async with process(database_url, clock) as network:
        await network.container_with(MEMBERS)
        real_put_all = network.trellis.outbox.put_all
        queued: list[str] = []

        async def put_fails_after_two(
            community: CommunityInfo, outgoing: list[Outgoing]
        ) -> list[bool]:
            pulses = [o for o in outgoing if (o.idempotency_key or "").startswith("pulse:")]
            if not pulses:
                return await real_put_all(community, outgoing)
            # The whole circle's DMs are stored in one statement: two of them get in, then
            # the process dies.
            stored = await real_put_all(community, pulses[:2])
            queued.extend(o.idempotency_key or "" for o in pulses[:2])
            raise Fault(f"the process died half-way through the pulse's DMs ({stored})")

        network.trellis.outbox.put_all = put_fails_after_two  # type: ignore[method-assign]
        await network.advance(days=14, minutes=1)  # the first pulse falls due
        assert len(queued) == 2  # two DMs were queued before the fault…
        assert not [d for name in MEMBERS for d in network.dms(name) if "Trust pulse" in d.text]
        assert await stored(network.trellis, "pulse:") == []  # …and rolled back with it

    async with process(database_url, clock) as network:
        await network.advance(minutes=10)
        for name in MEMBERS:
            assert len([d for d in network.dms(name) if "Trust pulse" in d.text]) == 1, name
        assert "still open" in await network.run("pulse now", by="ana")  # one pulse, not two
        await network.advance(days=14)
        for name in MEMBERS:
            assert len([d for d in network.dms(name) if "Trust pulse" in d.text]) == 2, name
        # One reminder and one closing per pulse: the chain planned once per run.
        assert len(await planned(network.trellis, "pulse-close:")) == 2


async def test_a_worker_whose_claim_was_taken_over_does_not_run_it_again(
    database_url: str, clock: SimulatedClock
) -> None:
    """A worker that stalled past its lease (another worker ran the run meanwhile) finds the
    claim gone when it resumes: the run is not done twice."""
    ran: list[str] = []

    async def note(payload: dict[str, Any], due: datetime) -> None:
        ran.append(payload["by"])

    async with process(database_url, clock) as network:
        stalled = network.trellis.scheduler
        other_db = Database(database_url)
        try:
            other = Scheduler(ScheduleRepository(other_db), clock)
            stalled.job("test.note", lambda p, d: note({"by": "stalled"}, d))
            other.job("test.note", lambda p, d: note({"by": "other"}, d))
            await stalled.plan("note:1", "test.note", clock.now(), {})
            [run] = await stalled.schedule.claim_due(clock.now(), stalled.worker, LEASE)
            clock.advance(LEASE + timedelta(seconds=1))  # the stalled worker's lease ends
            assert await other.run_due() == 1
            assert not await stalled._run(run)  # it wakes up: the run is someone else's
            assert ran == ["other"]
        finally:
            await other_db.dispose()
