"""Motivation storage on both backends (SQLite always; PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.events import Actor
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.storage import migrate
from bot.storage.db import Database
from bot.storage.models import Container, MotivationStatement
from bot.storage.motivations_repository import MotivationRepository
from bot.storage.repositories import ContainerRepository, DirectoryRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def statement(member_id: int, at: datetime, text: str, **points: int) -> MotivationStatement:
    return MotivationStatement(
        member_id=member_id,
        text=text,
        visibility="me",
        occasion="update",
        created_at=at,
        **points,
    )


async def test_statements_history_deleting_and_cadence(database_url: str) -> None:
    database = Database(database_url)
    try:
        await migrate.upgrade(database)
        directory = DirectoryRepository(database, SimulatedClock(T0))
        community = await directory.community(CommunityRef("slack", "T1"))
        ana = await directory.member(community, Actor(MemberRef("slack", "U1"), "Ana"))
        ben = await directory.member(community, Actor(MemberRef("slack", "U2"), "Ben"))
        container = await ContainerRepository(database).create(
            Container(
                community_id=community.id,
                channel_id="C1",
                name="Pod",
                created_by=ana.id,
                created_at=T0,
            ),
            ana.id,
            T0,
        )
        assert container.id is not None
        repo = MotivationRepository(database)

        later = T0 + timedelta(days=30)
        second = await repo.add(statement(ana.id, later, "second", people=10))
        first = await repo.add(statement(ana.id, T0, "first", topic=10))
        await repo.add(statement(ben.id, T0, "ben's", practice=10))
        assert [s.text for s in await repo.history(ana.id)] == ["first", "second"]
        latest = await repo.latest(ana.id)
        assert latest is not None and latest.created_at == later and latest.people == 10
        # Many members in one read: each one's newest statement; none for a member without.
        points = await repo.latest_points(
            [ana.id, ben.id, ana.id + ben.id + 1], ("topic", "people")
        )
        assert points == {ana.id: {"topic": 0, "people": 10}, ben.id: {"topic": 0, "people": 0}}
        assert await repo.latest_points([], ("topic",)) == {}

        assert first.id is not None and second.id is not None
        assert not await repo.delete(ben.id, first.id)  # not ben's to delete
        assert await repo.delete(ana.id, first.id)
        assert [s.text for s in await repo.history(ana.id)] == ["second"]
        assert {s.text for s in await repo.statements_of([ana.id, ben.id])} == {"second", "ben's"}

        assert await repo.every_weeks(container.id) == 12
        await repo.set_every_weeks(container.id, 4)
        await repo.set_every_weeks(container.id, 6)
        assert await repo.every_weeks(container.id) == 6

        await repo.add_membership(container.id, ben.id, T0)
        await repo.add_membership(container.id, ben.id, T0)  # a second join changes nothing
        assert await repo.active_memberships(ben.id) == {container.id: "member"}
        assert await repo.active_memberships(ana.id) == {container.id: "facilitator"}
        found = await repo.community(community.id)
        assert found is not None and found.ref == community.ref
    finally:
        await database.dispose()


async def test_many_members_latest_and_a_statement_for_a_container_that_is_gone(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        await migrate.upgrade(database)
        directory = DirectoryRepository(database, SimulatedClock(T0))
        community = await directory.community(CommunityRef("slack", "T1"))
        ana = await directory.member(community, Actor(MemberRef("slack", "U1"), "Ana"))
        ben = await directory.member(community, Actor(MemberRef("slack", "U2"), "Ben"))
        container = await ContainerRepository(database).create(
            Container(
                community_id=community.id,
                channel_id="C1",
                name="Pod",
                created_by=ana.id,
                created_at=T0,
            ),
            ana.id,
            T0,
        )
        assert container.id is not None
        repo = MotivationRepository(database)
        later = T0 + timedelta(days=30)
        await repo.add(statement(ana.id, later, "second", people=10))
        await repo.add(statement(ana.id, T0, "first", topic=10))
        await repo.add(statement(ben.id, T0, "ben's", practice=10))
        latest = await repo.latest_of([ana.id, ben.id, ana.id + ben.id + 1])
        assert {m: s.text for m, s in latest.items()} == {ana.id: "second", ben.id: "ben's"}
        assert latest[ana.id].created_at == later and latest[ana.id].people == 10
        assert await repo.latest_of([]) == {}

        here = statement(ben.id, later, "here", topic=10)
        here.container_id = container.id
        stored = await repo.add(here, if_container_exists=True)
        assert stored.id is not None and stored.container_id == container.id
        gone = statement(ben.id, later + timedelta(days=1), "gone", topic=10)
        gone.container_id = container.id + 1000
        stored = await repo.add(gone, if_container_exists=True)
        assert stored.id is not None and stored.container_id is None
        found = await repo.latest(ben.id)
        assert found is not None and found.id == stored.id and found.container_id is None
        assert [s.text for s in await repo.history(ben.id)] == ["ben's", "here", "gone"]
    finally:
        await database.dispose()
