"""Queries of the Slack App Homes published (`SlackHome`): shared by every process, so the
"publish only when it changed" rule holds across restarts and several workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models.slack_homes import SlackHome
from bot.storage.repositories import insert_ignoring_duplicates


class SlackHomeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def teams(self) -> list[str]:
        """Workspaces where at least one member has a Home."""
        async with self.db.read() as session:
            query = select(SlackHome.team).distinct().order_by(col(SlackHome.team))
            return list((await session.exec(query)).all())

    async def homes(self, team: str) -> list[tuple[str, str]]:
        """(user, hash of the view last published) of every Home in `team`."""
        async with self.db.read() as session:
            query = (
                select(SlackHome.user, SlackHome.view_hash)
                .where(SlackHome.team == team)
                .order_by(col(SlackHome.user))
            )
            return [(user, view_hash) for user, view_hash in (await session.exec(query)).all()]

    async def published(self, team: str, user: str, view_hash: str, now: datetime) -> None:
        """This view was just published (whatever was stored before): insert or update."""
        async with self.db.session() as session:
            values = {"team": team, "user": user, "view_hash": view_hash, "published_at": now}
            if await insert_ignoring_duplicates(session, SlackHome, values):
                return
            await session.exec(
                update(SlackHome)
                .where(col(SlackHome.team) == team, col(SlackHome.user) == user)
                .values(view_hash=view_hash, published_at=now)
            )

    async def swap(self, team: str, user: str, old: str, new: str, now: datetime | None) -> bool:
        """Replace hash `old` by `new`, only if `old` is still stored: True for exactly one
        of several processes that found the same change, which then publishes it. `now`
        None keeps the time published (undoing a swap whose publish failed)."""
        async with self.db.session() as session:
            result = await session.exec(
                update(SlackHome)
                .where(
                    col(SlackHome.team) == team,
                    col(SlackHome.user) == user,
                    col(SlackHome.view_hash) == old,
                )
                .values(view_hash=new, **({} if now is None else {"published_at": now}))
            )
            return bool(result.rowcount)

    async def forget(self, team: str) -> None:
        """The app left this workspace: its Homes are no longer ours to refresh."""
        async with self.db.session() as session:
            await session.exec(delete(SlackHome).where(col(SlackHome.team) == team))
