"""Per-member command rate limit: one member cannot flood the bot (or its database).

A sliding window over the Clock (never the wall clock), kept in process memory: a limit that
resets when the process restarts is fine for a guard against runaway scripts and spam.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)


class CommandRateLimit:
    """At most `per_minute` commands per member in any rolling minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[tuple[str, str], deque[datetime]] = {}

    def allow(self, key: tuple[str, str], now: datetime) -> bool:
        """Count this command when allowed; a refused command does not extend the wait."""
        if self.per_minute <= 0:
            return True
        recent = self._seen.setdefault(key, deque())
        while recent and now - recent[0] >= WINDOW:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return False
        recent.append(now)
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: datetime) -> None:
        for key in [k for k, v in self._seen.items() if not v or now - v[-1] >= WINDOW]:
            del self._seen[key]
