"""Tables of the learning exchange: learnings, offers and needs, introductions, the taxonomy,
activity counts, and weekly digests (schedules and the issues posted exactly once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class Learning(SQLModel, table=True):
    """Something a member learned. Its text is kept only while consent is pending or given:
    a declined learning keeps no text."""

    __table_args__ = (UniqueConstraint("community_id", "source_ref", name="uq_learning_source"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    container_id: int | None = Field(default=None, foreign_key="container.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    proposed_by: int | None = Field(default=None, foreign_key="member.id")
    text: str = Field(default="", sa_type=Text)
    field: str = Field(default="practitioner", max_length=32)
    strand: str | None = Field(default=None, max_length=64)
    source: str = Field(default="command", max_length=16)  # command | reaction
    # The reacted message ("channel:message"); unique, so a second reaction proposes nothing.
    source_ref: str | None = Field(default=None, max_length=200)
    consent: str = Field(default="pending", max_length=16)  # pending|named|anonymous|declined
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ExchangeListing(SQLModel, table=True):
    """An offer ("I can help with…") or a need ("I am looking for…")."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    container_id: int | None = Field(default=None, foreign_key="container.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(max_length=8)  # offer | need
    text: str = Field(sa_type=Text)
    keywords: str = Field(default="", sa_type=Text)  # space-separated, normalised
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Introduction(SQLModel, table=True):
    """An offer matched to a need; both sides are asked, names are shared once both agree."""

    __table_args__ = (UniqueConstraint("offer_id", "need_id", name="uq_introduction"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    offer_id: int = Field(foreign_key="exchangelisting.id")
    need_id: int = Field(foreign_key="exchangelisting.id")
    offer_answer: str = Field(default="pending", max_length=8)  # pending | yes | no
    need_answer: str = Field(default="pending", max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    introduced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TaxonomyTerm(SQLModel, table=True):
    """A field of knowledge or a strand of learning, as this community names it."""

    __table_args__ = (UniqueConstraint("community_id", "kind", "name", name="uq_taxonomy_term"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    kind: str = Field(max_length=8)  # field | strand
    name: str = Field(max_length=64)
    label: str = Field(max_length=200)
    position: int = 0


class ExchangeSettings(SQLModel, table=True):
    """Per-community settings of the exchange (one row, created on first use)."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", unique=True)
    emoji: str = Field(default="bulb", max_length=64)
    # The default taxonomy is written once; after that an empty list stays empty.
    taxonomy_seeded: bool = False


class Activity(SQLModel, table=True):
    """One message posted in a channel: who, when, to whom. Counts only, never the text."""

    __table_args__ = (Index("ix_activity_scope_at", "community_id", "container_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    container_id: int | None = Field(default=None, foreign_key="container.id")
    member_id: int = Field(foreign_key="member.id")
    # Whom the message answered or mentioned first: an interaction between two people.
    other_member_id: int | None = Field(default=None, foreign_key="member.id")
    thread_id: str | None = Field(default=None, max_length=128)
    at: datetime = Field(sa_type=UTCDateTime)


class DigestSchedule(SQLModel, table=True):
    """When and where a weekly digest is posted; scope is "network" or "container:ID"."""

    __table_args__ = (UniqueConstraint("community_id", "scope", name="uq_digest_schedule"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    scope: str = Field(max_length=32)
    container_id: int | None = Field(default=None, foreign_key="container.id")
    day: str = Field(max_length=3)  # mon … sun
    hour: int
    minute: int
    channel_id: str = Field(max_length=64)
    channel_name: str | None = Field(default=None, max_length=200)
    # Bumped on every change: runs planned under an older revision do nothing.
    revision: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DigestIssue(SQLModel, table=True):
    """A digest as built for one (scope, period, audience): stored before any part is sent, so
    a retry or a second process sends the same parts under the same keys, exactly once."""

    __table_args__ = (
        UniqueConstraint("community_id", "scope", "period", "audience", name="uq_digest_issue"),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    scope: str = Field(max_length=32)
    period: str = Field(max_length=16)  # ISO week, e.g. 2026-W10
    audience: str = Field(max_length=16)  # channel | facilitators
    channel_id: str | None = Field(default=None, max_length=64)
    channel_name: str | None = Field(default=None, max_length=200)
    parts: str = Field(sa_type=Text)  # JSON list of encoded messages
    window_start: datetime = Field(sa_type=UTCDateTime)
    window_end: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
