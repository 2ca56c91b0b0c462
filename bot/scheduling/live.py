"""The live wake-up: while Trellis serves a platform (or `trellis work` runs), due work and
the outbox run every few seconds (the console moves time by hand instead).

A plain asyncio loop rather than APScheduler's interval job: on shutdown the loop stops
*between* ticks, so a tick is never cancelled halfway through a claim or a send (APScheduler
cancels a running job on shutdown, which left claims leased and tracebacks in the logs).
Calendar arithmetic still comes from APScheduler's triggers (`calendar.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import Trellis

log = logging.getLogger(__name__)
TICK_SECONDS = 15


class Health:
    """Consecutive failed ticks, so an outage is logged once as it starts and once as it ends
    (a database restart should read as two lines and a traceback, not a wall of them)."""

    def __init__(self) -> None:
        self.failed = 0


async def tick(trellis: Trellis, health: Health | None = None) -> None:
    health = health or Health()
    try:
        if trellis.rights is not None:  # a serving process keeps the daily retention job planned
            await trellis.rights.plan(trellis.clock.now())
        await trellis.scheduler.run_due()
        await trellis.outbox.drain()
    except Exception as problem:
        health.failed += 1
        if health.failed == 1:
            log.exception("scheduled work or outbox retry failed; trying again at the next tick")
        else:
            log.warning(
                "scheduled work still failing (%d ticks in a row): %s",
                health.failed,
                str(problem).strip().splitlines()[0][:200] if str(problem).strip() else "",
            )
        return
    if health.failed:
        log.warning(
            "scheduled work and the outbox recovered after %d failed ticks; "
            "work that fell due meanwhile has now run",
            health.failed,
        )
        health.failed = 0


async def _loop(trellis: Trellis, seconds: float, stopping: asyncio.Event) -> None:
    health = Health()
    while not stopping.is_set():
        await tick(trellis, health)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), seconds)


@asynccontextmanager
async def wake_up(trellis: Trellis, seconds: float = TICK_SECONDS) -> AsyncIterator[None]:
    stopping = asyncio.Event()
    loop = asyncio.create_task(_loop(trellis, seconds, stopping))
    try:
        yield
    finally:
        stopping.set()
        await loop  # the tick in progress finishes its claims and marks first
