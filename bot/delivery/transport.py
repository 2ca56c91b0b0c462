"""What an adapter offers the outbox: deliver one message to a channel, a member or a group."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Protocol

from bot.core.messages import Message, Outbound
from bot.core.refs import ChannelRef, CommunityRef


class DeliveryError(Exception):
    """Delivery failed. `retry_after` set means try again later (429, 5xx, timeouts);
    `rate_limited` means the platform asked to slow down, so the whole platform waits."""

    def __init__(
        self, reason: str, retry_after: float | None = None, *, rate_limited: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


# The outbox sets this around each `deliver`: a transport whose platform accepts a nonce or
# idempotency header passes it on, so a message re-sent after a crash is dropped there.
delivery_key: ContextVar[str | None] = ContextVar("delivery_key", default=None)
# True when an earlier sender of this message vanished mid-send (its process died): the
# platform may hold it already, so a transport without nonces looks before it posts.
delivery_resumed: ContextVar[bool] = ContextVar("delivery_resumed", default=False)


class Transport(Protocol):
    platform: str

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        """Send; for a `ToGroup` return the space it went to (the core counts its activity)."""
        ...
