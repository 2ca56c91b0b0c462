"""The command rate limit's sliding window, kept in the database so it holds across
processes: one row per allowed command, counted back over the last minute of that member.

Commands arriving together are counted together (as group commit does for messages): one
worker takes every `allow` queued so far and answers them all in one short write
transaction: one SELECT of the window's rows of those members, one INSERT of the allowed
commands. A burst of 50 commands then costs one transaction, not 50 turns of SQLite's
single writer. Every PRUNE_EVERY-th row also clears rows older than the window, so the
table stays a minute long. SQLite serialises writers already; on PostgreSQL a
transaction-scoped advisory lock per member (taken in id order, so two batches cannot
deadlock) serialises two processes counting the same member at once."""

from __future__ import annotations

import asyncio
import contextvars
from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.rate_limit import WINDOW
from bot.storage.db import Database
from bot.storage.models import CommandUse

USES = CommandUse.__table__  # type: ignore[attr-defined]
LOCK_SPACE = 0x7472  # advisory lock namespace for the limit ("tr")
PRUNE_EVERY = 64
MAX_BATCH = 200
"""At most this many commands per transaction, so a burst never holds the writer for long."""

Request = tuple[int, datetime, "asyncio.Future[bool]"]


class CommandRateRepository:
    def __init__(self, db: Database, per_minute: int) -> None:
        self.db = db
        self.per_minute = per_minute
        self._queue: list[Request] = []
        self._worker: asyncio.Task[None] | None = None

    async def allow(self, member_id: int, now: datetime) -> bool:
        if self.per_minute <= 0:
            return True
        if self.db.writing():
            # Inside a write transaction: count in it (the worker would wait for its lock).
            async with self.db.connection() as connection:
                [allowed] = await self._count(connection, [(member_id, now)])
                return allowed
        # The worker needs a pooled connection: never wait for it holding one.
        await self.db.end_reads()
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append((member_id, now, future))
        if self._worker is None or self._worker.done():
            # A task, so commands arriving in the same loop turn join this batch; a fresh
            # context, so it never joins the caller's transactions.
            self._worker = asyncio.create_task(self._drain(), context=contextvars.Context())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                async with self.db.connection() as connection:
                    answers = await self._count(connection, [(m, at) for m, at, _ in batch])
            except Exception as problem:
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(problem)
                continue
            for (_, _, future), allowed in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(allowed)

    async def _count(
        self, connection: AsyncConnection, requests: list[tuple[int, datetime]]
    ) -> list[bool]:
        """Allow each request, in order, while its member has fewer than `per_minute`
        commands in the minute before it (counting those allowed earlier in the batch)."""
        members = sorted({member_id for member_id, _ in requests})
        if self.db.dialect == "postgresql":
            for member_id in members:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:space, :member)"),
                    {"space": LOCK_SPACE, "member": member_id},
                )
        since = min(at for _, at in requests) - WINDOW
        recent = await connection.execute(
            select(USES.c.member_id, USES.c.at).where(
                USES.c.member_id.in_(members), USES.c.at > since
            )
        )
        seen: dict[int, list[datetime]] = defaultdict(list)
        for member_id, at in recent:
            seen[member_id].append(at)
        answers: list[bool] = []
        rows: list[dict[str, object]] = []
        for member_id, now in requests:
            window = [at for at in seen[member_id] if at > now - WINDOW]
            allowed = len(window) < self.per_minute
            answers.append(allowed)
            if allowed:
                seen[member_id].append(now)
                rows.append({"member_id": member_id, "at": now})
        if rows:
            added = await connection.execute(insert(USES).returning(USES.c.id), rows)
            if any(row_id % PRUNE_EVERY == 0 for row_id in added.scalars()):
                await connection.execute(delete(USES).where(USES.c.at <= since))
        return answers
