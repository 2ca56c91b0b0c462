"""The Discord `Transport`: DMs and channel posts from the outbox, paced and sent once.

Exactly once on top of the outbox's unique keys: a message split into parts remembers
which parts went out, so a retry sends only the rest; each part carries a Discord nonce
with `enforce_nonce`, so if Discord created a message but the answer was lost, the retry
gets the existing message back instead of a second one.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from typing import Any

import aiohttp
import discord

from bot.adapters.discord.pacing import Lane, Pacer
from bot.adapters.discord.render import FormShelf, Rendered, render
from bot.adapters.discord.spaces import SpaceError, open_private_thread
from bot.core import codec
from bot.core.messages import Message, Outbound, ToChannel, ToGroup
from bot.core.refs import ChannelRef, CommunityRef
from bot.delivery.transport import DeliveryError

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
RETRY_SOON = 5.0
REMEMBERED = 10_000


class SendLedger:
    """Per message fingerprint: which parts were sent, and a generation for the nonce.

    The generation moves on after a complete delivery, so a later message with the same
    text to the same place is a new message (a new nonce), not a duplicate.
    """

    def __init__(self) -> None:
        self.generations: OrderedDict[str, int] = OrderedDict()
        self.parts: dict[str, set[int]] = {}

    def nonce(self, fingerprint: str, index: int) -> str:
        generation = self.generations.get(fingerprint, 0)
        digest = hashlib.sha256(f"{fingerprint}:{generation}:{index}".encode()).hexdigest()
        return digest[:25]  # Discord accepts nonces of up to 25 characters

    def was_sent(self, fingerprint: str, index: int) -> bool:
        return index in self.parts.get(fingerprint, set())

    def sent(self, fingerprint: str, index: int) -> None:
        self.parts.setdefault(fingerprint, set()).add(index)

    def finished(self, fingerprint: str) -> None:
        self.parts.pop(fingerprint, None)
        self.generations[fingerprint] = self.generations.get(fingerprint, 0) + 1
        self.generations.move_to_end(fingerprint)
        while len(self.generations) > REMEMBERED:
            self.generations.popitem(last=False)


def fingerprint(community: CommunityRef, target: Outbound, message: Message) -> str:
    text = f"{community.external_id}|{codec.dumps(target)}|{codec.dumps(message)}"
    return hashlib.sha256(text.encode()).hexdigest()


def as_delivery_error(problem: Exception) -> DeliveryError:
    """Discord's refusal -> retry later (rate limits, outages) or give up (forbidden…)."""
    if isinstance(problem, discord.RateLimited):
        return DeliveryError(
            f"rate limited by Discord for {problem.retry_after:.1f}s", problem.retry_after
        )
    if isinstance(problem, discord.Forbidden):
        return DeliveryError(f"Discord refused (missing access or DMs closed): {problem.text}")
    if isinstance(problem, discord.NotFound):
        return DeliveryError(f"Discord does not know that channel or member: {problem.text}")
    if isinstance(problem, discord.HTTPException):
        retry = RETRY_SOON if problem.status >= 500 else None
        return DeliveryError(f"Discord answered {problem.status}: {problem.text}", retry)
    return DeliveryError(f"could not reach Discord: {problem!r}", RETRY_SOON)


class DiscordTransport:
    platform = "discord"

    def __init__(
        self, client: discord.Client, shelf: FormShelf, pacer: Pacer | None = None
    ) -> None:
        self.client = client
        self.shelf = shelf
        self.pacer = pacer or Pacer()
        self.ledger = SendLedger()
        # (parent channel id, group name) -> the private thread opened for that subgroup.
        self.spaces: dict[tuple[str, str], ChannelRef] = {}

    async def space(self, target: ToGroup) -> ChannelRef:
        """The subgroup's private thread: remembered, found again by name, or opened."""
        key = (target.parent.external_id, target.name)
        if key not in self.spaces:
            parent = self.client.get_channel(int(target.parent.external_id))
            existing = [
                t for t in getattr(parent, "threads", ()) if getattr(t, "name", None) == target.name
            ]
            if existing:
                self.spaces[key] = ChannelRef("discord", str(existing[0].id), target.name)
            else:
                try:
                    self.spaces[key] = await open_private_thread(
                        self.client, target.parent, target.name, target.members
                    )
                except SpaceError as problem:
                    raise DeliveryError(str(problem)) from None
        return self.spaces[key]

    async def destination(self, target: Outbound) -> discord.abc.Messageable:
        if isinstance(target, ToChannel):
            return self.client.get_partial_messageable(int(target.channel.external_id))
        if isinstance(target, ToGroup):
            thread = await self.space(target)
            return self.client.get_partial_messageable(int(thread.external_id))
        return await self.client.create_dm(discord.Object(int(target.member.external_id)))

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        await self.send(community, target, message, "bulk")
        return await self.space(target) if isinstance(target, ToGroup) else None

    async def send(
        self,
        community: CommunityRef,
        target: Outbound,
        message: Message,
        lane: Lane,
    ) -> list[discord.Message]:
        key = fingerprint(community, target, message)
        sent: list[discord.Message] = []
        try:
            where = await self.destination(target)
            for index, part in enumerate(render(message, self.shelf)):
                if self.ledger.was_sent(key, index):
                    continue
                await self.pacer.slot(lane)
                sent.append(await where.send(**self.arguments(part, self.ledger.nonce(key, index))))
                self.ledger.sent(key, index)
        except (TimeoutError, discord.DiscordException, aiohttp.ClientError, OSError) as e:
            raise as_delivery_error(e) from e
        self.ledger.finished(key)
        return sent

    @staticmethod
    def arguments(part: Rendered, nonce: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"allowed_mentions": NONE, "nonce": nonce}
        if part.content is not None:
            kwargs["content"] = part.content
        if part.embed is not None:
            kwargs["embed"] = part.embed
        if part.view is not None:
            kwargs["view"] = part.view
        if part.images:
            kwargs["files"] = part.files()
        return kwargs
