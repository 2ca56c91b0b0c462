"""Keeping open Home tabs current when someone else changes what they show.

A facilitator adding a member to a container, a check-in schedule changing, a pulse
closing or a pause running out all change Homes of members who did nothing. After any
command, click, form, membership change or scheduled run in a workspace, every Home
published there is worked out again and published only if it differs; changes that
arrive together are coalesced (a short settle, then one pass: one publish per member per
burst), and `views.publish` goes through the pacer like every other call. Pauses end with
no event at all, so a daily scheduled pass catches those.

Which members have a Home, and a hash of what theirs shows, is kept in the database
(`SlackHomeRepository`): after a restart, or from any of several processes, a changed Home
is published and an unchanged one is not. Of several processes that find the same change,
the one that swaps the stored hash publishes it; the others leave it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, time, timedelta
from typing import Any, Protocol

from bot.adapters.slack.pacing import SendFailed, Sleep
from bot.adapters.slack.render import SlackBlock

log = logging.getLogger(__name__)
# Changes within this many seconds of the first one are published together.
SETTLE = 1.0
DAILY_KIND = "slack.homes.daily"
DAILY_AT = time(0, 5)

Render = Callable[[str, str], Awaitable[SlackBlock]]
Publish = Callable[[str, str, SlackBlock], Awaitable[None]]
Spawn = Callable[[Coroutine[Any, Any, None]], None]
Now = Callable[[], datetime]


class Homes(Protocol):
    """Where Homes are remembered (`bot.storage.slack_homes_repository` in production)."""

    async def teams(self) -> list[str]: ...

    async def homes(self, team: str) -> list[tuple[str, str]]: ...

    async def published(self, team: str, user: str, view_hash: str, now: datetime) -> None: ...

    async def swap(
        self, team: str, user: str, old: str, new: str, now: datetime | None
    ) -> bool: ...

    async def forget(self, team: str) -> None: ...


def view_hash(view: SlackBlock) -> str:
    return hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()


class HomeRefresher:
    def __init__(
        self, homes: Homes, render: Render, publish: Publish, sleep: Sleep, spawn: Spawn, now: Now
    ) -> None:
        self.homes = homes
        self.render = render
        self.send = publish
        self.sleep = sleep
        self.spawn = spawn
        self.now = now
        # Workspaces changed since the current burst began (None: all of them).
        self.dirty: set[str | None] = set()
        self.burst = False

    async def opened(self, team: str, user: str) -> None:
        """The member opened their Home: publish it (Slack may show an old one) and
        remember that they have one."""
        view = await self.render(team, user)
        try:
            await self.send(team, user, view)
        except SendFailed as problem:
            log.warning("could not publish the Home of %s: %s", user, problem)
            return
        await self.homes.published(team, user, view_hash(view), self.now())

    async def refresh_one(self, team: str, user: str, stored: str) -> None:
        """Publish this member's Home if it differs from the one stored as published."""
        view = await self.render(team, user)
        new = view_hash(view)
        if new == stored or not await self.homes.swap(team, user, stored, new, self.now()):
            return  # unchanged, or another process is publishing this very change
        try:
            await self.send(team, user, view)
        except SendFailed as problem:
            log.warning("could not publish the Home of %s: %s", user, problem)
            await self.homes.swap(team, user, new, stored, None)  # so a later pass retries

    def changed(self, team: str | None = None) -> None:
        """Something in `team` (every workspace when None) may show differently now."""
        self.dirty.add(team)
        if not self.burst:
            self.burst = True
            self.spawn(self.refresh())

    async def refresh(self) -> None:
        await self.sleep(SETTLE)
        # A change from here on starts the next burst.
        dirty, self.dirty, self.burst = self.dirty, set(), False
        teams = await self.homes.teams()
        if None not in dirty:
            teams = [team for team in teams if team in dirty]
        for team in teams:
            for user, stored in await self.homes.homes(team):
                await self.refresh_one(team, user, stored)

    async def forget(self, team: str) -> None:
        await self.homes.forget(team)


def next_daily(now: datetime) -> datetime:
    """The next daily pass (just after midnight UTC)."""
    today = datetime.combine(now.date(), DAILY_AT, tzinfo=now.tzinfo)
    return today if today > now else today + timedelta(days=1)
