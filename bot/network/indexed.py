"""Tied members as integer adjacency lists, built once and shared by the heavy measures.

Python walks lists of ints several times faster than networkx's dict-of-dicts, which is what
keeps a 20,000-member window within the report's time budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from bot.network.graph import WEIGHT, MemberId


@dataclass(frozen=True, slots=True)
class IndexedTies:
    nodes: list[MemberId]
    neighbours: list[list[int]]
    weights: list[list[float]]


def index_ties(ties: nx.Graph, members: Sequence[MemberId]) -> IndexedTies:
    """Adjacency of `members`, which must include every neighbour of every member listed."""
    nodes = list(members)
    index = {node: position for position, node in enumerate(nodes)}
    adjacency = ties.adj
    neighbours: list[list[int]] = []
    weights: list[list[float]] = []
    for node in nodes:
        around = adjacency[node]
        neighbours.append([index[other] for other in around])
        weights.append([data.get(WEIGHT, 1.0) for data in around.values()])
    return IndexedTies(nodes, neighbours, weights)


def index_weights(
    tie_weights: Mapping[tuple[MemberId, MemberId], float], members: Sequence[MemberId]
) -> IndexedTies:
    """As `index_ties`, straight from the undirected weight counts (no networkx walk).

    Neighbours come in the order the ties were counted, which is the order networkx keeps
    them in, so both builds give identical lists and identical results downstream.
    """
    nodes = list(members)
    index = {node: position for position, node in enumerate(nodes)}
    neighbours: list[list[int]] = [[] for _ in nodes]
    weights: list[list[float]] = [[] for _ in nodes]
    for (left, right), weight in tie_weights.items():
        a, b = index[left], index[right]
        neighbours[a].append(b)
        weights[a].append(weight)
        neighbours[b].append(a)
        weights[b].append(weight)
    return IndexedTies(nodes, neighbours, weights)
