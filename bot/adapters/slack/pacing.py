"""One outbound queue for every Slack call: paced per channel and per method tier.

The SDK only retries a 429 by sleeping inside the caller; keeping to Slack's limits across
calls is ours to do. Every call reserves a slot on each rate it belongs to (GCRA, so short
bursts pass and steady traffic is spaced), waits for the latest slot, and retries 429s
after their `Retry-After`, and 5xx and timeouts with exponential backoff. Time and sleep
are injected so tests run instantly and can assert the waits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[Any]]
Monotonic = Callable[[], float]

# (requests per minute, burst) per method; Slack's tiers, a little under their ceilings.
TIER_2 = (20.0, 3)
TIER_3 = (50.0, 10)
TIER_4 = (100.0, 20)
METHOD_RATES: dict[str, tuple[float, int]] = {
    "chat.postMessage": (300.0, 20),
    "chat.postEphemeral": TIER_4,
    "chat.update": TIER_3,
    "conversations.open": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "users.info": TIER_4,
    "views.publish": TIER_4,
    "views.open": TIER_4,
    "files.upload": TIER_3,
    "response_url": TIER_4,
}
DEFAULT_RATE = TIER_2
# About one message per second per channel.
CHANNEL_RATE = (60.0, 1)
MAX_ATTEMPTS = 5
MAX_BACKOFF = 30.0


class SendFailed(Exception):
    """A call that failed for good (`retry_after` None) or ran out of attempts for now."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Transient(Exception):
    """Raised by a send to ask for a retry (e.g. a response_url answering 500)."""

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


@dataclass(slots=True)
class Rate:
    """Generic cell rate algorithm: `tat` is when the next request would be on schedule."""

    per_minute: float
    burst: int
    tat: float = 0.0
    blocked_until: float = 0.0

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute

    def reserve(self, now: float) -> float:
        """Take a slot; returns the moment it may be used."""
        start = max(self.tat, now)
        allowed = max(start - (self.burst - 1) * self.interval, now, self.blocked_until)
        self.tat = max(start, allowed) + self.interval
        return allowed


@dataclass
class Pacer:
    sleep: Sleep = asyncio.sleep
    monotonic: Monotonic = time.monotonic
    rates: dict[str, Rate] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)

    def rate(self, key: str) -> Rate:
        if key not in self.rates:
            kind, _, rest = key.partition(":")
            name = rest.partition("@")[0]
            per_minute, burst = (
                CHANNEL_RATE if kind == "channel" else METHOD_RATES.get(name, DEFAULT_RATE)
            )
            self.rates[key] = Rate(per_minute, burst)
        return self.rates[key]

    def keys(self, team: str, method: str, channel: str | None) -> list[str]:
        keys = [f"method:{method}@{team}"]
        if channel and method in ("chat.postMessage", "files.upload"):
            keys.append(f"channel:{team}/{channel}")
        return keys

    async def wait(self, keys: list[str]) -> None:
        now = self.monotonic()
        until = max(self.rate(k).reserve(now) for k in keys)
        if until > now:
            self.waits.append(until - now)
            await self.sleep(until - now)

    def block(self, keys: list[str], seconds: float) -> None:
        until = self.monotonic() + seconds
        for key in keys:
            rate = self.rate(key)
            rate.blocked_until = max(rate.blocked_until, until)

    async def call(
        self,
        team: str,
        method: str,
        send: Callable[[], Awaitable[T]],
        *,
        channel: str | None = None,
        landed: Callable[[], Awaitable[T | None]] | None = None,
    ) -> T:
        """Run `send` when its rates allow; retries what Slack asks to be retried.

        After a timeout or a 5xx Slack may have done the work anyway; `landed`, when given,
        looks for it and its answer stands in for the call's, so nothing is done twice."""
        keys = self.keys(team, method, channel)
        unsure = False
        for attempt in range(MAX_ATTEMPTS):
            await self.wait(keys)
            if unsure and landed is not None:
                found = await self.look(method, landed)
                if found is not None:
                    return found
            unsure = False
            try:
                return await send()
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429:
                    delay = retry_after(error.response.headers)
                elif status >= 500:
                    delay, unsure = backoff(attempt), True
                else:
                    raise SendFailed(f"{method}: {error.response.get('error', status)}") from None
            except Transient as error:
                delay = error.retry_after or backoff(attempt)
                unsure = error.status >= 500
            except (TimeoutError, aiohttp.ClientError) as error:
                delay, unsure = backoff(attempt), True
                log.warning("%s to Slack failed (%s); retrying", method, type(error).__name__)
            log.info("%s: Slack asked to wait %.1f s (attempt %d)", method, delay, attempt + 1)
            self.block(keys, delay)
        raise SendFailed(f"{method}: still failing after {MAX_ATTEMPTS} attempts", MAX_BACKOFF)

    async def look(self, method: str, landed: Callable[[], Awaitable[T | None]]) -> T | None:
        """Whether an unanswered call went through. When that cannot be told it is not sent
        again now: the caller tries later (the outbox looks again before sending)."""
        try:
            found = await landed()
        except SendFailed as problem:
            log.warning("%s: could not check whether it went through (%s)", method, problem)
            raise SendFailed(f"{method}: no answer, and could not check", MAX_BACKOFF) from None
        if found is not None:
            log.info("%s went through although Slack did not answer; not sending it again", method)
        return found


def retry_after(headers: Any) -> float:
    try:
        value = headers.get("Retry-After") or headers.get("retry-after")
        if isinstance(value, list):
            value = value[0]
        return max(1.0, float(value))
    except (TypeError, ValueError, AttributeError):
        return 1.0


def backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF, 2**attempt))
