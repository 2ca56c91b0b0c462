"""Subgroups for a round (issue 7): who meets whom, and why anyone was not placed.

Strategies: `diverse` maximises DOMAIN.md's pair weights, `similar` shared topics and alike
motivation statements (only ones shared with the container), `random` is seeded chance, `stable` keeps last round's pods. All of them never pair members on each
other's private avoid list, repeat a pair only when no repeat-free grouping is found, and
turn an odd pool of pairs into exactly one trio that avoids a 2-vs-1 split where it can.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.network.graph import MemberId
from bot.network.pair_weights import (
    Candidate,
    PairWeights,
    Scorer,
    Strategy,
    build_pool,
)
from bot.network.pairing import EXACT_LIMIT, pair_members
from bot.network.pods import form_groups, improve_by_swaps

MIN_SIZE, MAX_SIZE = 2, 5
NOBODY_ALLOWED = (
    "every other available member is excluded by a private don't-pair request this round"
)
NO_ROOM = "no subgroup could take them without breaking a private don't-pair request"


@dataclass(frozen=True, slots=True)
class Unplaced:
    member_id: MemberId
    reason: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    groups: tuple[tuple[MemberId, ...], ...]
    unplaced: tuple[Unplaced, ...]
    score: int
    """Sum of DOMAIN.md pair weights over every pair inside a group."""
    repeated_pairs: int


def form_subgroups(
    candidates: Sequence[Candidate],
    *,
    size: int = 2,
    strategy: Strategy = Strategy.DIVERSE,
    seed: int,
    history: Sequence[Sequence[Sequence[MemberId]]] = (),
    ties: Iterable[tuple[MemberId, MemberId]] = (),
    weights: PairWeights | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> MatchResult:
    """Group `candidates` for one round.

    `history` holds earlier rounds' groups, oldest first (the last one is what `stable`
    keeps); `ties` are existing interaction ties (for "no existing tie").
    """
    chosen = weights or PairWeights()
    members = [candidate.member_id for candidate in candidates]
    if not MIN_SIZE <= size <= MAX_SIZE:
        reason = f"subgroup size must be between {MIN_SIZE} and {MAX_SIZE}, not {size}"
        return MatchResult((), tuple(Unplaced(m, reason) for m in members), 0, 0)
    if len(members) < 2:
        reason = "fewer than two members are available this round"
        return MatchResult((), tuple(Unplaced(m, reason) for m in members), 0, 0)
    pool = build_pool(candidates, ties=ties, history=history, repeat_window=chosen.repeat_window)
    rng = random.Random(seed)
    scoring = Strategy.DIVERSE if strategy is Strategy.STABLE else strategy
    scorer = Scorer(pool, scoring, chosen)
    everyone = list(range(len(members)))
    kept: list[list[int]] = []
    if strategy is Strategy.STABLE and history:
        kept = _keep_pods(history[-1], pool.members, scorer)
    in_kept = {m for group in kept for m in group}
    remaining = [m for m in everyone if m not in in_kept]
    groups, waiting = _form(remaining, size, scorer, rng, strategy, exact_limit)
    groups = kept + groups
    waiting = _seat_leftovers(groups, waiting, scorer)
    if size == 2:
        trios = [position for position, group in enumerate(groups) if len(group) > 2]
        improve_by_swaps(groups, scorer, focus=trios)
    return _result(groups, waiting, scorer)


def _form(
    members: list[int],
    size: int,
    scorer: Scorer,
    rng: random.Random,
    strategy: Strategy,
    exact_limit: int,
) -> tuple[list[list[int]], list[int]]:
    if len(members) < 2:
        return [], members
    if size == 2:
        limit = 0 if strategy is Strategy.RANDOM else exact_limit
        return pair_members(members, scorer, rng, exact_limit=limit)
    return form_groups(members, size, scorer, rng)


def _keep_pods(
    previous: Sequence[Sequence[MemberId]], members: list[MemberId], scorer: Scorer
) -> list[list[int]]:
    """Last round's pods, minus members not available now; pods left with one person dissolve."""
    index = {member: position for position, member in enumerate(members)}
    kept: list[list[int]] = []
    for pod in previous:
        present = [index[m] for m in pod if m in index]
        clash = any(
            not scorer.allowed(a, b) for i, a in enumerate(present) for b in present[i + 1 :]
        )
        if len(present) >= 2 and not clash:
            kept.append(present)
    return kept


def _seat_leftovers(groups: list[list[int]], waiting: list[int], scorer: Scorer) -> list[int]:
    """Each leftover joins the group it fits best (a pair becomes a trio); a group takes one
    extra at most unless nobody else can, and never beyond five."""
    still: list[int] = []
    grown: set[int] = set()
    for member in waiting:
        best, best_gain = -1, 0
        for position, group in enumerate(groups):
            if len(group) >= MAX_SIZE or any(not scorer.allowed(member, m) for m in group):
                continue
            gain = scorer.group_score([*group, member]) - scorer.group_score(group)
            gain -= REGROW_COST if position in grown else 0
            if best < 0 or gain > best_gain:
                best, best_gain = position, gain
        if best < 0:
            still.append(member)
        else:
            groups[best].append(member)
            grown.add(best)
    return still


REGROW_COST = 10_000
"""Prefer spreading leftovers over several groups to growing one group twice."""


def _result(groups: list[list[int]], waiting: list[int], scorer: Scorer) -> MatchResult:
    members = scorer.pool.members
    score = 0
    repeated = 0
    for group in groups:
        for i, left in enumerate(group):
            for right in group[i + 1 :]:
                score += scorer.domain_score(left, right)
                repeated += scorer.repeats(left, right)
    unplaced = []
    for member in waiting:
        anyone = any(
            scorer.allowed(member, other) for other in range(len(members)) if other != member
        )
        unplaced.append(Unplaced(members[member], NO_ROOM if anyone else NOBODY_ALLOWED))
    ordered = sorted(tuple(sorted(members[m] for m in group)) for group in groups)
    return MatchResult(tuple(ordered), tuple(unplaced), score, repeated)
