"""Small hand-made networks for the network tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.network.graph import Interaction, InteractionGraph, MemberProfile, build_graph

START = datetime(2026, 3, 1, tzinfo=UTC)
END = START + timedelta(days=30)


def both_ways(pairs: Iterable[tuple[int, int]]) -> list[Interaction]:
    moment = START + timedelta(days=1)
    found: list[Interaction] = []
    for left, right in pairs:
        found.append(Interaction(left, right, "reply", moment))
        found.append(Interaction(right, left, "reply", moment))
    return found


def network(
    pairs: Iterable[tuple[int, int]],
    types: dict[int, str | None],
    orgs: dict[int, str] | None = None,
) -> InteractionGraph:
    members = [
        MemberProfile(member, (orgs or {}).get(member, f"org-{member}"), kind)
        for member, kind in types.items()
    ]
    return build_graph(both_ways(pairs), members, start=START, end=END)


def clique(members: list[int]) -> list[tuple[int, int]]:
    return [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
