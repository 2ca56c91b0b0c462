"""Queries of reflection check-ins: schedules, question sets, rounds, deliveries, answers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Update, and_, bindparam, func, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.directory import CommunityInfo
from bot.storage.db import Database
from bot.storage.models import Community, Container, ContainerMembership, Member
from bot.storage.models.checkins import (
    CheckinAnswer,
    CheckinDelivery,
    CheckinQuestionSet,
    CheckinRound,
    CheckinSchedule,
)
from bot.storage.repositories import community_info, insert_ignoring_duplicates

ROUNDS = CheckinRound.__table__  # type: ignore[attr-defined]
DELIVERIES = CheckinDelivery.__table__  # type: ignore[attr-defined]
ANSWERS = CheckinAnswer.__table__  # type: ignore[attr-defined]
SCHEDULES = CheckinSchedule.__table__  # type: ignore[attr-defined]
CONTAINERS = Container.__table__  # type: ignore[attr-defined]

# Built once: a Reflect click and every answer form read these (no statement to build or key).
# The round with what a member's click needs around it: the member's delivery status (the
# inner join leaves no row when it was not sent to them), the container's name, the zone
# of the container's schedule.
MEMBER_ROUND = (
    core_select(
        *ROUNDS.c,
        DELIVERIES.c.status.label("delivery_status"),
        CONTAINERS.c.name.label("container_name"),
        SCHEDULES.c.zone.label("schedule_zone"),
    )
    .select_from(
        ROUNDS.join(
            DELIVERIES,
            and_(
                DELIVERIES.c.round_id == ROUNDS.c.id,
                DELIVERIES.c.member_id == bindparam("member"),
            ),
        )
        .outerjoin(CONTAINERS, CONTAINERS.c.id == ROUNDS.c.container_id)
        .outerjoin(SCHEDULES, SCHEDULES.c.container_id == ROUNDS.c.container_id)
    )
    .where(ROUNDS.c.id == bindparam("round"))
)
ROUND_FIELDS = tuple(column.name for column in ROUNDS.c)
MEMBER_ANSWERS = (
    core_select(*ANSWERS.c)
    .where(ANSWERS.c.round_id == bindparam("round"), ANSWERS.c.member_id == bindparam("member"))
    .order_by(ANSWERS.c.question_index)
)
ANSWER_FIELDS = tuple(column.name for column in ANSWERS.c)
DELETE_ANSWER = ANSWERS.delete().where(
    ANSWERS.c.round_id == bindparam("b_round"),
    ANSWERS.c.member_id == bindparam("b_member"),
    ANSWERS.c.question_index == bindparam("b_index"),
)


def _answer_upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (round, member, question) DO UPDATE of the text: a new answer is
    private ("me") and keeps its question, sharing and first time when it is edited."""
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = builder(ANSWERS)
    return statement.on_conflict_do_update(
        index_elements=[ANSWERS.c.round_id, ANSWERS.c.member_id, ANSWERS.c.question_index],
        set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
    )


ANSWER_UPSERT = {dialect: _answer_upsert(dialect) for dialect in ("sqlite", "postgresql")}
# UPDATE checkindelivery SET <these columns> WHERE id = …, one per set of columns changed.
_DELIVERY_UPDATES: dict[tuple[str, ...], Update] = {}


def _delivery_update(names: tuple[str, ...]) -> Update:
    statement = _DELIVERY_UPDATES.get(names)
    if statement is None:
        statement = _DELIVERY_UPDATES[names] = (
            update(DELIVERIES)
            .where(DELIVERIES.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in names})
        )
    return statement


@dataclass(frozen=True, slots=True)
class MemberRound:
    """A round as one member's click sees it (see `CheckinRepository.member_round`)."""

    round: CheckinRound
    delivery_status: str
    container_name: str | None  # None: the container is gone
    schedule_zone: str | None  # the zone of the container's schedule, if it has one


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


async def _member_answers(
    connection: AsyncConnection, round_id: int, member_id: int
) -> list[CheckinAnswer]:
    rows = await connection.execute(MEMBER_ANSWERS, {"round": round_id, "member": member_id})
    return [CheckinAnswer(**dict(zip(ANSWER_FIELDS, row, strict=True))) for row in rows]


class CheckinRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- schedules ------------------------------------------------------------------------

    async def schedule(self, schedule_id: int) -> CheckinSchedule | None:
        async with self.db.read() as session:
            return await session.get(CheckinSchedule, schedule_id)

    async def schedule_for(self, container_id: int) -> CheckinSchedule | None:
        async with self.db.read() as session:
            statement = select(CheckinSchedule).where(CheckinSchedule.container_id == container_id)
            return (await session.exec(statement)).first()

    async def save_schedule(self, container_id: int, values: dict[str, Any]) -> CheckinSchedule:
        """Create the container's schedule or replace its settings (a new generation)."""
        async with self.db.session() as session:
            statement = select(CheckinSchedule).where(CheckinSchedule.container_id == container_id)
            row = (await session.exec(statement)).first()
            if row is None:
                row = CheckinSchedule(container_id=container_id, **values)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.generation += 1
            session.add(row)
            await session.flush()
            return row

    async def update_schedule(self, schedule_id: int, **values: Any) -> CheckinSchedule:
        """Change a schedule; a new generation makes runs planned before it lapse."""
        async with self.db.session() as session:
            row = await session.get(CheckinSchedule, schedule_id)
            assert row is not None
            for key, value in values.items():
                setattr(row, key, value)
            row.generation += 1
            session.add(row)
            await session.flush()
            return row

    async def set_next_date(self, schedule_id: int, next_date: date) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(CheckinSchedule)
                .where(col(CheckinSchedule.id) == schedule_id)
                .values(next_date=next_date)
            )

    async def member_schedules(self, member_id: int) -> list[tuple[Container, CheckinSchedule]]:
        """The active schedules of the containers a member belongs to."""
        async with self.db.read() as session:
            statement = (
                select(Container, CheckinSchedule)
                .join(CheckinSchedule, col(CheckinSchedule.container_id) == col(Container.id))
                .join(
                    ContainerMembership, col(ContainerMembership.container_id) == col(Container.id)
                )
                .where(
                    ContainerMembership.member_id == member_id,
                    col(ContainerMembership.left_at).is_(None),
                    col(CheckinSchedule.paused).is_(False),
                )
                .order_by(col(Container.name))
            )
            return [(c, s) for c, s in (await session.exec(statement)).all()]

    # -- question sets --------------------------------------------------------------------

    async def add_question_set(
        self, community_id: int, name: str, questions: Sequence[str], by: int, at: datetime
    ) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                CheckinQuestionSet,
                {
                    "community_id": community_id,
                    "name": name,
                    "questions": json.dumps(list(questions), ensure_ascii=False),
                    "created_by": by,
                    "created_at": at,
                },
            )

    async def question_sets(self, community_id: int) -> dict[str, tuple[str, ...]]:
        async with self.db.session() as session:
            statement = (
                select(CheckinQuestionSet)
                .where(CheckinQuestionSet.community_id == community_id)
                .order_by(col(CheckinQuestionSet.name))
            )
            rows = (await session.exec(statement)).all()
            return {row.name: tuple(json.loads(row.questions)) for row in rows}

    # -- rounds ---------------------------------------------------------------------------

    async def create_round(self, values: dict[str, Any]) -> CheckinRound:
        """The round with this container and key, created the first time it is asked for."""
        async with self.db.session() as session:
            await insert_ignoring_duplicates(session, CheckinRound, values)
            statement = select(CheckinRound).where(
                CheckinRound.container_id == values["container_id"],
                CheckinRound.round_key == values["round_key"],
            )
            return (await session.exec(statement)).one()

    async def round(self, round_id: int) -> CheckinRound | None:
        async with self.db.read() as session:
            return await session.get(CheckinRound, round_id)

    async def member_round(self, round_id: int, member_id: int) -> MemberRound | None:
        """The round with the member's delivery status, its container's name and its
        schedule's zone, in one prebuilt query; None when the round was never delivered to
        the member (or does not exist). The round is a detached copy, not a session's."""
        async with self.db.read() as session:
            connection = await session.connection()
            row = (
                await connection.execute(MEMBER_ROUND, {"round": round_id, "member": member_id})
            ).first()
        if row is None:
            return None
        found = row._mapping
        return MemberRound(
            round=CheckinRound(**{name: found[name] for name in ROUND_FIELDS}),
            delivery_status=found["delivery_status"],
            container_name=found["container_name"],
            schedule_zone=found["schedule_zone"],
        )

    async def close_round(self, round_id: int, now: datetime) -> bool:
        """Close a round; False when it was already closed."""
        async with self.db.session() as session:
            result = await session.exec(
                update(CheckinRound)
                .where(col(CheckinRound.id) == round_id, col(CheckinRound.closed_at).is_(None))
                .values(closed_at=now)
            )
            return bool(result.rowcount)

    async def latest_rounds(self, container_id: int, limit: int = 1) -> list[CheckinRound]:
        async with self.db.read() as session:
            statement = (
                select(CheckinRound)
                .where(CheckinRound.container_id == container_id)
                .order_by(col(CheckinRound.opened_at).desc(), col(CheckinRound.id).desc())
                .limit(limit)
            )
            return list((await session.exec(statement)).all())

    # -- deliveries -----------------------------------------------------------------------

    async def add_deliveries(self, round_id: int, due: Iterable[tuple[int, datetime]]) -> int:
        added = 0
        async with self.db.session() as session:
            for member_id, due_at in due:
                added += await insert_ignoring_duplicates(
                    session,
                    CheckinDelivery,
                    {
                        "round_id": round_id,
                        "member_id": member_id,
                        "due_at": due_at,
                        "status": "pending",
                    },
                )
        return added

    async def deliveries(self, round_id: int) -> list[tuple[CheckinDelivery, Member]]:
        async with self.db.read() as session:
            statement = (
                select(CheckinDelivery, Member)
                .join(Member, col(Member.id) == col(CheckinDelivery.member_id))
                .where(CheckinDelivery.round_id == round_id)
                .order_by(col(Member.display_name), col(Member.id))
            )
            return [(d, m) for d, m in (await session.exec(statement)).all()]

    async def pending_due(
        self, round_id: int, now: datetime
    ) -> list[tuple[CheckinDelivery, Member]]:
        async with self.db.session() as session:
            statement = (
                select(CheckinDelivery, Member)
                .join(Member, col(Member.id) == col(CheckinDelivery.member_id))
                .where(
                    CheckinDelivery.round_id == round_id,
                    CheckinDelivery.status == "pending",
                    col(CheckinDelivery.due_at) <= now,
                )
                .order_by(col(CheckinDelivery.due_at), col(CheckinDelivery.id))
            )
            return [(d, m) for d, m in (await session.exec(statement)).all()]

    async def set_delivery(self, delivery_id: int, **values: Any) -> None:
        await self.set_deliveries([(delivery_id, values)])

    async def set_deliveries(self, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Change these deliveries (id, column values): one prebuilt UPDATE per set of
        columns changed, run for all their rows at once (executemany)."""
        if not changes:
            return
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for delivery_id, values in changes:
            names = tuple(sorted(values))
            params = {f"b_{name}": value for name, value in values.items()}
            params["b_id"] = delivery_id
            groups.setdefault(names, []).append(params)
        async with self.db.session() as session:
            connection = await session.connection()
            for names, rows in groups.items():
                await connection.execute(_delivery_update(names), rows)
            # A round's fan-out runs in one transaction whose session holds every delivery and
            # member it loaded. Core updates leave them alone (SQLAlchemy's own sync would test
            # each update against all of them: quadratic in the round's size); only the rows
            # changed are brought up to date.
            identity_map = session.sync_session.identity_map
            for delivery_id, values in changes:
                loaded = identity_map.get(
                    session.sync_session.identity_key(CheckinDelivery, delivery_id)
                )
                if loaded is not None:
                    for name, value in values.items():
                        set_committed_value(loaded, name, value)

    async def to_remind(
        self, round_id: int, due_before: datetime
    ) -> list[tuple[CheckinDelivery, Member]]:
        """Sent, not yet reminded, due before the moment, and with no answer yet."""
        answered = select(CheckinAnswer.member_id).where(CheckinAnswer.round_id == round_id)
        async with self.db.session() as session:
            statement = (
                select(CheckinDelivery, Member)
                .join(Member, col(Member.id) == col(CheckinDelivery.member_id))
                .where(
                    CheckinDelivery.round_id == round_id,
                    CheckinDelivery.status == "sent",
                    col(CheckinDelivery.reminded_at).is_(None),
                    col(CheckinDelivery.due_at) <= due_before,
                    col(CheckinDelivery.member_id).not_in(answered),
                )
                .order_by(col(CheckinDelivery.id))
            )
            return [(d, m) for d, m in (await session.exec(statement)).all()]

    # -- answers --------------------------------------------------------------------------

    async def answers(self, round_id: int, member_id: int | None = None) -> list[CheckinAnswer]:
        async with self.db.read() as session:
            statement = select(CheckinAnswer).where(CheckinAnswer.round_id == round_id)
            if member_id is not None:
                statement = statement.where(CheckinAnswer.member_id == member_id)
            statement = statement.order_by(
                col(CheckinAnswer.member_id), col(CheckinAnswer.question_index)
            )
            return list((await session.exec(statement)).all())

    async def member_answers(self, round_id: int, member_id: int) -> list[CheckinAnswer]:
        """One member's answers in a round by question (as `answers` with a member), in one
        prebuilt query; detached copies."""
        async with self.db.read() as session:
            return await _member_answers(await session.connection(), round_id, member_id)

    async def save_answers(
        self, round_id: int, member_id: int, answers: Sequence[tuple[int, str, str]], now: datetime
    ) -> list[CheckinAnswer]:
        """Write (index, question, text) answers; an empty text removes an earlier answer.
        Returns the member's answers in the round as this transaction left them."""
        removed = [
            {"b_round": round_id, "b_member": member_id, "b_index": index}
            for index, _, text in answers
            if not text
        ]
        written = [
            {
                "round_id": round_id,
                "member_id": member_id,
                "question_index": index,
                "question": question,
                "text": text,
                "sharing": "me",
                "answered_at": now,
                "updated_at": now,
            }
            for index, question, text in answers
            if text
        ]
        async with self.db.session() as session:
            connection = await session.connection()
            if removed:
                await connection.execute(DELETE_ANSWER, removed)
            if written:
                await connection.execute(ANSWER_UPSERT[_dialect(session)], written)
            return await _member_answers(connection, round_id, member_id)

    async def set_sharing(self, round_id: int, member_id: int, index: int, sharing: str) -> bool:
        async with self.db.session() as session:
            result = await session.exec(
                update(CheckinAnswer)
                .where(
                    col(CheckinAnswer.round_id) == round_id,
                    col(CheckinAnswer.member_id) == member_id,
                    col(CheckinAnswer.question_index) == index,
                )
                .values(sharing=sharing)
            )
            return bool(result.rowcount)

    async def answered_rounds(self, member_id: int, limit: int = 10) -> list[CheckinRound]:
        """Rounds a member answered, latest first."""
        async with self.db.read() as session:
            answered = (
                select(CheckinAnswer.round_id)
                .where(CheckinAnswer.member_id == member_id)
                .group_by(col(CheckinAnswer.round_id))
            )
            statement = (
                select(CheckinRound)
                .where(col(CheckinRound.id).in_(answered))
                .order_by(col(CheckinRound.opened_at).desc(), col(CheckinRound.id).desc())
                .limit(limit)
            )
            return list((await session.exec(statement)).all())

    async def count_answered(self, round_id: int) -> int:
        async with self.db.read() as session:
            statement = select(func.count(func.distinct(CheckinAnswer.member_id))).where(
                CheckinAnswer.round_id == round_id
            )
            return int((await session.exec(statement)).one())

    # -- the records around a round -------------------------------------------------------

    async def container(self, container_id: int) -> Container | None:
        async with self.db.read() as session:
            return await session.get(Container, container_id)

    async def community_of(self, container_id: int) -> CommunityInfo:
        async with self.db.read() as session:
            statement = (
                select(Community)
                .join(Container, col(Container.community_id) == col(Community.id))
                .where(Container.id == container_id)
            )
            return community_info((await session.exec(statement)).one())

    async def community(self, community_id: int) -> CommunityInfo:
        async with self.db.read() as session:
            row = await session.get(Community, community_id)
            assert row is not None
            return community_info(row)

    async def member(self, member_id: int) -> Member | None:
        async with self.db.read() as session:
            return await session.get(Member, member_id)
