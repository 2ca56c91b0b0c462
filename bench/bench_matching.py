"""Issue 7: matching speed, quality against the exact optimum, and repeats over rounds.

Side by side: a plain shuffle that only avoids last round's partner, as common pairing
bots do.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import replace

import networkx as nx

from bench.result import Result
from bot.network import pairing
from bot.network.matching import form_subgroups
from bot.network.pair_weights import Candidate, PairWeights, Scorer, Strategy, build_pool

TYPES = ("school", "university", "charity", "local authority", "business")
TOPICS = tuple(f"topic-{index}" for index in range(12))


def pool(count: int, rng: random.Random) -> list[Candidate]:
    """Organisations of about six people, uneven types, two topics each, a few avoid lists."""
    members = []
    for member in range(count):
        avoid = frozenset({rng.randrange(count)} - {member}) if rng.random() < 0.05 else frozenset()
        members.append(
            Candidate(
                member,
                f"org-{rng.randrange(max(2, count // 6))}",
                rng.choices(TYPES, (0.4, 0.2, 0.15, 0.15, 0.1))[0],
                frozenset(rng.sample(TOPICS, 2)),
                avoid,
            )
        )
    return members


def random_ties(count: int, rng: random.Random) -> list[tuple[int, int]]:
    return [(rng.randrange(count), rng.randrange(count)) for _ in range(count * 2)]


def exact_optimum(candidates: list[Candidate], ties: list[tuple[int, int]]) -> int:
    """networkx max_weight_matching (max cardinality) on the same DOMAIN weights."""
    scorer = Scorer(
        build_pool(candidates, ties=ties, history=(), repeat_window=3),
        Strategy.DIVERSE,
        PairWeights(),
    )
    graph = nx.Graph()
    count = len(candidates)
    for left in range(count):
        for right in range(left + 1, count):
            if scorer.allowed(left, right):
                graph.add_edge(left, right, weight=scorer.domain_score(left, right))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return sum(scorer.domain_score(a, b) for a, b in matching)


def speed() -> list[Result]:
    rng = random.Random(10_000)
    candidates = pool(10_000, rng)
    ties = random_ties(10_000, rng)
    started, cpu = time.perf_counter(), time.process_time()
    result = form_subgroups(candidates, seed=1, ties=ties)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = [
        Result(
            "matching 10,000 members into pairs (diverse), one core",
            "<= 2 s",
            f"CPU {cpu:.2f} s; wall {wall:.2f} s; {len(result.groups)} groups, "
            f"{len(result.unplaced)} unplaced",
            cpu <= 2,
        )
    ]
    with_motivations = with_statements(candidates, rng)
    started, cpu = time.perf_counter(), time.process_time()
    result = form_subgroups(with_motivations, seed=1, ties=ties, strategy=Strategy.SIMILAR)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows.append(
        Result(
            "matching 10,000 members into pairs (similar, 60% with visible motivation "
            "statements), one core",
            "<= 2 s",
            f"CPU {cpu:.2f} s; wall {wall:.2f} s; {len(result.groups)} groups, "
            f"{len(result.unplaced)} unplaced",
            cpu <= 2,
        )
    )
    return rows


THEMES = tuple(f"theme{index}" for index in range(40))


def with_statements(candidates: list[Candidate], rng: random.Random) -> list[Candidate]:
    """Six in ten members shared a statement with their container: a few keywords each and
    10 points over the six reasons."""
    shared = []
    for candidate in candidates:
        if rng.random() < 0.6:
            points = [0] * 6
            for _ in range(10):
                points[rng.randrange(6)] += 1
            candidate = replace(
                candidate, themes=frozenset(rng.sample(THEMES, 4)), reasons=tuple(points)
            )
        shared.append(candidate)
    return shared


def quality() -> list[Result]:
    """Two families: the default pool, and a skewed one (70% one type, sparse topics, dense
    ties) where many members cannot get a perfect partner, so the optimum is not trivial."""
    rows: list[Result] = []
    full_repair = pairing.REPAIR_LIMIT
    for family, skewed, repair in (
        ("default pools", False, full_repair),
        ("skewed pools", True, full_repair),
        ("skewed pools, without the exact re-match of weak pairs", True, 0),
    ):
        pairing.REPAIR_LIMIT = repair
        ratios: list[tuple[float, str]] = []
        for count in (50, 100, 200, 300):
            for seed in (1, 2, 3):
                rng = random.Random(count * 10 + seed)
                candidates = skewed_pool(count, rng) if skewed else pool(count, rng)
                ties = random_ties(count * (4 if skewed else 1), rng)
                best = exact_optimum(candidates, ties)
                heuristic = form_subgroups(candidates, seed=1, ties=ties, exact_limit=0)
                ratios.append((heuristic.score / best, f"n={count} pool {seed}"))
        worst, where = min(ratios)
        mean = sum(ratio for ratio, _ in ratios) / len(ratios)
        rows.append(
            Result(
                f"diverse score / exact max_weight_matching, greedy+2-opt forced, {family} "
                "(n 50-300, 12 pools)",
                ">= 97%" if repair else "-",
                f"worst {worst:.1%} ({where}), mean {mean:.1%}",
                worst >= 0.97 if repair else None,
            )
        )
    pairing.REPAIR_LIMIT = full_repair
    return rows


def skewed_pool(count: int, rng: random.Random) -> list[Candidate]:
    return [
        Candidate(
            member,
            f"org-{rng.randrange(max(2, count // 10))}",
            rng.choices(TYPES[:3], (0.7, 0.2, 0.1))[0],
            frozenset({f"t{rng.randrange(30)}"}),
        )
        for member in range(count)
    ]


def plain_shuffle(
    members: Sequence[int], last: dict[int, int], rng: random.Random
) -> list[tuple[int, ...]]:
    """Shuffle, pair neighbours, and swap once when a pair repeats last round's."""
    order = list(members)
    rng.shuffle(order)
    pairs = [order[i : i + 2] for i in range(0, len(order) - 1, 2)]
    for index, pair in enumerate(pairs):
        if last.get(pair[0]) == pair[1] and len(pairs) > 1:
            other = pairs[(index + 1) % len(pairs)]
            pair[1], other[1] = other[1], pair[1]
    return [tuple(sorted(pair)) for pair in pairs]


