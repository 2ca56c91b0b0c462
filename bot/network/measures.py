"""Small closed-form measures the health report is built from, kept free of graph plumbing.

They take plain lists so they can be checked by hand and run fast on large windows.
"""

from __future__ import annotations

import operator
import random
from collections import Counter
from collections.abc import Mapping, Sequence


def gini(values: Sequence[float]) -> float:
    """Inequality of participation: 0 when everyone sends as much, near 1 when one voice does."""
    total = sum(values)
    if not values or total <= 0:
        return 0.0
    ordered = sorted(values)
    count = len(ordered)
    weighted = sum((rank + 1) * value for rank, value in enumerate(ordered))
    return (2.0 * weighted) / (count * total) - (count + 1.0) / count


def blau_index(counts: Mapping[str, int]) -> float:
    """Chance that two members drawn at random belong to different organisation types."""
    total = sum(counts.values())
    if total == 0:
        return 0.0
    return 1.0 - sum((count / total) ** 2 for count in counts.values())


def normalised_blau(counts: Mapping[str, int], categories: int) -> float:
    """Blau divided by its ceiling `1 - 1/categories`, so 1.0 means perfectly even spread."""
    ceiling = 1.0 - 1.0 / categories
    return blau_index(counts) / ceiling


def ei_index(edges: Sequence[tuple[int, int]], labels: Sequence[int]) -> float:
    """Krackhardt's E-I index: +1 all ties cross organisation types, -1 all stay inside."""
    lefts = [a for a, _ in edges]
    rights = [b for _, b in edges]
    return _ei(lefts, rights, labels)


def shuffled_ei_baseline(
    edges: Sequence[tuple[int, int]], labels: Sequence[int], rng: random.Random, shuffles: int
) -> float:
    """The E-I index expected from this network's type mix if ties ignored type.

    Comparing with this, rather than with 0, keeps a network that is mostly one type from
    looking homophilous merely because there are few others to reach.
    """
    lefts = [a for a, _ in edges]
    rights = [b for _, b in edges]
    shuffled = list(labels)
    total = 0.0
    for _ in range(shuffles):
        rng.shuffle(shuffled)
        total += _ei(lefts, rights, shuffled)
    return total / shuffles


def _ei(lefts: list[int], rights: list[int], labels: Sequence[int]) -> float:
    label = labels.__getitem__
    external: int = sum(map(operator.ne, map(label, lefts), map(label, rights)))
    return (2.0 * external - len(lefts)) / len(lefts)


def nominal_assortativity(edges: Sequence[tuple[int, int]], labels: Sequence[int]) -> float | None:
    """Newman's attribute assortativity for undirected ties (None when it is undefined).

    Same figure as `networkx.attribute_assortativity_coefficient`, computed from one pass
    over the tie list so it stays cheap on large windows.
    """
    if not edges:
        return None
    same = 0
    ends: Counter[int] = Counter()
    for a, b in edges:
        left, right = labels[a], labels[b]
        if left == right:
            same += 1
        ends[left] += 1
        ends[right] += 1
    ties = len(edges)
    expected = sum((count / (2.0 * ties)) ** 2 for count in ends.values())
    if expected >= 1.0:
        return None  # every tie end has the same type: no variation to correlate
    return (same / ties - expected) / (1.0 - expected)
