"""Tied members as integer adjacency lists, built once and shared by the heavy measures.

Python walks lists of ints several times faster than networkx's dict-of-dicts, which is what
keeps a 20,000-member window within the report's time budget.
"""

from __future__ import annotations

from collections.abc import Sequence
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
