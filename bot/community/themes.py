"""Frequent themes by simple keyword extraction: words several answers have in common.

Deliberately plain (no model, no network): counted once per answer, so one long answer
cannot make a theme on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*[^\W\d_]", re.UNICODE)
MIN_LENGTH = 4


def keywords(text: str, stopwords: frozenset[str]) -> set[str]:
    words = {w.lower().replace("’", "'") for w in WORD.findall(text)}
    return {w for w in words if len(w) >= MIN_LENGTH and w not in stopwords}


def frequent_themes(
    answers: Iterable[str], stopwords: frozenset[str], *, top: int = 5, at_least: int = 2
) -> list[tuple[str, int]]:
    """The `top` keywords found in at least `at_least` answers, most frequent first."""
    counts: Counter[str] = Counter()
    for text in answers:
        counts.update(keywords(text, stopwords))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word, n) for word, n in ranked if n >= at_least][:top]
