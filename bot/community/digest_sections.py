"""Digest sections built from other rooms' data: 5 and 6 (container check, why we are here)
for everyone, and the facilitator digest's open alerts and subgroup microclimates. Aggregates
are shown only where those rooms already show them (the same minimum sizes)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.community import trust
from bot.community.circle import Circles
from bot.community.exchange_digest import (
    CONTAINER_CHECK,
    MICROCLIMATES,
    OPEN_ALERTS,
    WHY_WE_ARE_HERE,
    DigestScope,
    Period,
    Section,
    SectionProvider,
)
from bot.community.exchange_facilitator_sections import names
from bot.community.exchange_sections import plural
from bot.community.health_commands import DEFAULT_DAYS
from bot.community.health_report import HealthService
from bot.community.motivations import MotivationService
from bot.community.pulses import PulseService, describe
from bot.community.subgroup_rounds import MICROCLIMATE_GAP, MIN_GROUP_MEAN
from bot.core.messages import Context, Text
from bot.storage.db import Database
from bot.storage.exchange_digest_repository import DigestRepository
from bot.storage.health_repository import HealthRepository
from bot.storage.models import Container
from bot.storage.models.subgroups import Subgroup, SubgroupSeat, SubgroupTrustAnswer
from bot.storage.repositories import ContainerRepository, OrganisationTypeRepository
from bot.storage.subgroups_repository import SubgroupRepository

# A pod whose share of members taking part this week differs from its container's by this
# much is warming or cooling (trust uses the subgroup room's one-point microclimate gap).
PARTICIPATION_GAP = 0.25


class TrustCheck:
    """5. Container check: the trust trend, in aggregate."""

    def __init__(self, pulses: PulseService, circles: Circles) -> None:
        self.pulses = pulses
        self.circles = circles

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        if scope.container is None:
            return None
        members = len((await self.circles.of(scope.container)).members)
        history = await self.pulses.history(scope.container, members)
        if not history:
            return None
        latest = history[-1]
        lines = [
            f"Trust trend: {trust.sparkline([p.mean for p in history])} (1-7, higher is safer)",
            f"Latest pulse: {describe(latest, self.pulses.minimum)}.",
        ]
        return Section(
            CONTAINER_CHECK,
            "Container check",
            (Text("\n".join(lines)), Context("Never shown for fewer answers, never individually.")),
        )


class MotivationBalance:
    """6. Why we are here: the task/social balance of motivations, in aggregate."""

    def __init__(self, motivations: MotivationService) -> None:
        self.motivations = motivations

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        if scope.container is None or scope.container.id is None:
            return None
        mix = await self.motivations.mix(scope.container.id)
        if mix is None:
            return None
        now = mix.current
        line = (
            f"Task {now.task:.0%} · social {now.social:.0%} of the points "
            f"({now.respondents} members answered)."
        )
        if mix.previous is not None:
            line += (
                f" A cadence ago: task {mix.previous.task:.0%} · social {mix.previous.social:.0%}."
            )
        return Section(WHY_WE_ARE_HERE, "Why we are here", (Text(line),))


async def containers_of(digests: DigestRepository, scope: DigestScope) -> list[Container]:
    if scope.container is not None:
        return [scope.container]
    return await digests.open_containers(scope.community.id)


class OpenAlerts:
    """The network-health alerts that hold now for this container (or the network), over
    the health room's window, and any container whose motivations show camaraderie crowding."""

    def __init__(
        self, digests: DigestRepository, health: HealthService, motivations: MotivationService
    ) -> None:
        self.digests = digests
        self.health = health
        self.motivations = motivations

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        window = self.health.window(scope.community.id, scope.container, DEFAULT_DAYS, period.end)
        # keep=False: the digest reads the health figures, it does not add a trend point.
        assessment = await self.health.assess(window, keep=False)
        lines: list[str] = []
        members = await self.digests.members(scope.community.id) if assessment.alerts else {}
        for alert in assessment.alerts:
            line = f"• {alert.summary}"
            who = [members[i].display_name for i in alert.facilitator_only if i in members]
            if who:
                line += f" (Who: {names(who)}.)"
            lines.append(line)
        for container in await containers_of(self.digests, scope):
            assert container.id is not None
            mix = await self.motivations.mix(container.id)
            if mix is not None and mix.crowding:
                where = "" if scope.container is not None else f" in {container.name}"
                lines.append(
                    f"• Camaraderie crowding{where}: the social share of motivations "
                    f"({mix.current.social:.0%}) has overtaken the task share "
                    f"({mix.current.task:.0%}) while competence is low."
                )
        if not lines:
            return None
        return Section(
            OPEN_ALERTS,
            "Open alerts",
            (
                Text("\n".join(lines)),
                Context(
                    f"Health over the last {DEFAULT_DAYS} days; suggested actions in "
                    "`/trellis health` and `/trellis container motivation`."
                ),
            ),
        )


@dataclass(frozen=True, slots=True)
class Pod:
    name: str
    size: int
    trust: float | None  # None below the subgroup room's minimum (3, all answered)
    taking_part: int


