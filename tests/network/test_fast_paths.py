"""The fast paths of the health report give networkx's answers: the list-based k-core, and
the integer adjacency built straight from the counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import networkx as nx

from bot.network.graph import Interaction, MemberProfile, build_graph
from bot.network.health import _core
from bot.network.indexed import index_ties, index_weights

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
