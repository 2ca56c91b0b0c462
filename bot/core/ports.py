"""What the core needs from the outside world, as protocols."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import Actor
from bot.core.messages import Outgoing
from bot.core.refs import CommunityRef


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SimulatedClock:
    """A clock that moves only when told: the console's `:advance`, the demo, the tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment

    def advance(self, by: timedelta) -> datetime:
        self._now += by
        return self._now


class Messenger(Protocol):
    """Delivers messages that are not replies (DMs, channel posts) to a platform."""

    async def send(self, community: CommunityRef, outgoing: Outgoing) -> None: ...


class Directory(Protocol):
    """Resolves platform refs to the community's own records, creating them on first sight."""

    async def community(self, ref: CommunityRef) -> CommunityInfo: ...

    async def member(
        self, community: CommunityInfo, actor: Actor, *, cached: bool = False
    ) -> MemberInfo:
        """`cached`: may answer from memory (a message's author, of whom only the id is
        used); commands pass False so roles are read fresh."""
        ...


class EventLedger(Protocol):
    async def first_delivery(self, community: CommunityInfo, event_id: str) -> bool:
        """True the first time an event id is seen for a community, False for a redelivery."""
        ...


class Planner(Protocol):
    """Plans a scheduled run; the run key makes each run happen once."""

    async def plan(
        self, run_key: str, kind: str, due_at: datetime, payload: dict[str, Any]
    ) -> bool: ...


class Sender(Protocol):
    """Stores a message for delivery (the outbox); False when its key was already stored."""

    async def put(self, community: CommunityInfo, outgoing: Outgoing) -> bool: ...

    async def put_all(self, community: CommunityInfo, outgoing: list[Outgoing]) -> list[bool]:
        """Several at once (a fan-out): one statement stores them all."""
        ...
