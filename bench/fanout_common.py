"""Shared parts of the fan-out benchmarks: a simulated clock, a sliding-window rate limiter,
and the real check-in invitation a round sends to each member.

The pacing layers take their time and sleep as arguments, so a fan-out of 2,000 DMs runs in
seconds of wall time while the limits are enforced, and the rate measured, in simulated time.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.community.checkin_messages import checkin_dm
from bot.core.messages import Message
from bot.dialogue.prompt_bank import Question
from bot.storage.models.checkins import CheckinRound

MEMBERS = 2_000
OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class SimTime:
    """Seconds since the start; `sleep` moves time instead of waiting."""

    now: float = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


@dataclass
class Window:
    """At most `limit` requests in any `span` seconds (a small tolerance for float noise)."""

    limit: int
    span: float = 1.0
    times: deque[float] = field(default_factory=deque)

    def admit(self, now: float) -> bool:
        while self.times and self.times[0] <= now - self.span + 1e-9:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True

    def retry_after(self, now: float) -> float:
        return max(0.0, self.times[0] + self.span - now) if self.times else 0.0


def invitation() -> Message:
    """The DM a check-in round sends every member, as the check-in service builds it."""
    round_ = CheckinRound(
        id=1,
        container_id=1,
        round_key="bench",
        label="Mon 2 Mar 2026",
        question_set="what",
        questions="[]",
        opened_at=OPENED,
        closes_at=OPENED + timedelta(days=3),
    )
    questions = [
        Question("What happened", "What happened in your practice since the last check-in?"),
        Question("So what", "So what? What does it tell you, and what did you learn from it?"),
        Question("Now what", "Now what? What will you try or change next?"),
    ]
    return checkin_dm("Maths leads", round_, questions, "UTC")


@dataclass
class Tally:
    """What the fake saw: accepted sends per recipient, and how many were refused with 429."""

    accepted: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    first: float | None = None
    last: float = 0.0

    def accept(self, recipient: str, now: float) -> None:
        self.accepted[recipient] = self.accepted.get(recipient, 0) + 1
        self.first = now if self.first is None else self.first
        self.last = now

    @property
    def requests(self) -> int:
        return sum(self.accepted.values()) + self.refused

    def rate(self) -> float:
        sent = sum(self.accepted.values())
        span = self.last - (self.first or 0.0)
        # n sends spaced evenly span n-1 intervals.
        return (sent - 1) / span if span > 0 else float("inf")
