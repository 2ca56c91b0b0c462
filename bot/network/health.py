"""The health report of one window: size, mixing across organisation types, brokers, silos.

Every figure either holds a value or says why it cannot be computed for this window, so a
tiny, silent or half-described network still gets a report that explains itself.
Fields holding member ids (isolates, brokers, cut points, communities) are facilitator-only.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields

import networkx as nx

from bot.network.brokerage import (
    EXACT_BETWEENNESS_LIMIT,
    PIVOT_TIE_BUDGET,
    BrokerRanking,
    CutPoint,
    choose_pivots,
    cut_points,
    top_brokers,
)
from bot.network.graph import ORG_TYPE, WEIGHT, InteractionGraph, MemberId
from bot.network.indexed import IndexedTies, index_ties, index_weights
from bot.network.louvain import louvain_communities, modularity_and_crossing
from bot.network.measures import (
    blau_index,
    ei_index,
    gini,
    nominal_assortativity,
    normalised_blau,
    shuffled_ei_baseline,
)
from bot.network.shortest_paths import survey_paths

MIN_MEMBERS = 3
LARGE_MIXING_TIES = 50_000
"""Above this many typed ties the E-I baseline averages `LARGE_MIXING_SHUFFLES` shuffles:
with that many ties one shuffle already varies by well under 0.01."""
LARGE_MIXING_SHUFFLES = 3


@dataclass(frozen=True, slots=True)
class CannotCompute:
    """Why a figure is missing from this window's report."""

    reason: str


@dataclass(frozen=True, slots=True)
class CoreMeasure:
    """The innermost k-core: members who each have at least `k` ties inside it."""

    k: int
    size: int


@dataclass(frozen=True, slots=True)
class TypeMixing:
    """E-I index over ties between typed members, against shuffled organisation types."""

    ei_index: float
    baseline: float
    shuffles: int
    typed_ties: int


@dataclass(frozen=True, slots=True)
class Diversity:
    """Blau's index of organisation types, and normalised by its ceiling for `categories`."""

    blau: float
    normalised: float
    categories: int


@dataclass(frozen=True, slots=True)
class CommunityStructure:
    count: int
    sizes: tuple[int, ...]
    modularity: float
    crossing_share: float
    groups: tuple[frozenset[MemberId], ...]  # facilitator-only


@dataclass(frozen=True, slots=True)
class PathLength:
    """Average shortest path between members of the main component (largest tied group)."""

    average: float
    component_size: int
    component_share: float
    estimated: bool
    sources: int


@dataclass(frozen=True, slots=True)
class HealthReport:
    start_iso: str
    end_iso: str
    members: int
    active_members: int
    organisations: int
    organisation_types: dict[str, int]
    members_without_type: int
    density: float | CannotCompute
    isolates: tuple[MemberId, ...]  # facilitator-only
    isolate_share: float | CannotCompute
    peripheral_share: float | CannotCompute
    core: CoreMeasure | CannotCompute
    reciprocity: float | CannotCompute
    participation_gini: float | CannotCompute
    type_mixing: TypeMixing | CannotCompute
    assortativity: float | CannotCompute
    diversity: Diversity | CannotCompute
    brokers: BrokerRanking | CannotCompute  # facilitator-only
    cut_points: tuple[CutPoint, ...] | CannotCompute  # facilitator-only
    communities: CommunityStructure | CannotCompute
    path_length: PathLength | CannotCompute

    def cannot_compute(self) -> dict[str, str]:
        """Each missing figure by name, with the reason."""
        missing: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, CannotCompute):
                missing[item.name] = value.reason
        return missing


