"""What an adapter offers the outbox: deliver one message to a channel or a member."""

from __future__ import annotations

from typing import Protocol

from bot.core.messages import Message, ToChannel, ToMember
from bot.core.refs import CommunityRef


class DeliveryError(Exception):
    """Delivery failed. `retry_after` set means try again later (429, 5xx, timeouts)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Transport(Protocol):
    platform: str

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember, message: Message
    ) -> None: ...
