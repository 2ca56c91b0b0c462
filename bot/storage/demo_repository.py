"""Read-only queries the demo needs to chart a simulated network (queries live in storage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from bot.network.graph import Interaction, MemberProfile
from bot.storage.db import Database
from bot.storage.models import Member, MotivationStatement, TrustAnswer
from bot.storage.models.exchange import Activity, Learning


@dataclass(frozen=True, slots=True)
class Motivation:
    """One member's latest points over the six reasons (no text: charts need counts only)."""

    topic: int
    practice: int
    people: int
    career: int
    contribute: int
    other: int


class DemoRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def profiles(self, community_id: int) -> list[MemberProfile]:
        async with self.db.read() as session:
            rows = await session.exec(
                select(Member).where(Member.community_id == community_id).order_by(col(Member.id))
            )
            return [
                MemberProfile(
                    member_id=m.id or 0,
                    organisation=m.organisation,
                    organisation_type=m.organisation_type,
                    name=m.display_name,
                )
                for m in rows
            ]

    async def interactions(self, community_id: int) -> list[Interaction]:
        """Replies and mentions recorded from messages, oldest first."""
        async with self.db.read() as session:
            rows = await session.exec(
                select(Activity)
                .where(Activity.community_id == community_id)
                .where(col(Activity.other_member_id).is_not(None))
                # Not by id alone: messages handled concurrently are stored in any order,
                # and one seed must draw one network map.
                .order_by(
                    col(Activity.at),
                    col(Activity.member_id),
                    col(Activity.other_member_id),
                    col(Activity.id),
                )
            )
            return [Interaction(a.member_id, a.other_member_id or 0, "message", a.at) for a in rows]

    async def trust_scores(self, since: datetime) -> list[tuple[str, int]]:
        """Pulse ratings given after `since` (the demo's database holds one community)."""
        async with self.db.read() as session:
            rows = await session.exec(
                select(TrustAnswer.item, TrustAnswer.score)
                .where(TrustAnswer.item != "improve", col(TrustAnswer.at) > since)
                .order_by(col(TrustAnswer.at), col(TrustAnswer.id))
            )
            return [(item, score) for item, score in rows]

    async def latest_motivations(self) -> list[Motivation]:
        async with self.db.session() as session:
            rows = await session.exec(
                select(MotivationStatement).order_by(
                    col(MotivationStatement.member_id), col(MotivationStatement.id)
                )
            )
            latest: dict[int, MotivationStatement] = {}
            for row in rows:
                latest[row.member_id] = row
            return [
                Motivation(s.topic, s.practice, s.people, s.career, s.contribute, s.other)
                for s in latest.values()
            ]

    async def learning_count(self, community_id: int) -> int:
        async with self.db.read() as session:
            rows = await session.exec(
                select(func.count())
                .select_from(Learning)
                .where(Learning.community_id == community_id)
            )
            return int(rows.one())
