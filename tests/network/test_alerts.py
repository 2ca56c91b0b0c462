from __future__ import annotations

import random

from bot.network.alerts import Thresholds, raise_alerts
from bot.network.health import compute_health
from tests.network.helpers import clique, network

EXPECTED = ("school", "university", "charity", "local authority", "business")


def codes(alerts: list) -> set[str]:  # type: ignore[type-arg]
    return {alert.code for alert in alerts}


def test_a_network_of_schools_raises_secondary_networking_naming_missing_types() -> None:
    members = list(range(1, 13))
    types: dict[int, str | None] = {n: "school" for n in members}
    types[12] = "charity"
    pairs = [(n, n + 1) for n in range(1, 12)] + [(1, 5), (2, 8), (3, 10)]
    report = compute_health(network(pairs, types), rng=random.Random(1), expected_types=EXPECTED)
    alerts = raise_alerts(report, Thresholds(expected_types=EXPECTED))
    [alert] = [a for a in alerts if a.code == "secondary_networking"]
    for missing in ("university", "local authority", "business"):
        assert missing in alert.summary and missing in alert.suggestion
    assert "charity" in str(alert.measured["scarce_types"])
    assert alert.measured["largest_type"] == "school"


def test_a_star_flags_the_fragile_broker_for_facilitators_only() -> None:
    pairs = [(0, leaf) for leaf in range(1, 9)]
    types: dict[int, str | None] = {n: ("school", "charity", "business")[n % 3] for n in range(9)}
    alerts = raise_alerts(compute_health(network(pairs, types), rng=random.Random(1)))
    [alert] = [a for a in alerts if a.code == "fragile_broker"]
    assert alert.facilitator_only == (0,)
    assert alert.measured["top_broker_share"] == 1.0
    assert "0" not in alert.summary.split()


def test_two_cliques_joined_by_one_tie_flag_silos() -> None:
    left, right = list(range(1, 7)), list(range(7, 13))
    pairs = [*clique(left), *clique(right), (6, 7)]
    types: dict[int, str | None] = {n: ("school", "charity")[n % 2] for n in left + right}
    report = compute_health(network(pairs, types), rng=random.Random(1))
    alerts = raise_alerts(report)
    assert "silos" in codes(alerts)
    well_mixed = network(clique(left + right), types)
    assert "silos" not in codes(raise_alerts(compute_health(well_mixed, rng=random.Random(1))))


def test_isolates_over_the_share_and_two_windows_running() -> None:
    types: dict[int, str | None] = {n: "school" for n in range(1, 11)}
    report = compute_health(network(clique([1, 2, 3, 4, 5, 6, 7, 8]), types), rng=random.Random(1))
    alerts = raise_alerts(report, previous_isolates={10, 4})
    by_code = {alert.code: alert for alert in alerts}
    assert by_code["isolates"].facilitator_only == (9, 10)
    assert by_code["isolated_two_windows"].facilitator_only == (10,)
    assert "10" not in by_code["isolated_two_windows"].summary.split()


def test_one_way_traffic_and_a_dominant_voice_are_flagged() -> None:
    from datetime import timedelta

    from bot.network.graph import Interaction, MemberProfile, build_graph
    from tests.network.helpers import END, START

    members = [MemberProfile(n, f"o{n % 3}", "school") for n in range(6)]
    items = [
        Interaction(0, n, "mention", START + timedelta(minutes=k))
        for n in range(1, 6)
        for k in range(5)
    ]
    report = compute_health(build_graph(items, members, start=START, end=END), rng=random.Random(1))
    assert {"broadcast", "few_voices", "too_small"} <= codes(raise_alerts(report))


def test_a_large_network_is_told_to_form_subnetworks() -> None:
    types: dict[int, str | None] = {n: "school" for n in range(160)}
    pairs = [(n, n + 1) for n in range(159)]
    alerts = raise_alerts(compute_health(network(pairs, types), rng=random.Random(1)))
    [alert] = [a for a in alerts if a.code == "too_big"]
    assert alert.measured["suggested_subnetworks"] == 11
    assert "up to 15" in alert.suggestion
