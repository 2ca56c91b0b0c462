"""Discord channels Trellis opened and must find again after a restart or from another
process: a member's DM channel (with the community the conversation belongs to) and a
subgroup's private thread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class DiscordChannel(SQLModel, table=True):
    """kind "dm": key is the member's user id; kind "thread": "<parent id>:<group name>"."""

    __tablename__ = "discord_channel"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_discord_channel"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    key: str = Field(max_length=200)
    channel_id: str = Field(max_length=32, index=True)
    # The guild of the last conversation Trellis opened there (DMs): where a reply belongs.
    community: str | None = Field(default=None, max_length=32)
    updated_at: datetime = Field(sa_type=UTCDateTime)
