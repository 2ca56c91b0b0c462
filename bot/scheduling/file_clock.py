"""A clock a test moves from outside the process: it reads the time from a file.

The reliability suite runs real `trellis work` processes and must move time without
sleeping on the wall clock; every process reads the same file, so the live loop, the
scheduler and the outbox run their production code paths on the test's time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path


class FileClock:
    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._last = datetime(1970, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        try:
            text = self.path.read_text().strip()
            moment = datetime.fromisoformat(text) if text else self._last
        except (OSError, ValueError):
            moment = self._last  # a half-written file: keep the time we had
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        # Time never runs backwards within one process.
        self._last = max(self._last, moment.astimezone(UTC))
        return self._last


def write_time(path: str | Path, moment: datetime) -> None:
    """Move every FileClock reading `path` (atomic: write a sibling, then rename)."""
    target = Path(path)
    partial = target.with_suffix(".tmp")
    partial.write_text(moment.isoformat())
    partial.replace(target)
