"""How much we want two members in the same subgroup, per strategy (DOMAIN.md, Subgroups).

Members are turned into small integers with precomputed codes so a pair scores in a few
operations: 10,000 members in pairs means scoring hundreds of thousands of candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.network.graph import MemberId


class Strategy(StrEnum):
    DIVERSE = "diverse"
    SIMILAR = "similar"
    RANDOM = "random"
    STABLE = "stable"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member available this round. `avoid` is private and never shown to anyone."""

    member_id: MemberId
    organisation: str | None = None
    organisation_type: str | None = None
    topics: frozenset[str] = field(default_factory=frozenset)
    avoid: frozenset[MemberId] = field(default_factory=frozenset)
    # From a motivation statement the member let their container see (never a private one):
    # its keywords, and its 10 points over the six reasons (both or neither: themes without
    # reasons count for nothing). Only `similar` reads them.
    themes: frozenset[str] = field(default_factory=frozenset)
    reasons: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PairWeights:
    """DOMAIN.md's pair weights; `trio_split` discourages 2-vs-1 trios on organisation type."""

    different_type: int = 2
    no_existing_tie: int = 1
    shared_topic: int = 1
    met_recently: int = -3
    same_organisation: int = -5
    trio_split: int = -2
    repeat_window: int = 3
    # `similar` only: shared motivation keywords (capped, so a long statement cannot
    # outweigh shared topics) and reasons alike (at least `alike_overlap` of the 10 points
    # on the same reasons).
    shared_theme: int = 1
    theme_cap: int = 3
    alike_reasons: int = 2
    alike_overlap: int = 6


REPEAT_COST = 1000
"""Any earlier meeting costs more than other weights can win back (at most 12 per pair), so
a pair repeats only when no repeat-free grouping is found."""


def pair_key(left: int, right: int) -> tuple[int, int]:
    return (left, right) if left < right else (right, left)


@dataclass(slots=True)
class Pool:
    """The round's members as indexes with codes, and the pair facts a score needs."""

    members: list[MemberId]
    types: list[int]
    organisations: list[int]
    topics: list[frozenset[str]]
    themes: list[frozenset[str]]
    reasons: list[tuple[int, ...]]
    avoid: list[set[int]]
    ties: set[tuple[int, int]]
    recent: set[tuple[int, int]]
    earlier: set[tuple[int, int]]
    # The same motivation facts as bit masks, so a pair compares in two `&`s: one bit per
    # keyword, and per reason as many bits as points (shared bits = points in common).
    theme_bits: list[int]
    reason_bits: list[int]
    # Topics the same way, one bit per topic: `similar` counts shared topics per pair.
    topic_bits: list[int]


def build_pool(
    candidates: Sequence[Candidate],
    *,
    ties: Iterable[tuple[MemberId, MemberId]],
    history: Sequence[Sequence[Sequence[MemberId]]],
    repeat_window: int,
) -> Pool:
    """`history` is earlier rounds' groups, oldest first; avoid lists count in both directions."""
    members = [candidate.member_id for candidate in candidates]
    index = {member: position for position, member in enumerate(members)}
    type_codes: dict[str, int] = {}
    org_codes: dict[str, int] = {}
    types = [
        -1
        if c.organisation_type is None
        else type_codes.setdefault(c.organisation_type, len(type_codes))
        for c in candidates
    ]
    organisations = [
        -1 if c.organisation is None else org_codes.setdefault(c.organisation, len(org_codes))
        for c in candidates
    ]
    avoid: list[set[int]] = [set() for _ in candidates]
    for position, candidate in enumerate(candidates):
        for other in candidate.avoid:
            if other in index and index[other] != position:
                avoid[position].add(index[other])
                avoid[index[other]].add(position)
    tie_keys = {
        pair_key(index[a], index[b]) for a, b in ties if a in index and b in index and a != b
    }
    recent: set[tuple[int, int]] = set()
    earlier: set[tuple[int, int]] = set()
    for age, round_groups in enumerate(reversed(history)):
        target = recent if age < repeat_window else earlier
        for group in round_groups:
            inside = [index[m] for m in group if m in index]
            for i, left in enumerate(inside):
                for right in inside[i + 1 :]:
                    target.add(pair_key(left, right))
    return Pool(
        members,
        types,
        organisations,
        [c.topics for c in candidates],
        [c.themes for c in candidates],
        [c.reasons for c in candidates],
        avoid,
        tie_keys,
        recent,
        earlier,
        theme_bits(candidates),
        [reason_bits(c.reasons) for c in candidates],
        word_bits([c.topics for c in candidates]),
    )


def theme_bits(candidates: Sequence[Candidate]) -> list[int]:
    return word_bits([candidate.themes for candidate in candidates])


def word_bits(sets: Sequence[frozenset[str]]) -> list[int]:
    """Each set of words as a bit mask, one bit per distinct word across `sets`."""
    codes: dict[str, int] = {}
    masks = []
    for words in sets:
        mask = 0
        for word in words:
            mask |= 1 << codes.setdefault(word, len(codes))
        masks.append(mask)
    return masks


REASON_SLOTS = 16  # bits per reason: more than any allocation can give one reason


