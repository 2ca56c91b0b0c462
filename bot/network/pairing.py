"""Members into pairs: exact maximum-weight matching while affordable, greedy plus 2-opt above.

`networkx.max_weight_matching` (blossom) is exact but cubic; on a few hundred members it
takes well under a second, on 10,000 it would take hours. Above `EXACT_LIMIT` we score a
sample of promising partners per member, take the best pairs greedily, then swap partners
between pairs while any swap raises the total (2-opt).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

import networkx as nx

from bot.network.pair_weights import Scorer, Strategy

EXACT_LIMIT = 400
FULL_CANDIDATES_LIMIT = 300
SAMPLED_PARTNERS = 5
TOPIC_PARTNERS = 5
MAX_SWEEPS = 6
RESTARTS = 4
REPAIR_LIMIT = 200
REPAIR_PARTNERS = 40
"""Partners per member the exact re-match weighs: blossom's cost grows with the ties it is
given, and a weak member's 40 best partners hold its part of the optimum in practice."""

Edge = tuple[int, int, int]


def pair_members(
    members: list[int], scorer: Scorer, rng: random.Random, *, exact_limit: int = EXACT_LIMIT
) -> tuple[list[list[int]], list[int]]:
    """Pairs covering as many `members` as the avoid lists allow, and whoever is left."""
    if len(members) <= exact_limit:
        pairs = _exact(members, scorer)
    elif len(members) <= FULL_CANDIDATES_LIMIT:  # cheap enough to keep the best of a few starts
        starts = [_greedy_two_opt(members, scorer, rng) for _ in range(RESTARTS)]
        pairs = max(starts, key=lambda found: sum(scorer.score(a, b) for a, b in found))
    else:
        pairs = _greedy_two_opt(members, scorer, rng)
    if len(members) > exact_limit:
        pairs = _rematch_weakest(pairs, scorer)
    paired = {m for pair in pairs for m in pair}
    left = [m for m in members if m not in paired]
    pairs, left = _augment(pairs, left, scorer)
    return pairs, left


