"""Digest sections 5 and 6 (container check, why we are here): aggregates from trust pulses
and motivations, shown only where those rooms already show them (n >= the minimum)."""

from __future__ import annotations

from bot.community import trust
from bot.community.circle import Circles
from bot.community.exchange_digest import (
    CONTAINER_CHECK,
    WHY_WE_ARE_HERE,
    DigestScope,
    Period,
    Section,
)
from bot.community.motivations import MotivationService
from bot.community.pulses import PulseService, describe
from bot.core.messages import Context, Text


class TrustCheck:
    """5. Container check: the trust trend, in aggregate."""

    def __init__(self, pulses: PulseService, circles: Circles) -> None:
        self.pulses = pulses
        self.circles = circles

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        if scope.container is None:
            return None
        members = len((await self.circles.of(scope.container)).members)
        history = await self.pulses.history(scope.container, members)
        if not history:
            return None
        latest = history[-1]
        lines = [
            f"Trust trend: {trust.sparkline([p.mean for p in history])} (1-7, higher is safer)",
            f"Latest pulse: {describe(latest, self.pulses.minimum)}.",
        ]
        return Section(
            CONTAINER_CHECK,
            "Container check",
            (Text("\n".join(lines)), Context("Never shown for fewer answers, never individually.")),
        )


class MotivationBalance:
    """6. Why we are here: the task/social balance of motivations, in aggregate."""

    def __init__(self, motivations: MotivationService) -> None:
        self.motivations = motivations

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        if scope.container is None or scope.container.id is None:
            return None
        mix = await self.motivations.mix(scope.container.id)
        if mix is None:
            return None
        now = mix.current
        line = (
            f"Task {now.task:.0%} · social {now.social:.0%} of the points "
            f"({now.respondents} members answered)."
        )
        if mix.previous is not None:
            line += (
                f" A cadence ago: task {mix.previous.task:.0%} · social {mix.previous.social:.0%}."
            )
        return Section(WHY_WE_ARE_HERE, "Why we are here", (Text(line),))
