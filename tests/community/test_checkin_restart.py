"""Exactly once through a crash: a fan-out stopped halfway continues on restart."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis, lifespan
from bot.core.messages import ToMember
from bot.core.ports import SimulatedClock
from tests.community.checkin_helpers import join, meet


class Crash(BaseException):
    """The process dies: not an error a job could catch and record."""


async def test_a_restart_in_the_middle_of_a_fan_out_sends_each_member_exactly_one(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await community.command("container create Pod --purpose x", by="ana", admin=True, channel="pod")
    names = ["ana"] + [f"m{n}" for n in range(9)]
    for name in names[1:]:
        await join(trellis, "pod", await meet(community, name), clock.now())
    await community.command(
        "checkin schedule --every week --day mon --at 09:00", by="ana", channel="pod"
    )

    stored = 0
    real_put_all = trellis.outbox.put_all

    async def crashing_put_all(info: Any, outgoing: list[Any]) -> list[bool]:
        # A round's check-ins are stored in one statement: four get in, then the process dies.
        nonlocal stored
        checkins = [o for o in outgoing if (o.idempotency_key or "").startswith("checkin:")]
        if not checkins:
            return await real_put_all(info, outgoing)
        await real_put_all(info, checkins[:4])
        stored = 4
        raise Crash

    trellis.outbox.put_all = crashing_put_all  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await trellis.scheduler.advance(clock, timedelta(days=7, hours=1))

    # A new process on the same database, once the crashed worker's lease has run out.
    clock.advance(timedelta(minutes=10))
    async with lifespan(trellis.settings, clock) as restarted:
        again = MemoryCommunity(restarted)
        await restarted.scheduler.run_due()
        await restarted.outbox.drain()

        def received() -> Counter[str]:
            return Counter(
                d.target.member.external_id
                for d in community.delivered + again.delivered
                if isinstance(d.target, ToMember) and d.text.startswith("Check-in:")
            )

        assert stored == 4  # the crash came after four of ten check-ins were stored
        assert received() == Counter(names)
        # Nothing more is sent however often the runs are retried.
        clock.advance(timedelta(minutes=10))
        await restarted.scheduler.run_due()
        await restarted.outbox.drain()
        assert received() == Counter(names)
