"""Queries of motivations: statements, their history, who may see them, and cadences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert
from sqlalchemy import select as core_select
from sqlmodel import col, select

from bot.core.directory import CommunityInfo
from bot.storage.db import Database
from bot.storage.models import (
    Community,
    Container,
    ContainerMembership,
    Member,
    MotivationCadence,
    MotivationStatement,
)
from bot.storage.repositories import community_info, insert_ignoring_duplicates

DEFAULT_EVERY_WEEKS = 12
# Members looked up per statement: well below the databases' limits on bound parameters.
LOOKUP_CHUNK = 2000

STATEMENTS = MotivationStatement.__table__  # type: ignore[attr-defined]
CONTAINERS = Container.__table__  # type: ignore[attr-defined]
CADENCES = MotivationCadence.__table__  # type: ignore[attr-defined]
# Built once: every questionnaire (its button, its form, a restatement) runs these.
LATEST = (
    select(MotivationStatement)
    .where(MotivationStatement.member_id == bindparam("member"))
    .order_by(col(MotivationStatement.created_at).desc(), col(MotivationStatement.id).desc())
    .limit(1)
)
"""A member's current statement: the last of `history`."""
ADD_COLUMNS = [column.key for column in STATEMENTS.c if column.key != "id"]
ADD = insert(STATEMENTS).returning(STATEMENTS.c.id)
ADD_IN_CONTAINER = (
    insert(STATEMENTS)
    .values(
        container_id=core_select(CONTAINERS.c.id)
        .where(CONTAINERS.c.id == bindparam("b_container"))
        .scalar_subquery()
    )
    .returning(STATEMENTS.c.id, STATEMENTS.c.container_id)
)
"""A statement for a container, or for none when that container is gone (one statement)."""
EVERY_WEEKS = core_select(CADENCES.c.every_weeks).where(
    CADENCES.c.container_id == bindparam("container")
)


class MotivationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def committing(self) -> bool:
        """Whether each write here commits on its own (no transaction spans several)."""
        return self.db.shared_state() is None

    async def add(
        self, statement: MotivationStatement, *, if_container_exists: bool = False
    ) -> MotivationStatement:
        """Store a statement (one prebuilt INSERT); it comes back with its id.

        `if_container_exists`: a `container_id` whose container is gone is stored as None
        (checked by the same statement) instead of failing."""
        values = {name: getattr(statement, name) for name in ADD_COLUMNS}
        async with self.db.session() as session:
            connection = await session.connection()
            if if_container_exists and statement.container_id is not None:
                values["b_container"] = values.pop("container_id")
                row = (await connection.execute(ADD_IN_CONTAINER, values)).one()
                statement.container_id = row[1]
            else:
                row = (await connection.execute(ADD, values)).one()
            statement.id = row[0]
            return statement

    async def history(self, member_id: int) -> list[MotivationStatement]:
        """A member's statements, oldest first; the last is the current one."""
        async with self.db.read() as session:
            statement = (
                select(MotivationStatement)
                .where(MotivationStatement.member_id == member_id)
                .order_by(col(MotivationStatement.created_at), col(MotivationStatement.id))
            )
            return list((await session.exec(statement)).all())

    async def latest(self, member_id: int) -> MotivationStatement | None:
        """The member's current statement (the last of `history`), alone."""
        async with self.db.read() as session:
            return (await session.exec(LATEST, params={"member": member_id})).first()

    async def latest_of(self, member_ids: Sequence[int]) -> dict[int, MotivationStatement]:
        """`latest` for many members (a round's fan-out), a query per LOOKUP_CHUNK of them;
        a member with no statement is left out."""
        current: dict[int, MotivationStatement] = {}
        async with self.db.read() as session:
            for start in range(0, len(member_ids), LOOKUP_CHUNK):
                chunk = list(member_ids[start : start + LOOKUP_CHUNK])
                statement = (
                    select(MotivationStatement)
                    .where(col(MotivationStatement.member_id).in_(chunk))
                    .order_by(col(MotivationStatement.created_at), col(MotivationStatement.id))
                )
                for found in (await session.exec(statement)).all():
                    current[found.member_id] = found  # oldest first: the last one wins
        return current

    async def delete(self, member_id: int, statement_id: int) -> bool:
        """Delete a statement, only if it is the member's own; True when one was deleted."""
        async with self.db.session() as session:
            result = await session.exec(
                delete(MotivationStatement).where(
                    col(MotivationStatement.id) == statement_id,
                    col(MotivationStatement.member_id) == member_id,
                )
            )
            return bool(result.rowcount)

    async def statements_of(self, member_ids: Iterable[int]) -> list[MotivationStatement]:
        """Every statement of these members, oldest first."""
        ids = list(member_ids)
        if not ids:
            return []
        async with self.db.read() as session:
            statement = (
                select(MotivationStatement)
                .where(col(MotivationStatement.member_id).in_(ids))
                .order_by(col(MotivationStatement.created_at), col(MotivationStatement.id))
            )
            return list((await session.exec(statement)).all())

    async def latest_points(
        self, member_ids: Sequence[int], fields: Sequence[str]
    ) -> dict[int, dict[str, int]]:
        """These columns of each member's current (newest) statement, for many members in
        one query (a few for a very large list); a member with no statement is left out."""
        table = MotivationStatement.__table__  # type: ignore[attr-defined]
        columns = [table.c[name] for name in fields]
        current: dict[int, dict[str, int]] = {}
        async with self.db.read() as session:
            connection = await session.connection()
            for start in range(0, len(member_ids), LOOKUP_CHUNK):
                chunk = list(member_ids[start : start + LOOKUP_CHUNK])
                statement = (
                    core_select(table.c.member_id, *columns)
                    .where(table.c.member_id.in_(chunk))
                    .order_by(table.c.created_at, table.c.id)
                )
                for row in await connection.execute(statement):
                    # oldest first: the last one wins
                    current[row[0]] = {
                        name: int(value) for name, value in zip(fields, row[1:], strict=True)
                    }
        return current

    async def active_memberships(self, member_id: int) -> dict[int, str]:
        """The containers a member is in now: container id -> role."""
        async with self.db.read() as session:
            statement = select(ContainerMembership).where(
                ContainerMembership.member_id == member_id,
                col(ContainerMembership.left_at).is_(None),
            )
            return {m.container_id: m.role for m in (await session.exec(statement)).all()}

    async def member(self, member_id: int) -> Member | None:
        async with self.db.read() as session:
            return await session.get(Member, member_id)

    async def container(self, container_id: int) -> Container | None:
        async with self.db.read() as session:
            return await session.get(Container, container_id)

    async def community(self, community_id: int) -> CommunityInfo | None:
        async with self.db.read() as session:
            row = await session.get(Community, community_id)
            return community_info(row) if row else None

    async def every_weeks(self, container_id: int) -> int:
        async with self.db.read() as session:
            connection = await session.connection()
            found = (await connection.execute(EVERY_WEEKS, {"container": container_id})).first()
            return DEFAULT_EVERY_WEEKS if found is None else int(found[0])

    async def set_every_weeks(self, container_id: int, weeks: int) -> None:
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session, MotivationCadence, {"container_id": container_id, "every_weeks": weeks}
            )
            if not inserted:
                row = (
                    await session.exec(
                        select(MotivationCadence).where(
                            MotivationCadence.container_id == container_id
                        )
                    )
                ).one()
                row.every_weeks = weeks
                session.add(row)

    async def add_membership(self, container_id: int, member_id: int, now: datetime) -> None:
        """Make a member part of a container. Tests and the demo use it until the join flow of
        issue 5 lands; that flow owns membership and calls `MotivationService.on_join`."""
        async with self.db.session() as session:
            await insert_ignoring_duplicates(
                session,
                ContainerMembership,
                {
                    "container_id": container_id,
                    "member_id": member_id,
                    "role": "member",
                    "joined_at": now,
                },
            )
