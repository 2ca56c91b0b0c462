"""Queries of network health: interactions, window snapshots, woven introductions, the
network self-assessment and the community's health opt-ins."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, or_, select

from bot.storage.db import Database
from bot.storage.models import Member
from bot.storage.models.exchange import Activity
from bot.storage.models.health import (
    HealthSettings,
    HealthSnapshot,
    NetworkInteraction,
    NetworkSurvey,
    NetworkSurveyAnswer,
    WovenIntroduction,
)
from bot.storage.repositories import insert_ignoring_duplicates


class HealthRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- interactions -------------------------------------------------------------------

    async def record(self, rows: list[dict[str, Any]]) -> int:
        """Store interactions; one already stored under the same source key is skipped."""
        table = NetworkInteraction.__table__  # type: ignore[attr-defined]
        return await self.db.insert_ignoring_duplicates(table, rows)

    async def interactions(
        self, community_id: int, start: datetime, end: datetime, container_id: int | None = None
    ) -> list[tuple[int, int, str, datetime]]:
        statement = select(
            NetworkInteraction.from_member_id,
            NetworkInteraction.to_member_id,
            NetworkInteraction.kind,
            NetworkInteraction.at,
        ).where(
            NetworkInteraction.community_id == community_id,
            col(NetworkInteraction.at) >= start,
            col(NetworkInteraction.at) < end,
        )
        if container_id is not None:
            statement = statement.where(NetworkInteraction.container_id == container_id)
        async with self.db.session() as session:
            return [tuple(row) for row in (await session.exec(statement)).all()]  # type: ignore[misc]

    async def thread_participants(self, community_id: int, thread_id: str) -> set[int]:
        """Members who posted in a thread, from the learning exchange's activity counts."""
        await self.db.flush_deferred()
        statement = select(Activity.member_id).where(
            Activity.community_id == community_id, Activity.thread_id == thread_id[:128]
        )
        async with self.db.read() as session:
            return set((await session.exec(statement)).all())

    async def community_members(self, community_id: int) -> list[Member]:
        statement = (
            select(Member).where(Member.community_id == community_id).order_by(col(Member.id))
        )
        async with self.db.read() as session:
            return list((await session.exec(statement)).all())

    # -- snapshots ----------------------------------------------------------------------

    async def save_snapshot(
        self,
        community_id: int,
        scope: str,
        days: int,
        end: datetime,
        figures: dict[str, float],
        isolates: list[int],
    ) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                HealthSnapshot,
                {
                    "community_id": community_id,
                    "scope": scope,
                    "window_days": days,
                    "window_end": end,
                    "figures": json.dumps(figures, sort_keys=True),
                    "isolates": ",".join(str(i) for i in isolates),
                },
            )

    async def snapshots(
        self, community_id: int, scope: str, before: datetime
    ) -> list[HealthSnapshot]:
        """Earlier windows, newest first."""
        statement = (
            select(HealthSnapshot)
            .where(
                HealthSnapshot.community_id == community_id,
                HealthSnapshot.scope == scope,
                col(HealthSnapshot.window_end) < before,
            )
            .order_by(col(HealthSnapshot.window_end).desc())
            .limit(6)
        )
        async with self.db.session() as session:
            return list((await session.exec(statement)).all())

    # -- woven introductions ------------------------------------------------------------

    async def woven_counts(self, community_id: int, since: datetime) -> Counter[int]:
        statement = select(WovenIntroduction).where(
            WovenIntroduction.community_id == community_id,
            col(WovenIntroduction.sent_at) >= since,
        )
        counts: Counter[int] = Counter()
        async with self.db.session() as session:
            for row in (await session.exec(statement)).all():
                counts[row.first_member_id] += 1
                counts[row.second_member_id] += 1
        return counts

    async def woven_with(self, community_id: int, member_id: int, since: datetime) -> int:
        statement = select(func.count()).where(
            WovenIntroduction.community_id == community_id,
            col(WovenIntroduction.sent_at) >= since,
            or_(
                WovenIntroduction.first_member_id == member_id,
                WovenIntroduction.second_member_id == member_id,
            ),
        )
        async with self.db.read() as session:
            return int((await session.exec(statement)).one())

    async def weave(self, values: dict[str, Any]) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(session, WovenIntroduction, values)

    # -- settings -----------------------------------------------------------------------

    async def settings(self, community_id: int) -> HealthSettings:
        async with self.db.session() as session:
            await insert_ignoring_duplicates(
                session,
                HealthSettings,
                {
                    "community_id": community_id,
                    "alerts": False,
                    "learning_question": False,
                    "surveys": False,
                },
            )
            statement = select(HealthSettings).where(HealthSettings.community_id == community_id)
            return (await session.exec(statement)).one()

    async def set_option(self, community_id: int, **values: bool) -> None:
        await self.settings(community_id)
        async with self.db.session() as session:
            await session.exec(
                update(HealthSettings)
                .where(col(HealthSettings.community_id) == community_id)
                .values(**values)
            )

    # -- self-assessment ----------------------------------------------------------------

    async def open_survey(
        self, community_id: int, round_key: str, now: datetime
    ) -> NetworkSurvey | None:
        """The new round, or None when this round was already opened."""
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session,
                NetworkSurvey,
                {"community_id": community_id, "round_key": round_key, "opened_at": now},
            )
            if not inserted:
                return None
            statement = select(NetworkSurvey).where(
                NetworkSurvey.community_id == community_id, NetworkSurvey.round_key == round_key
            )
            return (await session.exec(statement)).one()

    async def survey(self, survey_id: int) -> NetworkSurvey | None:
        async with self.db.read() as session:
            return await session.get(NetworkSurvey, survey_id)

    async def answer(
        self, survey_id: int, member_id: int, area: str, rating: int, now: datetime
    ) -> None:
        """Store or change a member's rating of one area."""
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session,
                NetworkSurveyAnswer,
                {
                    "survey_id": survey_id,
                    "member_id": member_id,
                    "area": area,
                    "rating": rating,
                    "at": now,
                },
            )
            if not inserted:
                await session.exec(
                    update(NetworkSurveyAnswer)
                    .where(
                        col(NetworkSurveyAnswer.survey_id) == survey_id,
                        col(NetworkSurveyAnswer.member_id) == member_id,
                        col(NetworkSurveyAnswer.area) == area,
                    )
                    .values(rating=rating, at=now)
                )

    async def survey_rounds(
        self, community_id: int
    ) -> list[tuple[NetworkSurvey, dict[str, list[int]]]]:
        """Every round, oldest first, with the ratings given per area (for aggregation only)."""
        async with self.db.session() as session:
            surveys = list(
                (
                    await session.exec(
                        select(NetworkSurvey)
                        .where(NetworkSurvey.community_id == community_id)
                        .order_by(col(NetworkSurvey.opened_at), col(NetworkSurvey.id))
                    )
                ).all()
            )
            result = []
            for survey in surveys:
                answers = (
                    await session.exec(
                        select(NetworkSurveyAnswer).where(
                            NetworkSurveyAnswer.survey_id == survey.id
                        )
                    )
                ).all()
                by_area: dict[str, list[int]] = {}
                for row in answers:
                    by_area.setdefault(row.area, []).append(row.rating)
                result.append((survey, by_area))
            return result
