"""The Discord `Transport`: DMs and channel posts from the outbox, paced and sent once.

Exactly once on top of the outbox's unique keys: each part carries a Discord nonce with
`enforce_nonce`, derived from the outbox row's delivery key, so if Discord created a message
but the answer was lost (a timeout, a crash, another process taking over the row), the retry
gets the existing message back instead of a second one. Nothing of it lives only in memory:
DM channels (with the community their conversation belongs to) and subgroup threads are
rows in the database, so a restarted or second process finds them again.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
import discord

from bot.adapters.discord.pacing import Lane, Pacer
from bot.adapters.discord.render import FormShelf, Rendered, render
from bot.adapters.discord.spaces import SpaceError, open_private_thread
from bot.core import codec
from bot.core.messages import Message, Outbound, ToChannel, ToGroup, ToMember
from bot.core.refs import ChannelRef, CommunityRef
from bot.delivery.transport import DeliveryError, delivery_key
from bot.storage.discord_channels_repository import DiscordChannelRepository

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
RETRY_SOON = 5.0
REMEMBERED = 10_000


def keyed_nonce(key: str, index: int) -> str:
    """The nonce of part `index` of the outbox row `key`: the same in every process."""
    return hashlib.sha256(f"{key}:{index}".encode()).hexdigest()[:25]


class SendLedger:
    """Interactive sends (not from the outbox, never retried after a restart): per fingerprint: which parts were sent, and a generation for the nonce.

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
        self,
        client: discord.Client,
        shelf: FormShelf,
        pacer: Pacer | None = None,
        channels: DiscordChannelRepository | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.shelf = shelf
        self.pacer = pacer or Pacer()
        self.ledger = SendLedger()
        self.channels = channels
        self.now = now or (lambda: datetime.now().astimezone())
        # Caches of what the database holds: (parent id, group name) -> thread; user -> DM.
        self.spaces: dict[tuple[str, str], ChannelRef] = {}
        self.dm_channels: dict[str, tuple[int, str]] = {}

    async def space(self, target: ToGroup) -> ChannelRef:
        """The subgroup's private thread: remembered (memory, then database), found again by
        name among the channel's threads, or opened."""
        key = (target.parent.external_id, target.name)
        if key in self.spaces:
            return self.spaces[key]
        stored_key = f"{target.parent.external_id}:{target.name}"
        stored = await self.channels.find("thread", stored_key) if self.channels else None
        if stored is not None:
            self.spaces[key] = ChannelRef("discord", stored.channel_id, target.name)
            return self.spaces[key]
        parent = self.client.get_channel(int(target.parent.external_id))
        existing = [
            t for t in getattr(parent, "threads", ()) if getattr(t, "name", None) == target.name
        ]
        if existing:
            space = ChannelRef("discord", str(existing[0].id), target.name)
        else:
            try:
                space = await open_private_thread(
                    self.client, target.parent, target.name, target.members
                )
            except SpaceError as problem:
                raise DeliveryError(str(problem)) from None
        if self.channels is not None:
            await self.channels.remember("thread", stored_key, space.external_id, None, self.now())
        self.spaces[key] = space
        return space

    async def dm(self, community: CommunityRef, user_id: str, lane: Lane) -> int:
        """The member's DM channel, opened once (a paced request: it counts against the
        global limit); it records the conversation's community, where a DM reply belongs."""
        known = self.dm_channels.get(user_id)
        if known is None and self.channels is not None:
            row = await self.channels.find("dm", user_id)
            if row is not None:
                known = (int(row.channel_id), row.community or "")
        opened = known is None
        if known is None:
            await self.pacer.slot(lane)
            channel = await self.client.create_dm(discord.Object(int(user_id)))
            known = (channel.id, "")
        if known[1] != community.external_id:
            if self.channels is not None:
                await self.channels.remember(
                    "dm", user_id, str(known[0]), community.external_id, self.now(), new=opened
                )
            known = (known[0], community.external_id)
        self.dm_channels[user_id] = known
        return known[0]

    async def remember_dm(self, user_id: int, channel_id: int, guild_id: int) -> None:
        """The member said which community this DM conversation is with."""
        self.dm_channels[str(user_id)] = (channel_id, str(guild_id))
        if self.channels is not None:
            await self.channels.remember(
                "dm", str(user_id), str(channel_id), str(guild_id), self.now()
            )

    async def dm_community(self, channel_id: int) -> str | None:
        """The community of the conversation Trellis last opened in this DM channel."""
        for channel, community in self.dm_channels.values():
            if channel == channel_id and community:
                return community
        if self.channels is None:
            return None
        row = await self.channels.by_channel("dm", str(channel_id))
        return row.community if row is not None else None

    async def destination(
        self, community: CommunityRef, target: Outbound, lane: Lane
    ) -> discord.abc.Messageable:
        if isinstance(target, ToChannel):
            return self.client.get_partial_messageable(int(target.channel.external_id))
        if isinstance(target, ToGroup):
            thread = await self.space(target)
            return self.client.get_partial_messageable(int(thread.external_id))
        assert isinstance(target, ToMember)
        channel_id = await self.dm(community, target.member.external_id, lane)
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

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
        """Send every part. From the outbox, nonces come from the row's delivery key, so a
        retry (in this process or another) resends all parts and Discord drops the ones it
        already has; otherwise the in-memory ledger skips parts already sent."""
        outbox_key = delivery_key.get()
        key = fingerprint(community, target, message)
        sent: list[discord.Message] = []
        try:
            where = await self.destination(community, target, lane)
            for index, part in enumerate(render(message, self.shelf)):
                if outbox_key is None and self.ledger.was_sent(key, index):
                    continue
                nonce = (
                    keyed_nonce(outbox_key, index)
                    if outbox_key is not None
                    else self.ledger.nonce(key, index)
                )
                await self.pacer.slot(lane)
                sent.append(await where.send(**self.arguments(part, nonce)))
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
