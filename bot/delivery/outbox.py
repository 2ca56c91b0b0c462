"""The outbox: every non-reply message is stored with a unique key, then delivered.

Storing first means a crash between deciding to send and sending loses nothing, and the
database's unique key means a retried decision never sends twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.core import codec
from bot.core.directory import CommunityInfo
from bot.core.messages import Outgoing, ToChannel, ToGroup, ToMember
from bot.core.refs import ChannelRef, CommunityRef
from bot.delivery.transport import DeliveryError, Transport
from bot.storage.repositories import OutboxRepository

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# How long a process holds a message it is sending before another may try it.
SEND_LEASE = timedelta(minutes=5)
# Told where a group's space is once a transport opened it: (community, group name, space).
SpaceHook = Callable[[CommunityRef, str, ChannelRef], Awaitable[None]]


class Outbox:
    def __init__(self, repository: OutboxRepository) -> None:
        self.repository = repository
        self.transports: dict[str, Transport] = {}
        self.space_hooks: list[SpaceHook] = []

    def attach(self, transport: Transport) -> None:
        self.transports[transport.platform] = transport

    async def put(self, community: CommunityInfo, outgoing: Outgoing) -> bool:
        """Store a message for delivery; False when its key was already stored."""
        target = outgoing.target
        if isinstance(target, ToChannel):
            kind, target_id = "channel", target.channel.external_id
        elif isinstance(target, ToMember):
            kind, target_id = "member", target.member.external_id
        elif isinstance(target, ToGroup):
            kind, target_id = "group", target.name[:64]
        else:
            raise ValueError("replies are answered by the adapter, not the outbox")
        payload = json.dumps(
            {
                "platform": community.ref.platform,
                "community": community.ref.external_id,
                "target": codec.dumps(target),
                "message": codec.dumps(outgoing.message),
            }
        )
        key = outgoing.idempotency_key or f"adhoc:{uuid.uuid4()}"
        return await self.repository.enqueue(community.id, key, kind, target_id, payload)

    async def drain(self, limit: int = 500) -> int:
        """Deliver what is due; returns how many were sent."""
        sent = 0
        for row in await self.repository.due(limit):
            assert row.id is not None
            data = json.loads(row.payload)
            transport = self.transports.get(data["platform"])
            if transport is None:
                continue
            # Several processes may drain the same table: only the one that claims it sends.
            if not await self.repository.claim(row.id, SEND_LEASE):
                continue
            target = codec.loads_target(data["target"])
            assert isinstance(target, ToChannel | ToMember | ToGroup)
            community = CommunityRef(data["platform"], data["community"])
            try:
                space = await transport.deliver(
                    community, target, codec.loads_message(data["message"])
                )
            except DeliveryError as problem:
                give_up = problem.retry_after is None or row.attempts + 1 >= MAX_ATTEMPTS
                wait = (
                    None
                    if give_up
                    else timedelta(seconds=max(problem.retry_after or 0, 2**row.attempts))
                )
                log.warning("delivery of %s failed: %s", row.idempotency_key, problem)
                await self.repository.mark_failed(row.id, str(problem), wait)
                continue
            await self.repository.mark_sent(row.id)
            if isinstance(target, ToGroup) and space is not None:
                for hook in self.space_hooks:
                    await hook(community, target.name, space)
            sent += 1
        return sent
