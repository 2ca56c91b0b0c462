from __future__ import annotations

import random
from datetime import timedelta

import networkx as nx

from bot.network.brokerage import cut_points
from bot.network.graph import Interaction, MemberProfile, build_graph
from bot.network.health import CannotCompute, compute_health
from bot.network.indexed import index_ties
from bot.network.measures import gini, nominal_assortativity
from bot.network.shortest_paths import survey_paths
from tests.network.helpers import END, START, clique, network


def test_a_tiny_network_says_what_it_cannot_compute_and_why() -> None:
    report = compute_health(network([(1, 2)], {1: "school", 2: "charity"}), rng=random.Random(1))
    missing = report.cannot_compute()
    assert "fewer than 3" in missing["density"] or "at least 3" in missing["density"]
    assert "at least 3" in missing["brokers"]
    assert report.members == 2
    assert not isinstance(report.diversity, CannotCompute)  # still computed


def test_a_silent_network_explains_missing_structure_but_counts_isolates() -> None:
    report = compute_health(network([], {1: "school", 2: "school", 3: None}), rng=random.Random(1))
    assert report.isolate_share == 1.0
    assert report.density == 0.0
    assert "no interactions" in report.cannot_compute()["communities"]
    assert report.members_without_type == 1


def test_members_without_type_leave_mixing_uncomputed_but_not_the_rest() -> None:
    report = compute_health(
        network(clique([1, 2, 3, 4]), {1: None, 2: None, 3: None, 4: None}), rng=random.Random(1)
    )
    missing = report.cannot_compute()
    assert "4 member(s) have no type" in missing["type_mixing"]
    assert "no member has an organisation type" in missing["diversity"]
    assert report.density == 1.0
    assert not isinstance(report.communities, CannotCompute)


def test_the_window_is_half_open_and_self_ties_are_dropped() -> None:
    members = [MemberProfile(n, f"o{n}", "school") for n in (1, 2, 3)]
    items = [
        Interaction(1, 2, "reply", START),
        Interaction(2, 3, "reply", END),
        Interaction(3, 3, "reply", START),
        Interaction(1, 9, "reply", START + timedelta(hours=1)),
    ]
    graph = build_graph(items, members, start=START, end=END)
    assert list(graph.directed.edges()) == [(1, 2)]


def test_one_pass_brandes_matches_networkx_exactly() -> None:
    ties = nx.gnm_random_graph(60, 150, seed=4)
    survey = survey_paths(index_ties(ties, list(ties)), pivots=None, rng=random.Random(1))
    expected = nx.betweenness_centrality(ties)
    assert all(abs(survey.betweenness[n] - expected[n]) < 1e-9 for n in ties)
    main = ties.subgraph(max(nx.connected_components(ties), key=len))
    assert survey.average_distance is not None
    inside = survey_paths(
        index_ties(main, list(main)), pivots=None, rng=random.Random(1), distance_within=set(main)
    )
    assert abs((inside.average_distance or 0) - nx.average_shortest_path_length(main)) < 1e-9


def test_cut_points_are_networkx_articulation_points_with_what_they_cut_off() -> None:
    ties = nx.Graph([*clique([1, 2, 3, 4]), (4, 5), (5, 6), (6, 7), (6, 8)])
    points = {point.member_id: point.cut_off for point in cut_points(ties)}
    assert set(points) == set(nx.articulation_points(ties))
    assert points == {4: 3, 5: 3, 6: 2}  # without 4: {1,2,3} vs {5..8}
    random_graph = nx.gnm_random_graph(80, 90, seed=2)
    assert {p.member_id for p in cut_points(random_graph)} == set(
        nx.articulation_points(random_graph)
    )


def test_assortativity_and_gini_agree_with_references() -> None:
    ties = nx.gnm_random_graph(50, 120, seed=3)
    kinds = {n: n % 3 for n in ties}
    nx.set_node_attributes(ties, kinds, "kind")
    expected = nx.attribute_assortativity_coefficient(ties, "kind")
    measured = nominal_assortativity(list(ties.edges()), [kinds[n] for n in range(50)])
    assert measured is not None and abs(measured - expected) < 1e-9
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 10]) == 0.75


def test_the_report_is_reproducible_from_the_seed() -> None:
    pairs = clique([1, 2, 3, 4, 5]) + clique([6, 7, 8, 9]) + [(5, 6)]
    graph = network(pairs, {n: "school" if n < 6 else "charity" for n in range(1, 10)})
    assert compute_health(graph, rng=random.Random(5)) == compute_health(
        graph, rng=random.Random(5)
    )
