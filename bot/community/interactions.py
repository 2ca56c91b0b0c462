"""Interactions: who reached whom, how and when — the raw material of network health.

Only (from, to, kind, time) is stored, never a message's text. Messages and reactions are
read as they arrive; thread participation reuses the learning exchange's activity counts;
subgroups and the monthly "whom did you learn from?" question call `record` directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.core.context import Context
from bot.core.directory import CommunityInfo
from bot.core.events import MessagePosted, ReactionAdded
from bot.core.messages import Outgoing
from bot.core.refs import MemberRef
from bot.core.registry import Registry
from bot.storage.health_repository import HealthRepository
from bot.storage.repositories import ContainerRepository, DirectoryRepository

KINDS = ("reply", "mention", "thread", "reaction", "meeting", "learnt", "helped")
MAX_THREAD_TIES = 20
"""A long thread ties a new post to at most this many earlier participants."""


class InteractionService:
    def __init__(
        self,
        repository: HealthRepository,
        containers: ContainerRepository,
        directory: DirectoryRepository,
    ) -> None:
        self.repository = repository
        self.containers = containers
        self.directory = directory

    async def record(
        self,
        community_id: int,
        pairs: Iterable[tuple[int, int]],
        kind: str,
        at: datetime,
        source: str,
        container_id: int | None = None,
    ) -> int:
        """Store ties (from, to) of one kind; `source` names the event so a replay adds
        nothing (e.g. "subgroup:12:meeting:3"). Self-ties are dropped. Returns how many
        were new. Subgroups call this with kind "meeting" for every pair that met."""
        if kind not in KINDS:
            raise ValueError(f"unknown interaction kind {kind!r}")
        rows = [
            {
                "community_id": community_id,
                "container_id": container_id,
                "from_member_id": sender,
                "to_member_id": receiver,
                "kind": kind,
                "source_key": f"{source}:{kind}:{sender}:{receiver}"[:200],
                "at": at,
            }
            for sender, receiver in pairs
            if sender != receiver
        ]
        return await self.repository.record(rows) if rows else 0

    async def record_meeting(
        self, community_id: int, member_ids: Iterable[int], at: datetime, source: str
    ) -> int:
        """A group that met: every member is tied to every other, both ways."""
        ids = sorted(set(member_ids))
        return await self.record(
            community_id, [(a, b) for a in ids for b in ids if a != b], "meeting", at, source
        )

    async def _member(self, community: CommunityInfo, ref: MemberRef) -> int | None:
        return await self.directory.member_id(community, ref)

    async def posted(self, ctx: Context[MessagePosted]) -> list[Outgoing]:
        event = ctx.event
        if event.direct or event.channel is None:
            return []
        container = await self.containers.open_in_channel(
            ctx.community.id, event.channel.external_id
        )
        container_id = container.id if container else None
        source = f"msg:{event.channel.external_id}:{event.message_id}"
        me = ctx.member.id
        if event.reply_to is not None:
            other = await self._member(ctx.community, event.reply_to)
            if other is not None:
                await self.record(
                    ctx.community.id, [(me, other)], "reply", ctx.now, source, container_id
                )
        mentioned = []
        for ref in event.mentioned:
            other = await self._member(ctx.community, ref)
            if other is not None:
                mentioned.append((me, other))
        await self.record(ctx.community.id, mentioned, "mention", ctx.now, source, container_id)
        if event.thread_id:
            earlier = await self.repository.thread_participants(ctx.community.id, event.thread_id)
            ties = [(me, other) for other in sorted(earlier - {me})[:MAX_THREAD_TIES]]
            await self.record(ctx.community.id, ties, "thread", ctx.now, source, container_id)
        return []

    async def reacted(self, ctx: Context[ReactionAdded]) -> list[Outgoing]:
        event = ctx.event
        if event.message_author is None or event.channel is None:
            return []
        author = await self._member(ctx.community, event.message_author)
        if author is None:
            return []
        container = await self.containers.open_in_channel(
            ctx.community.id, event.channel.external_id
        )
        source = f"react:{event.channel.external_id}:{event.message_id}:{event.emoji}"
        await self.record(
            ctx.community.id,
            [(ctx.member.id, author)],
            "reaction",
            ctx.now,
            source,
            container.id if container else None,
        )
        return []


def register(registry: Registry, service: InteractionService) -> None:
    registry.listen(MessagePosted, service.posted)
    registry.listen(ReactionAdded, service.reacted)
