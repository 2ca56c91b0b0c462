from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.app import Trellis
from bot.core.ports import SimulatedClock


async def test_advance_runs_everything_due_in_order_once(
    trellis: Trellis, clock: SimulatedClock
) -> None:
    ran: list[tuple[str, datetime, datetime]] = []

    async def job(payload: dict[str, Any], due: datetime) -> None:
        ran.append((payload["name"], due, clock.now()))

    trellis.scheduler.job("test", job)
    start = clock.now()
    for name, hours in [("late", 30), ("early", 2), ("middle", 10), ("beyond", 100)]:
        await trellis.scheduler.plan(
            f"test:{name}", "test", start + timedelta(hours=hours), {"name": name}
        )
    assert not await trellis.scheduler.plan("test:early", "test", start, {"name": "dup"})

    ran_count = await trellis.scheduler.advance(clock, timedelta(hours=36))
    assert ran_count == 3
    assert [name for name, _, _ in ran] == ["early", "middle", "late"]
    # Each job saw the clock at its own due time, as if the process had been running.
    assert all(seen == due for _, due, seen in ran)
    assert clock.now() == start + timedelta(hours=36)
    assert await trellis.scheduler.advance(clock, timedelta(hours=70)) == 1
    assert await trellis.scheduler.run_due() == 0


async def test_a_failing_job_is_retried_without_blocking_the_next_then_given_up(
    trellis: Trellis, clock: SimulatedClock
) -> None:
    ran: list[str] = []
    attempts: list[datetime] = []

    async def boom(payload: dict[str, Any], due: datetime) -> None:
        attempts.append(clock.now())
        raise RuntimeError("boom")

    async def fine(payload: dict[str, Any], due: datetime) -> None:
        ran.append("fine")

    trellis.scheduler.job("boom", boom)
    trellis.scheduler.job("fine", fine)
    await trellis.scheduler.plan("a", "boom", clock.now() + timedelta(minutes=1), {})
    await trellis.scheduler.plan("b", "fine", clock.now() + timedelta(minutes=2), {})
    assert await trellis.scheduler.advance(clock, timedelta(minutes=3)) == 1
    assert ran == ["fine"] and len(attempts) == 1
    # Taken again once its lease has ended (a passing fault would have been survived)…
    assert await trellis.scheduler.advance(clock, timedelta(minutes=5)) == 0
    assert len(attempts) == 2
    # …and recorded as failed once it has been failing for a day: no longer retried.
    assert await trellis.scheduler.advance(clock, timedelta(hours=25)) == 1
    assert await trellis.scheduler.advance(clock, timedelta(hours=1)) == 0
    assert len(attempts) == 3 and ran == ["fine"]
