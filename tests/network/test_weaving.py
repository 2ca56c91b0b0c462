from __future__ import annotations

from collections import Counter

from bot.network.graph import MemberProfile, build_graph
from bot.network.weaving import suggest_introductions
from tests.network.helpers import END, START, both_ways


def two_sided_network() -> object:
    members = [
        MemberProfile(1, "a", "school", frozenset({"reading"}), "Ana"),
        MemberProfile(2, "b", "school", frozenset(), "Bo"),
        MemberProfile(3, "c", "university", frozenset({"reading"}), "Cy"),
        MemberProfile(4, "d", "charity", frozenset(), "Di"),
        MemberProfile(5, "e", "school", frozenset(), "Ed"),
        MemberProfile(6, "f", "school", frozenset(), "Fi"),
    ]
    pairs = [(1, 2), (2, 3), (2, 4), (5, 6)]
    return build_graph(both_ways(pairs), members, start=START, end=END)


def test_an_open_triad_across_types_is_suggested_with_a_reason_for_both() -> None:
    graph = two_sided_network()
    intros = suggest_introductions(graph, recent_counts={})  # type: ignore[arg-type]
    triad = next(i for i in intros if (i.first, i.second) == (1, 3))
    assert triad.kind == "open_triad"
    assert "You both know Bo" in triad.reason and "both work on reading" in triad.reason
    assert all((i.first, i.second) != (1, 2) for i in intros)  # already tied


def test_members_with_only_same_type_ties_get_someone_of_another_type() -> None:
    intros = suggest_introductions(two_sided_network(), recent_counts={})  # type: ignore[arg-type]
    outside = [i for i in intros if i.kind == "outside_own_type"]
    assert {5, 6} & {m for i in outside for m in (i.first, i.second)}


def test_nobody_gets_more_than_the_cap_counting_recent_suggestions() -> None:
    graph = two_sided_network()
    intros = suggest_introductions(graph, recent_counts={3: 2, 1: 1})  # type: ignore[arg-type]
    counts = Counter(m for i in intros for m in (i.first, i.second))
    assert 3 not in counts
    assert counts[1] <= 1
    assert all(count <= 2 for count in counts.values())
