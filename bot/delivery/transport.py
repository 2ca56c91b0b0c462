"""What an adapter offers the outbox: deliver one message to a channel, a member or a group."""

from __future__ import annotations

from typing import Protocol

from bot.core.messages import Message, Outbound
from bot.core.refs import ChannelRef, CommunityRef


class DeliveryError(Exception):
    """Delivery failed. `retry_after` set means try again later (429, 5xx, timeouts)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Transport(Protocol):
    platform: str

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        """Send; for a `ToGroup` return the space it went to (the core counts its activity)."""
        ...
