"""A member leaving or rejoining their subgroup's space (a Discord private thread, a Slack
private channel): their seat in the current round is set aside or restored, and only the
container's facilitators are told."""

from __future__ import annotations

from bot.community import subgroup_messages as say
from bot.community.circle import dm
from bot.community.subgroup_rounds import SubgroupService
from bot.core.context import Context
from bot.core.events import MemberJoined, MemberLeft
from bot.core.messages import Outgoing
from bot.core.registry import Registry
from bot.storage.models import Container
from bot.storage.models.subgroups import Subgroup


class SubgroupSpaces:
    def __init__(self, service: SubgroupService) -> None:
        self.service = service

    async def open_group(
        self, ctx: Context[MemberLeft] | Context[MemberJoined]
    ) -> tuple[Subgroup, Container] | None:
        """The subgroup whose space this is, while its round runs and the member holds a seat."""
        channel = ctx.event.channel
        group = await self.service.repo.group_in_space(channel.external_id) if channel else None
        if group is None or group.id is None:
            return None
        stored = await self.service.repo.round(group.round_id)
        # A finished round's space is history: leaving it changes nothing.
        if stored is None or stored.closed_at is not None:
            return None
        container = await self.service.containers.get(stored.container_id)
        if container is None or container.state == "closed":
            return None
        return group, container

    async def left(self, ctx: Context[MemberLeft]) -> list[Outgoing]:
        found = await self.open_group(ctx)
        if found is None:
            return []
        group, container = found
        if not await self.service.repo.mark_seat(group.id or 0, ctx.member.id, ctx.now):
            return []  # not seated here, or already out (a replayed leave)
        return await self.tell(ctx, group, container, back=False)

    async def joined(self, ctx: Context[MemberJoined]) -> list[Outgoing]:
        found = await self.open_group(ctx)
        if found is None:
            return []
        group, container = found
        assert container.id is not None
        # Only a leave of the space is undone here: who left the container stays out.
        members = {m.id for m, _ in await self.service.containers.members(container.id)}
        if ctx.member.id not in members:
            return []
        if not await self.service.repo.mark_seat(group.id or 0, ctx.member.id, None):
            return []
        return await self.tell(ctx, group, container, back=True)

    async def tell(
        self,
        ctx: Context[MemberLeft] | Context[MemberJoined],
        group: Subgroup,
        container: Container,
        *,
        back: bool,
    ) -> list[Outgoing]:
        """A private note to each facilitator (not the member themself); nobody else."""
        seats = await self.service.repo.group(group.id or 0)
        remain = sum(1 for s in seats[1] if s.left_at is None) if seats else 0
        note = say.space_note(
            ctx.member.display_name, group.number, group.name, container.name, remain, back
        )
        what = "back" if back else "left"
        key = f"subgroup-space-{what}:{group.id}:{ctx.member.id}:{ctx.now.isoformat()}"
        circle = await self.service.circles.of(container)
        return [
            dm(facilitator, note, f"{key}:{facilitator.id}")
            for facilitator in circle.facilitators
            if facilitator.id != ctx.member.id
        ]


def register(registry: Registry, spaces: SubgroupSpaces) -> None:
    registry.listen(MemberLeft, spaces.left)
    registry.listen(MemberJoined, spaces.joined)
