"""The health of a container or of the whole network over a window: loads interactions and
members, runs the pure analytics, keeps a snapshot for trends, and raises alerts."""

from __future__ import annotations

import dataclasses
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.community.profiles import DEFAULT_TYPES
from bot.network.alerts import Alert, Thresholds, raise_alerts
from bot.network.graph import Interaction, InteractionGraph, MemberProfile, build_graph
from bot.network.health import CannotCompute, HealthReport, compute_health
from bot.storage.health_repository import HealthRepository
from bot.storage.models import Container, Member
from bot.storage.repositories import ContainerRepository, OrganisationTypeRepository

KIND_WEIGHTS = {"reaction": 0.5, "thread": 0.5, "meeting": 2.0, "learnt": 2.0, "helped": 2.0}
"""A reaction or a shared thread says less about a tie than a reply; meeting says more."""


@dataclass(frozen=True, slots=True)
class Window:
    community_id: int
    scope: str  # "network" or "container:ID"
    title: str
    days: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Assessment:
    window: Window
    graph: InteractionGraph
    report: HealthReport
    alerts: list[Alert]
    trends: list[tuple[str, list[float]]]  # figure, oldest … newest (this window last)


TREND_FIGURES = ("active_members", "density", "isolate_share", "ei_gap", "participation_gini")


def headline(report: HealthReport) -> dict[str, float]:
    """The figures kept per window for trends: aggregates only, no member ids."""
    figures: dict[str, float] = {"members": report.members, "active_members": report.active_members}
    for name in ("density", "isolate_share", "reciprocity", "participation_gini"):
        value = getattr(report, name)
        if not isinstance(value, CannotCompute):
            figures[name] = float(value)
    if not isinstance(report.type_mixing, CannotCompute):
        figures["ei_gap"] = report.type_mixing.ei_index - report.type_mixing.baseline
    return figures


class HealthService:
    def __init__(
        self,
        repository: HealthRepository,
        containers: ContainerRepository,
        orgtypes: OrganisationTypeRepository,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.repository = repository
        self.containers = containers
        self.orgtypes = orgtypes
        self.thresholds = thresholds or Thresholds()

    def window(
        self, community_id: int, container: Container | None, days: int, end: datetime
    ) -> Window:
        scope = "network" if container is None else f"container:{container.id}"
        title = "the whole network" if container is None else container.name
        return self.scoped(community_id, scope, title, days, end)

    def scoped(self, community_id: int, scope: str, title: str, days: int, end: datetime) -> Window:
        # The window is half-open [start, end): one microsecond past `end` keeps what
        # happened at this very moment (a simulated clock that has not moved) inside it.
        end = end + timedelta(microseconds=1)
        return Window(community_id, scope, title, days, end - timedelta(days=days), end)

    async def members(self, window: Window) -> list[Member]:
        if window.scope == "network":
            return await self.repository.community_members(window.community_id)
        rows = await self.containers.members(int(window.scope.split(":")[1]))
        return [member for member, _ in rows]

    async def graph(self, window: Window) -> InteractionGraph:
        container_id = None if window.scope == "network" else int(window.scope.split(":")[1])
        rows = await self.repository.interactions(
            window.community_id, window.start, window.end, container_id
        )
        profiles = [
            MemberProfile(
                m.id,
                m.organisation or None,
                m.organisation_type or None,
                frozenset(t.strip() for t in m.topics.split(",") if t.strip()),
                m.display_name or None,
            )
            for m in await self.members(window)
            if m.id is not None
        ]
        return build_graph(
            (Interaction(a, b, kind, at) for a, b, kind, at in rows),
            profiles,
            start=window.start,
            end=window.end,
            kind_weights=KIND_WEIGHTS,
        )

    async def assess(self, window: Window, *, keep: bool = True) -> Assessment:
        graph = await self.graph(window)
        expected = tuple(await self.orgtypes.names(window.community_id, DEFAULT_TYPES))
        report = compute_health(
            graph, rng=random.Random(int(window.end.timestamp())), expected_types=expected
        )
        earlier = [
            s
            for s in await self.repository.snapshots(window.community_id, window.scope, window.end)
            if s.window_end <= window.end - timedelta(days=window.days) + timedelta(hours=1)
        ]
        previous_isolates = (
            {int(i) for i in earlier[0].isolates.split(",") if i} if earlier else set()
        )
        limits = dataclasses.replace(
            self.thresholds, expected_types=self.thresholds.expected_types or expected
        )
        alerts = raise_alerts(report, limits, previous_isolates=previous_isolates)
        figures = headline(report)
        history = [json.loads(s.figures) for s in reversed(earlier[:4])]
        trends = [
            (name, [float(h[name]) for h in history if name in h] + [figures[name]])
            for name in TREND_FIGURES
            if name in figures
        ]
        if keep:
            await self.repository.save_snapshot(
                window.community_id,
                window.scope,
                window.days,
                window.end,
                figures,
                list(report.isolates),
            )
        return Assessment(window, graph, report, alerts, trends)