def compute_health(
    graph: InteractionGraph,
    *,
    rng: random.Random,
    expected_types: Sequence[str] = (),
    shuffles: int = 10,
    broker_count: int = 5,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    pivots: int | None = None,
) -> HealthReport:
    """Measure the window. `rng` seeds the shuffles, Louvain and pivot sampling.

    `expected_types` are the organisation types the network means to include; they widen
    the Blau ceiling so a network with only some of them does not look fully diverse.
    """
    directed, ties = graph.directed, graph.undirected
    members = ties.number_of_nodes()
    types = _type_counts(graph)
    untyped = members - sum(types.values())
    organisations = len({o for o in (graph.organisation(m) for m in ties) if o is not None})
    isolates = tuple(sorted(node for node, degree in ties.degree() if degree == 0))
    active = [node for node, degree in ties.degree() if degree > 0]
    structure = _structure_blocker(members, ties.number_of_edges())
    louvain_seed = rng.randrange(2**32)
    pivot_rng = random.Random(rng.randrange(2**32))

    report_density: float | CannotCompute = (
        CannotCompute(f"fewer than {MIN_MEMBERS} members")
        if members < MIN_MEMBERS
        else float(nx.density(ties))
    )
    if structure is not None:
        return HealthReport(
            graph.start.isoformat(),
            graph.end.isoformat(),
            members,
            len(active),
            organisations,
            dict(types),
            untyped,
            report_density,
            isolates,
            structure if members < MIN_MEMBERS else len(isolates) / members,
            structure if members < MIN_MEMBERS else 0.0,
            structure,
            structure,
            structure,
            structure,
            structure,
            _diversity(types, expected_types),
            structure,
            structure,
            structure,
            structure,
        )
    typed_edges, labels = _typed_ties(graph)
    if len(typed_edges) > LARGE_MIXING_TIES:
        shuffles = min(shuffles, LARGE_MIXING_SHUFFLES)
    mixing, assortativity = _mixing(typed_edges, labels, untyped, rng, shuffles)
    main = max(nx.connected_components(ties), key=len)  # isolates are singletons: never largest
    chosen = (
        pivots
        if pivots is not None
        else choose_pivots(
            len(active),
            ties.number_of_edges(),
            exact_limit=exact_limit,
            tie_budget=PIVOT_TIE_BUDGET,
        )
    )
    if len(active) <= exact_limit:
        chosen = None
    indexed = (
        index_weights(graph.tie_weights, active)
        if len(graph.tie_weights) == ties.number_of_edges()
        else index_ties(ties, active)
    )
    survey = survey_paths(indexed, pivots=chosen, rng=pivot_rng, distance_within=main)
    average = survey.average_distance
    return HealthReport(
        graph.start.isoformat(),
        graph.end.isoformat(),
        members,
        len(active),
        organisations,
        dict(types),
        untyped,
        report_density,
        isolates,
        len(isolates) / members,
        sum(1 for _, degree in ties.degree() if degree == 1) / members,
        _core(indexed),
        _reciprocity(graph),
        gini([float(sent) for _, sent in directed.out_degree(weight=WEIGHT)]),
        mixing,
        assortativity,
        _diversity(types, expected_types),
        top_brokers(survey, top=broker_count),
        tuple(cut_points(ties)),
        _communities(ties, indexed, louvain_seed),
        CannotCompute("the main component is a single tie")
        if average is None
        else PathLength(average, len(main), len(main) / members, survey.estimated, survey.sources),
    )


def _structure_blocker(members: int, ties: int) -> CannotCompute | None:
    if members < MIN_MEMBERS:
        return CannotCompute(
            f"only {members} member(s) in this window; structure needs at least {MIN_MEMBERS}"
        )
    if ties == 0:
        return CannotCompute("no interactions between members in this window")
    return None


def _type_counts(graph: InteractionGraph) -> Counter[str]:
    return Counter(
        kind for kind in (graph.organisation_type(m) for m in graph.undirected) if kind is not None
    )


