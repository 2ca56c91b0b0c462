"""Tables of containers and trust: purpose history, working agreements, pulses, shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class PurposeVersion(SQLModel, table=True):
    """A proposed wording of a container's purpose; the agreed one is the container's purpose."""

    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    text: str = Field(sa_type=Text)
    proposed_by: int = Field(foreign_key="member.id")
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    agreed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PurposeAgreement(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("purpose_id", "member_id", name="uq_purpose_agreement"),)
    id: int | None = Field(default=None, primary_key=True)
    purpose_id: int = Field(foreign_key="purposeversion.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    at: datetime = Field(sa_type=UTCDateTime)
    # Empty for agreement; a comment otherwise (a comment is not an agreement).
    comment: str = Field(default="", sa_type=Text)


class Agreement(SQLModel, table=True):
    """A working agreement: proposed, then in force once most members agreed."""

    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    text: str = Field(sa_type=Text)
    proposed_by: int = Field(foreign_key="member.id")
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    in_force_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AgreementVote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("agreement_id", "member_id", name="uq_agreement_vote"),)
    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    at: datetime = Field(sa_type=UTCDateTime)


class TrustPulse(SQLModel, table=True):
    """One pulse period of a container: which items were asked, open until when."""

    __table_args__ = (UniqueConstraint("container_id", "period", name="uq_pulse_period"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    period: int
    items: str = Field(max_length=200)  # comma-separated item codes
    opened_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    closed: bool = False


class TrustAnswer(SQLModel, table=True):
    """One member's rating of one item in one pulse; a second answer replaces the first."""

    __table_args__ = (UniqueConstraint("pulse_id", "member_id", "item", name="uq_trust_answer"),)
    id: int | None = Field(default=None, primary_key=True)
    pulse_id: int = Field(foreign_key="trustpulse.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    item: str = Field(max_length=32)
    score: int
    # The optional "what would move your rating up one point?" answer (item "improve").
    note: str = Field(default="", sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime)


class Share(SQLModel, table=True):
    """Something a member shared, tagged with how it went (beyond best practice)."""

    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    text: str = Field(default="", sa_type=Text)
    outcome: str = Field(max_length=16)  # worked | partly | didnt
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class OrganisationType(SQLModel, table=True):
    """The community's list of organisation types (facilitators edit it)."""

    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_orgtype"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=64)


class ClosingReflection(SQLModel, table=True):
    """A member's closing reflection on a container; private to them unless shared."""

    __table_args__ = (UniqueConstraint("container_id", "member_id", name="uq_closing_reflection"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    take_away: str = Field(default="", sa_type=Text)
    advice: str = Field(default="", sa_type=Text)
    share_with_facilitators: bool = False
    at: datetime = Field(sa_type=UTCDateTime)


class CustomPrompt(SQLModel, table=True):
    """A facilitator's own dialogue prompt, added to the bank for their community."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    purpose: str = Field(max_length=32)
    text: str = Field(sa_type=Text)
    added_by: int = Field(foreign_key="member.id")
    at: datetime = Field(sa_type=UTCDateTime)


class PromptSchedule(SQLModel, table=True):
    """Post a prompt of a purpose into a container on a cadence."""

    __table_args__ = (UniqueConstraint("container_id", name="uq_prompt_schedule"),)
    id: int | None = Field(default=None, primary_key=True)
    container_id: int = Field(foreign_key="container.id")
    purpose: str = Field(max_length=32)
    every_days: int
    weekday: str = Field(max_length=3)
    hour: int
    minute: int
    active: bool = True
