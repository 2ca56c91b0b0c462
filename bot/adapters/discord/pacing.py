"""Our own fairness on top of discord.py's per-route buckets.

discord.py obeys Discord's `X-RateLimit-*` buckets and 429s, but it serves whoever asks
first. A fan-out of hundreds of DMs would then use the whole global budget (50 req/s)
and leave interactive sends waiting. Two reservations (GCRA-style token buckets) keep a
share free: every send takes a slot in the global bucket, bulk sends also in a smaller
bulk bucket, so interactive sends always find room.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Literal

Lane = Literal["interactive", "bulk"]
GLOBAL_RATE = 45.0  # under Discord's 50/s, for headroom
BULK_RATE = 30.0  # leaves at least 15/s for interactive sends


class Bucket:
    """GCRA: send times spaced `1/rate` apart, with a burst of `burst` allowed at once."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float]) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (burst - 1)
        self.now = now
        self.arrival = float("-inf")

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
        bulk_rate: float = BULK_RATE,
        burst: int = 10,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.global_bucket = Bucket(global_rate, burst, now)
        self.bulk_bucket = Bucket(bulk_rate, burst, now)
        self.sleep = sleep

    async def slot(self, lane: Lane) -> None:
        """Wait for a send slot. Bulk first waits its own turn, and only then takes a
        global slot, so it can never book the global budget far ahead of interactive sends."""
        if lane == "bulk":
            await self._wait(self.bulk_bucket.reserve())
        await self._wait(self.global_bucket.reserve())

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            await self.sleep(seconds)
