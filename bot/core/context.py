"""What a handler is given: the event, who and where it came from, and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import Event

E = TypeVar("E", bound=Event, covariant=True)


@dataclass(frozen=True, slots=True)
class Context(Generic[E]):
    event: E
    community: CommunityInfo
    member: MemberInfo
    now: datetime
