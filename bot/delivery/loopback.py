"""TEST ONLY: a transport that POSTs each outbox message as JSON to a local HTTP sink.

The reliability suite runs real `trellis work` processes against a sink it owns, to count
what was delivered. Like a platform nonce, every POST carries the outbox idempotency key, so
the sink can drop a message re-sent after a crash (see README, "Running at scale")."""

from __future__ import annotations

import json

import aiohttp

from bot.core import codec
from bot.core.messages import Message, ToChannel, ToGroup, ToMember
from bot.core.refs import CommunityRef
from bot.delivery.transport import DeliveryError, delivery_key

TIMEOUT = aiohttp.ClientTimeout(total=10)


class LoopbackTransport:
    def __init__(self, url: str, platform: str) -> None:
        self.url = url
        self.platform = platform
        self._session: aiohttp.ClientSession | None = None

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember | ToGroup, message: Message
    ) -> None:
        body = {
            "key": delivery_key.get(),
            "community": community.external_id,
            "target": json.loads(codec.dumps(target)),
            "message": json.loads(codec.dumps(message)),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            async with self._session.post(self.url, json=body) as response:
                if response.status == 429 or response.status >= 500:
                    retry = float(response.headers.get("Retry-After", "1"))
                    raise DeliveryError(
                        f"sink answered {response.status}",
                        retry_after=retry,
                        rate_limited=response.status == 429,
                    )
                if response.status >= 400:
                    raise DeliveryError(f"sink refused the message ({response.status})")
        except (aiohttp.ClientError, TimeoutError) as problem:
            raise DeliveryError(f"sink unreachable: {problem}", retry_after=1) from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
