"""Queries of the weekly digests: schedules, the issues posted exactly once, and the counts
the sections are made of (computed in the database, so 10,000 interactions stay cheap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.exchange_repository import AnyRow
from bot.storage.models import (
    Community,
    Container,
    ContainerMembership,
    Member,
    ScheduledRun,
    Share,
)
from bot.storage.models.checkins import CheckinAnswer, CheckinDelivery, CheckinRound
from bot.storage.models.exchange import Activity, DigestIssue, DigestSchedule
from bot.storage.models.subgroups import Subgroup, SubgroupTrustAnswer
from bot.storage.repositories import insert_ignoring_duplicates


@dataclass(frozen=True, slots=True)
class ActivityCounts:
    messages: int
    active: frozenset[int]
    threads: int
    # (member, other member) -> interactions in the window.
    pairs: dict[tuple[int, int], int]


MEMBERS = Member.__table__  # type: ignore[attr-defined]
SHARES = Share.__table__  # type: ignore[attr-defined]
CONTAINERS = Container.__table__  # type: ignore[attr-defined]
MEMBER_NAMES = core_select(MEMBERS.c.id, MEMBERS.c.display_name, MEMBERS.c.organisation_type).where(
    MEMBERS.c.community_id == bindparam("community")
)
"""What the digest's sections show of members: names and organisation types."""
_SHARE_OUTCOMES = (
    core_select(SHARES.c.outcome, func.count())
    .join(CONTAINERS, CONTAINERS.c.id == SHARES.c.container_id)
    .where(
        CONTAINERS.c.community_id == bindparam("community"),
        SHARES.c.at > bindparam("start"),
        SHARES.c.at <= bindparam("end"),
    )
    .group_by(SHARES.c.outcome)
)
SHARE_OUTCOMES = {
    False: _SHARE_OUTCOMES,
    True: _SHARE_OUTCOMES.where(SHARES.c.container_id == bindparam("container")),
}
"""Shares of a window counted by outcome, network-wide or in one container."""


class DigestRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- schedules and issues -----------------------------------------------------------

    async def save_schedule(self, values: dict[str, Any]) -> DigestSchedule:
        """Create or change the schedule of a scope; every change bumps its revision."""
        async with self.db.session() as session:
            statement = select(DigestSchedule).where(
                DigestSchedule.community_id == values["community_id"],
                DigestSchedule.scope == values["scope"],
            )
            row = (await session.exec(statement)).first()
            if row is None:
                row = DigestSchedule(**values, revision=1)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.revision += 1
            session.add(row)
            await session.flush()
            return row

    async def schedule(self, schedule_id: int) -> DigestSchedule | None:
        async with self.db.read() as session:
            return await session.get(DigestSchedule, schedule_id)

    async def schedule_for(self, community_id: int, scope: str) -> DigestSchedule | None:
        async with self.db.read() as session:
            statement = select(DigestSchedule).where(
                DigestSchedule.community_id == community_id, DigestSchedule.scope == scope
            )
            return (await session.exec(statement)).first()

    async def store_issue(self, values: dict[str, Any]) -> tuple[DigestIssue, bool]:
        """Store an issue unless one exists for its key; return the stored one, and whether
        it was this call that stored it."""
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(session, DigestIssue, values)
            statement = select(DigestIssue).where(
                DigestIssue.community_id == values["community_id"],
                DigestIssue.scope == values["scope"],
                DigestIssue.period == values["period"],
                DigestIssue.audience == values["audience"],
            )
            return (await session.exec(statement)).one(), inserted

    async def issue(
        self, community_id: int, scope: str, period: str, audience: str
    ) -> DigestIssue | None:
        async with self.db.session() as session:
            statement = select(DigestIssue).where(
                DigestIssue.community_id == community_id,
                DigestIssue.scope == scope,
                DigestIssue.period == period,
                DigestIssue.audience == audience,
            )
            return (await session.exec(statement)).first()

    # -- people -------------------------------------------------------------------------

    async def members(self, community_id: int) -> dict[int, AnyRow]:
        """id, display_name and organisation_type of every member, by id. Read once per
        digest run (several sections ask; a write to members reads them afresh)."""

        async def load() -> dict[int, AnyRow]:
            async with self.db.read() as session:
                connection = await session.connection()
                rows = await connection.execute(MEMBER_NAMES, {"community": community_id})
                return {row.id: row for row in rows}

        key = ("digest.members", community_id, self.db.members_version)
        found: dict[int, AnyRow] = await self.db.remembered(key, load)
        return found

    async def member(self, member_id: int) -> Member | None:
        async with self.db.session() as session:
            return await session.get(Member, member_id)

    async def container_members(self, container_id: int) -> list[tuple[Member, str]]:
        """Active members of a container with their role there."""
        async with self.db.read() as session:
            statement = (
                select(Member, ContainerMembership.role)
                .join(ContainerMembership, col(ContainerMembership.member_id) == col(Member.id))
                .where(
                    ContainerMembership.container_id == container_id,
                    col(ContainerMembership.left_at).is_(None),
                )
                .order_by(col(Member.display_name))
            )
            return [(m, role) for m, role in (await session.exec(statement)).all()]

    async def facilitators(self, community_id: int) -> list[Member]:
        async with self.db.read() as session:
            statement = (
                select(Member)
                .where(Member.community_id == community_id, col(Member.is_facilitator))
                .order_by(col(Member.display_name))
            )
            return list((await session.exec(statement)).all())

    async def container(self, container_id: int) -> Container | None:
        async with self.db.read() as session:
            return await session.get(Container, container_id)

    # -- activity -----------------------------------------------------------------------

    def _scoped(self, statement: Any, community_id: int, container_id: int | None) -> Any:
        statement = statement.where(Activity.community_id == community_id)
        if container_id is not None:
            statement = statement.where(Activity.container_id == container_id)
        return statement

    async def activity(
        self, community_id: int, container_id: int | None, start: datetime, end: datetime
    ) -> ActivityCounts:
        """The window's counts, computed once per digest run (several sections ask)."""

        async def load() -> ActivityCounts:
            return await self._activity(community_id, container_id, start, end)

        key = ("digest.activity", community_id, container_id, start, end)
        found: ActivityCounts = await self.db.remembered(key, load)
        return found

    async def _activity(
        self, community_id: int, container_id: int | None, start: datetime, end: datetime
    ) -> ActivityCounts:
        window = (col(Activity.at) > start, col(Activity.at) <= end)
        async with self.db.session() as session:
            totals = self._scoped(
                select(
                    func.count(),
                    func.count(func.distinct(Activity.thread_id)),
                ).where(*window),
                community_id,
                container_id,
            )
            messages, threads = (await session.exec(totals)).one()
            active = self._scoped(
                select(Activity.member_id).distinct().where(*window), community_id, container_id
            )
            members = frozenset((await session.exec(active)).all())
            pairs = self._scoped(
                select(Activity.member_id, Activity.other_member_id, func.count())
                .where(*window, col(Activity.other_member_id).is_not(None))
                .group_by(col(Activity.member_id), col(Activity.other_member_id)),
                community_id,
                container_id,
            )
            counted = {(a, b): n for a, b, n in (await session.exec(pairs)).all()}
        return ActivityCounts(int(messages), members, int(threads), counted)

    async def pairs_before(
        self, community_id: int, container_id: int | None, moment: datetime
    ) -> set[frozenset[int]]:
        """Every pair of people who had interacted before `moment` (in either direction)."""
        async with self.db.session() as session:
            statement = self._scoped(
                select(Activity.member_id, Activity.other_member_id)
                .distinct()
                .where(col(Activity.at) <= moment, col(Activity.other_member_id).is_not(None)),
                community_id,
                container_id,
            )
            return {frozenset((a, b)) for a, b in (await session.exec(statement)).all()}

    async def weekly_participation(
        self, community_id: int, container_id: int | None, edges: list[datetime]
    ) -> list[tuple[int, int]]:
        """(messages, active members) for each window between consecutive edges."""
        out: list[tuple[int, int]] = []
        async with self.db.session() as session:
            for start, end in pairwise(edges):
                statement = self._scoped(
                    select(func.count(), func.count(func.distinct(Activity.member_id))).where(
                        col(Activity.at) > start, col(Activity.at) <= end
                    ),
                    community_id,
                    container_id,
                )
                messages, active = (await session.exec(statement)).one()
                out.append((int(messages), int(active)))
        return out

    # -- what people tried and what is coming up ----------------------------------------

    async def share_outcomes(
        self, community_id: int, container_id: int | None, start: datetime, end: datetime
    ) -> dict[str, int]:
        """How many shares of the window went each way (worked, partly, didnt)."""
        params: dict[str, Any] = {"community": community_id, "start": start, "end": end}
        if container_id is not None:
            params["container"] = container_id
        async with self.db.read() as session:
            connection = await session.connection()
            rows = await connection.execute(SHARE_OUTCOMES[container_id is not None], params)
            return {outcome: int(n) for outcome, n in rows}

    async def runs_due_between(self, start: datetime, end: datetime) -> list[ScheduledRun]:
        async with self.db.read() as session:
            statement = (
                select(ScheduledRun)
                .where(
                    ScheduledRun.status == "due",
                    col(ScheduledRun.due_at) > start,
                    col(ScheduledRun.due_at) <= end,
                )
                .order_by(col(ScheduledRun.due_at))
            )
            return list((await session.exec(statement)).all())

    # -- check-in rounds (read only: the check-ins room writes them) ---------------------

    async def rounds_closing(
        self, community_id: int, container_id: int | None, start: datetime, end: datetime
    ) -> list[tuple[CheckinRound, Container]]:
        """Check-in rounds whose answer window ended in (start, end]: the week's rounds.
        Their answers can no longer change, only who may see them."""
        async with self.db.session() as session:
            statement = (
                select(CheckinRound, Container)
                .join(Container, col(Container.id) == col(CheckinRound.container_id))
                .where(
                    Container.community_id == community_id,
                    col(CheckinRound.closes_at) > start,
                    col(CheckinRound.closes_at) <= end,
                )
                .order_by(col(Container.name), col(CheckinRound.closes_at), col(CheckinRound.id))
            )
            if container_id is not None:
                statement = statement.where(CheckinRound.container_id == container_id)
            return [(r, c) for r, c in (await session.exec(statement)).all()]

    async def round_answers(self, round_id: int) -> list[CheckinAnswer]:
        """A round's answers with the sharing their authors chose last."""
        async with self.db.session() as session:
            statement = (
                select(CheckinAnswer)
                .where(CheckinAnswer.round_id == round_id)
                .order_by(col(CheckinAnswer.member_id), col(CheckinAnswer.question_index))
            )
            return list((await session.exec(statement)).all())

    async def round_sent_to(self, round_id: int) -> list[Member]:
        """Members a round's check-in was actually sent to (not paused, late or gone)."""
        async with self.db.session() as session:
            statement = (
                select(Member)
                .join(CheckinDelivery, col(CheckinDelivery.member_id) == col(Member.id))
                .where(CheckinDelivery.round_id == round_id, CheckinDelivery.status == "sent")
                .order_by(col(Member.display_name), col(Member.id))
            )
            return list((await session.exec(statement)).all())

    async def subgroup_trust(self, round_id: int) -> dict[int, list[SubgroupTrustAnswer]]:
        """Every subgroup trust answer of a subgroup round, by subgroup, in one query."""
        async with self.db.session() as session:
            statement = (
                select(SubgroupTrustAnswer)
                .join(Subgroup, col(Subgroup.id) == col(SubgroupTrustAnswer.subgroup_id))
                .where(Subgroup.round_id == round_id)
            )
            found: dict[int, list[SubgroupTrustAnswer]] = {}
            for answer in (await session.exec(statement)).all():
                found.setdefault(answer.subgroup_id, []).append(answer)
            return found

    async def open_containers(self, community_id: int) -> list[Container]:
        async with self.db.session() as session:
            statement = (
                select(Container)
                .where(Container.community_id == community_id, Container.state != "closed")
                .order_by(col(Container.name), col(Container.id))
            )
            return list((await session.exec(statement)).all())

    async def community(self, community_id: int) -> Community | None:
        async with self.db.read() as session:
            return await session.get(Community, community_id)
