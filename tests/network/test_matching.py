from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.network.matching import NOBODY_ALLOWED, form_subgroups
from bot.network.pair_weights import Candidate, Strategy

TYPES = ["school", "university", "charity", None]


@st.composite
def pools(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(min_value=0, max_value=24))
    ids = list(range(count))
    pool = []
    for member in ids:
        avoid = draw(st.sets(st.sampled_from(ids), max_size=4)) if ids else set()
        pool.append(
            Candidate(
                member,
                draw(st.sampled_from(["o1", "o2", "o3", None])),
                draw(st.sampled_from(TYPES)),
                frozenset(draw(st.sets(st.sampled_from(["a", "b", "c"]), max_size=2))),
                frozenset(avoid - {member}),
            )
        )
    return pool


def avoid_pairs(pool: list[Candidate]) -> set[frozenset[int]]:
    return {frozenset((c.member_id, other)) for c in pool for other in c.avoid}


@settings(max_examples=100, deadline=None)
@given(
    pool=pools(),
    size=st.integers(min_value=2, max_value=5),
    strategy=st.sampled_from(list(Strategy)),
    seed=st.integers(0, 1000),
    exact=st.booleans(),
)
def test_never_breaks_an_avoid_list_and_accounts_for_everyone(
    pool: list[Candidate], size: int, strategy: Strategy, seed: int, exact: bool
) -> None:
    result = form_subgroups(
        pool, size=size, strategy=strategy, seed=seed, exact_limit=400 if exact else 0
    )
    forbidden = avoid_pairs(pool)
    placed = Counter(m for group in result.groups for m in group)
    for group in result.groups:
        assert 2 <= len(group) <= 5
        assert not any(frozenset((a, b)) in forbidden for a in group for b in group if a != b)
    unplaced = {u.member_id for u in result.unplaced}
    assert all(count == 1 for count in placed.values())
    assert set(placed) | unplaced == {c.member_id for c in pool}
    assert not set(placed) & unplaced
    assert all(u.reason for u in result.unplaced)
    if not forbidden and len(pool) >= 2:
        assert not unplaced  # nobody is left out without a reason


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=2, max_value=60).filter(lambda n: n % 2), seed=st.integers(0, 99)
)
def test_odd_pools_of_pairs_make_exactly_one_trio(count: int, seed: int) -> None:
    pool = [Candidate(m, f"o{m}", TYPES[m % 3]) for m in range(count)]
    for exact_limit in (400, 0):
        result = form_subgroups(pool, seed=seed, exact_limit=exact_limit)
        sizes = Counter(len(group) for group in result.groups)
        assert sizes[3] == 1 and set(sizes) <= {2, 3}
        assert sum(len(g) for g in result.groups) == count


def test_the_trio_avoids_a_two_versus_one_split_when_the_pool_allows() -> None:
    pool = [
        Candidate(1, "a", "school"),
        Candidate(2, "b", "university"),
        Candidate(3, "c", "charity"),
        Candidate(4, "d", "school"),
        Candidate(5, "e", "university"),
    ]
    result = form_subgroups(pool, seed=3)
    [trio] = [g for g in result.groups if len(g) == 3]
    kinds = {c.member_id: c.organisation_type for c in pool}
    assert len({kinds[m] for m in trio}) == 3


def test_someone_on_everyones_avoid_list_is_explained_not_dropped() -> None:
    pool = [Candidate(m, f"o{m}", "school", avoid=frozenset({9})) for m in range(4)]
    pool.append(Candidate(9, "o9", "charity"))
    result = form_subgroups(pool, seed=1)
    assert [(u.member_id, u.reason) for u in result.unplaced] == [(9, NOBODY_ALLOWED)]
    assert "don't-pair" in NOBODY_ALLOWED and "9" not in NOBODY_ALLOWED


def test_bad_sizes_and_tiny_pools_are_explained() -> None:
    assert (
        "between 2 and 5"
        in form_subgroups([Candidate(1), Candidate(2)], size=6, seed=1).unplaced[0].reason
    )
    assert "fewer than two" in form_subgroups([Candidate(1)], seed=1).unplaced[0].reason


def test_diverse_prefers_other_types_and_other_organisations() -> None:
    pool = [
        Candidate(1, "x", "school"),
        Candidate(2, "x", "university"),
        Candidate(3, "y", "school"),
        Candidate(4, "z", "university"),
    ]
    assert form_subgroups(pool, seed=1).groups == ((1, 4), (2, 3))


def test_no_pair_repeats_over_rounds_while_fresh_partners_exist() -> None:
    pool = [Candidate(m, f"o{m}", TYPES[m % 3], frozenset({"t"})) for m in range(20)]
    for strategy in (Strategy.DIVERSE, Strategy.RANDOM, Strategy.SIMILAR):
        history: list[tuple[tuple[int, ...], ...]] = []
        for week in range(12):
            result = form_subgroups(pool, seed=week, strategy=strategy, history=history)
            assert result.repeated_pairs == 0, (strategy, week)
            history.append(result.groups)


def test_stable_keeps_last_rounds_pods_for_those_still_available() -> None:
    pool = [Candidate(m, f"o{m}", TYPES[m % 3]) for m in range(9)]
    first = form_subgroups(pool, size=3, seed=1)
    again = form_subgroups(
        pool[:8], size=3, seed=2, strategy=Strategy.STABLE, history=[first.groups]
    )
    kept = [g for g in first.groups if 8 not in g]
    assert all(group in again.groups for group in kept)
    assert sum(len(g) for g in again.groups) == 8


def test_pods_of_four_split_nine_into_five_and_four() -> None:
    pool = [Candidate(m, f"o{m}", TYPES[m % 3]) for m in range(9)]
    sizes = sorted(len(g) for g in form_subgroups(pool, size=4, seed=1).groups)
    assert sizes == [4, 5]
