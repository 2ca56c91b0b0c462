"""Frozen references to things that live on a platform."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommunityRef:
    """One Slack workspace, one Discord guild, or the local console community."""

    platform: str
    external_id: str


@dataclass(frozen=True, slots=True)
class MemberRef:
    platform: str
    external_id: str


@dataclass(frozen=True, slots=True)
class ChannelRef:
    platform: str
    external_id: str
    name: str | None = None