def _rematch_weakest(pairs: list[list[int]], scorer: Scorer) -> list[list[int]]:
    """Re-match exactly the members of the weakest pairs (up to `REPAIR_LIMIT` of them).

    Their current pairing is one feasible answer among them, so the exact answer can only
    be as good or better; it fixes what greedy choices and 2-opt cannot reach.
    """
    ceiling = scorer.best_possible()
    weak = sorted(
        (pair for pair in pairs if scorer.score(pair[0], pair[1]) < ceiling),
        key=lambda pair: scorer.score(pair[0], pair[1]),
    )[: REPAIR_LIMIT // 2]
    if len(weak) < 2:
        return pairs
    weak_ids = {id(pair) for pair in weak}
    kept = [pair for pair in pairs if id(pair) not in weak_ids]
    members = [member for pair in weak for member in pair]
    # Blossom's cost grows with the ties it weighs: offer it the current weak pairs (so the
    # answer is never worse than them) and each member's best partners among the rest.
    return kept + _exact(members, scorer, partners=REPAIR_PARTNERS, keep=weak)


def _exact(
    members: list[int],
    scorer: Scorer,
    *,
    partners: int | None = None,
    keep: Sequence[Sequence[int]] = (),
) -> list[list[int]]:
    """Maximum-weight matching of most members, over every allowed pair or, with
    `partners`, over each member's that many best-scoring partners (plus the `keep` pairs)."""
    graph = nx.Graph()
    graph.add_nodes_from(members)
    score, allowed = scorer.score, scorer.allowed
    for left, right in keep:
        graph.add_edge(left, right, weight=score(left, right))
    if partners is None or partners >= len(members) - 1:
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                if allowed(left, right):
                    graph.add_edge(left, right, weight=score(left, right))
    else:
        for left in members:
            scored = [(score(left, right), right) for right in members if allowed(left, right)]
            # Highest scores first; among equals the earlier member (a stable sort keeps it).
            scored = [item for item in scored if item[1] != left]
            scored.sort(key=lambda item: -item[0])
            for weight, right in scored[:partners]:
                graph.add_edge(left, right, weight=weight)
    matching: set[tuple[int, int]] = nx.max_weight_matching(graph, maxcardinality=True)
    return [sorted(pair) for pair in sorted(matching)]


def _candidate_edges(members: list[int], scorer: Scorer, rng: random.Random) -> list[Edge]:
    """All pairs for modest pools; otherwise random partners plus partners sharing a topic."""
    edges: list[Edge] = []
    if len(members) <= FULL_CANDIDATES_LIMIT:
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                if scorer.allowed(left, right):
                    edges.append((scorer.score(left, right), left, right))
        return edges
    by_topic: dict[str, list[int]] = defaultdict(list)
    topics_of = _affinities(scorer)
    for member in members:
        for topic in topics_of[member]:
            by_topic[topic].append(member)
    seen: set[tuple[int, int]] = set()
    sampled = iter(rng.choices(members, k=len(members) * SAMPLED_PARTNERS))
    chance = rng.random
    score, allowed = scorer.score, scorer.allowed
    for left in members:
        partners = [next(sampled) for _ in range(SAMPLED_PARTNERS)]
        topics = list(topics_of[left])
        for _ in range(TOPIC_PARTNERS if topics else 0):
            bucket = by_topic[topics[int(chance() * len(topics))]]
            partners.append(bucket[int(chance() * len(bucket))])
        for right in partners:
            key = (left, right) if left < right else (right, left)
            if left == right or key in seen or not allowed(left, right):
                continue
            seen.add(key)
            edges.append((score(left, right), key[0], key[1]))
    return edges


def _affinities(scorer: Scorer) -> list[frozenset[str]]:
    """What partners are sampled by: topics, plus motivation keywords where `similar` has
    them (marked so a keyword never meets a topic of the same spelling)."""
    pool = scorer.pool
    if scorer.strategy is not Strategy.SIMILAR or not any(pool.themes):
        return pool.topics
    return [
        topics | {f"motivation:{word}" for word in themes} if themes else topics
        for topics, themes in zip(pool.topics, pool.themes, strict=True)
    ]


def _greedy_two_opt(members: list[int], scorer: Scorer, rng: random.Random) -> list[list[int]]:
    edges = _candidate_edges(members, scorer, rng)
    rng.shuffle(edges)  # random order among equal scores
    edges.sort(key=lambda edge: -edge[0])
    partner: dict[int, int] = {}
    for _, left, right in edges:
        if left not in partner and right not in partner:
            partner[left] = right
            partner[right] = left
    unpaired = [m for m in members if m not in partner]
    if 1 < len(unpaired) < len(members):  # their sampled partners were taken: sample again
        for left, right in _greedy_two_opt(unpaired, scorer, rng):
            partner[left] = right
            partner[right] = left
    _two_opt(partner, edges, scorer)
    return sorted(sorted((left, right)) for left, right in partner.items() if left < right)


def _two_opt(partner: dict[int, int], edges: list[Edge], scorer: Scorer) -> None:
    """Re-pair (a,b),(c,d) as (a,c),(b,d) whenever a candidate tie a-c makes that better."""
    score, avoid = scorer.score, scorer.pool.avoid
    ceiling = scorer.ceilings()  # what b-d could score at best, per member
    current = {member: score(member, other) for member, other in partner.items()}
    for _ in range(MAX_SWEEPS):
        improved = False
        for weight, a, c in edges:
            # The hot loop of large rounds: plain comparisons rather than min() and calls.
            b = partner.get(a)
            if b is None or b == c:
                continue
            d = partner.get(c)
            if d is None:
                continue
            before = current[a] + current[c]
            ceiling_b, ceiling_d = ceiling[b], ceiling[d]
            if weight + (ceiling_b if ceiling_b < ceiling_d else ceiling_d) <= before:
                continue
            if d in avoid[b]:
                continue
            other = score(b, d)
            if weight + other > before:
                partner[a], partner[c], partner[b], partner[d] = c, a, d, b
                current[a] = current[c] = weight
                current[b] = current[d] = other
                improved = True
        if not improved:
            return


def _augment(
    pairs: list[list[int]], left: list[int], scorer: Scorer
) -> tuple[list[list[int]], list[int]]:
    """Free two leftovers x, y by splitting a pair (a, b) into (x, a) and (b, y)."""
    allowed = scorer.allowed
    waiting = list(left)
    changed = True
    while changed and len(waiting) > 1:
        changed = False
        for x in waiting:
            for y in waiting:
                if x >= y:
                    continue
                if allowed(x, y):
                    pairs.append([x, y])
                    waiting = [m for m in waiting if m not in (x, y)]
                    changed = True
                    break
                for pair in pairs:
                    a, b = pair
                    for first, second in ((a, b), (b, a)):
                        if allowed(x, first) and allowed(second, y):
                            pair[:] = [x, first]
                            pairs.append([second, y])
                            waiting = [m for m in waiting if m not in (x, y)]
                            changed = True
                            break
                    if changed:
                        break
                if changed:
                    break
            if changed:
                break
    return pairs, waiting