class Microclimates:
    """Each subgroup of the week's round against its container: trust (the subgroup trust
    items against the last shown pulse) and the share of members taking part this week."""

    def __init__(
        self,
        digests: DigestRepository,
        subgroups: SubgroupRepository,
        pulses: PulseService,
        circles: Circles,
    ) -> None:
        self.digests = digests
        self.subgroups = subgroups
        self.pulses = pulses
        self.circles = circles

    @staticmethod
    def pod(
        group: Subgroup,
        seats: list[SubgroupSeat],
        answers: list[SubgroupTrustAnswer],
        active: frozenset[int],
        reverse: dict[str, bool],
    ) -> Pod:
        present = [s for s in seats if s.left_at is None]
        by_member: dict[int, list[int]] = {}
        for answer in answers:
            if answer.item in reverse:
                scored = trust.scored(answer.score, reverse[answer.item])
                by_member.setdefault(answer.member_id, []).append(scored)
        complete = [v for v in by_member.values() if len(v) == len(reverse)]
        mean = None
        # The subgroup room's rule: three or more still in it, and all of them answered.
        if len(present) >= MIN_GROUP_MEAN and len(complete) >= len(present):
            mean = sum(sum(v) / len(v) for v in complete) / len(complete)
        taking_part = sum(1 for s in present if s.member_id in active)
        return Pod(group.name, len(present), mean, taking_part)

    async def lines(self, scope: DigestScope, container: Container, period: Period) -> list[str]:
        assert container.id is not None
        # The week's round: the earliest one running during the week, which is the one that
        # ended in it when rounds follow each other (its trust answers are in by then).
        running = [
            r
            for r in await self.subgroups.rounds(container.id, limit=3)
            if r.started_at <= period.end and r.ends_at > period.start
        ]
        latest = running[0] if running else None
        if latest is None or latest.id is None:
            return []
        circle = await self.circles.of(container)
        shown = [p.mean for p in await self.pulses.history(container, len(circle.members))]
        container_trust = next((m for m in reversed(shown) if m is not None), None)
        counts = await self.digests.activity(
            scope.community.id, container.id, period.start, period.end
        )
        everyone = {m.id for m in circle.members}
        share = len(counts.active & everyone) / len(everyone) if everyone else 0.0
        trust_text = (
            f"trust {container_trust:.1f} of 7 at the last pulse"
            if container_trust is not None
            else "no trust pulse shown yet"
        )
        where = f"{container.name}: " if scope.container is None else ""
        lines = [
            f"{where}subgroup round {latest.number}; the container: {trust_text}, "
            f"{share:.0%} taking part this week."
        ]
        small = 0
        reverse = {i.code: i.reverse for i in trust.items(scope.community.locale, "subgroup_items")}
        answers = await self.digests.subgroup_trust(latest.id)
        for group, seats in await self.subgroups.groups(latest.id):
            pod = self.pod(group, seats, answers.get(group.id or 0, []), counts.active, reverse)
            if pod.size < MIN_GROUP_MEAN:
                small += 1
                continue
            lines.append(f"• {describe_pod(pod, container_trust, share)}")
        if small:
            lines.append(
                f"• {plural(small, 'subgroup')} of fewer than {MIN_GROUP_MEAN} not shown, "
                "so nobody is singled out."
            )
        return lines

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        lines: list[str] = []
        for container in await containers_of(self.digests, scope):
            lines += await self.lines(scope, container, period)
        if not lines:
            return None
        return Section(
            MICROCLIMATES,
            "Subgroup microclimates",
            (
                Text("\n".join(lines)),
                Context(
                    f"Subgroups of {MIN_GROUP_MEAN} or more; trust once all have answered. "
                    f"Warming or cooling: {MICROCLIMATE_GAP:.0f} point of trust or "
                    f"{PARTICIPATION_GAP * 100:.0f} points of taking part from the container."
                ),
            ),
        )


def describe_pod(pod: Pod, container_trust: float | None, container_share: float) -> str:
    share = pod.taking_part / pod.size
    parts = [f"{pod.name} ({plural(pod.size, 'member')})"]
    gaps: list[float] = [(share - container_share) / PARTICIPATION_GAP]
    if pod.trust is not None and container_trust is not None:
        gap = pod.trust - container_trust
        parts.append(f"trust {pod.trust:.1f} ({gap:+.1f})")
        gaps.append(gap / MICROCLIMATE_GAP)
    elif pod.trust is not None:
        parts.append(f"trust {pod.trust:.1f}")
    else:
        parts.append("trust not yet shown")
    parts.append(f"{pod.taking_part} of {pod.size} taking part")
    if min(gaps) <= -1:
        mood = "cooling"
    elif max(gaps) >= 1:
        mood = "warming"
    else:
        mood = "in step"
    return ", ".join(parts) + f": {mood}."


def facilitator_sections(
    db: Database,
    digests: DigestRepository,
    pulses: PulseService,
    circles: Circles,
    motivations: MotivationService,
) -> list[SectionProvider]:
    """The facilitator digest's sections that read other rooms (health, motivations,
    subgroups, trust pulses); read only, so their own services stay untouched."""
    containers = ContainerRepository(db)
    health = HealthService(HealthRepository(db), containers, OrganisationTypeRepository(db))
    return [
        OpenAlerts(digests, health, motivations),
        Microclimates(digests, SubgroupRepository(db), pulses, circles),
    ]
