"""Slack App Homes Trellis has published: who has one, and a hash of what it shows.

Kept in the database (not process memory) so a restarted process, or any of several behind
a load balancer, refreshes every Home that is out of date, and publishes none that is not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class SlackHome(SQLModel, table=True):
    __tablename__ = "slack_home"
    __table_args__ = (UniqueConstraint("team", "user", name="uq_slack_home"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(max_length=32)
    user: str = Field(max_length=32)
    # sha256 of the view last published to this member (its JSON, keys sorted).
    view_hash: str = Field(max_length=64)
    published_at: datetime = Field(sa_type=UTCDateTime)
