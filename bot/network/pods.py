"""Members into groups of 3-5: greedy placement, then member swaps while the total improves.

Exact grouping is NP-hard; for the pool sizes of a container (tens to hundreds) swap search
from a good start lands close to the best grouping in well under a second.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.network.pair_weights import Scorer

SWAP_BUDGET = 2_000_000
"""Swap evaluations per call; keeps very large pools bounded."""


def group_sizes(count: int, size: int) -> list[int]:
    """As many groups of `size` as fit, the rest spread so no group passes min(size + 1, 5);
    when it would, one more group and some of `size - 1` (7 in fours: 4 + 3)."""
    groups = max(1, count // size)
    if -(-count // groups) > min(size + 1, 5):
        groups += 1
    base, extra = divmod(count, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def form_groups(
    members: list[int], size: int, scorer: Scorer, rng: random.Random
) -> tuple[list[list[int]], list[int]]:
    """Groups of about `size`, and anyone who fits nowhere without breaking an avoid list."""
    sizes = group_sizes(len(members), size)
    groups: list[list[int]] = [[] for _ in sizes]
    order = list(members)
    rng.shuffle(order)
    order.sort(key=lambda m: -len(scorer.pool.avoid[m]))  # hardest to place first
    unplaced: list[int] = []
    for member in order:
        best, best_gain = -1, 0
        for position, group in enumerate(groups):
            if len(group) >= sizes[position]:
                continue
            if any(not scorer.allowed(member, other) for other in group):
                continue
            gain = scorer.group_score([*group, member]) - scorer.group_score(group)
            if best < 0 or gain > best_gain:
                best, best_gain = position, gain
        if best < 0:
            unplaced.append(member)
        else:
            groups[best].append(member)
    improve_by_swaps(groups, scorer)
    unplaced += [group[0] for group in groups if len(group) == 1]  # seated later if possible
    return [sorted(group) for group in groups if len(group) > 1], unplaced


def improve_by_swaps(
    groups: list[list[int]], scorer: Scorer, focus: Sequence[int] | None = None
) -> None:
    """Swap members between two groups while that raises the total; with `focus`, only
    swaps involving those groups (e.g. the one trio of a pairs round) are tried."""
    budget = SWAP_BUDGET
    improved = True
    firsts = range(len(groups)) if focus is None else focus
    while improved and budget > 0:
        improved = False
        for i in firsts:
            first = groups[i]
            for j in range(len(groups)):
                if j == i or (focus is None and j < i):
                    continue
                second = groups[j]
                for a_pos, a in enumerate(first):
                    for b_pos, b in enumerate(second):
                        budget -= 1
                        rest_first = first[:a_pos] + first[a_pos + 1 :]
                        rest_second = second[:b_pos] + second[b_pos + 1 :]
                        if any(not scorer.allowed(b, m) for m in rest_first) or any(
                            not scorer.allowed(a, m) for m in rest_second
                        ):
                            continue
                        before = scorer.group_score(first) + scorer.group_score(second)
                        after = scorer.group_score([*rest_first, b]) + scorer.group_score(
                            [*rest_second, a]
                        )
                        if after > before:
                            first[a_pos], second[b_pos] = b, a
                            a = b
                            improved = True
                if budget <= 0:
                    return
