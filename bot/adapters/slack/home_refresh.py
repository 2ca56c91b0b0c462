"""Keeping open Home tabs current when someone else changes what they show.

A facilitator adding a member to a container, a check-in schedule changing, a pulse
closing or a pause running out all change Homes of members who did nothing. After any
command, click, form, membership change or scheduled run in a workspace, every Home
published there is worked out again and published only if it differs; changes that
arrive together are coalesced (a short settle, then one pass: one publish per member per
burst), and `views.publish` goes through the pacer like every other call. Pauses end with
no event at all, so a daily scheduled pass catches those.

Which members have a Home is remembered in memory (the ones who opened it since start).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, time, timedelta
from typing import Any

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


class HomeRefresher:
    def __init__(self, render: Render, publish: Publish, sleep: Sleep, spawn: Spawn) -> None:
        self.render = render
        self.send = publish
        self.sleep = sleep
        self.spawn = spawn
        # (team, user) -> the Home last published to them, as JSON.
        self.views: dict[tuple[str, str], str] = {}
        self.pending: set[str] = set()

    def has_home(self, team: str, user: str) -> bool:
        return (team, user) in self.views

    def teams(self) -> set[str]:
        return {team for team, _ in self.views}

    async def publish(self, team: str, user: str, *, force: bool = False) -> None:
        """Publish this member's Home; unless forced, only when it changed."""
        view = await self.render(team, user)
        text = json.dumps(view, sort_keys=True)
        if not force and self.views.get((team, user)) == text:
            return
        try:
            await self.send(team, user, view)
        except SendFailed as problem:
            log.warning("could not publish the Home of %s: %s", user, problem)
            return
        self.views[(team, user)] = text

    def changed(self, team: str | None = None) -> None:
        """Something in `team` (every workspace when None) may show differently now."""
        for each in [team] if team is not None else sorted(self.teams()):
            if each in self.pending or each not in self.teams():
                continue
            self.pending.add(each)
            self.spawn(self.refresh(each))

    async def refresh(self, team: str) -> None:
        await self.sleep(SETTLE)
        self.pending.discard(team)  # a change from here on starts the next burst
        for seen_team, user in sorted(self.views):
            if seen_team == team:
                await self.publish(team, user)

    def forget(self, team: str) -> None:
        self.views = {key: view for key, view in self.views.items() if key[0] != team}


def next_daily(now: datetime) -> datetime:
    """The next daily pass (just after midnight UTC)."""
    today = datetime.combine(now.date(), DAILY_AT, tzinfo=now.tzinfo)
    return today if today > now else today + timedelta(days=1)