def _typed_ties(graph: InteractionGraph) -> tuple[list[tuple[int, int]], list[int]]:
    """Ties whose both ends have a known type, as index pairs, with each index's type code."""
    codes: dict[str, int] = {}
    position: dict[MemberId, int] = {}
    labels: list[int] = []
    for node, kind in graph.undirected.nodes(data=ORG_TYPE):
        if kind is not None:
            position[node] = len(labels)
            labels.append(codes.setdefault(kind, len(codes)))
    edges = [
        (position[left], position[right])
        for left, right in graph.undirected.edges()
        if left in position and right in position
    ]
    return edges, labels


def _mixing(
    edges: list[tuple[int, int]],
    labels: list[int],
    untyped: int,
    rng: random.Random,
    shuffles: int,
) -> tuple[TypeMixing | CannotCompute, float | CannotCompute]:
    if not edges:
        reason = CannotCompute(
            "no ties between members whose organisation type is known"
            + (f" ({untyped} member(s) have no type)" if untyped else "")
        )
        return reason, reason
    mixing = TypeMixing(
        ei_index(edges, labels),
        shuffled_ei_baseline(edges, labels, rng, shuffles),
        shuffles,
        len(edges),
    )
    assortativity = nominal_assortativity(edges, labels)
    if assortativity is None:
        return mixing, CannotCompute("every tie is between members of one organisation type")
    return mixing, assortativity


def _diversity(types: Counter[str], expected: Sequence[str]) -> Diversity | CannotCompute:
    if not types:
        return CannotCompute("no member has an organisation type")
    categories = len(set(types) | set(expected))
    if categories < 2:
        return CannotCompute(
            "only one organisation type is known and no expected types were configured"
        )
    return Diversity(blau_index(types), normalised_blau(types, categories), categories)


def _core(ties: IndexedTies) -> CoreMeasure:
    """The deepest k-core by peeling (Batagelj & Zaversnik, 2003) on integer lists.

    Same numbers as `networkx.core_number` (members without ties sit in core 0 and never
    in the deepest one of a graph with ties), at a fraction of its cost on large windows.
    """
    adjacency = ties.neighbours
    count = len(adjacency)
    degree = [len(around) for around in adjacency]
    top = max(degree, default=0)
    bins = [0] * (top + 1)
    for value in degree:
        bins[value] += 1
    start = 0
    for value in range(top + 1):
        bins[value], start = start, start + bins[value]
    position = [0] * count
    order = [0] * count
    for node, value in enumerate(degree):
        position[node] = bins[value]
        order[position[node]] = node
        bins[value] += 1
    for value in range(top, 0, -1):
        bins[value] = bins[value - 1]
    bins[0] = 0
    for node in order:
        node_degree = degree[node]
        for other in adjacency[node]:
            other_degree = degree[other]
            if other_degree > node_degree:
                first = bins[other_degree]
                first_node = order[first]
                if first_node != other:
                    other_position = position[other]
                    order[other_position], order[first] = first_node, other
                    position[first_node], position[other] = other_position, first
                bins[other_degree] += 1
                degree[other] = other_degree - 1
    deepest = max(degree, default=0)
    return CoreMeasure(deepest, sum(1 for k in degree if k == deepest))


def _reciprocity(graph: InteractionGraph) -> float:
    """Share of directed ties answered by a tie the other way (as `networkx.reciprocity`)."""
    arcs = graph.arc_weights
    if len(arcs) != graph.directed.number_of_edges():
        arcs = {edge: 1.0 for edge in graph.directed.edges()}
    answered = sum(1 for sender, receiver in arcs if (receiver, sender) in arcs)
    return answered / len(arcs)


def _communities(ties: nx.Graph, indexed: IndexedTies, seed: int) -> CommunityStructure:
    groups = louvain_communities(ties, indexed, seed=seed)
    modularity, crossing = modularity_and_crossing(ties, groups)
    ordered = sorted(groups, key=lambda group: (-len(group), min(group)))
    return CommunityStructure(
        len(ordered),
        tuple(len(group) for group in ordered),
        modularity,
        crossing,
        tuple(frozenset(group) for group in ordered),
    )
