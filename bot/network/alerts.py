"""Alerts that turn a health report into something a facilitator can act on.

Each alert maps to an idea in the seeds (DOMAIN.md): what was measured, and one concrete
next step in our own words. Member ids appear only in `facilitator_only`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

from bot.network.graph import MemberId
from bot.network.health import CannotCompute, HealthReport

Figure = float | int | str


@dataclass(frozen=True, slots=True)
class Thresholds:
    """DOMAIN.md's starting thresholds; every network may tune its own."""

    ei_below_baseline: float = 0.2
    assortativity: float = 0.3
    blau_normalised: float = 0.4
    dominant_type_share: float = 0.5
    scarce_type_share: float = 0.1
    expected_types: tuple[str, ...] = ()
    min_organisations: int = 6
    max_active_members: int = 150
    max_organisations: int = 40
    subnetwork_size: int = 15
    isolate_share: float = 0.1
    top_broker_share: float = 0.4
    cut_off_min_members: int = 2
    cut_off_min_share: float = 0.05
    silo_modularity: float = 0.5
    silo_share_of_ceiling: float = 0.8
    silo_crossing_share: float = 0.1
    reciprocity: float = 0.3
    gini: float = 0.6


@dataclass(frozen=True, slots=True)
class Alert:
    code: str
    summary: str
    measured: dict[str, Figure]
    suggestion: str
    facilitator_only: tuple[MemberId, ...] = field(default=())


def raise_alerts(
    report: HealthReport,
    thresholds: Thresholds | None = None,
    *,
    previous_isolates: Collection[MemberId] = (),
) -> list[Alert]:
    """Every alert the report triggers, in a stable order (figures that cannot be computed
    raise nothing: the report already says why they are missing)."""
    limits = thresholds or Thresholds()
    found = [
        _secondary_networking(report, limits),
        _too_small(report, limits),
        _too_big(report, limits),
        _isolates(report, limits),
        _persistent_isolates(report, previous_isolates),
        _fragile_broker(report, limits),
        _silos(report, limits),
        _broadcast(report, limits),
        _few_voices(report, limits),
    ]
    return [alert for alert in found if alert is not None]


def type_gaps(report: HealthReport, limits: Thresholds) -> tuple[list[str], list[str]]:
    """Expected types with nobody, and types (present or expected) held by few members."""
    counts = report.organisation_types
    typed = sum(counts.values())
    missing = [kind for kind in limits.expected_types if counts.get(kind, 0) == 0]
    scarce = sorted(
        kind for kind, count in counts.items() if typed and count / typed < limits.scarce_type_share
    )
    return missing, scarce


def _secondary_networking(report: HealthReport, limits: Thresholds) -> Alert | None:
    reasons: list[str] = []
    measured: dict[str, Figure] = {}
    mixing = report.type_mixing
    if not isinstance(mixing, CannotCompute):
        measured |= {"ei_index": mixing.ei_index, "ei_baseline": mixing.baseline}
        if mixing.ei_index < mixing.baseline - limits.ei_below_baseline:
            reasons.append("ties stay inside organisation types more than the mix explains")
    if not isinstance(report.assortativity, CannotCompute):
        measured["assortativity"] = report.assortativity
        if report.assortativity > limits.assortativity:
            reasons.append("members mostly connect with their own organisation type")
    if not isinstance(report.diversity, CannotCompute):
        measured["blau_normalised"] = report.diversity.normalised
        if report.diversity.normalised < limits.blau_normalised:
            reasons.append("membership spans few organisation types")
    typed = sum(report.organisation_types.values())
    if typed:
        kind, count = max(report.organisation_types.items(), key=lambda item: (item[1], item[0]))
        measured["largest_type"] = kind
        measured["largest_type_share"] = count / typed
        if count / typed >= limits.dominant_type_share:
            reasons.append(f"{kind} holds {count / typed:.0%} of members")
    if not reasons:
        return None
    missing, scarce = type_gaps(report, limits)
    measured["missing_types"] = ", ".join(missing) or "none"
    measured["scarce_types"] = ", ".join(scarce) or "none"
    gaps = []
    if missing:
        gaps.append("nobody yet from " + ", ".join(missing))
    if scarce:
        gaps.append("few from " + ", ".join(scarce))
    return Alert(
        "secondary_networking",
        "The network is gathering more of the same kind of organisation: "
        + "; ".join(reasons)
        + ("; " + "; ".join(gaps) if gaps else "")
        + ".",
        measured,
        "Partnership needs partners who differ. Invite "
        + (" and ".join(missing + scarce) if missing or scarce else "a different kind of")
        + " organisations for a specific question, and use diverse subgroups and "
        "introductions across types before adding more of the largest type.",
    )


def _too_small(report: HealthReport, limits: Thresholds) -> Alert | None:
    if report.organisations >= limits.min_organisations:
        return None
    return Alert(
        "too_small",
        f"Only {report.organisations} organisations take part; the pool of knowledge may be "
        "too shallow.",
        {"organisations": report.organisations, "minimum": limits.min_organisations},
        "Ask each organisation to bring one partner from a different field, or join forces "
        "with a neighbouring network on a shared question.",
    )


