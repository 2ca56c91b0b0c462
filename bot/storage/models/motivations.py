"""Tables of motivations: why each member is here, restated over time, and each container's
restatement cadence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class MotivationStatement(SQLModel, table=True):
    """One statement of why a member is here: own words, 10 points over six reasons, the
    circle allowed to see it, and (when restated) the three 1-7 need items. History is the
    member's statements in order; the newest is the current one."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    # The container it was asked for (joining, restating); None when given from a DM.
    container_id: int | None = Field(default=None, foreign_key="container.id", index=True)
    text: str = Field(sa_type=Text)
    topic: int = 0
    practice: int = 0
    people: int = 0
    career: int = 0
    contribute: int = 0
    other: int = 0
    visibility: str = Field(max_length=16)  # me | facilitators | container
    autonomy: int | None = None
    competence: int | None = None
    relatedness: int | None = None
    occasion: str = Field(max_length=16)  # join | update | restate
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class MotivationCadence(SQLModel, table=True):
    """How often a container's members are asked to restate (weeks; 0 is off). A container
    without a row uses the default."""

    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", unique=True)
    every_weeks: int = 12
