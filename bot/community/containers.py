"""Containers: trust-building groups with a purpose, bound to a channel.

Lifecycle: forming (no agreed purpose yet) -> active -> closing (closing reflections) -> closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.parsing import CommandError
from bot.core.ports import Planner
from bot.core.refs import ChannelRef
from bot.core.text import clean_name
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import PurposeRepository

MAX_NAME = 200
MAX_PURPOSE = 2000
HYGIENE_EVERY = timedelta(days=7)
CADENCES = frozenset({"pulse", "hygiene", "review", "rotation"})


@dataclass(frozen=True, slots=True)
class ContainerView:
    """What `/trellis container show` tells a member."""

    container: Container
    proposed: str | None
    """The newest proposed wording of the purpose."""
    agreed: int
    """How many agreed to `purpose` (without a comment)."""
    needed: int
    members: tuple[str, ...]
    facilitators: tuple[str, ...]


def agreement_threshold(members: int) -> int:
    """A majority of the members, and never fewer than two people."""
    return max(2, members // 2 + 1)


class ContainerService:
    def __init__(
        self, containers: ContainerRepository, purposes: PurposeRepository, planner: Planner
    ) -> None:
        self.containers = containers
        self.purposes = purposes
        self.planner = planner

    async def create(
        self,
        community: CommunityInfo,
        channel: ChannelRef,
        creator: MemberInfo,
        name: str,
        purpose: str,
        now: datetime,
    ) -> Container:
        name, purpose = clean_name(name, limit=MAX_NAME + 1, fallback=""), purpose.strip()
        if not name:
            raise CommandError("Give the container a name, e.g. `Maths teachers`.")
        if len(name) > MAX_NAME:
            raise CommandError(f"A container name can be at most {MAX_NAME} characters.")
        check_purpose(purpose)
        existing = await self.containers.open_in_channel(community.id, channel.external_id)
        if existing is not None:
            raise CommandError(
                f"This channel already holds the container “{existing.name}”. "
                "Use `/trellis container show`, or create the new one in another channel."
            )
        container = await self.containers.create(
            Container(
                community_id=community.id,
                channel_id=channel.external_id,
                channel_name=channel.name,
                name=name,
                purpose="",
                state="forming",
                created_by=creator.id,
                created_at=now,
            ),
            creator.id,
            now,
        )
        assert container.id is not None
        await self.purposes.propose(container.id, purpose, creator.id, now)
        await self.plan_cadences(container, now)
        return container

    async def plan_cadences(
        self, container: Container, now: datetime, which: frozenset[str] = CADENCES
    ) -> None:
        """The container's recurring care: trust pulses, a weekly hygiene check, reviews.

        Each chain carries the setting it was planned with; a run whose setting has since
        changed ends its chain, so changing a cadence never doubles it.
        """
        assert container.id is not None
        cid = container.id
        if "pulse" in which and container.pulse_every_days:
            due = now + timedelta(days=container.pulse_every_days)
            await self.planner.plan(
                f"pulse:{cid}:{due.isoformat()}",
                "pulse.open",
                due,
                {"container_id": cid, "every": container.pulse_every_days},
            )
        if "hygiene" in which:
            await self.planner.plan(
                f"hygiene:{cid}:1",
                "container.hygiene",
                now + HYGIENE_EVERY,
                {"container_id": cid, "n": 1},
            )
        if "review" in which and container.agreement_review_weeks:
            due = now + timedelta(weeks=container.agreement_review_weeks)
            await self.planner.plan(
                f"agreements.review:{cid}:{due.isoformat()}",
                "agreements.review",
                due,
                {"container_id": cid, "weeks": container.agreement_review_weeks},
            )
        if "rotation" in which and container.rotation_weeks:
            due = now + timedelta(weeks=container.rotation_weeks)
            await self.planner.plan(
                f"facilitation.rotate:{cid}:{due.isoformat()}",
                "facilitation.rotate",
                due,
                {"container_id": cid, "weeks": container.rotation_weeks},
            )

    async def in_channel(self, community: CommunityInfo, channel: ChannelRef | None) -> Container:
        return await container_in_channel(self.containers, community, channel)

    async def view(self, container: Container) -> ContainerView:
        assert container.id is not None
        roster = await self.containers.roster(container.id)
        latest = await self.purposes.latest(container.id)
        return ContainerView(
            container=container,
            proposed=latest[0] if latest else None,
            agreed=latest[1] if latest else 0,
            needed=agreement_threshold(len(roster)),
            members=tuple(name for name, _ in roster),
            facilitators=tuple(name for name, leads in roster if leads),
        )

    async def list(self, community: CommunityInfo) -> list[tuple[Container, int]]:
        containers = await self.containers.list_for(community.id)
        counts = await self.containers.member_counts(community.id) if containers else {}
        return [(c, counts.get(c.id or 0, 0)) for c in containers]


def check_purpose(purpose: str) -> None:
    if not purpose:
        raise CommandError(
            "The purpose must not be empty: say in a sentence what the group is for."
        )
    if len(purpose) > MAX_PURPOSE:
        raise CommandError(
            f"A purpose can be at most {MAX_PURPOSE} characters (yours has {len(purpose)}); "
            f"here it is so nothing is lost:\n{purpose}"
        )


async def container_in_channel(
    containers: ContainerRepository, community: CommunityInfo, channel: ChannelRef | None
) -> Container:
    """The open container of a channel, or a message saying why there is none (no channel,
    a closed container, none yet): every room asks here, so the reasons read the same."""
    if channel is None:
        raise CommandError(
            "Run this in the channel the container lives in, not in a direct message."
        )
    container = await containers.open_in_channel(community.id, channel.external_id)
    if container is not None:
        return container
    last = await containers.last_in_channel(community.id, channel.external_id)
    if last is not None and last.closed_at is not None:
        raise CommandError(
            f"The container “{last.name}” in this channel was closed on {last.closed_at:%Y-%m-%d}; "
            "its history is kept. A facilitator can start a new one with "
            "`/trellis container create NAME --purpose TEXT`."
        )
    raise CommandError(
        "No container in this channel yet. A facilitator can create one with "
        "`/trellis container create NAME --purpose TEXT`."
    )
