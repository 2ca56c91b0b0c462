"""Subgroup rounds (issue 7): settings per container, rounds, groups, who was in them,
private don't-pair requests, and the subgroups' own trust answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class SubgroupSettings(SQLModel, table=True):
    """How a container's rounds are formed; one row per container."""

    __tablename__ = "subgroup_settings"
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", unique=True)
    size: int = 2
    every: str = Field(default="fortnight", max_length=16)
    strategy: str = Field(default="diverse", max_length=16)
    # `stable` keeps pods together this many weeks before mixing again.
    stable_weeks: int = 6
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SubgroupRound(SQLModel, table=True):
    """One round of a container; (container, number) makes each round happen once."""

    __tablename__ = "subgroup_round"
    __table_args__ = (UniqueConstraint("container_id", "number", name="uq_subgroup_round"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    number: int
    strategy: str = Field(max_length=16)
    size: int
    started_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    # When the current pods were first formed (for `stable`'s N weeks).
    pods_since: datetime = Field(sa_type=UTCDateTime)
    repeated_pairs: int = 0
    # JSON list of [member_id, reason] for members who could not be placed.
    unplaced: str = Field(default="[]", sa_type=Text)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Subgroup(SQLModel, table=True):
    __tablename__ = "subgroup"
    __table_args__ = (UniqueConstraint("round_id", "number", name="uq_subgroup_number"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="subgroup_round.id", index=True)
    number: int
    # Unique name of its space; the adapter's channel for it once the space is open.
    name: str = Field(max_length=100, unique=True)
    space_id: str | None = Field(default=None, max_length=64, index=True)
    # Messages counted in the space (never their text).
    messages: int = 0


class SubgroupSeat(SQLModel, table=True):
    """A member in a subgroup: did they meet, did they take part at all."""

    __tablename__ = "subgroup_seat"
    __table_args__ = (UniqueConstraint("subgroup_id", "member_id", name="uq_subgroup_seat"),)
    id: int | None = Field(default=None, primary_key=True)
    subgroup_id: int = Field(foreign_key="subgroup.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    met: str | None = Field(default=None, max_length=8)
    # Posted in the space, answered "did you meet?" or a trust item.
    responded: bool = False
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SubgroupAvoid(SQLModel, table=True):
    """A private "don't pair me with" request; never shown to anyone, the avoided included."""

    __tablename__ = "subgroup_avoid"
    __table_args__ = (UniqueConstraint("member_id", "avoided_id", name="uq_subgroup_avoid"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    avoided_id: int = Field(foreign_key="member.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class SubgroupTrustAnswer(SQLModel, table=True):
    """The past-tense trust items about "this group", answered at the end of a round."""

    __tablename__ = "subgroup_trust_answer"
    __table_args__ = (
        UniqueConstraint("subgroup_id", "member_id", "item", name="uq_subgroup_trust"),
    )
    id: int | None = Field(default=None, primary_key=True)
    subgroup_id: int = Field(foreign_key="subgroup.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    item: str = Field(max_length=32)
    score: int
    answered_at: datetime = Field(sa_type=UTCDateTime)
