"""Runs due work: claims rows, calls the job of their kind, marks them done."""

from __future__ import annotations

import json
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core.ports import Clock, SimulatedClock
from bot.storage.repositories import ScheduleRepository

log = logging.getLogger(__name__)
Job = Callable[[dict[str, Any], datetime], Awaitable[None]]
LEASE = timedelta(minutes=5)


class Scheduler:
    def __init__(self, schedule: ScheduleRepository, clock: Clock) -> None:
        self.schedule = schedule
        self.clock = clock
        self.worker = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.jobs: dict[str, Job] = {}
        self.after_each: list[Callable[[], Awaitable[Any]]] = []

    def job(self, kind: str, handler: Job) -> None:
        self.jobs[kind] = handler

    async def plan(
        self, run_key: str, kind: str, due_at: datetime, payload: dict[str, Any]
    ) -> bool:
        return await self.schedule.plan(run_key, kind, due_at, json.dumps(payload))

    async def run_due(self) -> int:
        """Run everything due now; returns how many runs were done."""
        done = 0
        while runs := await self.schedule.claim_due(self.clock.now(), self.worker, LEASE):
            for run in runs:
                assert run.id is not None
                job = self.jobs.get(run.kind)
                status = "done"
                if job is None:
                    log.error("no job for scheduled kind %s", run.kind)
                    status = "failed"
                else:
                    try:
                        await job(json.loads(run.payload), run.due_at)
                    except Exception:
                        log.exception("scheduled run %s failed", run.run_key)
                        status = "failed"
                await self.schedule.finish(run.id, self.clock.now(), status)
                for hook in self.after_each:
                    await hook()
                done += 1
        return done

    async def advance(self, clock: SimulatedClock, by: timedelta) -> int:
        """Move a simulated clock forward, running everything due in between, in order."""
        target = clock.now() + by
        done = 0
        while (due := await self.schedule.next_due_at()) is not None and due <= target:
            clock.set(max(due, clock.now()))
            done += await self.run_due()
        clock.set(target)
        return done + await self.run_due()
