"""Reads of messages the outbox gave up on, for facilitators (one community at a time)."""

from __future__ import annotations

from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import OutboxMessage


class OutboxFailureRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def failed(self, community_id: int, limit: int = 20) -> list[OutboxMessage]:
        """The latest messages given up in this community, newest first."""
        async with self.db.read() as session:
            statement = (
                select(OutboxMessage)
                .where(OutboxMessage.community_id == community_id, OutboxMessage.status == "failed")
                .order_by(col(OutboxMessage.id).desc())
                .limit(limit)
            )
            return list((await session.exec(statement)).all())
