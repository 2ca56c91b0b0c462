"""Offers matched to needs by shared keywords and topics (pure functions, no storage)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")
STOPWORD_TEXT = """
a about after all also an and any are as at be been but by can could do does for from
get got has have help how i if in into is it its just like looking me more my need needs
of offer offers on or our out over so some than that the their them then there these
they this to up us use using want we what when where which who will with would you your
year years someone anyone something people
"""
STOPWORDS = frozenset(STOPWORD_TEXT.split())
MAX_MATCHES = 3


def normalise(word: str) -> str:
    """A crude stem, enough to make "fractions" meet "fraction" and "studies" meet "study"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def keywords(text: str) -> frozenset[str]:
    words = WORD.findall(text.lower())
    return frozenset(normalise(w) for w in words if w not in STOPWORDS and len(w) > 2)


def topics(csv: str) -> frozenset[str]:
    """A member's topics (comma-separated), each reduced to its keywords."""
    found: set[str] = set()
    for topic in csv.split(","):
        found |= keywords(topic)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Side:
    """One offer or need, with its author's topics."""

    listing_id: int
    member_id: int
    words: frozenset[str]
    topics: frozenset[str]


def score(offer: Side, need: Side) -> int:
    """Shared words of the two texts count double; an author's topics meeting the other text
    count once; two people who merely share topics do not make a match on their own."""
    shared = len(offer.words & need.words)
    if not shared and not (offer.topics & need.words) and not (need.topics & offer.words):
        return 0
    return 2 * shared + len(offer.topics & need.words) + len(need.topics & offer.words)


def best_matches(
    new: Side, candidates: Iterable[Side], new_is_offer: bool, limit: int = MAX_MATCHES
) -> Sequence[tuple[Side, int]]:
    """The best-scoring candidates of other members, best first, ties oldest first."""
    scored: list[tuple[Side, int]] = []
    for other in candidates:
        if other.member_id == new.member_id:
            continue
        value = score(new, other) if new_is_offer else score(other, new)
        if value > 0:
            scored.append((other, value))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
