"""Runs due work: claims rows, and runs each as one unit of work with its record.

A job queues its messages in the outbox and plans its next run; the runner wraps all of it,
and the record that the run is done, in one database transaction. A crash or a fault at any
step leaves no trace, and the run is simply taken again once its lease ends: never posted
twice, never skipped. The record comes first in that transaction and only counts while this
worker still holds the claim, so a worker whose lease was taken over changes nothing.

A kind named "<platform>.…" (`slack.homes.daily`) is run by that platform's adapter. A
process where that adapter does not run (console only, or another platform) never claims
it: it stays due for a process that has it, instead of failing with "no job" whichever
process looks first."""

from __future__ import annotations

import json
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core.ports import Clock, SimulatedClock
from bot.storage.models import ScheduledRun
from bot.storage.repositories import ScheduleRepository

log = logging.getLogger(__name__)
Job = Callable[[dict[str, Any], datetime], Awaitable[None]]
# A claimed run another worker may take once this has passed: a failed run is retried then.
LEASE = timedelta(minutes=5)
# A run still failing this long after it fell due is recorded as failed and retried no more.
GIVE_UP_AFTER = timedelta(hours=24)
# Platforms whose adapters register scheduled kinds of their own, named "<platform>.…".
PLATFORMS = ("slack", "discord")


class TakenOver(Exception):
    """Our claim lapsed and another worker holds the run now: leave it to them."""


class Scheduler:
    def __init__(self, schedule: ScheduleRepository, clock: Clock) -> None:
        self.schedule = schedule
        self.clock = clock
        self.worker = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.jobs: dict[str, Job] = {}
        self.after_each: list[Callable[[], Awaitable[Any]]] = []

    def job(self, kind: str, handler: Job) -> None:
        self.jobs[kind] = handler

    def elsewhere(self) -> list[str]:
        """Prefixes of kinds for platforms not running here: left to other processes."""
        here = {kind.split(".", 1)[0] for kind in self.jobs}
        return [f"{platform}." for platform in PLATFORMS if platform not in here]

    async def plan(
        self, run_key: str, kind: str, due_at: datetime, payload: dict[str, Any]
    ) -> bool:
        return await self.schedule.plan(run_key, kind, due_at, json.dumps(payload))

    async def run_due(self) -> int:
        """Run everything due now; returns how many runs were done."""
        done = 0
        leave = self.elsewhere()
        while runs := await self.schedule.claim_due(
            self.clock.now(), self.worker, LEASE, leave=leave
        ):
            for run in runs:
                if await self._run(run):
                    for hook in self.after_each:
                        await hook()
                    done += 1
        return done

    async def _run(self, run: ScheduledRun) -> bool:
        """One run as one unit of work; True when it is recorded as finished."""
        assert run.id is not None
        job = self.jobs.get(run.kind)
        if job is None:
            log.error("no job for scheduled kind %s", run.kind)
            return await self.schedule.finish(run.id, self.worker, self.clock.now(), "failed")
        try:
            async with self.schedule.db.transaction():
                if not await self.schedule.finish(run.id, self.worker, self.clock.now()):
                    raise TakenOver
                await job(json.loads(run.payload), run.due_at)
            return True
        except TakenOver:
            log.warning("scheduled run %s was taken over by another worker", run.run_key)
            return False
        except Exception:
            # Nothing of the run was kept; it stays claimed until its lease ends, then is
            # taken again (by any worker), until it has been failing for a day.
            if self.clock.now() - run.due_at < GIVE_UP_AFTER:
                log.exception("scheduled run %s failed; it is retried later", run.run_key)
                return False
            log.exception("scheduled run %s failed for a day; giving up", run.run_key)
            return await self.schedule.finish(run.id, self.worker, self.clock.now(), "failed")

    async def advance(self, clock: SimulatedClock, by: timedelta) -> int:
        """Move a simulated clock forward, running everything due in between, in order."""
        target = clock.now() + by
        done = 0
        leave = self.elsewhere()
        while (due := await self.schedule.next_due_at(leave)) is not None and due <= target:
            clock.set(max(due, clock.now()))
            done += await self.run_due()
        clock.set(target)
        return done + await self.run_due()
