"""Motivations: why each member is here, asked on joining, restated on a cadence, watched
in aggregate for camaraderie crowding. The one place that decides who may see a statement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.community.motivation_measures import (
    NEED_FIELDS,
    REASON_FIELDS,
    Answers,
    Reason,
    Relation,
    allowed,
    leaning,
    parse_answers,
    top_reasons,
)
from bot.community.motivation_mix import MotivationMix, build_mix
from bot.community.motivation_prompts import MatchSignal, fitting_prompt, match_signal
from bot.community.motivation_views import (
    ask_on_join,
    ask_to_restate,
    points_of,
)
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Outgoing, ToMember
from bot.core.ports import Clock
from bot.core.refs import MemberRef
from bot.storage.models import Container, MotivationStatement
from bot.storage.motivations_repository import MotivationRepository
from bot.storage.repositories import ContainerRepository

RESTATE_JOB = "motivation.restate"
OCCASIONS = ("join", "update", "restate")


class Planner(Protocol):
    async def plan(
        self, run_key: str, kind: str, due_at: datetime, payload: dict[str, Any]
    ) -> bool: ...


@dataclass(frozen=True, slots=True)
class VisibleMotivation:
    """A statement as another member may see it (subgroup introductions, matching)."""

    text: str
    top_reasons: tuple[Reason, ...]
    stated_at: datetime


@dataclass(frozen=True, slots=True)
class MixStatus:
    mix: MotivationMix | None
    answered: int
    members: int


class MotivationService:
    def __init__(
        self,
        motivations: MotivationRepository,
        containers: ContainerRepository,
        planner: Planner,
        clock: Clock,
        minimum: int,
    ) -> None:
        self.motivations = motivations
        self.containers = containers
        self.planner = planner
        self.clock = clock
        self.minimum = minimum
        # Run keys of restatement rounds known to be stored (committed): every join asks
        # for its container's round, and only the first needs to plan it. Run rows are
        # never deleted, so a key once stored stays stored.
        self._planned: set[str] = set()

    # -- asking ----------------------------------------------------------------------------

    async def on_join(
        self, community: CommunityInfo, container: Container, member: MemberInfo
    ) -> list[Outgoing]:
        """The DM the join flow sends: why are you here? Also starts the container's cadence."""
        assert container.id is not None
        await self.ensure_cadence(container)
        return [
            Outgoing(
                ask_on_join(container.name, f"join:{container.id}"),
                ToMember(member.ref),
                idempotency_key=f"motivation:join:{container.id}:{member.id}",
            )
        ]

    async def record(
        self,
        member: MemberInfo,
        occasion: str,
        container_id: int | None,
        values: Mapping[str, str],
        *,
        if_container_exists: bool = False,
    ) -> MotivationStatement:
        """Store a statement; raises AnswerProblem (nothing stored) when something is wrong.

        `if_container_exists`: a container that is gone leaves the statement without one
        (a form answered after its container was deleted) instead of failing."""
        answers: Answers = parse_answers(values, needs_required=occasion == "restate")
        statement = MotivationStatement(
            member_id=member.id,
            container_id=container_id,
            text=answers.text,
            visibility=answers.visibility,
            occasion=occasion if occasion in OCCASIONS else "update",
            created_at=self.clock.now(),
            **answers.points,
        )
        statement.autonomy = answers.needs["autonomy"]
        statement.competence = answers.needs["competence"]
        statement.relatedness = answers.needs["relatedness"]
        return await self.motivations.add(statement, if_container_exists=if_container_exists)

    async def latest(self, member_id: int) -> MotivationStatement | None:
        return await self.motivations.latest(member_id)

    async def history(self, member_id: int) -> list[MotivationStatement]:
        return await self.motivations.history(member_id)

    async def delete(self, member_id: int, statement_id: int) -> bool:
        return await self.motivations.delete(member_id, statement_id)

    # -- circles: who may see a statement --------------------------------------------------

    async def relation(self, author_id: int, viewer: MemberInfo) -> Relation:
        if viewer.id == author_id:
            return "self"
        if viewer.is_facilitator:
            return "facilitator"
        theirs = await self.motivations.active_memberships(author_id)
        mine = await self.motivations.active_memberships(viewer.id)
        shared = set(theirs) & set(mine)
        if any(mine[c] == "facilitator" for c in shared):
            return "facilitator"
        return "container" if shared else "other"

    async def visible_motivation(
        self, author_id: int, viewer: MemberInfo
    ) -> VisibleMotivation | None:
        """The author's current statement if `viewer` is in the circle the author chose.

        For subgroup introductions: they must call this, never read statements themselves
        (`similar` matching goes through `match_signals`)."""
        current = await self.motivations.latest(author_id)
        if current is None:
            return None
        if not allowed(current.visibility, await self.relation(author_id, viewer)):
            return None
        reasons = tuple(top_reasons(points_of(current)))
        return VisibleMotivation(current.text, reasons, current.created_at)

    async def member_leaning(self, member_id: int) -> str | None:
        """task, social or mixed, for choosing a prompt that fits the member themself."""
        current = await self.motivations.latest(member_id)
        return leaning(points_of(current)) if current else None

    async def fitting_prompt(self, member_id: int, locale: str, seed: int) -> str | None:
        """A prompt that fits why the member is here, for messages to that member alone
        (their own allocation, so it tells them nothing new and nobody else anything)."""
        current = await self.motivations.latest(member_id)
        if current is None:
            return None
        return fitting_prompt(points_of(current), locale, seed) or None

    async def fitting_prompts(
        self, member_ids: Sequence[int], locale: str, seed: int
    ) -> dict[int, str]:
        """`fitting_prompt` for many members (a round's fan-out) with one read of their
        current statements' points; members without a statement or a prompt are left out."""
        points = await self.motivations.latest_points(member_ids, REASON_FIELDS)
        prompts = {m: fitting_prompt(p, locale, seed) for m, p in points.items()}
        return {m: prompt for m, prompt in prompts.items() if prompt}

    async def match_signals(self, member_ids: Iterable[int], locale: str) -> dict[int, MatchSignal]:
        """What `similar` matching may use, per member: only a current statement its author
        let their container see. A narrower circle leaves nothing, so who is grouped with
        whom can never hint at a statement someone did not share."""
        current: dict[int, MotivationStatement] = {}
        for statement in await self.motivations.statements_of(member_ids):
            current[statement.member_id] = statement  # oldest first: the last one wins
        return {
            member_id: match_signal(statement.text, points_of(statement), locale)
            for member_id, statement in current.items()
            if allowed(statement.visibility, "container")
        }

    # -- the container's mix ---------------------------------------------------------------

    async def mix_status(self, container_id: int) -> MixStatus:
        now = self.clock.now()
        rows = await self.containers.members(container_id)
        ids = [m.id for m, _ in rows if m.id is not None]
        weeks = await self.motivations.every_weeks(container_id) or 12
        before = now - timedelta(weeks=weeks)
        current: dict[int, MotivationStatement] = {}
        previous: dict[int, MotivationStatement] = {}
        needs: dict[int, dict[str, int | None]] = {}
        for statement in await self.motivations.statements_of(ids):
            current[statement.member_id] = statement
            if statement.created_at <= before:
                previous[statement.member_id] = statement
            if any(getattr(statement, f) is not None for f in NEED_FIELDS):
                needs[statement.member_id] = {f: getattr(statement, f) for f in NEED_FIELDS}
        mix = build_mix(
            len(ids),
            [points_of(s) for s in current.values()],
            [points_of(s) for s in previous.values()],
            list(needs.values()),
            self.minimum,
        )
        return MixStatus(mix, len(current), len(ids))

    async def mix(self, container_id: int) -> MotivationMix | None:
        """The aggregate mix (for the weekly digest); None below the minimum of answers."""
        return (await self.mix_status(container_id)).mix

    # -- the cadence -----------------------------------------------------------------------

    async def every_weeks(self, container_id: int) -> int:
        return await self.motivations.every_weeks(container_id)

    async def set_every_weeks(self, container: Container, weeks: int) -> None:
        assert container.id is not None
        await self.motivations.set_every_weeks(container.id, weeks)
        await self.ensure_cadence(container)

    async def ensure_cadence(self, container: Container) -> None:
        """Plan the next restatement round (exactly once per round, by its run key)."""
        assert container.id is not None
        weeks = await self.motivations.every_weeks(container.id)
        if weeks <= 0 or container.state == "closed":
            return
        period = timedelta(weeks=weeks)
        elapsed = self.clock.now() - container.created_at
        round_number = max(1, elapsed // period + 1)
        await self.plan_round(container, round_number, weeks)

    async def plan_round(self, container: Container, round_number: int, weeks: int) -> None:
        assert container.id is not None
        key = f"{RESTATE_JOB}:{container.id}:{weeks}w:{round_number}"
        if key in self._planned:
            return  # stored already: planning it again would change nothing
        due = container.created_at + timedelta(weeks=weeks) * round_number
        await self.planner.plan(
            key,
            RESTATE_JOB,
            due,
            {"container_id": container.id, "round": round_number, "every_weeks": weeks},
        )
        if self.motivations.committing():
            # Planned in a transaction of its own, committed by now. Inside a larger one
            # (a group, a scheduled run) it may still roll back: not remembered then.
            self._planned.add(key)

    async def restate_round(
        self, payload: Mapping[str, Any], due_at: datetime
    ) -> tuple[CommunityInfo | None, list[Outgoing]]:
        """One round: ask every active member to restate, then plan the next round."""
        container = await self.motivations.container(int(payload["container_id"]))
        weeks, round_number = int(payload["every_weeks"]), int(payload["round"])
        if container is None or container.id is None or container.state == "closed":
            return None, []
        if await self.motivations.every_weeks(container.id) != weeks:
            return None, []  # the cadence changed; the new one has its own rounds
        community = await self.motivations.community(container.community_id)
        if community is None:
            return None, []
        outgoing: list[Outgoing] = []
        asked = [
            member
            for member, _ in await self.containers.members(container.id)
            if member.id is not None and not (member.paused_until and member.paused_until > due_at)
        ]
        # Everyone's current statement in one read, not one read per member.
        latest = await self.motivations.latest_of([m.id for m in asked if m.id is not None])
        for member in asked:
            previous = latest.get(member.id) if member.id is not None else None
            outgoing.append(
                Outgoing(
                    ask_to_restate(container.name, previous, weeks, f"restate:{container.id}"),
                    ToMember(MemberRef(community.ref.platform, member.platform_user_id)),
                    idempotency_key=(
                        f"motivation:restate:{container.id}:{weeks}w:{round_number}:{member.id}"
                    ),
                )
            )
        await self.plan_round(container, round_number + 1, weeks)
        return community, outgoing

    async def container(self, container_id: int) -> Container | None:
        return await self.motivations.container(container_id)
