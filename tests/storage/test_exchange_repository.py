"""Exchange storage on SQLite and PostgreSQL: the unique keys that make things happen once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Trellis
from bot.core.events import Actor
from bot.core.refs import CommunityRef, MemberRef
from bot.storage.exchange_digest_repository import DigestRepository
from bot.storage.exchange_repository import ExchangeRepository
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_message_is_proposed_once_and_a_digest_issue_stored_once(
    trellis_any_db: Trellis,
) -> None:
    db = trellis_any_db.db
    community = await trellis_any_db.directory.community(CommunityRef("memory", "t"))
    ana = await trellis_any_db.directory.member(community, Actor(MemberRef("memory", "ana"), "Ana"))
    container = await ContainerRepository(db).create(
        Container(
            community_id=community.id,
            channel_id="maths",
            name="Maths",
            created_by=ana.id,
            created_at=NOW,
        ),
        ana.id,
        NOW,
    )
    exchange = ExchangeRepository(db)
    values = {
        "community_id": community.id,
        "container_id": container.id,
        "member_id": ana.id,
        "text": "t",
        "field": "practitioner",
        "source": "reaction",
        "source_ref": "maths:1",
        "consent": "pending",
        "created_at": NOW,
    }
    first = await exchange.propose_learning(values)
    assert first is not None and await exchange.propose_learning(values) is None
    assert first.id is not None
    decided = await exchange.decide(first.id, "declined", NOW)
    assert decided is not None and decided.text == ""
    assert await exchange.decide(first.id, "named", NOW) is None
    digests = DigestRepository(db)
    issue = {
        "community_id": community.id,
        "scope": "network",
        "period": "2026-W10",
        "audience": "channel",
        "parts": "[]",
        "window_start": NOW - timedelta(days=7),
        "window_end": NOW,
        "created_at": NOW,
    }
    stored, created = await digests.store_issue(issue)
    again, created_again = await digests.store_issue({**issue, "parts": '["other"]'})
    assert created and not created_again and again.id == stored.id and again.parts == "[]"
