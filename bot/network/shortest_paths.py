"""One breadth-first pass per source gives both brokerage and distance (Brandes, 2001).

networkx computes betweenness and average path length in two separate O(n·m) passes over
dict-of-dicts; on a 2,000-member window that is about a minute. Running Brandes once on
integer adjacency lists yields both figures from the same searches, exactly when every
member is a source and as a seeded sample of pivot sources (Brandes & Pich, 2007) above.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from bot.network.batched_paths import CELL_BUDGET, batched_survey
from bot.network.dense_paths import dense_survey
from bot.network.graph import MemberId
from bot.network.indexed import IndexedTies

DENSE_MEMBERS = (100, 2000)
"""Member counts where the matrix form may run: below, both take milliseconds; above, the
dense adjacency outgrows memory and its cube outgrows the per-tie walk."""
DENSE_ADVANTAGE = 2000
"""The matrix form beats the walk when levels x members^2 < this x ties (measured: one level
of the matrix form costs about 1e-10 s per members^3, one tie visit of the walk 2.5e-7 s per
member)."""
DENSE_CUBE_SECONDS = 2e-10
"""Matrix form, per level per members^3 (measured 1e-10 to 6e-10 s; small windows cost more)."""
WALK_ARC_SECONDS = 1e-7
"""Python walk, per tie end per source (measured 0.9e-7 to 1.4e-7 s)."""
BATCHED_ARC_SECONDS = 1.5e-8
"""Batched numpy form, per tie end per source (measured 0.5e-8 to 2.5e-8 s)."""
BATCHED_LEVEL_SECONDS = 5e-5
"""Batched numpy form, per level per block of sources: its fixed numpy calls (measured
2.5e-5 s on thin networks to 5e-5 s with full blocks); it loses on rings and long chains."""
BATCHED_MIN_MEMBERS = 50
"""Below this the walk takes about a millisecond: not worth estimating the levels."""

Method = Literal["dense", "batched", "walk"]


@dataclass(frozen=True, slots=True)
class PathSurvey:
    """Betweenness shares (fraction of other pairs' shortest paths) and distances seen."""

    betweenness: dict[MemberId, float]
    sources: int
    estimated: bool
    distance_total: int
    distance_pairs: int

    @property
    def average_distance(self) -> float | None:
        return self.distance_total / self.distance_pairs if self.distance_pairs else None


def survey_paths(
    ties: IndexedTies,
    *,
    pivots: int | None,
    rng: random.Random,
    distance_within: set[MemberId] | None = None,
) -> PathSurvey:
    """Brandes from every member (`pivots=None`) or from `pivots` sampled members.

    Distances are summed only from sources inside `distance_within` (the main component),
    so the average path length describes the part of the network most people are in.
    """
    nodes = ties.nodes
    count = len(nodes)
    adjacency = ties.neighbours
    if pivots is None or pivots >= count:
        sources = list(range(count))
        estimated = False
    else:
        sources = rng.sample(range(count), pivots)
        estimated = True
    inside = None if distance_within is None else [node in distance_within for node in nodes]
    method = _method(adjacency, inside, len(sources))
    if method != "walk":
        survey = dense_survey if method == "dense" else batched_survey
        centrality, distance_total, distance_pairs = survey(adjacency, sources, inside)
        return _survey(nodes, centrality, sources, estimated, distance_total, distance_pairs)
    centrality = [0.0] * count
    distance_total = 0
    distance_pairs = 0
    for source in sources:
        dependency, reached, depth_sum = _accumulate(adjacency, source, count)
        for node, value in dependency:
            centrality[node] += value
        if inside is None or inside[source]:
            distance_total += depth_sum
            distance_pairs += reached - 1
    return _survey(nodes, centrality, sources, estimated, distance_total, distance_pairs)


def _survey(
    nodes: list[MemberId],
    centrality: list[float],
    sources: list[int],
    estimated: bool,
    distance_total: int,
    distance_pairs: int,
) -> PathSurvey:
    count = len(nodes)
    scale = 0.0
    if count > 2 and sources:
        scale = (count / len(sources)) / ((count - 1) * (count - 2))
    betweenness = {nodes[position]: value * scale for position, value in enumerate(centrality)}
    return PathSurvey(betweenness, len(sources), estimated, distance_total, distance_pairs)


def _method(adjacency: list[list[int]], inside: list[bool] | None, sources: int) -> Method:
    """The cheapest form here by the measured costs above.

    Both array forms cost something per breadth-first level, so the number of levels is
    estimated by a double sweep (farthest member from a main-component member, then the
    farthest from that one), a tight lower bound on the diameter in social networks; the two
    sweeps cost about two sources of the walk.
    """
    count = len(adjacency)
    if count < BATCHED_MIN_MEMBERS or not sources:
        return "walk"
    levels = _levels(adjacency, inside)
    arcs = sum(len(around) for around in adjacency)
    block = max(1, CELL_BUDGET // (count + arcs))
    walk = sources * arcs * WALK_ARC_SECONDS
    batched = sources * arcs * BATCHED_ARC_SECONDS
    batched += -(-sources // block) * levels * BATCHED_LEVEL_SECONDS
    if _dense_fits(count, sources, levels, arcs):
        dense = levels * count**3 * DENSE_CUBE_SECONDS
        if dense < batched:
            return "dense"
    return "batched" if batched < walk else "walk"


def _dense_pays(adjacency: list[list[int]], inside: list[bool] | None, sources: int) -> bool:
    """Whether every source at once in matrix form beats the per-source walk here (`_method`
    also weighs it against the batched form, which usually wins on sparse windows)."""
    count = len(adjacency)
    arcs = sum(len(around) for around in adjacency)
    return _dense_fits(count, sources, _levels(adjacency, inside), arcs)


def _dense_fits(count: int, sources: int, levels: int, arcs: int) -> bool:
    """The matrix form needs every member as a source and a window it fits in memory."""
    if not DENSE_MEMBERS[0] <= count <= DENSE_MEMBERS[1] or sources < count:
        return False
    return levels * count * count < DENSE_ADVANTAGE * arcs // 2


def _levels(adjacency: list[list[int]], inside: list[bool] | None) -> int:
    count = len(adjacency)
    # Without the main component, the best-tied member is almost surely in it.
    start = next(
        (node for node, within in enumerate(inside or []) if within),
        max(range(count), key=lambda node: len(adjacency[node]), default=0),
    )
    far, _ = _farthest(adjacency, start, count)
    return _farthest(adjacency, far, count)[1]


def _farthest(adjacency: list[list[int]], source: int, count: int) -> tuple[int, int]:
    depth = [-1] * count
    depth[source] = 0
    order = [source]
    for node in order:
        for other in adjacency[node]:
            if depth[other] < 0:
                depth[other] = depth[node] + 1
                order.append(other)
    return order[-1], depth[order[-1]]


def _accumulate(
    adjacency: list[list[int]], source: int, count: int
) -> tuple[list[tuple[int, float]], int, int]:
    """One source's dependencies (non-zero only), how many it reached, and their depth sum."""
    depth = [-1] * count
    paths = [0] * count
    depth[source] = 0
    paths[source] = 1
    order = [source]
    depth_sum = 0
    for node in order:  # the list grows while we walk it: a queue without pops
        next_depth = depth[node] + 1
        node_paths = paths[node]
        for other in adjacency[node]:
            other_depth = depth[other]
            if other_depth < 0:
                depth[other] = next_depth
                depth_sum += next_depth
                order.append(other)
                paths[other] = node_paths
            elif other_depth == next_depth:
                paths[other] += node_paths
    delta = [0.0] * count
    found: list[tuple[int, float]] = []
    for node in reversed(order):
        next_depth = depth[node] + 1
        node_paths = paths[node]
        total = 0.0
        for other in adjacency[node]:
            if depth[other] == next_depth:
                total += (1.0 + delta[other]) / paths[other]
        if total:
            value = total * node_paths
            delta[node] = value
            if node != source:
                found.append((node, value))
    return found, len(order), depth_sum
