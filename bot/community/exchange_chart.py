"""The facilitator digest's chart: participation per week, and trust when a trust source is
plugged in. Drawn headless (matplotlib's Agg backend) into PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.community.exchange_digest import DigestScope, Period
from bot.community.exchange_sections import plural
from bot.storage.exchange_digest_repository import DigestRepository

WEEKS = 8


@dataclass(frozen=True, slots=True)
class TrendPoint:
    at: datetime
    value: float


class TrustTrend(Protocol):
    """Aggregate trust (1-7) per pulse; only pulses with enough respondents may be returned."""

    async def points(
        self, scope: DigestScope, start: datetime, end: datetime
    ) -> list[TrendPoint]: ...


@dataclass(frozen=True, slots=True)
class Trend:
    week_ends: list[datetime]
    messages: list[int]
    active: list[int]
    trust: list[TrendPoint]


class TrendChart:
    def __init__(self, digests: DigestRepository, trust: TrustTrend | None = None) -> None:
        self.digests = digests
        self.trust = trust

    async def trend(self, scope: DigestScope, period: Period) -> Trend:
        edges = [period.end - timedelta(days=7 * k) for k in range(WEEKS, -1, -1)]
        counts = await self.digests.weekly_participation(
            scope.community.id, scope.container_id, edges
        )
        trust = await self.trust.points(scope, edges[0], edges[-1]) if self.trust else []
        return Trend(edges[1:], [m for m, _ in counts], [a for _, a in counts], trust)

    async def png(self, scope: DigestScope, period: Period) -> tuple[bytes, str]:
        trend = await self.trend(scope, period)
        return draw(trend, scope.name), describe(trend)


def describe(trend: Trend) -> str:
    """The chart in words: its alt text, for screen readers and text-only platforms."""
    last, first = trend.active[-1], trend.active[0]
    weeks = len(trend.week_ends)
    text = (
        f"Participation over {weeks} weeks: {plural(trend.messages[-1], 'message')} from "
        f"{plural(last, 'person', 'people')} this week "
        f"({plural(first, 'person', 'people')} {weeks - 1} weeks ago)."
    )
    if trend.trust:
        text += f" Trust {trend.trust[-1].value:.1f} of 7 at the last pulse."
    else:
        text += " Trust trend not available yet."
    return text


def draw(trend: Trend, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    labels: Sequence[str] = [f"{d:%d %b}" for d in trend.week_ends]
    figure, axis = plt.subplots(figsize=(7, 3.2), dpi=100)
    try:
        axis.bar(labels, trend.messages, color="#9ecae1", label="messages")
        axis.set_ylabel("messages per week")
        people = axis.twinx()
        people.plot(labels, trend.active, color="#08519c", marker="o", label="people taking part")
        people.set_ylabel("people")
        people.set_ylim(bottom=0)
        if trend.trust:
            trust_axis = axis.twinx()
            trust_axis.spines["right"].set_position(("axes", 1.12))
            positions = [_position(p.at, trend.week_ends) for p in trend.trust]
            trust_axis.plot(
                positions,
                [p.value for p in trend.trust],
                color="#d94801",
                marker="s",
                label="trust (1-7)",
            )
            trust_axis.set_ylim(1, 7)
        shown = "participation and trust" if trend.trust else "participation"
        axis.set_title(f"{title}: {shown}, last {len(labels)} weeks", fontsize=10)
        axis.tick_params(axis="x", labelsize=8)
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        people.yaxis.set_major_locator(MaxNLocator(integer=True))
        handles = [h for a in figure.axes for h in a.get_legend_handles_labels()[0]]
        axis.legend(handles=handles, loc="upper left", fontsize=7, frameon=False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _position(moment: datetime, week_ends: list[datetime]) -> float:
    """Where a moment falls on the week axis (0 = first bar)."""
    start = week_ends[0] - timedelta(days=7)
    return (moment - start) / timedelta(days=7) - 1
