"""The fast paths of the health report give networkx's answers: the list-based k-core, the
integer adjacency built straight from the counts, Brandes as matrix products, lean Louvain."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import networkx as nx

from bot.network.graph import Interaction, MemberProfile, build_graph
from bot.network.health import _core
from bot.network.indexed import index_ties, index_weights
from bot.network.louvain import louvain_communities, modularity_and_crossing
from bot.network.shortest_paths import _dense_pays, survey_paths

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_list_k_core_matches_networkx_core_number() -> None:
    for seed in range(60):
        rng = random.Random(seed)
        graph = nx.gnm_random_graph(rng.randint(3, 60), rng.randint(1, 200), seed=seed)
        active = [node for node, degree in graph.degree() if degree > 0]
        numbers = nx.core_number(graph)
        deepest = max(numbers.values())
        core = _core(index_ties(graph, active))
        assert (core.k, core.size) == (deepest, sum(1 for k in numbers.values() if k == deepest))


def test_adjacency_from_counts_equals_the_networkx_walk() -> None:
    rng = random.Random(7)
    profiles = [MemberProfile(i) for i in range(40)]
    records = [
        Interaction(rng.randrange(40), rng.randrange(40), "reply", START + timedelta(hours=h))
        for h in range(400)
    ]
    graph = build_graph(records, profiles, start=START, end=START + timedelta(days=30))
    active = [node for node, degree in graph.undirected.degree() if degree > 0]
    assert index_weights(graph.tie_weights, active) == index_ties(graph.undirected, active)
    assert nx.reciprocity(graph.directed) == sum(
        1 for a, b in graph.arc_weights if (b, a) in graph.arc_weights
    ) / len(graph.arc_weights)


def test_matrix_brandes_gives_networkx_brokers_and_distances() -> None:
    for seed, (members, ties) in enumerate([(150, 3000), (300, 6000), (400, 2500)]):
        graph = nx.gnm_random_graph(members, ties, seed=seed)
        graph.add_edges_from([(members, members + 1), (members + 1, members + 2)])  # a side piece
        active = [node for node, degree in graph.degree() if degree > 0]
        indexed = index_ties(graph, active)
        main = max(nx.connected_components(graph), key=len)
        inside = [node in main for node in active]
        assert _dense_pays(indexed.neighbours, inside, len(active))  # many ties, few levels
        assert not _dense_pays(indexed.neighbours, inside, len(active) - 1)  # sampled pivots
        survey = survey_paths(indexed, pivots=None, rng=random.Random(1), distance_within=main)
        expected = nx.betweenness_centrality(graph.subgraph(active))
        assert all(abs(survey.betweenness[node] - expected[node]) < 1e-12 for node in active)
        assert (
            abs(
                (survey.average_distance or 0)
                - nx.average_shortest_path_length(graph.subgraph(main))
            )
            < 1e-12
        )


def test_a_long_thin_network_keeps_the_per_member_walk() -> None:
    ring = index_ties(nx.cycle_graph(300), list(range(300)))
    assert not _dense_pays(ring.neighbours, None, 300)  # 150 levels of 300 x 300 products


def test_lean_louvain_finds_planted_groups_as_networkx_does() -> None:
    graph = nx.planted_partition_graph(6, 50, 0.3, 0.01, seed=3)
    nx.set_edge_attributes(graph, 1.0, "weight")
    indexed = index_ties(graph, list(graph))
    lean = louvain_communities(graph, indexed, seed=4)  # 300 tied members: the lean copy
    reference = nx.community.louvain_communities(graph, weight="weight", seed=4)
    planted = [set(range(start, start + 50)) for start in range(0, 300, 50)]
    assert sorted(map(sorted, lean)) == sorted(map(sorted, planted))
    assert (
        abs(modularity_and_crossing(graph, lean)[0] - nx.community.modularity(graph, reference))
        < 0.01
    )