def _too_big(report: HealthReport, limits: Thresholds) -> Alert | None:
    if (
        report.active_members <= limits.max_active_members
        and report.organisations <= limits.max_organisations
    ):
        return None
    groups = max(2, math.ceil(report.active_members / limits.subnetwork_size))
    return Alert(
        "too_big",
        f"{report.active_members} active members from {report.organisations} organisations: "
        "too many for everyone to feel involved.",
        {
            "active_members": report.active_members,
            "organisations": report.organisations,
            "suggested_subnetworks": groups,
        },
        f"Form about {groups} sub-networks of up to {limits.subnetwork_size} people around "
        "shared questions, each with its own container and facilitator, and keep a light "
        "network-wide exchange between them.",
    )


def _isolates(report: HealthReport, limits: Thresholds) -> Alert | None:
    if isinstance(report.isolate_share, CannotCompute):
        return None
    if report.isolate_share <= limits.isolate_share:
        return None
    return Alert(
        "isolates",
        f"{len(report.isolates)} {'member' if len(report.isolates) == 1 else 'members'} "
        f"({report.isolate_share:.0%}) had no interaction "
        "with anyone in this window.",
        {"isolates": len(report.isolates), "isolate_share": report.isolate_share},
        "Reach out personally to a few of them, and pair each with a welcoming member in "
        "the next subgroup round.",
        report.isolates,
    )


def _persistent_isolates(
    report: HealthReport, previous_isolates: Collection[MemberId]
) -> Alert | None:
    persistent = tuple(sorted(set(report.isolates) & set(previous_isolates)))
    if not persistent:
        return None
    return Alert(
        "isolated_two_windows",
        f"{len(persistent)} member(s) have been isolated two windows running.",
        {"members": len(persistent)},
        "A facilitator should check in one to one: ask what would make taking part worth "
        "their time, and offer an introduction to someone working on the same question.",
        persistent,
    )


def _fragile_broker(report: HealthReport, limits: Thresholds) -> Alert | None:
    measured: dict[str, Figure] = {}
    named: list[MemberId] = []
    reasons: list[str] = []
    brokers = report.brokers
    if not isinstance(brokers, CannotCompute) and brokers.brokers:
        top = brokers.brokers[0]
        measured["top_broker_share"] = top.share
        if top.share > limits.top_broker_share:
            reasons.append(f"one member lies on {top.share:.0%} of shortest paths")
            named.append(top.member_id)
    cuts = report.cut_points
    if not isinstance(cuts, CannotCompute):
        main = report.active_members
        if not isinstance(report.path_length, CannotCompute):
            main = report.path_length.component_size
        needed = max(limits.cut_off_min_members, math.ceil(limits.cut_off_min_share * main))
        splitting = [point for point in cuts if point.cut_off >= needed]
        measured["splitting_members"] = len(splitting)
        if splitting:
            reasons.append(
                f"{len(splitting)} member(s) whose absence would cut off "
                f"{splitting[0].cut_off} or more others"
            )
            named += [point.member_id for point in splitting if point.member_id not in named]
    if not reasons:
        return None
    return Alert(
        "fragile_broker",
        "The network hangs on too few people: " + "; ".join(reasons) + ".",
        measured,
        "Grow more brokers: ask the people holding the network together to co-host with "
        "someone from another part of it, and introduce their contacts to each other directly.",
        tuple(named),
    )


def _silos(report: HealthReport, limits: Thresholds) -> Alert | None:
    communities = report.communities
    if isinstance(communities, CannotCompute) or communities.count < 2:
        return None
    # With c communities modularity cannot exceed 1 - 1/c: two groups never pass 0.5.
    ceiling = 1.0 - 1.0 / communities.count
    needed = min(limits.silo_modularity, limits.silo_share_of_ceiling * ceiling)
    if communities.modularity <= needed or communities.crossing_share >= limits.silo_crossing_share:
        return None
    return Alert(
        "silos",
        f"{communities.count} groups talk mostly among themselves: only "
        f"{communities.crossing_share:.0%} of ties join two groups.",
        {
            "communities": communities.count,
            "modularity": communities.modularity,
            "crossing_share": communities.crossing_share,
        },
        "Run a cross-group exchange: mixed subgroups for the next round, and ask each group "
        "to present one open question for another group to work on.",
    )


def _broadcast(report: HealthReport, limits: Thresholds) -> Alert | None:
    if isinstance(report.reciprocity, CannotCompute) or report.reciprocity >= limits.reciprocity:
        return None
    return Alert(
        "broadcast",
        f"Only {report.reciprocity:.0%} of ties are answered the other way: people announce "
        "more than they converse.",
        {"reciprocity": report.reciprocity},
        "Prompt for replies: end posts with a question, and set a weekly thread where each "
        "person responds to someone else's practice before sharing their own.",
    )


def _few_voices(report: HealthReport, limits: Thresholds) -> Alert | None:
    gini = report.participation_gini
    if isinstance(gini, CannotCompute) or gini <= limits.gini:
        return None
    return Alert(
        "few_voices",
        f"A few voices dominate: the Gini of messages sent is {gini:.2f}.",
        {"participation_gini": gini},
        "Use turn-taking formats: rounds where everyone answers in turn (pass allowed), and "
        "small-group conversations before the whole-network discussion.",
    )
