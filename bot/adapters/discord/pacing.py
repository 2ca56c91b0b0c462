"""Our own pacing and fairness on top of discord.py's per-route buckets.

discord.py obeys Discord's `X-RateLimit-*` buckets and 429s, but it serves whoever asks
first and only learns of the global 50 requests/s limit from a 429. Every request Trellis
makes outside interactions (message creates, DM-channel opens) takes a slot here first.

Fairness: interactive sends book the next global slot at once (they wait at most one
spacing behind whatever is in flight); bulk sends (a fan-out) never book ahead: they take a
slot only when one is free now, and otherwise sleep and look again. So a fan-out fills all
the capacity interactive sends leave, and an interactive reply never queues behind it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Literal

Lane = Literal["interactive", "bulk"]
# Discord's global limit is 50 requests in any second: 47/s with a burst of 2 stays under it
# in every one-second window (47 + 2 = 49), with room for float noise.
GLOBAL_RATE = 47.0
BURST = 2


class Bucket:
    """GCRA: send times spaced `1/rate` apart, with a burst of `burst` allowed at once."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float]) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (burst - 1)
        self.now = now
        self.arrival = float("-inf")

    def wait(self) -> float:
        """How long until a slot is free, without taking it."""
        current = self.now()
        return max(0.0, max(self.arrival, current) - self.tolerance - current)

    def reserve(self) -> float:
        """Take the next slot; returns how long to wait for it."""
        current = self.now()
        self.arrival = max(self.arrival, current)
        allowed = self.arrival - self.tolerance
        self.arrival += self.interval
        return max(0.0, allowed - current)


class Pacer:
    def __init__(
        self,
        *,
        global_rate: float = GLOBAL_RATE,
        burst: int = BURST,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bucket = Bucket(global_rate, burst, now)
        self.sleep = sleep
        self.bulk_turn = asyncio.Lock()  # bulk senders queue among themselves, in order

    async def slot(self, lane: Lane) -> None:
        """Wait for a request slot under the global limit (see the module's docstring)."""
        if lane == "interactive":
            await self._wait(self.bucket.reserve())
            return
        async with self.bulk_turn:
            while (wait := self.bucket.wait()) > 0:
                await self.sleep(wait)
            self.bucket.reserve()

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            await self.sleep(seconds)