def reason_bits(reasons: Sequence[int]) -> int:
    mask = 0
    for position, points in enumerate(reasons):
        mask |= ((1 << min(max(points, 0), REASON_SLOTS)) - 1) << (position * REASON_SLOTS)
    return mask


class Scorer:
    """Pair scores for one strategy; None means the pair must never happen."""

    def __init__(self, pool: Pool, strategy: Strategy, weights: PairWeights) -> None:
        self.pool = pool
        self.strategy = strategy
        self.weights = weights

    def allowed(self, left: int, right: int) -> bool:
        return right not in self.pool.avoid[left]

    def domain_score(self, left: int, right: int) -> int:
        """DOMAIN.md's weights alone (what the benchmarks compare)."""
        pool, weights = self.pool, self.weights
        key = (left, right) if left < right else (right, left)
        score = 0
        left_type, right_type = pool.types[left], pool.types[right]
        if left_type >= 0 and right_type >= 0 and left_type != right_type:
            score += weights.different_type
        if key not in pool.ties:
            score += weights.no_existing_tie
        if not pool.topics[left].isdisjoint(pool.topics[right]):
            score += weights.shared_topic
        if key in pool.recent:
            score += weights.met_recently
        left_org = pool.organisations[left]
        if left_org >= 0 and left_org == pool.organisations[right]:
            score += weights.same_organisation
        return score

    def repeats(self, left: int, right: int) -> bool:
        key = pair_key(left, right)
        return key in self.pool.recent or key in self.pool.earlier

    def best_possible(self) -> int:
        """No pair scores above this (lets 2-opt skip swaps that cannot gain)."""
        if self.strategy is Strategy.RANDOM:
            return 0
        if self.strategy is Strategy.SIMILAR:
            pool, weights = self.pool, self.weights
            themes = min(max((len(t) for t in pool.themes), default=0), weights.theme_cap)
            alike = max(weights.alike_reasons, 0) if any(pool.reasons) else 0
            return (
                2 * max((len(topics) for topics in pool.topics), default=0)
                + max(weights.shared_theme, 0) * themes
                + alike
            )
        weights = self.weights
        return (
            max(weights.different_type, 0)
            + max(weights.no_existing_tie, 0)
            + max(weights.shared_topic, 0)
        )

    def ceilings(self) -> list[int]:
        """Per member, no pair with them scores above this (a tighter `best_possible`)."""
        best = self.best_possible()
        if self.strategy is not Strategy.SIMILAR:
            return [best] * len(self.pool.members)
        pool, weights = self.pool, self.weights
        theme, alike = max(weights.shared_theme, 0), max(weights.alike_reasons, 0)
        return [
            2 * len(topics)
            + theme * min(themes.bit_count(), weights.theme_cap)
            + (alike if reasons else 0)
            for topics, themes, reasons in zip(
                pool.topics, pool.theme_bits, pool.reason_bits, strict=True
            )
        ]

    def score(self, left: int, right: int) -> int:
        """What the matcher maximises: the strategy's wish, minus a prohibitive repeat cost."""
        pool = self.pool
        penalty, recent = 0, False
        if pool.recent or pool.earlier:  # a first round has no history to look up
            key = (left, right) if left < right else (right, left)
            penalty = REPEAT_COST if key in pool.recent or key in pool.earlier else 0
            recent = key in pool.recent
        if self.strategy is Strategy.RANDOM:
            return -penalty
        if self.strategy is Strategy.SIMILAR:
            shared = (pool.topic_bits[left] & pool.topic_bits[right]).bit_count()
            score = 2 * shared - penalty
            if recent:
                score += self.weights.met_recently
            # Only when both shared a statement (its points are never all zero). Inlined
            # `motivation_score`: this runs for hundreds of thousands of candidate pairs.
            reasons_left, reasons_right = pool.reason_bits[left], pool.reason_bits[right]
            if reasons_left and reasons_right:
                weights = self.weights
                common = (pool.theme_bits[left] & pool.theme_bits[right]).bit_count()
                if common:
                    cap = weights.theme_cap
                    score += weights.shared_theme * (common if common < cap else cap)
                if (reasons_left & reasons_right).bit_count() >= weights.alike_overlap:
                    score += weights.alike_reasons
            return score
        return self.domain_score(left, right) - penalty

    def motivation_score(self, left: int, right: int) -> int:
        """How alike two visible motivation statements are: shared keywords, alike reasons."""
        pool, weights = self.pool, self.weights
        common = (pool.theme_bits[left] & pool.theme_bits[right]).bit_count()
        score = weights.shared_theme * min(common, weights.theme_cap) if common else 0
        overlap = (pool.reason_bits[left] & pool.reason_bits[right]).bit_count()
        if overlap >= weights.alike_overlap:
            score += weights.alike_reasons
        return score

    def trio_penalty(self, members: Sequence[int]) -> int:
        """A trio of two types where one member is alone on their side: the 2-vs-1 split."""
        if len(members) != 3:
            return 0
        kinds = [self.pool.types[m] for m in members]
        if min(kinds) < 0 or len(set(kinds)) != 2:
            return 0
        return self.weights.trio_split

    def group_score(self, members: Sequence[int]) -> int:
        total = self.trio_penalty(members)
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                total += self.score(left, right)
        return total
