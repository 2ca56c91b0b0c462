"""The live wake-up: APScheduler's AsyncIOScheduler runs due work and retries the outbox
every few seconds while Trellis serves a platform (the console moves time by hand instead)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Trellis

log = logging.getLogger(__name__)
TICK_SECONDS = 15


async def tick(trellis: Trellis) -> None:
    try:
        await trellis.scheduler.run_due()
        await trellis.outbox.drain()
    except Exception:
        log.exception("scheduled work or outbox retry failed; trying again at the next tick")


@asynccontextmanager
async def wake_up(trellis: Trellis, seconds: float = TICK_SECONDS) -> AsyncIterator[None]:
    scheduler = AsyncIOScheduler()
    scheduler.add_job(
        tick, "interval", seconds=seconds, args=[trellis], max_instances=1, coalesce=True
    )
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
