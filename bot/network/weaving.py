"""Suggested introductions (network weaving): close open triads across organisation types,
and give members whose ties all stay within their own type a first tie outside it.

At most `per_person_cap` suggestions per member per fortnight, counting those already made
(the caller passes recent counts). Suggestions go to facilitators; the reason sentence is
written to be sent to both members.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

from bot.network.graph import InteractionGraph, MemberId

NEIGHBOURS_CONSIDERED = 200
"""A hub's strongest ties considered when looking for open triads around them."""
OPTIONS_PER_MEMBER = 5
"""Partners of another type offered per member with only same-type ties (before caps).
They rank above a triad closed by one contact with no shared topic: a first tie across
types matters more than another one."""


@dataclass(frozen=True, slots=True)
class Introduction:
    first: MemberId
    second: MemberId
    kind: str  # "open_triad" or "outside_own_type"
    reason: str
    mutual_contacts: tuple[MemberId, ...]
    shared_topics: tuple[str, ...]


def suggest_introductions(
    graph: InteractionGraph,
    *,
    recent_counts: Mapping[MemberId, int],
    per_person_cap: int = 2,
    limit: int | None = None,
) -> list[Introduction]:
    """Best introductions first; nobody appears more often than their remaining allowance."""
    triads = _open_triads(graph)
    covered = {(intro.first, intro.second) for _, intro in triads}
    candidates = triads + [
        item for item in _outside_own_type(graph) if (item[1].first, item[1].second) not in covered
    ]
    candidates.sort(key=lambda item: (-item[0], item[1].first, item[1].second))
    used = dict(recent_counts)
    chosen: list[Introduction] = []
    taken: set[tuple[MemberId, MemberId]] = set()
    for _, intro in candidates:
        key = (intro.first, intro.second)
        if key in taken:
            continue
        if (
            used.get(intro.first, 0) >= per_person_cap
            or used.get(intro.second, 0) >= per_person_cap
        ):
            continue
        chosen.append(intro)
        taken.add(key)
        used[intro.first] = used.get(intro.first, 0) + 1
        used[intro.second] = used.get(intro.second, 0) + 1
        if limit is not None and len(chosen) >= limit:
            break
    return chosen


def _open_triads(graph: InteractionGraph) -> list[tuple[float, Introduction]]:
    """A-B and B-C tied, A-C not, A and C of different known types."""
    ties = graph.undirected
    mutual: dict[tuple[MemberId, MemberId], list[MemberId]] = {}
    for broker in ties:
        around = sorted(ties.adj[broker].items(), key=lambda item: -item[1].get("weight", 1.0))
        neighbours = sorted(member for member, _ in around[:NEIGHBOURS_CONSIDERED])
        for first, second in combinations(neighbours, 2):
            first_type, second_type = (
                graph.organisation_type(first),
                graph.organisation_type(second),
            )
            if first_type is None or second_type is None or first_type == second_type:
                continue
            if ties.has_edge(first, second):
                continue
            mutual.setdefault((first, second), []).append(broker)
    found: list[tuple[float, Introduction]] = []
    for (first, second), brokers in mutual.items():
        topics = tuple(sorted(graph.topics(first) & graph.topics(second)))
        names = [graph.display_name(b) for b in brokers[:2]]
        reason = "You both know " + " and ".join(names)
        if topics:
            reason += f", and you both work on {_listing(topics)}"
        reason += (
            f"; one of you works on the {graph.organisation_type(first)} side, the other on the "
            f"{graph.organisation_type(second)} side, so you see the same questions differently."
        )
        score = len(brokers) + 2.0 * len(topics)
        found.append(
            (score, Introduction(first, second, "open_triad", reason, tuple(brokers), topics))
        )
    return found


def _outside_own_type(graph: InteractionGraph) -> list[tuple[float, Introduction]]:
    """Members whose every tie is to their own type, offered someone of another type,
    preferring shared topics and people they are not yet tied to."""
    ties = graph.undirected
    typed = [m for m in sorted(ties) if graph.organisation_type(m) is not None]
    found: list[tuple[float, Introduction]] = []
    for member in typed:
        own = graph.organisation_type(member)
        neighbours = list(ties.adj[member])
        if not neighbours or any(graph.organisation_type(n) != own for n in neighbours):
            continue
        options = [
            other
            for other in typed
            if graph.organisation_type(other) != own and not ties.has_edge(member, other)
        ]
        options.sort(key=lambda other: (-len(graph.topics(member) & graph.topics(other)), other))
        for other in options[:OPTIONS_PER_MEMBER]:
            topics = tuple(sorted(graph.topics(member) & graph.topics(other)))
            reason = (
                f"You both work on {_listing(topics)}, from different kinds of organisation "
                f"({own} and {graph.organisation_type(other)})."
                if topics
                else f"You work in different kinds of organisation ({own} and "
                f"{graph.organisation_type(other)}) and might each see what the other misses."
            )
            first, second = sorted((member, other))
            found.append(
                (
                    1.5 + 2.0 * len(topics),
                    Introduction(first, second, "outside_own_type", reason, (), topics),
                )
            )
    return found


def _listing(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
