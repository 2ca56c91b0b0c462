"""Watching one send while it is in flight: keep its lease alive, and stop it in time.

A message is claimed for a lease (5 minutes); a send that outlived the lease could be
repeated by another process. So a send is bounded well under the lease, and while it (or
the pacer before it) runs, the lease is renewed. If a renewal is refused (another process
holds the message: ours had lapsed) or cannot be made until the lease is nearly over (the
database is away), the send is cancelled rather than allowed to race the new holder.

Durations are read on the injected Clock, so a simulated clock drives the same code; the
real-time `poll` only says how often to look."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from bot.core.ports import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")
# Renew returns the lease's new end, or None when the claim was taken over.
Renew = Callable[[datetime], Awaitable[datetime | None]]


class LeaseLost(Exception):
    """The claim on the message lapsed or was taken over; its new holder decides its fate."""


class SendTimedOut(Exception):
    """The send took longer than the bound; it is retried later."""


@dataclass(frozen=True)
class Bounds:
    lease: timedelta = timedelta(minutes=5)
    # Well under the lease: a send never outlives the claim it was made under.
    send_timeout: timedelta = timedelta(seconds=90)
    renew_every: timedelta = timedelta(seconds=30)
    # Stop a send this long before a lease we failed to renew would end.
    margin: timedelta = timedelta(seconds=30)
    poll_seconds: float = 1.0


class Flight:
    """One claimed message: its fencing token (the lease's end) and its heartbeat."""

    def __init__(self, clock: Clock, bounds: Bounds, token: datetime, renew: Renew) -> None:
        self.clock = clock
        self.bounds = bounds
        self.token = token
        self.renew = renew
        self.tried_at = clock.now()

    async def heartbeat(self) -> None:
        """Renew the lease when due; raise LeaseLost when it was taken or is about to end."""
        now = self.clock.now()
        if now - self.tried_at >= self.bounds.renew_every:
            self.tried_at = now
            try:
                token = await self.renew(self.token)
            except Exception as problem:  # the database is away: hold on while we may
                log.warning("could not renew a send's lease: %s", str(problem)[:200])
            else:
                if token is None:
                    raise LeaseLost("another process took the message over")
                self.token = token
        if self.clock.now() >= self.token - self.bounds.margin:
            raise LeaseLost("the lease is about to end and could not be renewed")

    async def run(self, work: Awaitable[T], *, bounded: bool) -> T:
        """Await `work` with the heartbeat beating; `bounded` applies the send timeout."""
        task = asyncio.ensure_future(work)
        started = self.clock.now()
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.bounds.poll_seconds)
                if done:
                    return task.result()
                if bounded and self.clock.now() - started >= self.bounds.send_timeout:
                    raise SendTimedOut(
                        f"no answer within {self.bounds.send_timeout.total_seconds():.0f}s"
                    )
                await self.heartbeat()
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
