"""Who a Slack user is: display name, time zone and admin rights from `users.info`.

Cached in memory for a while (names and zones change rarely; every event needs them), and
refreshed after the TTL. Owners, admins and the installer are facilitators from the start.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.slack.outbound import SlackSender
from bot.adapters.slack.pacing import SendFailed
from bot.adapters.slack.translate import member
from bot.core.events import Actor
from bot.core.ports import Clock

log = logging.getLogger(__name__)
TTL = timedelta(hours=1)
MAX_CACHED = 10_000


@dataclass(frozen=True, slots=True)
class Cached:
    actor: Actor
    fetched_at: datetime


def display_name(user: dict[str, Any], fallback: str) -> str:
    profile = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    name = user.get("name")
    return name if isinstance(name, str) and name else fallback


def actor_from(user_id: str, user: dict[str, Any], installer: str | None) -> Actor:
    admin = any(user.get(k) for k in ("is_owner", "is_admin", "is_primary_owner"))
    tz = user.get("tz")
    return Actor(
        member(user_id),
        display_name(user, user_id),
        platform_admin=bool(admin) or (installer is not None and user_id == installer),
        timezone=tz if isinstance(tz, str) and tz else None,
    )


class MemberCache:
    def __init__(
        self,
        sender: SlackSender,
        clock: Clock,
        *,
        installer: str | None = None,
        installers: Callable[[str], Awaitable[str | None]] | None = None,
    ):
        self.sender = sender
        self.clock = clock
        self.installer = installer
        # OAuth: each workspace's installer, from its installation.
        self.installers = installers
        self.cache: dict[tuple[str, str], Cached] = {}

    async def actor(self, team: str, user_id: str) -> Actor:
        key = (team, user_id)
        cached = self.cache.get(key)
        now = self.clock.now()
        if cached is not None and now - cached.fetched_at < TTL:
            return cached.actor
        try:
            user = await self.sender.user_info(team, user_id)
        except SendFailed as problem:
            log.warning("users.info for %s failed: %s", user_id, problem)
            # Keep what we knew rather than forget a facilitator's admin rights.
            return cached.actor if cached else Actor(member(user_id), user_id)
        installer = self.installer if self.installers is None else await self.installers(team)
        actor = actor_from(user_id, user, installer)
        if len(self.cache) >= MAX_CACHED:
            self.cache.clear()
        self.cache[key] = Cached(actor, now)
        return actor
