"""A member's data rights, found by the schema itself: every column that points at a member.

Walking the foreign keys (not a hand-kept list of tables) means a table added later is
exported and erased without anyone remembering to list it here.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.storage.models  # noqa: F401  (registers every table)
from bot.storage.db import Database
from bot.storage.models import Member
from bot.storage.repositories import insert_ignoring_duplicates

MEMBER: Table = Member.__table__  # type: ignore[attr-defined]
# The anonymous stand-in that keeps what others depend on (containers, purposes, prompts).
TOMBSTONE_ID = "trellis:erased"
TOMBSTONE_NAME = "a former member"
# Columns whose rows are the member's own words or choices: erased with them.
OWNED = "member_id"
# Raw answers that the retention job removes once they are old: (table, time column).
RAW_ANSWERS = (
    ("trustanswer", "at"),
    ("checkinanswer", "answered_at"),
    ("networksurveyanswer", "at"),
)


def member_columns() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) holding a member id, dependent tables first."""
    found = []
    for table in reversed(SQLModel.metadata.sorted_tables):
        for column in table.columns:
            if any(fk.column.table.name == "member" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def dependents(table: Table) -> list[tuple[Table, Column[Any]]]:
    return [
        (other, column)
        for other in SQLModel.metadata.sorted_tables
        for column in other.columns
        if any(fk.column.table is table for fk in column.foreign_keys)
    ]


async def _run(session: AsyncSession, statement: Any) -> Any:
    """Core statements on the session's own connection (same transaction)."""
    return await (await session.connection()).execute(statement)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


class RightsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def export(self, member_id: int) -> dict[str, Any]:
        """Every row naming this member, table by table, as plain JSON values."""
        out: dict[str, Any] = {}
        async with self.db.session() as session:
            query = select(MEMBER).where(MEMBER.c.id == member_id)
            member = (await _run(session, query)).mappings().first()
            out["member"] = {k: _plain(v) for k, v in (member or {}).items()}
            for table, column in member_columns():
                rows = (await _run(session, select(table).where(column == member_id))).mappings()
                items = [{k: _plain(v) for k, v in row.items()} for row in rows]
                if items:
                    seen = out.setdefault(table.name, [])
                    seen += [i for i in items if i not in seen]
        return out

    async def erase(self, community_id: int, member_id: int, now: datetime) -> int:
        """Delete the member's own rows; hand what others depend on to a tombstone member."""
        erased = 0
        self.db.members_changed()
        async with self.db.session() as session:
            tomb = await self._tombstone(session, community_id, now)
            for table, column in member_columns():
                if table.name == "member":
                    continue
                ids = await self._ids(session, table, column == member_id)
                if not ids:
                    continue
                if column.name == OWNED:
                    erased += await self._cascade(session, table, ids)
                    continue
                try:
                    async with session.begin_nested():
                        await _run(
                            session,
                            update(table).where(column == member_id).values({column.name: tomb}),
                        )
                except IntegrityError:  # the tombstone already holds such a row
                    erased += await self._cascade(session, table, ids)
            await _run(session, delete(MEMBER).where(MEMBER.c.id == member_id))
        return erased + 1

    async def forget_raw_answers(self, before: datetime) -> int:
        """Remove raw answers older than `before` (aggregates already published stay)."""
        removed = 0
        tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
        async with self.db.session() as session:
            for name, at in RAW_ANSWERS:
                table = tables[name]
                ids = await self._ids(session, table, table.c[at] < before)
                removed += await self._cascade(session, table, ids)
        return removed

    async def _tombstone(self, session: AsyncSession, community_id: int, now: datetime) -> int:
        await insert_ignoring_duplicates(
            session,
            Member,
            {
                "community_id": community_id,
                "platform_user_id": TOMBSTONE_ID,
                "display_name": TOMBSTONE_NAME,
                "created_at": now,
                "paused_until": datetime(9999, 1, 1, tzinfo=now.tzinfo),
            },
        )
        found = await session.scalar(
            select(MEMBER.c.id).where(
                MEMBER.c.community_id == community_id, MEMBER.c.platform_user_id == TOMBSTONE_ID
            )
        )
        assert found is not None
        return int(found)

    async def _ids(self, session: AsyncSession, table: Table, where: Any) -> list[Any]:
        if "id" not in table.c:
            return []
        return list((await _run(session, select(table.c.id).where(where))).scalars())

    async def _cascade(self, session: AsyncSession, table: Table, ids: list[Any]) -> int:
        """Delete rows and, first, the rows that point at them (a learning's introductions)."""
        if not ids:
            return 0
        count = 0
        for other, column in dependents(table):
            if other is table or other.name == "member":
                continue
            count += await self._cascade(
                session, other, await self._ids(session, other, column.in_(ids))
            )
        await _run(session, delete(table).where(table.c.id.in_(ids)))
        return count + len(ids)


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")
