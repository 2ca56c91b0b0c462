"""The end-of-run health report and facilitator alerts, from the pure network functions.

`/trellis health` is being wired separately; the demo calls `compute_health` and
`raise_alerts` directly on the interactions the core recorded, and prints them as text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from bot.network.alerts import Alert, raise_alerts
from bot.network.graph import InteractionGraph, build_graph
from bot.network.health import CannotCompute, HealthReport, compute_health

__all__ = ["CannotCompute", "Health", "measure", "report_lines"]
from bot.storage.demo_repository import DemoRepository


@dataclass(frozen=True, slots=True)
class Health:
    graph: InteractionGraph
    report: HealthReport
    alerts: list[Alert]


async def measure(
    repository: DemoRepository,
    community_id: int,
    start: datetime,
    end: datetime,
    seed: int,
    expected_types: tuple[str, ...],
) -> Health:
    graph = build_graph(
        await repository.interactions(community_id),
        await repository.profiles(community_id),
        start=start,
        end=end,
    )
    report = compute_health(graph, rng=random.Random(seed), expected_types=expected_types)
    return Health(graph, report, raise_alerts(report))


def figure(value: object, digits: int = 2) -> str:
    if isinstance(value, CannotCompute):
        return f"n/a ({value.reason})"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def report_lines(health: Health) -> list[str]:
    """The report as a facilitator reads it: the figures, then each alert and its next step."""
    r = health.report
    mixing = r.type_mixing
    communities = r.communities
    paths = r.path_length
    lines = [
        f"Network health, {r.start_iso[:10]} to {r.end_iso[:10]}",
        f"  members {r.members} (active {r.active_members}), organisations {r.organisations}, "
        f"types {', '.join(f'{k} {v}' for k, v in sorted(r.organisation_types.items()))}",
        f"  density {figure(r.density)}; reciprocity {figure(r.reciprocity)}; "
        f"participation Gini {figure(r.participation_gini)}; "
        f"isolates {figure(r.isolate_share)}",
        "  mixing across types: "
        + (
            figure(mixing)
            if isinstance(mixing, CannotCompute)
            else f"E-I {mixing.ei_index:.2f} vs shuffled {mixing.baseline:.2f}"
        )
        + f"; assortativity {figure(r.assortativity)}",
        "  communities: "
        + (
            figure(communities)
            if isinstance(communities, CannotCompute)
            else f"{communities.count}, modularity {communities.modularity:.2f}, "
            f"{communities.crossing_share:.0%} of ties cross them"
        )
        + "; average path "
        + (figure(paths) if isinstance(paths, CannotCompute) else f"{paths.average:.2f}"),
        "",
        f"Facilitator alerts ({len(health.alerts)}):" if health.alerts else "No alerts.",
    ]
    for alert in health.alerts:
        lines.append(f"  [{alert.code}] {alert.summary}")
        lines.append(f"    next step: {alert.suggestion}")
    return lines
