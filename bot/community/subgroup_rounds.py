"""Subgroup rounds of a container: who is available, forming with `form_subgroups`, the
spaces' kickoff, and the follow-through runs (nudge, "did you meet?", trust, stats).

Each round is a row unique per (container, number) and each run a schedule row unique per
key, so a round is formed once even when a facilitator's `form` and the schedule meet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations
from typing import Any

from bot.community import subgroup_messages as say
from bot.community import trust
from bot.community.circle import Circles, dm
from bot.community.motivation_prompts import MatchSignal
from bot.community.motivations import MotivationService
from bot.community.pulses import PulseService
from bot.community.purpose import channel_of
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Message, Outgoing, ToGroup
from bot.core.ports import Planner, Sender
from bot.core.refs import ChannelRef, CommunityRef
from bot.network.matching import MatchResult, form_subgroups
from bot.network.pair_weights import Candidate, Strategy
from bot.scheduling.calendar import next_local_time
from bot.storage.models import Container, Member
from bot.storage.models.subgroups import Subgroup, SubgroupRound, SubgroupSeat
from bot.storage.repositories import ContainerRepository, DirectoryRepository
from bot.storage.subgroups_repository import SubgroupRepository

ROUND_JOB = "subgroup_round"
NUDGE_JOB = "subgroups.nudge"
MIDPOINT_JOB = "subgroups.midpoint"
CLOSE_JOB = "subgroups.close"
PERIODS = {"week": 7, "fortnight": 14, "month": 28}
SILENT_AFTER = timedelta(hours=48)
IGNORED_ROUNDS = 3
# A subgroup's trust mean reaches facilitators only from this many respondents (never a duo).
MIN_GROUP_MEAN = 3
MICROCLIMATE_GAP = 1.0


@dataclass(frozen=True, slots=True)
class Formed:
    round: SubgroupRound
    result: MatchResult
    names: dict[int, str]


class NotFormed(Exception):
    """No round this time; `str()` says why, for the facilitator."""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "container"


def seed_of(container_id: int, number: int) -> int:
    return container_id * 100_003 + number


class SubgroupService:
    def __init__(
        self,
        repo: SubgroupRepository,
        containers: ContainerRepository,
        directory: DirectoryRepository,
        circles: Circles,
        motivations: MotivationService,
        pulses: PulseService,
        planner: Planner,
        sender: Sender,
    ) -> None:
        self.repo = repo
        self.containers = containers
        self.directory = directory
        self.circles = circles
        self.motivations = motivations
        self.pulses = pulses
        self.planner = planner
        self.sender = sender

    # -- configuration and planning --------------------------------------------------------

    async def configure(
        self,
        community: CommunityInfo,
        container: Container,
        now: datetime,
        *,
        size: int,
        every: str,
        strategy: str,
        weeks: int,
    ) -> datetime:
        """Store the settings and plan the next round; returns when it is due."""
        assert container.id is not None
        await self.repo.configure(
            container.id, now, size=size, every=every, strategy=strategy, stable_weeks=weeks
        )
        rounds = await self.repo.rounds(container.id, limit=1)
        number = rounds[-1].number + 1 if rounds else 1
        due = (
            rounds[-1].ends_at
            if rounds and rounds[-1].ends_at > now
            else next_local_time(now, community.timezone, hour=9, minute=0)
        )
        await self.plan_round(container.id, number, due)
        return due

    async def plan_round(self, container_id: int, number: int, due: datetime) -> None:
        await self.planner.plan(
            f"subgroups:{container_id}:round:{number}",
            ROUND_JOB,
            due,
            {"container_id": container_id, "number": number},
        )

    # -- who is available ------------------------------------------------------------------

    async def available(self, container: Container, now: datetime) -> tuple[list[Member], int]:
        """Opted-in, unpaused members; and how many were left out for a pause or opt-out."""
        assert container.id is not None
        rows = [m for m, _ in await self.containers.members(container.id)]
        ready = [
            m
            for m in rows
            if m.subgroups_opt_in and (m.paused_until is None or m.paused_until <= now)
        ]
        return ready, len(rows) - len(ready)

    async def candidates(
        self, members: Sequence[Member], strategy: Strategy, locale: str
    ) -> list[Candidate]:
        ids = [m.id for m in members if m.id is not None]
        avoid = await self.repo.avoid_lists(ids)
        # Motivations count only for `similar`, and only statements shared with the container.
        signals = (
            await self.motivations.match_signals(ids, locale)
            if strategy is Strategy.SIMILAR
            else {}
        )
        empty = MatchSignal(frozenset(), ())
        return [
            Candidate(
                member_id=m.id or 0,
                organisation=m.organisation,
                organisation_type=m.organisation_type,
                topics=frozenset(t.strip().lower() for t in m.topics.split(",") if t.strip()),
                avoid=frozenset(avoid.get(m.id or 0, set())),
                themes=signals.get(m.id or 0, empty).themes,
                reasons=signals.get(m.id or 0, empty).reasons,
            )
            for m in members
        ]

    async def history(self, container_id: int) -> list[list[list[int]]]:
        rounds = await self.repo.rounds(container_id)
        return [
            [[s.member_id for s in seats] for _, seats in await self.repo.groups(r.id or 0)]
            for r in rounds
        ]

    # -- forming ---------------------------------------------------------------------------

    async def form(
        self, community: CommunityInfo, container: Container, now: datetime, number: int | None
    ) -> Formed:
        """Form round `number` (the next one when None); raises NotFormed with the reason."""
        assert container.id is not None
        settings = await self.repo.settings(container.id)
        if settings is None:
            raise NotFormed(
                "Subgroups are not configured here yet: "
                "`/trellis subgroups configure --size 2 --every fortnight` first."
            )
        rounds = await self.repo.rounds(container.id)
        last = rounds[-1] if rounds else None
        number = number or (last.number + 1 if last else 1)
        if any(r.number == number for r in rounds):
            raise NotFormed(f"Round {number} of {container.name} is already formed.")
        members, skipped = await self.available(container, now)
        if len(members) < 2:
            names = ", ".join(m.display_name for m in members) or "nobody"
            raise NotFormed(
                f"Fewer than two members are available for a round of {container.name} "
                f"(available: {names}; {skipped} paused or opted out). No round was formed, "
                "so nobody was left out."
            )
        strategy = Strategy(settings.strategy)
        pods_since = now
        if strategy is Strategy.STABLE and last is not None:
            if now - last.pods_since < timedelta(weeks=settings.stable_weeks):
                pods_since = last.pods_since
            else:
                strategy = Strategy.DIVERSE  # N weeks are up: mix, then keep the new pods
        ties = await self.repo.shared_memberships(container.id, [m.id or 0 for m in members])
        result = form_subgroups(
            await self.candidates(members, strategy, community.locale),
            size=settings.size,
            strategy=strategy,
            seed=seed_of(container.id, number),
            history=await self.history(container.id),
            ties=ties,
        )
        if not result.groups:
            raise NotFormed(
                "No subgroup could be formed: "
                + "; ".join(sorted({u.reason for u in result.unplaced}))
            )
        period = timedelta(days=PERIODS.get(settings.every, 14))
        base = f"{slug(container.name)}-{container.id}-r{number}"
        groups = [(f"{base}-g{i}", list(g)) for i, g in enumerate(result.groups, start=1)]
        stored = await self.repo.create_round(
            SubgroupRound(
                container_id=container.id,
                number=number,
                strategy=strategy.value,
                size=settings.size,
                started_at=now,
                ends_at=now + period,
                pods_since=pods_since,
                repeated_pairs=result.repeated_pairs,
                unplaced=json.dumps([[u.member_id, u.reason] for u in result.unplaced]),
            ),
            groups,
        )
        if stored is None or stored.id is None:
            raise NotFormed(f"Round {number} of {container.name} is already formed.")
        await self.plan_follow_through(container.id, stored, period)
        await self.kickoff(community, container, stored)
        display = {m.id or 0: m.display_name for m in members}
        return Formed(stored, result, display)

    async def plan_follow_through(
        self, container_id: int, stored: SubgroupRound, period: timedelta
    ) -> None:
        rid = stored.id
        start = stored.started_at
        payload: dict[str, Any] = {"container_id": container_id, "round_id": rid}
        await self.planner.plan(f"subgroups:nudge:{rid}", NUDGE_JOB, start + SILENT_AFTER, payload)
        await self.planner.plan(f"subgroups:mid:{rid}", MIDPOINT_JOB, start + period / 2, payload)
        close_at = stored.ends_at - timedelta(hours=1)
        await self.planner.plan(f"subgroups:close:{rid}", CLOSE_JOB, close_at, payload)
        await self.plan_round(container_id, stored.number + 1, stored.ends_at)

    async def people(self, seats: Sequence[SubgroupSeat], platform: str) -> list[MemberInfo]:
        found = [await self.directory.member_by_id(s.member_id) for s in seats]
        return [m for m in found if m is not None]

    def space(
        self,
        community: CommunityInfo,
        container: Container,
        group: Subgroup,
        members: Sequence[MemberInfo],
    ) -> ToGroup:
        return ToGroup(tuple(m.ref for m in members), channel_of(community, container), group.name)

    async def kickoff(
        self, community: CommunityInfo, container: Container, stored: SubgroupRound
    ) -> None:
        for group, seats in await self.repo.groups(stored.id or 0):
            members = await self.people(seats, community.ref.platform)
            intros = [await self.introduce(m, members) for m in members]
            message = say.kickoff(
                container.name,
                stored.number,
                intros,
                stored.ends_at,
                community.locale,
                group.id or 0,
            )
            target = self.space(community, container, group, members)
            await self.sender.put(
                community, Outgoing(message, target, f"subgroup-kickoff:{group.id}")
            )
        for member_id, _ in json.loads(stored.unplaced):
            member = await self.directory.member_by_id(int(member_id))
            if member is not None:
                text = (
                    f"No subgroup of {container.name} fitted you this round. You are first in "
                    "line for the next one; nothing for you to do."
                )
                await self.sender.put(
                    community,
                    dm(member, Message.text(text), f"subgroup-unplaced:{stored.id}:{member.id}"),
                )

    async def introduce(self, member: MemberInfo, group: Sequence[MemberInfo]) -> say.Introduction:
        """Name, organisation, and motivation when every other member may see it."""
        motivation: str | None = None
        others = [o for o in group if o.id != member.id]
        seen = [await self.motivations.visible_motivation(member.id, o) for o in others]
        if others and all(v is not None for v in seen):
            first = seen[0]
            motivation = first.text if first is not None else None
        return say.Introduction(
            member.display_name, member.organisation, member.organisation_type, motivation
        )

    # -- reading ---------------------------------------------------------------------------

    async def current(self, container_id: int) -> SubgroupRound | None:
        rounds = await self.repo.rounds(container_id, limit=1)
        return rounds[-1] if rounds else None

    async def peers(self, container_id: int, member_id: int) -> frozenset[int]:
        """The SubgroupLookup of check-ins: the member's subgroup in the latest round."""
        latest = await self.current(container_id)
        if latest is None:
            return frozenset()
        for _, seats in await self.repo.groups(latest.id or 0):
            active = {s.member_id for s in seats if s.left_at is None}
            if member_id in active:
                return frozenset(active - {member_id})
        return frozenset()

    async def stats(
        self, container: Container, stored: SubgroupRound, now: datetime
    ) -> say.RoundStats:
        assert container.id is not None
        groups = await self.repo.groups(stored.id or 0)
        rows = {m.id: m for m, _ in await self.containers.members(container.id)}
        seats = [s for _, group_seats in groups for s in group_seats]
        pairs = typed = cross = 0
        for _, group_seats in groups:
            for a, b in combinations(group_seats, 2):
                pairs += 1
                left, right = rows.get(a.member_id), rows.get(b.member_id)
                if left and right and left.organisation_type and right.organisation_type:
                    typed += 1
                    cross += left.organisation_type != right.organisation_type
        paused = sum(
            1
            for m in rows.values()
            if not m.subgroups_opt_in or (m.paused_until is not None and m.paused_until > now)
        )
        return say.RoundStats(
            participants=len(seats),
            met=sum(1 for s in seats if s.met == "yes"),
            pairs=pairs,
            repeated_pairs=stored.repeated_pairs,
            typed_pairs=typed,
            cross_type_pairs=cross,
            paused=paused,
        )

    # -- relaying --------------------------------------------------------------------------

    async def relay(
        self, community: CommunityInfo, container: Container, message: Message, key: str
    ) -> list[Outgoing]:
        """The same message into every space of the current round (`prompt --to subgroups`)."""
        assert container.id is not None
        latest = await self.current(container.id)
        if latest is None or latest.closed_at is not None:
            return []
        out: list[Outgoing] = []
        for group, seats in await self.repo.groups(latest.id or 0):
            members = await self.people(seats, community.ref.platform)
            out.append(
                Outgoing(
                    message, self.space(community, container, group, members), f"{key}:{group.id}"
                )
            )
        return out

    # -- spaces and activity ---------------------------------------------------------------

    async def space_opened(self, community: CommunityRef, name: str, space: ChannelRef) -> None:
        """The outbox's space hook: remember which channel is the subgroup's space."""
        group = await self.repo.group_named(name)
        if group is not None and group.id is not None and group.space_id != space.external_id:
            await self.repo.set_space(group.id, space.external_id)

    async def message_in(self, space_id: str, member_id: int) -> bool:
        """Count a message (never its text) when it was posted in a subgroup's space."""
        group = await self.repo.group_in_space(space_id)
        if group is None or group.id is None:
            return False
        await self.repo.count_message(group.id, member_id)
        return True

    # -- answers ---------------------------------------------------------------------------

    async def trust_answered(self, community: CommunityInfo, subgroup_id: int) -> None:
        """Send facilitators a microclimate note when the subgroup sits a point below."""
        found = await self.repo.group(subgroup_id)
        if found is None:
            return
        group, seats = found
        stored = await self.repo.round(group.round_id)
        container = await self.containers.get(stored.container_id) if stored else None
        if container is None:
            return
        active = [s for s in seats if s.left_at is None]
        seated = {s.member_id for s in active}
        reverse = {i.code: i.reverse for i in trust.items(community.locale, "subgroup_items")}
        by_member: dict[int, list[int]] = {}
        for answer in await self.repo.trust_answers(subgroup_id):
            # Who left the group (or its space) this round is no longer part of its aggregate.
            if answer.item in reverse and answer.member_id in seated:
                scored = trust.scored(answer.score, reverse[answer.item])
                by_member.setdefault(answer.member_id, []).append(scored)
        complete = [v for v in by_member.values() if len(v) == len(reverse)]
        if len(active) < MIN_GROUP_MEAN or len(complete) < len(active):
            return
        mean = sum(sum(v) / len(v) for v in complete) / len(complete)
        circle = await self.circles.of(container)
        shown = [p.mean for p in await self.pulses.history(container, len(circle.members))]
        container_mean = next((m for m in reversed(shown) if m is not None), None)
        if container_mean is None or container_mean - mean < MICROCLIMATE_GAP:
            return
        names = [m.display_name for m in await self.people(active, community.ref.platform)]
        note = say.microclimate(container.name, group.name, names, mean, container_mean)
        for facilitator in circle.facilitators:
            await self.sender.put(
                community,
                dm(facilitator, note, f"subgroup-microclimate:{subgroup_id}:{facilitator.id}"),
            )
