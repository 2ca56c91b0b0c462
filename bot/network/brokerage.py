"""Who holds the network together: brokers by betweenness, and members whose absence splits it.

Facilitator-only: these name individuals (DOMAIN.md, Privacy).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from bot.network.graph import MemberId
from bot.network.shortest_paths import PathSurvey

EXACT_BETWEENNESS_LIMIT = 2000
"""Above this many tied members betweenness is estimated from sampled pivots."""
PIVOT_TIE_BUDGET = 4_000_000
"""Tie visits spent on sampled pivots: about 13 pivots (1.5 s) at 300,000 ties, 130 at 30,000."""


@dataclass(frozen=True, slots=True)
class Broker:
    """A member and the share of shortest paths between other members that pass through them."""

    member_id: MemberId
    share: float


@dataclass(frozen=True, slots=True)
class BrokerRanking:
    brokers: tuple[Broker, ...]
    estimated: bool
    pivots: int | None


@dataclass(frozen=True, slots=True)
class CutPoint:
    """A member whose absence splits their component; `cut_off` members lose the main part."""

    member_id: MemberId
    cut_off: int


def choose_pivots(members: int, ties: int, *, exact_limit: int, tie_budget: int) -> int | None:
    """None (every member a source) up to `exact_limit`; above, as many pivots as the budget
    of tie visits allows, at least 16 and at most 500, so large windows stay within seconds."""
    if members <= exact_limit:
        return None
    return max(16, min(500, tie_budget // max(ties, 1)))


def top_brokers(survey: PathSurvey, *, top: int) -> BrokerRanking:
    """The `top` members by betweenness share, strongest first (ties broken by id)."""
    ranked = sorted(survey.betweenness.items(), key=lambda item: (-item[1], item[0]))[:top]
    return BrokerRanking(
        tuple(Broker(member, share) for member, share in ranked if share > 0),
        survey.estimated,
        survey.sources if survey.estimated else None,
    )


def cut_points(ties: nx.Graph) -> list[CutPoint]:
    """Articulation points with how many members each would cut off (one DFS, O(ties)).

    Removing a cut point leaves pieces; every member outside the largest piece is cut off.
    networkx lists articulation points but not what they hold together, and in a sparse
    network nearly everyone with a one-tie contact is one, so the size is what matters.
    """
    adjacency = ties.adj
    discovered: dict[MemberId, int] = {}
    low: dict[MemberId, int] = {}
    size: dict[MemberId, int] = {}
    found: list[CutPoint] = []
    clock = 0
    for root in ties:
        if root in discovered:
            continue
        clock += 1
        discovered[root] = low[root] = clock
        size[root] = 1
        separated: dict[MemberId, list[int]] = {}
        stack: list[tuple[MemberId, MemberId | None, Iterator[MemberId]]] = [
            (root, None, iter(adjacency[root]))
        ]
        while stack:
            node, parent, neighbours = stack[-1]
            descended = False
            for neighbour in neighbours:
                if neighbour == parent:
                    continue
                if neighbour in discovered:
                    low[node] = min(low[node], discovered[neighbour])
                    continue
                clock += 1
                discovered[neighbour] = low[neighbour] = clock
                size[neighbour] = 1
                stack.append((neighbour, node, iter(adjacency[neighbour])))
                descended = True
                break
            if descended:
                continue
            stack.pop()
            if parent is None:
                continue
            low[parent] = min(low[parent], low[node])
            size[parent] += size[node]
            if low[node] >= discovered[parent]:
                separated.setdefault(parent, []).append(size[node])
        component = size[root]
        for node, pieces in separated.items():
            if node == root and len(pieces) < 2:
                continue
            rest = component - 1 - sum(pieces)
            largest = max(*pieces, rest)
            found.append(CutPoint(node, component - 1 - largest))
    found.sort(key=lambda point: (-point.cut_off, point.member_id))
    return found
