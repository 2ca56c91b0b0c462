"""The tables every room shares: communities, members, containers, delivery, schedules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class Community(SQLModel, table=True):
    """One Slack workspace, Discord guild, or the console."""

    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_community_platform"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(default="", max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    locale: str = Field(default="en", max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Member(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "platform_user_id", name="uq_member_user"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    platform_user_id: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    organisation_type: str | None = Field(default=None, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    is_facilitator: bool = False
    # Comma-separated topics the member works on (matching and exchange use them).
    topics: str = Field(default="", sa_type=Text)
    # Skipped by check-ins, pulses and rounds until this moment.
    paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    subgroups_opt_in: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)


class Container(SQLModel, table=True):
    """A trust-building group bound to a channel."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    channel_id: str = Field(max_length=64, index=True)
    channel_name: str | None = Field(default=None, max_length=200)
    name: str = Field(max_length=200)
    purpose: str = Field(default="", sa_type=Text)
    state: str = Field(default="forming", max_length=16)
    # Trust pulse cadence in days (0: off) and how long a pulse stays open.
    pulse_every_days: int = 14
    pulse_open_days: int = 3
    agreement_review_weeks: int = 8
    # Reminder to rotate facilitation every N weeks; 0 is off (the default).
    rotation_weeks: int = 0
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ContainerMembership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("container_id", "member_id", name="uq_membership"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    role: str = Field(default="member", max_length=16)
    joined_at: datetime = Field(sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProcessedEvent(SQLModel, table=True):
    """Platform delivery ids already handled: retries and redeliveries do nothing twice."""

    __table_args__ = (UniqueConstraint("community_id", "event_id", name="uq_processed_event"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    event_id: str = Field(max_length=128)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)


class OutboxMessage(SQLModel, table=True):
    """An outbound message, stored before it is sent; the key makes exactly-once a DB fact."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    target_kind: str = Field(max_length=16)
    target_id: str = Field(max_length=64)
    payload: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    # How often a process took it for sending. More claims than recorded attempts means a
    # sender vanished mid-send (a crash), so the platform may already hold the message.
    claims: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)


class ScheduledRun(SQLModel, table=True):
    """One due run of a schedule; the run key makes each run happen exactly once."""

    id: int | None = Field(default=None, primary_key=True)
    run_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=64)
    payload: str = Field(default="{}", sa_type=Text)
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: str = Field(default="due", max_length=16, index=True)
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CommandUse(SQLModel, table=True):
    """A command a member ran, kept a minute: the per-member rate limit, shared by every
    process on the database (never the command's text)."""

    __table_args__ = (Index("ix_commanduse_member_at", "member_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    at: datetime = Field(sa_type=UTCDateTime)
