"""The command rate limit's sliding window, kept in the database so it holds across
processes: one row per allowed command, counted back over the last minute of that member.

One statement in a short write transaction: insert a row only while the member has fewer
than `per_minute` in the window (INSERT … SELECT … WHERE count < limit). Every PRUNE_EVERY-th
row also clears rows older than the window, so the table stays a minute long. SQLite
serialises writers already; on PostgreSQL a transaction-scoped advisory lock on the member
serialises two processes counting the same member at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select, text

from bot.core.rate_limit import WINDOW
from bot.storage.db import Database
from bot.storage.models import CommandUse

USES = CommandUse.__table__  # type: ignore[attr-defined]
LOCK_SPACE = 0x7472  # advisory lock namespace for the limit ("tr")
PRUNE_EVERY = 64


class CommandRateRepository:
    def __init__(self, db: Database, per_minute: int) -> None:
        self.db = db
        self.per_minute = per_minute

    async def allow(self, member_id: int, now: datetime) -> bool:
        if self.per_minute <= 0:
            return True
        since = now - WINDOW
        recent = (
            select(func.count())
            .select_from(USES)
            .where(USES.c.member_id == member_id, USES.c.at > since)
            .scalar_subquery()
        )
        add = insert(USES).from_select(
            ["member_id", "at"],
            select(literal(member_id), literal(now, USES.c.at.type)).where(
                recent < self.per_minute
            ),
        )
        async with self.db.session() as session:
            connection = await session.connection()
            if self.db.dialect == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:space, :member)"),
                    {"space": LOCK_SPACE, "member": member_id},
                )
            added = (await connection.execute(add.returning(USES.c.id))).scalar()
            if added is not None and added % PRUNE_EVERY == 0:
                await connection.execute(delete(USES).where(USES.c.at <= since))
            return added is not None
