"""Tables of reflection check-ins: schedules, question sets, rounds, deliveries, answers.

Rounds and deliveries carry unique keys so that a round opens once and each member is
sent one check-in per round, however often a job is retried.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class CheckinSchedule(SQLModel, table=True):
    """A container's rhythm of check-ins; changing it bumps `generation` so old runs lapse."""

    __table_args__ = (UniqueConstraint("container_id", name="uq_checkin_schedule"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    every: str = Field(max_length=16)  # week | fortnight | month
    day: str = Field(max_length=16)  # mon..sun, or 1..28 with month
    hour: int
    minute: int
    question_set: str = Field(max_length=64)
    # Zone for members who have not set theirs (None: the community's default).
    zone: str | None = Field(default=None, max_length=64)
    open_hours: int = 72
    remind_hours: int = 24
    grace_hours: int = 6
    paused: bool = False
    generation: int = 0
    next_date: date | None = None
    created_by: int = Field(foreign_key="member.id")
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CheckinQuestionSet(SQLModel, table=True):
    """A custom question set a facilitator defined for the community."""

    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_checkin_question_set"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=64)
    questions: str = Field(sa_type=Text)  # JSON list of strings
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class CheckinRound(SQLModel, table=True):
    """One round of a container's check-ins; the questions are kept as they were asked."""

    __table_args__ = (UniqueConstraint("container_id", "round_key", name="uq_checkin_round"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    round_key: str = Field(max_length=64)
    label: str = Field(max_length=64)
    question_set: str = Field(max_length=64)
    questions: str = Field(sa_type=Text)  # JSON list of strings
    opened_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    remind_hours: int = 24
    grace_hours: int = 6


class CheckinDelivery(SQLModel, table=True):
    """One member's check-in in one round: due at their local time, sent at most once."""

    __table_args__ = (UniqueConstraint("round_id", "member_id", name="uq_checkin_delivery"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="checkinround.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # pending | sent | paused (member on pause) | late (beyond the grace window) | left
    status: str = Field(default="pending", max_length=16)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CheckinAnswer(SQLModel, table=True):
    """One answer to one question; `sharing` is the circle its author chose (default: me)."""

    __table_args__ = (
        UniqueConstraint("round_id", "member_id", "question_index", name="uq_checkin_answer"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="checkinround.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    question_index: int
    question: str = Field(sa_type=Text)
    text: str = Field(sa_type=Text)
    sharing: str = Field(default="me", max_length=16)
    answered_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
