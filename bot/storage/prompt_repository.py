"""Queries for facilitators' own prompts and prompt schedules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import CustomPrompt, PromptSchedule


class PromptRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def custom(self, community_id: int, purpose: str) -> list[str]:
        async with self.db.read() as session:
            statement = (
                select(CustomPrompt.text)
                .where(CustomPrompt.community_id == community_id, CustomPrompt.purpose == purpose)
                .order_by(col(CustomPrompt.id))
            )
            return list((await session.exec(statement)).all())

    async def add_custom(
        self, community_id: int, purpose: str, text: str, by: int, now: datetime
    ) -> None:
        async with self.db.session() as session:
            session.add(
                CustomPrompt(
                    community_id=community_id, purpose=purpose, text=text, added_by=by, at=now
                )
            )

    async def set_schedule(
        self, container_id: int, purpose: str, every_days: int, weekday: str, hour: int, minute: int
    ) -> int:
        """Create or replace the container's prompt schedule; returns its new id."""
        async with self.db.session() as session:
            existing = (
                await session.exec(
                    select(PromptSchedule).where(PromptSchedule.container_id == container_id)
                )
            ).first()
            if existing is not None:
                await session.delete(existing)
                await session.flush()
            schedule = PromptSchedule(
                container_id=container_id,
                purpose=purpose,
                every_days=every_days,
                weekday=weekday,
                hour=hour,
                minute=minute,
            )
            session.add(schedule)
            await session.flush()
            assert schedule.id is not None
            return schedule.id

    async def schedule(self, container_id: int) -> PromptSchedule | None:
        async with self.db.read() as session:
            statement = select(PromptSchedule).where(PromptSchedule.container_id == container_id)
            return (await session.exec(statement)).first()

    async def stop_schedule(self, container_id: int) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(PromptSchedule)
                .where(col(PromptSchedule.container_id) == container_id)
                .values(active=False)
            )
