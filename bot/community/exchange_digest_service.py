"""Weekly digests: scheduled per container and for the network, built from the section
providers, split to fit, and posted exactly once per (scope, period).

Exactly once: the built parts are stored as a DigestIssue under a unique (scope, period,
audience) key before anything is sent, and each part goes to the outbox under a key derived
from the issue. A retry after a crash, or a second process, finds the stored issue and puts
the same parts under the same keys, which the outbox's unique key turns into no-ops.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from bot.community.exchange_chart import TrendChart
from bot.community.exchange_digest import (
    DigestScope,
    Period,
    SectionProvider,
    compose,
    period_ending,
    sections,
    sentence,
)
from bot.community.exchange_sections import DIGEST_JOB
from bot.community.exchange_split import split
from bot.community.privacy import Viewer
from bot.core import codec
from bot.core.directory import CommunityInfo
from bot.core.messages import Context, Image, Message, Outgoing, Text, ToChannel, ToMember
from bot.core.parsing import CommandError
from bot.core.refs import ChannelRef, MemberRef
from bot.scheduling.calendar import next_local_time
from bot.scheduling.runner import Scheduler
from bot.storage.exchange_digest_repository import DigestRepository
from bot.storage.models import Container, Member
from bot.storage.models.exchange import DigestIssue, DigestSchedule
from bot.storage.repositories import ContainerRepository, community_info


class Sink(Protocol):
    async def put(self, community: CommunityInfo, outgoing: Outgoing) -> bool: ...


@dataclass(frozen=True, slots=True)
class Published:
    period: Period
    parts: int
    already: bool
    channel: str
    created_at: datetime


class DigestService:
    def __init__(
        self,
        digests: DigestRepository,
        containers: ContainerRepository,
        outbox: Sink,
        scheduler: Scheduler,
        chart: TrendChart,
    ) -> None:
        self.digests = digests
        self.containers = containers
        self.outbox = outbox
        self.scheduler = scheduler
        self.chart = chart
        # The lead and other rooms append their providers here (see exchange_setup).
        self.providers: list[SectionProvider] = []
        self.facilitator_providers: list[SectionProvider] = []

    # -- scopes -------------------------------------------------------------------------

    async def scope(
        self, community: CommunityInfo, channel: ChannelRef | None, wanted: str
    ) -> DigestScope:
        container = (
            await self.containers.open_in_channel(community.id, channel.external_id)
            if channel is not None and wanted != "network"
            else None
        )
        if wanted == "container" and container is None:
            raise CommandError(
                "No container in this channel. Run this in a container's channel, or add "
                "`--for network` for the whole network's digest."
            )
        return DigestScope(community, container)

    # -- building -----------------------------------------------------------------------

    async def build(
        self, scope: DigestScope, period: Period, channel: ChannelRef | None = None
    ) -> list[Message]:
        """The channel digest; container-wide shares only when it goes to the container's
        own channel (anyone there is in the container; anywhere else may not be)."""
        readers: tuple[Viewer, ...] = ()
        here = scope.container
        if here is not None and channel is not None and channel.external_id == here.channel_id:
            readers = (channel_reader(here),)
        return await self.build_as(scope, period, readers)

    async def build_as(
        self, scope: DigestScope, period: Period, readers: tuple[Viewer, ...]
    ) -> list[Message]:
        scope = replace(scope, readers=readers)
        found = await sections(self.providers, scope, period)
        quiet = f"A quiet week in {scope.name}: nothing new to report ({period.label})."
        return split(compose(f"Learning exchange: {scope.name}", period, found, quiet))

    async def build_for_facilitators(
        self, scope: DigestScope, period: Period, posted_in: str, also: tuple[Viewer, ...] = ()
    ) -> list[Message]:
        """One facilitator digest for all its recipients (and `also`, a previewer): shared
        text appears only when every one of them may read it."""
        readers = (*[await self.viewer(scope, m) for m in await self.facilitators(scope)], *also)
        scope = replace(scope, readers=readers)
        found = await sections(self.facilitator_providers, scope, period)
        png, alt = await self.chart.png(scope, period)
        filename = f"digest-{scope.key.replace(':', '-')}-{period.key}.png"
        head = (
            Text(f"Facilitator digest: {scope.name}", style="heading"),
            Context(f"{sentence(period.label)}. Adds to the digest posted in {posted_in}."),
            Image(png, alt, filename),
        )
        if not found:
            return split(Message((*head, Text("Nothing else needs your attention this week."))))
        body = compose("", period, found, "").blocks[2:]
        return split(Message((*head, *body)))

    async def preview(self, scope: DigestScope, period: Period, member: Member) -> list[Message]:
        """Both digests as the container's channel and its facilitators would get them, shown
        to one facilitator: text with a chosen circle only when they too may read it."""
        me = await self.viewer(scope, member)
        readers = (channel_reader(scope.container), me) if scope.container is not None else ()
        parts = await self.build_as(scope, period, readers)
        extra = await self.build_for_facilitators(scope, period, "the channel", (me,))
        return [*parts, *extra]

    async def viewer(self, scope: DigestScope, member: Member) -> Viewer:
        """`member` as a reader of this scope's container (the privacy rule's view)."""
        cid = scope.container_id
        if cid is None or member.id is None:
            return Viewer(member.id or -1, -1, in_container=False, facilitator=False)
        rows = await self.digests.container_members(cid)
        mine = [role for m, role in rows if m.id == member.id]
        return Viewer(
            member.id,
            cid,
            in_container=bool(mine),
            facilitator=bool(mine) and (member.is_facilitator or "facilitator" in mine),
        )

    # -- scheduling ---------------------------------------------------------------------

    async def schedule(
        self,
        scope: DigestScope,
        day: str,
        hour: int,
        minute: int,
        channel: ChannelRef,
        now: datetime,
    ) -> tuple[DigestSchedule, datetime]:
        row = await self.digests.save_schedule(
            {
                "community_id": scope.community.id,
                "scope": scope.key,
                "container_id": scope.container_id,
                "day": day,
                "hour": hour,
                "minute": minute,
                "channel_id": channel.external_id,
                "channel_name": channel.name,
                "updated_at": now,
            }
        )
        due = await self.plan_next(row, scope.community.timezone, now)
        return row, due

    async def plan_next(self, row: DigestSchedule, zone: str, after: datetime) -> datetime:
        due = next_local_time(after, zone, hour=row.hour, minute=row.minute, day_of_week=row.day)
        await self.scheduler.plan(
            f"{DIGEST_JOB}:{row.id}:r{row.revision}:{due:%Y%m%dT%H%M}",
            DIGEST_JOB,
            due,
            {"schedule_id": row.id, "revision": row.revision, "community_id": row.community_id},
        )
        return due

    async def run(self, payload: dict[str, Any], due_at: datetime) -> None:
        """The scheduled job: post this week's digest, after planning next week's."""
        row = await self.digests.schedule(int(payload["schedule_id"]))
        if row is None or row.revision != payload.get("revision"):
            return  # the schedule changed since this run was planned
        community_row = await self.digests.community(row.community_id)
        assert community_row is not None
        community = community_info(community_row)
        container = await self.digests.container(row.container_id) if row.container_id else None
        if container is not None and container.state == "closed":
            return
        await self.plan_next(row, community.timezone, due_at)
        channel = ChannelRef(community.ref.platform, row.channel_id, row.channel_name)
        scope = DigestScope(community, container)
        await self.publish(scope, period_ending(due_at, community.timezone), channel)

    # -- posting ------------------------------------------------------------------------

    async def publish(self, scope: DigestScope, period: Period, channel: ChannelRef) -> Published:
        community = scope.community
        issue, created = await self.stored(
            scope, period, "channel", channel, lambda: self.build(scope, period, channel)
        )
        where = ChannelRef(community.ref.platform, issue.channel_id or "", issue.channel_name)
        parts = decode(issue)
        for index, part in enumerate(parts):
            await self.outbox.put(
                community, Outgoing(part, ToChannel(where), f"digest:{issue.id}:{index}")
            )
        shown = f"#{issue.channel_name or issue.channel_id}"
        extra, _ = await self.stored(
            scope,
            period,
            "facilitators",
            None,
            lambda: self.build_for_facilitators(scope, period, shown),
        )
        for person in await self.facilitators(scope):
            ref = MemberRef(community.ref.platform, person.platform_user_id)
            for index, part in enumerate(decode(extra)):
                key = f"digest:{extra.id}:{person.platform_user_id}:{index}"
                await self.outbox.put(community, Outgoing(part, ToMember(ref), key))
        return Published(period, len(parts), not created, shown, issue.created_at)

    async def stored(
        self,
        scope: DigestScope,
        period: Period,
        audience: str,
        channel: ChannelRef | None,
        build: Any,
    ) -> tuple[DigestIssue, bool]:
        existing = await self.digests.issue(scope.community.id, scope.key, period.key, audience)
        if existing is not None:
            return existing, False
        parts: list[Message] = await build()
        return await self.digests.store_issue(
            {
                "community_id": scope.community.id,
                "scope": scope.key,
                "period": period.key,
                "audience": audience,
                "channel_id": channel.external_id if channel else None,
                "channel_name": channel.name if channel else None,
                "parts": json.dumps([codec.dumps(p) for p in parts]),
                "window_start": period.start,
                "window_end": period.end,
                "created_at": period.end,
            }
        )

    async def facilitators(self, scope: DigestScope) -> list[Member]:
        """The container's facilitators (as check-ins count them), else the community's."""
        if scope.container_id is not None:
            rows = await self.digests.container_members(scope.container_id)
            chosen = [m for m, role in rows if role == "facilitator" or m.is_facilitator]
            if chosen:
                return chosen
        return await self.digests.facilitators(scope.community.id)

    async def channel_for(
        self, scope: DigestScope, given: ChannelRef | None, here: ChannelRef | None
    ) -> ChannelRef:
        """Where `digest post` posts: --channel, else the schedule's channel, else here."""
        if given is not None:
            return given
        row = await self.digests.schedule_for(scope.community.id, scope.key)
        if row is not None:
            return ChannelRef(scope.community.ref.platform, row.channel_id, row.channel_name)
        if scope.container is not None:
            return ChannelRef(
                scope.community.ref.platform,
                scope.container.channel_id,
                scope.container.channel_name,
            )
        if here is None:
            raise CommandError(
                "Say where to post: /trellis digest post --for network --channel #general"
            )
        return here


def channel_reader(container: Container) -> Viewer:
    """Anyone in the container's channel: a member with no role, subgroup or authorship."""
    assert container.id is not None
    return Viewer(member_id=-1, container_id=container.id, in_container=True, facilitator=False)


def decode(issue: DigestIssue) -> list[Message]:
    return [codec.loads_message(text) for text in json.loads(issue.parts)]
