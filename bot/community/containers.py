"""Containers: trust-building groups with a purpose, bound to a channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.parsing import CommandError
from bot.core.refs import ChannelRef
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository

MAX_NAME = 200
MAX_PURPOSE = 2000


@dataclass(frozen=True, slots=True)
class ContainerView:
    """What `/trellis container show` tells a member."""

    name: str
    channel: str
    purpose: str
    state: str
    created_at: datetime
    members: tuple[str, ...]
    facilitators: tuple[str, ...]


class ContainerService:
    def __init__(self, containers: ContainerRepository) -> None:
        self.containers = containers

    async def create(
        self,
        community: CommunityInfo,
        channel: ChannelRef,
        creator: MemberInfo,
        name: str,
        purpose: str,
        now: datetime,
    ) -> Container:
        name, purpose = name.strip(), purpose.strip()
        if len(name) > MAX_NAME:
            raise CommandError(f"A container name can be at most {MAX_NAME} characters.")
        if len(purpose) > MAX_PURPOSE:
            raise CommandError(
                f"A purpose can be at most {MAX_PURPOSE} characters; try a shorter one."
            )
        existing = await self.containers.open_in_channel(community.id, channel.external_id)
        if existing is not None:
            raise CommandError(
                f"This channel already holds the container “{existing.name}”. "
                "Use `/trellis container show`, or create the new one in another channel."
            )
        container = Container(
            community_id=community.id,
            channel_id=channel.external_id,
            channel_name=channel.name,
            name=name,
            purpose=purpose,
            state="forming",
            created_by=creator.id,
            created_at=now,
        )
        return await self.containers.create(container, creator.id, now)

    async def view(self, community: CommunityInfo, channel: ChannelRef) -> ContainerView | None:
        container = await self.containers.open_in_channel(community.id, channel.external_id)
        if container is None or container.id is None:
            return None
        rows = await self.containers.members(container.id)
        return ContainerView(
            name=container.name,
            channel=container.channel_name or channel.external_id,
            purpose=container.purpose,
            state=container.state,
            created_at=container.created_at,
            members=tuple(m.display_name for m, _ in rows),
            facilitators=tuple(m.display_name for m, cm in rows if cm.role == "facilitator"),
        )
