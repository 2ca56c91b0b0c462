"""A check-in fan-out marks each delivery in the run's one transaction; what that transaction
reads back afterwards must show the new status (the update skips SQLAlchemy's whole-session
sync, which made a 1,000-member round quadratic, and brings only its own row up to date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.events import Actor
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.storage import migrate
from bot.storage.checkins_repository import CheckinRepository
from bot.storage.db import Database
from bot.storage.models import Container
from bot.storage.models.checkins import CheckinRound
from bot.storage.repositories import DirectoryRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_marked_delivery_reads_back_marked_in_the_same_transaction(
    database_url: str,
) -> None:
    database = Database(database_url)
    await migrate.upgrade(database)
    try:
        directory = DirectoryRepository(database, SimulatedClock(T0))
        community = await directory.community(CommunityRef("slack", "T1"))
        members = [
            await directory.member(community, Actor(MemberRef("slack", f"U{n}"), f"m{n}"))
            for n in range(3)
        ]
        async with database.session() as session:
            container = Container(
                community_id=community.id,
                channel_id="C1",
                name="Maths",
                created_by=members[0].id,
                created_at=T0,
            )
            session.add(container)
            await session.flush()
            assert container.id is not None
            round_ = CheckinRound(
                container_id=container.id,
                round_key="2026-03-02",
                label="Week 10",
                question_set="default",
                questions="[]",
                opened_at=T0,
                closes_at=T0 + timedelta(days=3),
            )
            session.add(round_)
            await session.flush()
            assert round_.id is not None
            round_id = round_.id
        checkins = CheckinRepository(database)
        await checkins.add_deliveries(round_id, [(m.id, T0) for m in members])

        async with database.transaction():
            due = await checkins.pending_due(round_id, T0)
            assert len(due) == 3
            first, _ = due[0]
            assert first.id is not None
            await checkins.set_delivery(first.id, status="sent", sent_at=T0)
            statuses = {d.id: d.status for d, _ in await checkins.deliveries(round_id)}
            assert statuses[first.id] == "sent"
            assert sorted(statuses.values()) == ["pending", "pending", "sent"]
            assert first.id not in {d.id for d, _ in await checkins.pending_due(round_id, T0)}
        after = {d.id: (d.status, d.sent_at) for d, _ in await checkins.deliveries(round_id)}
        assert after[first.id] == ("sent", T0)

        # Many at once (a run marks what it sent after the loop): each row its own values.
        later = T0 + timedelta(hours=1)
        async with database.transaction():
            due = await checkins.pending_due(round_id, later)
            (second, _), (third, _) = due
            assert second.id is not None and third.id is not None
            await checkins.set_deliveries(
                [
                    (second.id, {"status": "sent", "sent_at": later}),
                    (third.id, {"status": "paused"}),
                    (first.id, {"reminded_at": later}),
                ]
            )
            assert (second.status, second.sent_at, third.status) == ("sent", later, "paused")
            assert not await checkins.pending_due(round_id, later)
        rows = {
            d.id: (d.status, d.sent_at, d.reminded_at)
            for d, _ in await checkins.deliveries(round_id)
        }
        assert rows == {
            first.id: ("sent", T0, later),
            second.id: ("sent", later, None),
            third.id: ("paused", None, None),
        }
    finally:
        await database.dispose()
