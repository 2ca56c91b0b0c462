"""Queries of the Discord channels Trellis opened (DM channels, subgroup threads)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.storage.db import Database
from bot.storage.models.discord_channels import DiscordChannel


class DiscordChannelRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def find(self, kind: str, key: str) -> DiscordChannel | None:
        async with self.db.session() as session:
            query = select(DiscordChannel).where(
                DiscordChannel.kind == kind, DiscordChannel.key == key
            )
            return (await session.exec(query)).first()

    async def by_channel(self, kind: str, channel_id: str) -> DiscordChannel | None:
        async with self.db.session() as session:
            query = select(DiscordChannel).where(
                DiscordChannel.kind == kind, DiscordChannel.channel_id == channel_id
            )
            return (await session.exec(query)).first()

    async def remember(
        self,
        kind: str,
        key: str,
        channel_id: str,
        community: str | None,
        now: datetime,
        *,
        new: bool = False,
    ) -> None:
        """Insert or update; a `community` of None keeps the one stored. `new`: the caller
        just opened the channel, so there is no row to look for (one query fewer)."""
        if new:
            try:
                async with self.db.session() as session:
                    session.add(
                        DiscordChannel(
                            kind=kind,
                            key=key,
                            channel_id=channel_id,
                            community=community,
                            updated_at=now,
                        )
                    )
                return
            except IntegrityError:
                pass  # another process stored it meanwhile: update that row instead
        async with self.db.session() as session:
            query = select(DiscordChannel).where(
                DiscordChannel.kind == kind, DiscordChannel.key == key
            )
            row = (await session.exec(query)).first()
            if row is None:
                row = DiscordChannel(kind=kind, key=key, channel_id=channel_id, updated_at=now)
            row.channel_id = channel_id
            row.community = community or row.community
            row.updated_at = now
            session.add(row)
