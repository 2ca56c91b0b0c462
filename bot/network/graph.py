"""The interaction graph of one window: who reached whom, how often, with member attributes.

Health, alerts and weaving all read the same graph, so it is built once per window here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import networkx as nx

MemberId = int
"""Members are identified by their storage id; names are resolved by the caller."""

ORG = "organisation"
ORG_TYPE = "organisation_type"
TOPICS = "topics"
NAME = "name"
WEIGHT = "weight"


@dataclass(frozen=True, slots=True)
class Interaction:
    """One reply, mention, reaction, meeting or "I learnt from" answer; no text is kept."""

    from_member: MemberId
    to_member: MemberId
    kind: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MemberProfile:
    """What the analytics may know about a member; organisation fields may be unknown."""

    member_id: MemberId
    organisation: str | None = None
    organisation_type: str | None = None
    topics: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None


@dataclass(frozen=True, slots=True)
class InteractionGraph:
    """A window's directed weighted graph and its undirected view (weights summed)."""

    directed: nx.DiGraph
    undirected: nx.Graph
    start: datetime
    end: datetime
    # The same counts as plain dicts, kept so the heavy measures need not walk networkx:
    # directed (sender, receiver) and undirected (low id, high id) weights, in edge order.
    arc_weights: dict[tuple[MemberId, MemberId], float] = field(default_factory=dict)
    tie_weights: dict[tuple[MemberId, MemberId], float] = field(default_factory=dict)

    @property
    def members(self) -> list[MemberId]:
        return sorted(self.directed.nodes)

    def organisation_type(self, member: MemberId) -> str | None:
        value: str | None = self.directed.nodes[member].get(ORG_TYPE)
        return value

    def organisation(self, member: MemberId) -> str | None:
        value: str | None = self.directed.nodes[member].get(ORG)
        return value

    def topics(self, member: MemberId) -> frozenset[str]:
        value: frozenset[str] = self.directed.nodes[member].get(TOPICS, frozenset())
        return value

    def display_name(self, member: MemberId) -> str:
        name: str | None = self.directed.nodes[member].get(NAME)
        return name if name else f"member {member}"


def build_graph(
    interactions: Iterable[Interaction],
    members: Iterable[MemberProfile],
    *,
    start: datetime,
    end: datetime,
    kind_weights: Mapping[str, float] | None = None,
) -> InteractionGraph:
    """Count interactions in `[start, end)` into weighted edges among the given members.

    The undirected view sums the traffic both ways into one tie.
    Every listed member is a node even without interactions (that is what makes an isolate).
    Interactions with someone not listed (a member who has left) are dropped, and so are
    self-interactions: neither says anything about ties between current members.
    `kind_weights` lets a reply count more than a reaction; unknown kinds count 1.
    """
    directed = nx.DiGraph()
    for profile in members:
        directed.add_node(
            profile.member_id,
            **{
                ORG: profile.organisation,
                ORG_TYPE: profile.organisation_type,
                TOPICS: profile.topics,
                NAME: profile.name,
            },
        )
    counts: dict[tuple[MemberId, MemberId], float] = {}
    weights = kind_weights or {}
    nodes = directed.nodes
    for item in interactions:
        sender, receiver = item.from_member, item.to_member
        if sender == receiver or not (start <= item.at < end):
            continue
        if sender not in nodes or receiver not in nodes:
            continue
        key = (sender, receiver)
        counts[key] = counts.get(key, 0.0) + weights.get(item.kind, 1.0)
    # Filling networkx's adjacency dicts directly is what `add_weighted_edges_from` does,
    # without building an attribute dict per call; it halves the build on large windows.
    successors, predecessors = directed._succ, directed._pred
    for (sender, receiver), weight in counts.items():
        successors[sender][receiver] = predecessors[receiver][sender] = {WEIGHT: weight}
    undirected = nx.Graph()
    undirected.add_nodes_from(directed.nodes(data=True))
    summed: dict[tuple[MemberId, MemberId], float] = {}
    for (sender, receiver), weight in counts.items():
        key = (sender, receiver) if sender < receiver else (receiver, sender)
        summed[key] = summed.get(key, 0.0) + weight
    adjacency = undirected._adj
    for (a, b), weight in summed.items():
        adjacency[a][b] = adjacency[b][a] = {WEIGHT: weight}
    nx._clear_cache(directed)
    nx._clear_cache(undirected)
    return InteractionGraph(directed, undirected, start, end, counts, summed)
