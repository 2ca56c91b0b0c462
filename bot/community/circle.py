"""Who a container's messages go to: its active members and its facilitators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Message, Outgoing, ToMember
from bot.core.refs import MemberRef
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository, DirectoryRepository, member_info


@dataclass(frozen=True, slots=True)
class Circle:
    community: CommunityInfo
    container: Container
    members: tuple[MemberInfo, ...]
    facilitators: tuple[MemberInfo, ...]

    def active(self, now: datetime) -> tuple[MemberInfo, ...]:
        """Members not paused right now (paused members are skipped by pulses and rounds)."""
        return tuple(m for m in self.members if not is_paused(m, now))


def is_paused(member: MemberInfo, now: datetime) -> bool:
    return member.paused_until is not None and member.paused_until > now


class Circles:
    def __init__(self, containers: ContainerRepository, directory: DirectoryRepository) -> None:
        self.containers = containers
        self.directory = directory

    async def of(self, container: Container) -> Circle:
        assert container.id is not None
        community = await self.directory.community_by_id(container.community_id)
        assert community is not None
        rows = await self.containers.members(container.id)
        members = tuple(member_info(m, community.ref.platform) for m, _ in rows)
        own = tuple(
            member_info(m, community.ref.platform)
            for m, cm in rows
            if cm.role == "facilitator" or m.is_facilitator
        )
        # A container with no facilitator of its own falls back to the community's.
        facilitators = own or tuple(await self.directory.facilitators(community.id))
        return Circle(community, container, members, facilitators)


def dm(member: MemberInfo | MemberRef, message: Message, key: str) -> Outgoing:
    ref = member.ref if isinstance(member, MemberInfo) else member
    return Outgoing(message, ToMember(ref), idempotency_key=key)
