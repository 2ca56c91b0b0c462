"""What the check-in services share: their ports, and small lookups around a round."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.community.privacy import NoSubgroups, SharedAnswer, Sharing, SubgroupLookup, Viewer
from bot.core.directory import CommunityInfo
from bot.core.messages import Outgoing
from bot.core.ports import Clock
from bot.core.refs import MemberRef
from bot.dialogue.prompt_bank import Question, QuestionSet, checkin_prompts, question
from bot.storage.checkins_repository import CheckinRepository
from bot.storage.models import Member
from bot.storage.models.checkins import CheckinAnswer, CheckinRound, CheckinSchedule
from bot.storage.repositories import ContainerRepository


class Planner(Protocol):
    """Plans a scheduled run once per key (the Scheduler)."""

    async def plan(
        self, run_key: str, kind: str, due_at: datetime, payload: dict[str, Any]
    ) -> bool: ...


class Postbox(Protocol):
    """Stores a message for delivery once per idempotency key (the Outbox)."""

    async def put(self, community: CommunityInfo, outgoing: Outgoing) -> bool: ...

    async def put_all(self, community: CommunityInfo, outgoing: list[Outgoing]) -> list[bool]: ...


class FittingPrompts(Protocol):
    """A prompt that fits why a member is here (motivations), for that member's own DM."""

    async def fitting_prompt(self, member_id: int, locale: str, seed: int) -> str | None: ...

    async def fitting_prompts(
        self, member_ids: Sequence[int], locale: str, seed: int
    ) -> dict[int, str]:
        """`fitting_prompt` for many members in one look; a member with none is left out."""
        ...


class NoFittingPrompts:
    async def fitting_prompt(self, member_id: int, locale: str, seed: int) -> str | None:
        return None

    async def fitting_prompts(
        self, member_ids: Sequence[int], locale: str, seed: int
    ) -> dict[int, str]:
        return {}


@dataclass
class CheckinDeps:
    checkins: CheckinRepository
    containers: ContainerRepository
    planner: Planner
    postbox: Postbox
    clock: Clock
    subgroups: SubgroupLookup = field(default_factory=NoSubgroups)
    min_aggregate: int = 5
    fitting: FittingPrompts = field(default_factory=NoFittingPrompts)


def zone_of(member: Member, schedule: CheckinSchedule | None, community: CommunityInfo) -> str:
    """A member's own zone, else the schedule's, else the community's default."""
    return member.timezone or (schedule.zone if schedule else None) or community.timezone


def round_questions(round_: CheckinRound) -> tuple[Question, ...]:
    return tuple(Question(q["label"], q["text"]) for q in json.loads(round_.questions))


def dump_questions(questions: tuple[Question, ...]) -> str:
    return json.dumps([{"label": q.label, "text": q.text} for q in questions], ensure_ascii=False)


def ref_of(community: CommunityInfo, member: Member) -> MemberRef:
    return MemberRef(community.ref.platform, member.platform_user_id)


def shared(answer: CheckinAnswer, container_id: int) -> SharedAnswer:
    return SharedAnswer(answer.member_id, container_id, Sharing(answer.sharing))


async def facilitators(deps: CheckinDeps, container_id: int) -> list[Member]:
    """The container's facilitators: its facilitator members and community facilitators in it."""
    rows = await deps.containers.members(container_id)
    return [m for m, cm in rows if cm.role == "facilitator" or m.is_facilitator]


async def viewer(deps: CheckinDeps, member_id: int, container_id: int) -> Viewer:
    rows = await deps.containers.members(container_id)
    mine = [(m, cm) for m, cm in rows if m.id == member_id]
    return Viewer(
        member_id=member_id,
        container_id=container_id,
        in_container=bool(mine),
        facilitator=any(cm.role == "facilitator" or m.is_facilitator for m, cm in mine),
        subgroup_peers=await deps.subgroups.peers(container_id, member_id),
    )


async def resolve_question_set(
    repo: CheckinRepository, community: CommunityInfo, name: str
) -> QuestionSet | None:
    """A built-in set from the community's prompt bank, or a custom one of the community."""
    prompts = checkin_prompts(community.locale)
    if name in prompts.sets:
        return prompts.sets[name]
    custom = (await repo.question_sets(community.id)).get(name)
    if custom is None:
        return None
    return QuestionSet(name=name, title=name, questions=tuple(question(q) for q in custom))
