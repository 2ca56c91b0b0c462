"""Check-in storage on SQLite and PostgreSQL: a round, a delivery and an answer exist once."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Trellis
from bot.core.events import Actor
from bot.core.ports import SimulatedClock
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.storage.checkins_repository import CheckinRepository
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository


async def test_rounds_deliveries_and_answers_are_unique(
    trellis_any_db: Trellis, clock: SimulatedClock
) -> None:
    trellis, now = trellis_any_db, clock.now()
    community = await trellis.directory.community(CommunityRef("memory", "t"))
    ana = await trellis.directory.member(community, Actor(MemberRef("memory", "ana"), "ana"))
    channel = ChannelRef("memory", "pod", "pod")
    container = await ContainerRepository(trellis.db).create(
        Container(
            community_id=community.id,
            channel_id=channel.external_id,
            name="Pod",
            created_by=ana.id,
            created_at=now,
        ),
        ana.id,
        now,
    )
    assert container.id is not None
    repo = CheckinRepository(trellis.db)
    values = {
        "container_id": container.id,
        "round_key": "2026-03-09",
        "label": "Mon 9 Mar",
        "question_set": "what",
        "questions": "[]",
        "opened_at": now,
        "closes_at": now + timedelta(days=3),
    }
    first = await repo.create_round(values)
    again = await repo.create_round({**values, "label": "changed"})
    assert first.id == again.id and again.label == "Mon 9 Mar"
    assert first.id is not None
    assert await repo.add_deliveries(first.id, [(ana.id, now)]) == 1
    assert await repo.add_deliveries(first.id, [(ana.id, now + timedelta(hours=1))]) == 0
    await repo.save_answers(first.id, ana.id, [(0, "What?", "one")], now)
    await repo.save_answers(first.id, ana.id, [(0, "What?", "two"), (1, "So?", "x")], now)
    assert await repo.set_sharing(first.id, ana.id, 0, "facilitators")
    saved = await repo.save_answers(first.id, ana.id, [(1, "So?", "")], now)
    answers = await repo.answers(first.id, ana.id)
    assert [(a.text, a.sharing) for a in answers] == [("two", "facilitators")]
    # What a save returns is what is stored, as `answers` reads it.
    assert [a.model_dump() for a in saved] == [a.model_dump() for a in answers]
    assert [a.model_dump() for a in await repo.member_answers(first.id, ana.id)] == [
        a.model_dump() for a in answers
    ]
    assert await repo.member_round(first.id, ana.id + 1) is None  # not sent to them
    assert await repo.member_round(first.id + 1, ana.id) is None  # no such round
    found = await repo.member_round(first.id, ana.id)
    assert found is not None
    assert (found.delivery_status, found.container_name, found.schedule_zone) == (
        "pending",
        "Pod",
        None,
    )
    stored = await repo.round(first.id)
    assert stored is not None and found.round.model_dump() == stored.model_dump()
    assert await repo.close_round(first.id, now) and not await repo.close_round(first.id, now)
