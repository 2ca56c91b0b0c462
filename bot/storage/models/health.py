"""Tables of network health: interactions (who reached whom, never what was said), window
snapshots for trends, introductions sent, network self-assessments, and per-community opt-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class NetworkInteraction(SQLModel, table=True):
    """One tie event: a reply, mention, shared thread, reaction, meeting or learnt-from answer."""

    __table_args__ = (
        Index("ix_network_interaction_scope_at", "community_id", "at"),
        # Recording the same event twice (a redelivered message) must not double a tie.
        UniqueConstraint("community_id", "source_key", name="uq_network_interaction_source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    container_id: int | None = Field(default=None, foreign_key="container.id", index=True)
    from_member_id: int = Field(foreign_key="member.id")
    to_member_id: int = Field(foreign_key="member.id")
    kind: str = Field(max_length=16)  # reply, mention, thread, reaction, meeting, learnt, helped
    source_key: str = Field(max_length=200)
    at: datetime = Field(sa_type=UTCDateTime)


class HealthSnapshot(SQLModel, table=True):
    """A window's headline figures (no member ids), kept so later reports can show trends."""

    __table_args__ = (
        UniqueConstraint("community_id", "scope", "window_end", name="uq_health_snapshot"),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    scope: str = Field(max_length=32)  # "network" or "container:ID"
    window_days: int
    window_end: datetime = Field(sa_type=UTCDateTime)
    figures: str = Field(sa_type=Text)  # JSON of figure name -> number
    isolates: str = Field(default="", sa_type=Text)  # comma-separated ids, facilitator-only


class WovenIntroduction(SQLModel, table=True):
    """An introduction a facilitator sent from `/trellis weave`; counts towards the cap."""

    __table_args__ = (
        UniqueConstraint(
            "community_id",
            "first_member_id",
            "second_member_id",
            "fortnight",
            name="uq_woven_introduction",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    first_member_id: int = Field(foreign_key="member.id")
    second_member_id: int = Field(foreign_key="member.id")
    fortnight: int  # days since the epoch // 14: one introduction per pair per fortnight
    sent_by: int = Field(foreign_key="member.id")
    sent_at: datetime = Field(sa_type=UTCDateTime)


class NetworkSurvey(SQLModel, table=True):
    """One round of the network self-assessment (the community profile)."""

    __table_args__ = (UniqueConstraint("community_id", "round_key", name="uq_network_survey"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    round_key: str = Field(max_length=64)
    opened_at: datetime = Field(sa_type=UTCDateTime)


class NetworkSurveyAnswer(SQLModel, table=True):
    """A member's rating (1-5) of one key area; shown only as an aggregate."""

    __table_args__ = (
        UniqueConstraint("survey_id", "member_id", "area", name="uq_network_survey_answer"),
    )
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="networksurvey.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    area: str = Field(max_length=32)
    rating: int
    at: datetime = Field(sa_type=UTCDateTime)


class HealthSettings(SQLModel, table=True):
    """Per-community opt-ins: the monthly learnt-from question, and where alerts go."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", unique=True)
    alerts: bool = False
    learning_question: bool = False
    surveys: bool = False
