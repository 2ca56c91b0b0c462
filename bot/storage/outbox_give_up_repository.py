"""Giving up, at once, every message still queued for a community that can no longer be
reached (the Slack app was uninstalled there): each row is left `failed` with the reason,
the same record `/trellis outbox failed` lists, instead of being retried for a day."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import OutboxMessage


class OutboxGiveUpRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def give_up_pending(self, community_id: int, reason: str) -> list[str]:
        """Mark every pending message of the community failed; returns their keys."""
        async with self.db.session() as session:
            pending = (
                await session.exec(
                    select(OutboxMessage.idempotency_key).where(
                        OutboxMessage.community_id == community_id,
                        OutboxMessage.status == "pending",
                    )
                )
            ).all()
            await session.exec(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.community_id) == community_id,
                    col(OutboxMessage.status) == "pending",
                )
                .values(
                    status="failed",
                    last_error=reason,
                    attempts=col(OutboxMessage.attempts) + 1,
                )
            )
        return list(pending)