def repeats() -> list[Result]:
    rng = random.Random(100)
    candidates = [
        Candidate(m, f"org-{m // 5}", TYPES[m % 5], frozenset(rng.sample(TOPICS, 2)))
        for m in range(100)
    ]
    history: list[tuple[tuple[int, ...], ...]] = []
    ours_repeats = 0
    ours_score = 0
    for week in range(30):
        result = form_subgroups(candidates, seed=week, history=history)
        ours_repeats += result.repeated_pairs
        ours_score += result.score
        history.append(result.groups)
    seen: set[tuple[int, ...]] = set()
    last: dict[int, int] = {}
    shuffle_repeats = 0
    shuffle_rng = random.Random(7)
    shuffle_history: list[list[tuple[int, ...]]] = []
    for _ in range(30):
        pairs = plain_shuffle(range(100), last, shuffle_rng)
        shuffle_repeats += sum(pair in seen for pair in pairs)
        seen.update(pairs)
        last = {a: b for a, b in pairs} | {b: a for a, b in pairs}
        shuffle_history.append(pairs)
    shuffle_score = shuffle_domain_score(candidates, shuffle_history)
    return [
        Result(
            "100 members x 30 weekly rounds (diverse): repeated pairs",
            "0",
            str(ours_repeats),
            ours_repeats == 0,
        ),
        Result(
            "same, plain shuffle avoiding last round's partner: repeated pairs",
            "-",
            str(shuffle_repeats),
            None,
        ),
        Result(
            "30 rounds total DOMAIN pair weight: diverse vs plain shuffle",
            "-",
            f"{ours_score} vs {shuffle_score}",
            None,
        ),
    ]


def shuffle_domain_score(candidates: list[Candidate], rounds: list[list[tuple[int, ...]]]) -> int:
    total = 0
    for index, pairs in enumerate(rounds):
        scorer = Scorer(
            build_pool(candidates, ties=(), history=rounds[:index], repeat_window=3),
            Strategy.DIVERSE,
            PairWeights(),
        )
        total += sum(scorer.domain_score(a, b) for a, b in pairs)
    return total


def run() -> list[Result]:
    return speed() + quality() + repeats()
