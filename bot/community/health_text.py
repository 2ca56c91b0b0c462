"""The health report in words: what was measured, what could not be and why, alerts with a
suggested action, and trends. Member names appear only when a facilitator asks for them."""

from __future__ import annotations

from bot.community.health_report import Assessment
from bot.core.messages import Context as ContextLine
from bot.core.messages import Fields, Image, Message, Text
from bot.network.alerts import Alert
from bot.network.charts import network_map
from bot.network.health import CannotCompute, HealthReport

LABELS = {
    "density": "density",
    "isolate_share": "share with no interaction",
    "peripheral_share": "share with a single tie",
    "core": "core (k-core)",
    "reciprocity": "reciprocity",
    "participation_gini": "participation Gini",
    "type_mixing": "mixing across organisation types (E-I)",
    "assortativity": "assortativity by organisation type",
    "diversity": "diversity of organisation types (Blau)",
    "brokers": "brokers",
    "cut_points": "cut points",
    "communities": "communities",
    "path_length": "average path length",
}
TREND_LABELS = {
    "active_members": "active members",
    "density": "density",
    "isolate_share": "share with no interaction",
    "ei_gap": "E-I against its baseline",
    "participation_gini": "participation Gini",
}


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() and abs(value) >= 1 else f"{value:.2f}"


def measured(report: HealthReport, names: dict[int, str] | None) -> list[tuple[str, str]]:
    pairs = [
        ("members", f"{report.members} ({report.active_members} active)"),
        ("organisations", str(report.organisations)),
        (
            "organisation types",
            ", ".join(f"{k} {v}" for k, v in sorted(report.organisation_types.items()))
            + (
                f"; {report.members_without_type} without a type"
                if report.members_without_type
                else ""
            )
            or "none given",
        ),
    ]
    for name in (
        "density",
        "isolate_share",
        "peripheral_share",
        "reciprocity",
        "participation_gini",
        "assortativity",
    ):
        value = getattr(report, name)
        if not isinstance(value, CannotCompute):
            pairs.append((LABELS[name], _number(value)))
    if not isinstance(report.core, CannotCompute):
        pairs.append(
            (LABELS["core"], f"{report.core.size} members with {report.core.k}+ ties among them")
        )
    if not isinstance(report.type_mixing, CannotCompute):
        mixing = report.type_mixing
        pairs.append(
            (
                LABELS["type_mixing"],
                f"{mixing.ei_index:.2f} (shuffled baseline {mixing.baseline:.2f})",
            )
        )
    if not isinstance(report.diversity, CannotCompute):
        pairs.append(
            (
                LABELS["diversity"],
                f"{report.diversity.normalised:.2f} of its ceiling for {report.diversity.categories} types",
            )
        )
    if not isinstance(report.communities, CannotCompute):
        c = report.communities
        pairs.append(
            (
                LABELS["communities"],
                f"{c.count} (modularity {c.modularity:.2f}, {c.crossing_share:.0%} of ties cross)",
            )
        )
    if not isinstance(report.path_length, CannotCompute):
        pairs.append(
            (
                LABELS["path_length"],
                f"{report.path_length.average:.2f} in the main group of {report.path_length.component_size}",
            )
        )
    if not isinstance(report.brokers, CannotCompute):
        brokers = report.brokers.brokers
        if names is None:
            pairs.append(
                (LABELS["brokers"], f"{len(brokers)} found (ask with `--names shown` to see who)")
            )
        else:
            pairs.append(
                (
                    LABELS["brokers"],
                    ", ".join(
                        f"{names.get(b.member_id, b.member_id)} {b.share:.0%}" for b in brokers
                    )
                    or "none",
                )
            )
    if report.isolates and names is not None:
        pairs.append(
            ("no interaction", ", ".join(names.get(i, str(i)) for i in report.isolates[:20]))
        )
    return pairs


def alert_lines(alert: Alert) -> list[Text]:
    figures = ", ".join(
        f"{k} {_number(v) if isinstance(v, (int, float)) else v}" for k, v in alert.measured.items()
    )
    return [
        Text(f"Alert: {alert.summary}"),
        Text(f"Measured: {figures}." if figures else "Measured: see above."),
        Text(f"Suggested: {alert.suggestion}"),
    ]


def report_message(assessment: Assessment, *, names: bool) -> Message:
    report, window = assessment.report, assessment.window
    directory = (
        {m: assessment.graph.display_name(m) for m in assessment.graph.members} if names else None
    )
    blocks: list[Text | Fields | ContextLine | Image] = [
        Text(f"Network health: {window.title}, last {window.days} days", style="heading"),
        Fields(tuple(measured(report, directory))),
    ]
    missing = report.cannot_compute()
    if missing:
        blocks.append(Text("Could not compute:"))
        blocks.extend(Text(f"{LABELS.get(k, k)}: {why}.") for k, why in missing.items())
    for alert in assessment.alerts:
        blocks.extend(alert_lines(alert))
    if not assessment.alerts:
        blocks.append(Text("No alerts for this window."))
    trend_lines = [
        f"{TREND_LABELS[name]}: " + " → ".join(_number(v) for v in values)
        for name, values in assessment.trends
        if len(values) > 1
    ]
    blocks.append(
        Text("Trends (earlier windows → now): " + "; ".join(trend_lines))
        if trend_lines
        else ContextLine("Trends appear once earlier windows have been measured.")
    )
    blocks.append(
        Image(
            network_map(assessment.graph, names=names),
            f"Network map of {report.members} members coloured by organisation type"
            + ("" if names else ", names hidden"),
            "network-map.png",
        )
    )
    blocks.append(ContextLine("For facilitators only: members never see individual positions."))
    return Message(tuple(blocks))


def alerts_message(assessment: Assessment) -> Message:
    blocks: list[Text | ContextLine] = [
        Text(
            f"Network health alerts: {assessment.window.title}, last {assessment.window.days} days",
            style="heading",
        )
    ]
    for alert in assessment.alerts:
        blocks.extend(alert_lines(alert))
    blocks.append(ContextLine("Run `/trellis health` for the whole report and the map."))
    return Message(tuple(blocks))
