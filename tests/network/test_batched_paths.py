"""Brandes in batched numpy form gives the walk's and networkx's exact figures: betweenness,
distance totals and pair counts, on any network (split, with isolates, sampled sources)."""

from __future__ import annotations

import random

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.network.batched_paths import batched_survey
from bot.network.dense_paths import dense_survey
from bot.network.indexed import index_ties
from bot.network.shortest_paths import _accumulate, _method, survey_paths

Figures = tuple[list[float], int, int]


def walk(adjacency: list[list[int]], sources: list[int], inside: list[bool] | None) -> Figures:
    """The per-source Python walk, as survey_paths runs it."""
    count = len(adjacency)
    centrality = [0.0] * count
    distance_total = distance_pairs = 0
    for source in sources:
        dependency, reached, depth_sum = _accumulate(adjacency, source, count)
        for node, value in dependency:
            centrality[node] += value
        if inside is None or inside[source]:
            distance_total += depth_sum
            distance_pairs += reached - 1
    return centrality, distance_total, distance_pairs


def assert_same(found: Figures, expected: Figures) -> None:
    assert found[1:] == expected[1:]
    for got, want in zip(found[0], expected[0], strict=True):
        assert abs(got - want) <= 1e-9 * max(abs(want), 1.0)


@st.composite
def networks(draw: st.DrawFn) -> tuple[nx.Graph, list[int], bool, int]:
    """A small network, often split and with isolates; sources all or a sample; a block size."""
    members = draw(st.integers(1, 40))
    member = st.integers(0, members - 1)
    graph = nx.Graph()
    graph.add_nodes_from(range(members))
    graph.add_edges_from(
        (a, b) for a, b in draw(st.lists(st.tuples(member, member), max_size=90)) if a != b
    )
    everyone = list(range(members))
    sources = draw(st.one_of(st.just(everyone), st.lists(member, unique=True)))
    return graph, sources, draw(st.booleans()), draw(st.integers(1, 400))


@settings(max_examples=300, deadline=None)
@given(networks())
def test_batched_brandes_equals_the_walk(case: tuple[nx.Graph, list[int], bool, int]) -> None:
    graph, sources, main_only, cells = case
    adjacency = index_ties(graph, list(graph)).neighbours
    main = max(nx.connected_components(graph), key=len)
    inside = [node in main for node in graph] if main_only else None
    found = batched_survey(adjacency, sources, inside, cells=cells)  # small cells: many blocks
    assert_same(found, walk(adjacency, sources, inside))


def test_batched_brandes_gives_networkx_figures_on_a_split_community_network() -> None:
    graph = nx.planted_partition_graph(12, 50, 0.12, 0.004, seed=5)
    graph.add_edges_from([(600, 601), (601, 602), (603, 604)])  # side pieces
    graph.add_node(605)  # an isolate
    nodes = list(graph)
    adjacency = index_ties(graph, nodes).neighbours
    main = max(nx.connected_components(graph), key=len)
    inside = [node in main for node in nodes]
    assert _method(adjacency, inside, len(nodes)) == "batched"
    centrality, distance_total, distance_pairs = batched_survey(adjacency, nodes, inside)
    expected = nx.betweenness_centrality(graph, normalized=False)  # halved: pairs unordered
    for position, node in enumerate(nodes):
        assert abs(centrality[position] / 2 - expected[node]) <= 1e-9 * max(expected[node], 1.0)
    lengths = [
        length
        for source in main
        for length in nx.single_source_shortest_path_length(graph, source).values()
        if length
    ]
    assert (distance_total, distance_pairs) == (sum(lengths), len(lengths))


def test_every_form_agrees_where_the_matrix_form_runs() -> None:
    graph = nx.gnm_random_graph(150, 3000, seed=0)
    graph.add_edges_from([(150, 151), (151, 152)])
    nodes = list(graph)
    adjacency = index_ties(graph, nodes).neighbours
    main = max(nx.connected_components(graph), key=len)
    inside = [node in main for node in nodes]
    assert _method(adjacency, inside, len(nodes)) == "dense"
    expected = walk(adjacency, nodes, inside)
    assert_same(batched_survey(adjacency, nodes, inside), expected)
    assert_same(dense_survey(adjacency, nodes, inside), expected)


def test_sampled_pivots_take_the_batched_form_and_keep_the_walks_answer() -> None:
    graph = nx.planted_partition_graph(8, 40, 0.15, 0.005, seed=2)
    nodes = list(graph)
    indexed = index_ties(graph, nodes)
    assert _method(indexed.neighbours, None, 40) == "batched"
    survey = survey_paths(indexed, pivots=40, rng=random.Random(3))
    sources = random.Random(3).sample(range(len(nodes)), 40)
    centrality, distance_total, distance_pairs = walk(indexed.neighbours, sources, None)
    scale = (len(nodes) / 40) / ((len(nodes) - 1) * (len(nodes) - 2))
    assert (survey.distance_total, survey.distance_pairs, survey.sources, survey.estimated) == (
        distance_total,
        distance_pairs,
        40,
        True,
    )
    assert all(
        abs(survey.betweenness[node] - value * scale) <= 1e-12
        for node, value in zip(nodes, centrality, strict=True)
    )


def test_long_chains_keep_the_walk() -> None:
    ring = index_ties(nx.cycle_graph(2000), list(range(2000))).neighbours
    assert _method(ring, None, 2000) == "walk"  # 1,000 levels per block of sources
