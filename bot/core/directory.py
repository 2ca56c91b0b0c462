"""Neutral views of the community's own records, as the router and services see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.refs import CommunityRef, MemberRef


@dataclass(frozen=True, slots=True)
class CommunityInfo:
    id: int
    ref: CommunityRef
    name: str
    timezone: str
    locale: str


@dataclass(frozen=True, slots=True)
class MemberInfo:
    id: int
    community_id: int
    ref: MemberRef
    display_name: str
    is_facilitator: bool
    timezone: str | None = None
    organisation: str | None = None
    organisation_type: str | None = None
    topics: tuple[str, ...] = ()
    paused_until: datetime | None = None
