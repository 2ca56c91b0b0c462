"""Per-member command rate limit: one member cannot flood the bot (or its database).

A sliding window over the Clock (never the wall clock): at most `per_minute` commands in any
rolling minute. The count lives in the database (storage's `CommandRateRepository`), so it
holds across every process sharing it; this module names the rule and its port.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

WINDOW = timedelta(minutes=1)


class CommandRate(Protocol):
    per_minute: int

    async def allow(self, member_id: int, now: datetime) -> bool:
        """Count this command when allowed; a refused command does not extend the wait.
        `per_minute` <= 0 allows everything."""
        ...
