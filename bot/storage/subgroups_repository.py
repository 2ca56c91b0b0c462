"""Queries of subgroup rounds: settings, rounds and their groups, seats, avoid lists,
existing ties, and the subgroups' trust answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import Container, ContainerMembership, Member
from bot.storage.models.subgroups import (
    Subgroup,
    SubgroupAvoid,
    SubgroupRound,
    SubgroupSeat,
    SubgroupSettings,
    SubgroupTrustAnswer,
)
from bot.storage.repositories import insert_ignoring_duplicates


class SubgroupRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- settings -------------------------------------------------------------------------

    async def settings(self, container_id: int) -> SubgroupSettings | None:
        async with self.db.read() as session:
            statement = select(SubgroupSettings).where(
                SubgroupSettings.container_id == container_id
            )
            return (await session.exec(statement)).first()

    async def configure(self, container_id: int, now: datetime, **values: Any) -> None:
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session,
                SubgroupSettings,
                {"container_id": container_id, "updated_at": now, **values},
            )
            if not inserted:
                await session.exec(
                    update(SubgroupSettings)
                    .where(col(SubgroupSettings.container_id) == container_id)
                    .values(updated_at=now, **values)
                )

    # -- rounds ---------------------------------------------------------------------------

    async def create_round(
        self, new: SubgroupRound, groups: Sequence[tuple[str, Sequence[int]]]
    ) -> SubgroupRound | None:
        """Store a round and its groups at once; None when that round number exists."""
        async with self.db.session() as session:
            values = new.model_dump(exclude={"id"})
            if not await insert_ignoring_duplicates(session, SubgroupRound, values):
                return None
            statement = select(SubgroupRound).where(
                SubgroupRound.container_id == new.container_id,
                SubgroupRound.number == new.number,
            )
            stored = (await session.exec(statement)).one()
            for number, (name, members) in enumerate(groups, start=1):
                group = Subgroup(round_id=stored.id or 0, number=number, name=name)
                session.add(group)
                await session.flush()
                for member_id in members:
                    session.add(SubgroupSeat(subgroup_id=group.id or 0, member_id=member_id))
            return stored

    async def round(self, round_id: int) -> SubgroupRound | None:
        async with self.db.read() as session:
            return await session.get(SubgroupRound, round_id)

    async def rounds(self, container_id: int, limit: int = 12) -> list[SubgroupRound]:
        """The latest rounds, oldest first."""
        async with self.db.read() as session:
            statement = (
                select(SubgroupRound)
                .where(SubgroupRound.container_id == container_id)
                .order_by(col(SubgroupRound.number).desc())
                .limit(limit)
            )
            return list(reversed((await session.exec(statement)).all()))

    async def close_round(self, round_id: int, now: datetime) -> bool:
        async with self.db.session() as session:
            result = await session.exec(
                update(SubgroupRound)
                .where(col(SubgroupRound.id) == round_id, col(SubgroupRound.closed_at).is_(None))
                .values(closed_at=now)
            )
            return bool(result.rowcount)

    async def groups(self, round_id: int) -> list[tuple[Subgroup, list[SubgroupSeat]]]:
        async with self.db.read() as session:
            groups = (
                await session.exec(
                    select(Subgroup)
                    .where(Subgroup.round_id == round_id)
                    .order_by(col(Subgroup.number))
                )
            ).all()
            ids = [g.id for g in groups]
            seats = (
                await session.exec(
                    select(SubgroupSeat)
                    .where(col(SubgroupSeat.subgroup_id).in_(ids))
                    .order_by(col(SubgroupSeat.id))
                )
            ).all()
            return [(g, [s for s in seats if s.subgroup_id == g.id]) for g in groups]

    async def group(self, subgroup_id: int) -> tuple[Subgroup, list[SubgroupSeat]] | None:
        async with self.db.read() as session:
            group = await session.get(Subgroup, subgroup_id)
            if group is None:
                return None
            seats = (
                await session.exec(
                    select(SubgroupSeat)
                    .where(SubgroupSeat.subgroup_id == subgroup_id)
                    .order_by(col(SubgroupSeat.id))
                )
            ).all()
            return group, list(seats)

    async def group_named(self, name: str) -> Subgroup | None:
        async with self.db.read() as session:
            return (await session.exec(select(Subgroup).where(Subgroup.name == name))).first()

    async def group_in_space(self, space_id: str) -> Subgroup | None:
        """The newest subgroup using this space (Slack reopens one group DM for a stable pod)."""

        async def load() -> Subgroup | None:
            async with self.db.read() as session:
                statement = (
                    select(Subgroup)
                    .where(Subgroup.space_id == space_id)
                    .order_by(col(Subgroup.id).desc())
                )
                return (await session.exec(statement)).first()

        found: Subgroup | None = await self.db.remembered(("space", space_id), load)
        return found

    async def set_space(self, subgroup_id: int, space_id: str) -> None:
        self.db.forget_remembered()
        async with self.db.session() as session:
            await session.exec(
                update(Subgroup).where(col(Subgroup.id) == subgroup_id).values(space_id=space_id)
            )

    async def count_message(self, subgroup_id: int, member_id: int) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(Subgroup)
                .where(col(Subgroup.id) == subgroup_id)
                .values(messages=Subgroup.messages + 1)
            )
            await session.exec(
                update(SubgroupSeat)
                .where(
                    col(SubgroupSeat.subgroup_id) == subgroup_id,
                    col(SubgroupSeat.member_id) == member_id,
                )
                .values(responded=True)
            )

    async def set_met(self, subgroup_id: int, member_id: int, met: str) -> bool:
        async with self.db.session() as session:
            result = await session.exec(
                update(SubgroupSeat)
                .where(
                    col(SubgroupSeat.subgroup_id) == subgroup_id,
                    col(SubgroupSeat.member_id) == member_id,
                )
                .values(met=met, responded=True)
            )
            return bool(result.rowcount)

    async def leave(self, container_id: int, member_id: int, now: datetime) -> list[int]:
        """Mark the member's seats in the container's open rounds as left; their subgroups."""
        async with self.db.session() as session:
            statement = (
                select(SubgroupSeat)
                .join(Subgroup, col(Subgroup.id) == col(SubgroupSeat.subgroup_id))
                .join(SubgroupRound, col(SubgroupRound.id) == col(Subgroup.round_id))
                .where(
                    SubgroupRound.container_id == container_id,
                    col(SubgroupRound.closed_at).is_(None),
                    SubgroupSeat.member_id == member_id,
                    col(SubgroupSeat.left_at).is_(None),
                )
            )
            seats = (await session.exec(statement)).all()
            for seat in seats:
                seat.left_at = now
                session.add(seat)
            return [s.subgroup_id for s in seats]

    async def mark_seat(self, subgroup_id: int, member_id: int, left_at: datetime | None) -> bool:
        """Set (a datetime) or clear (None) a seat's leave; False when nothing changed, so a
        replayed leave or join is acted on once."""
        async with self.db.session() as session:
            now_left = col(SubgroupSeat.left_at).is_(None)
            result = await session.exec(
                update(SubgroupSeat)
                .where(
                    col(SubgroupSeat.subgroup_id) == subgroup_id,
                    col(SubgroupSeat.member_id) == member_id,
                    now_left if left_at is not None else col(SubgroupSeat.left_at).is_not(None),
                )
                .values(left_at=left_at)
            )
            return bool(result.rowcount)

    async def recent_seats(self, container_id: int, member_id: int, rounds: int) -> list[bool]:
        """Whether the member responded, in their latest closed rounds, newest first."""
        async with self.db.read() as session:
            statement = (
                select(SubgroupSeat.responded)
                .join(Subgroup, col(Subgroup.id) == col(SubgroupSeat.subgroup_id))
                .join(SubgroupRound, col(SubgroupRound.id) == col(Subgroup.round_id))
                .where(
                    SubgroupRound.container_id == container_id,
                    SubgroupSeat.member_id == member_id,
                    col(SubgroupRound.closed_at).is_not(None),
                )
                .order_by(col(SubgroupRound.number).desc())
                .limit(rounds)
            )
            return list((await session.exec(statement)).all())

    # -- avoid lists ----------------------------------------------------------------------

    async def avoid(self, member_id: int, avoided_id: int, now: datetime) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                SubgroupAvoid,
                {"member_id": member_id, "avoided_id": avoided_id, "created_at": now},
            )

    async def clear_avoid(self, member_id: int) -> int:
        async with self.db.session() as session:
            result = await session.exec(
                delete(SubgroupAvoid).where(col(SubgroupAvoid.member_id) == member_id)
            )
            return int(result.rowcount or 0)

    async def avoid_lists(self, member_ids: Sequence[int]) -> dict[int, set[int]]:
        async with self.db.session() as session:
            statement = select(SubgroupAvoid).where(col(SubgroupAvoid.member_id).in_(member_ids))
            found: dict[int, set[int]] = {}
            for row in (await session.exec(statement)).all():
                found.setdefault(row.member_id, set()).add(row.avoided_id)
            return found

    # -- ties -----------------------------------------------------------------------------

    async def shared_memberships(
        self, container_id: int, member_ids: Sequence[int]
    ) -> set[tuple[int, int]]:
        """Pairs of these members who already share another open container: an existing tie."""
        left = aliased(ContainerMembership)
        right = aliased(ContainerMembership)
        async with self.db.session() as session:
            statement = (
                select(left.member_id, right.member_id)
                .join(right, col(right.container_id) == col(left.container_id))
                .join(Container, col(Container.id) == col(left.container_id))
                .where(
                    col(left.container_id) != container_id,
                    Container.state != "closed",
                    col(left.member_id).in_(member_ids),
                    col(right.member_id).in_(member_ids),
                    col(left.member_id) < col(right.member_id),
                    col(left.left_at).is_(None),
                    col(right.left_at).is_(None),
                )
            )
            return {(a, b) for a, b in (await session.exec(statement)).all()}

    # -- trust ----------------------------------------------------------------------------

    async def answer_trust(
        self, subgroup_id: int, member_id: int, item: str, score: int, now: datetime
    ) -> None:
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session,
                SubgroupTrustAnswer,
                {
                    "subgroup_id": subgroup_id,
                    "member_id": member_id,
                    "item": item,
                    "score": score,
                    "answered_at": now,
                },
            )
            if not inserted:
                await session.exec(
                    update(SubgroupTrustAnswer)
                    .where(
                        col(SubgroupTrustAnswer.subgroup_id) == subgroup_id,
                        col(SubgroupTrustAnswer.member_id) == member_id,
                        col(SubgroupTrustAnswer.item) == item,
                    )
                    .values(score=score, answered_at=now)
                )
            await session.exec(
                update(SubgroupSeat)
                .where(
                    col(SubgroupSeat.subgroup_id) == subgroup_id,
                    col(SubgroupSeat.member_id) == member_id,
                )
                .values(responded=True)
            )

    async def trust_answers(self, subgroup_id: int) -> list[SubgroupTrustAnswer]:
        async with self.db.read() as session:
            statement = select(SubgroupTrustAnswer).where(
                SubgroupTrustAnswer.subgroup_id == subgroup_id
            )
            return list((await session.exec(statement)).all())

    async def set_opt_in(self, member_id: int, value: bool) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(Member).where(col(Member.id) == member_id).values(subgroups_opt_in=value)
            )
