"""Motivations used elsewhere (issue 8 item 5): what `similar` matching may take from a
statement, and the prompt that fits a member's own leaning. Wording lives in the
`motivations` bank per locale under `bot/dialogue/prompts/`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.community.motivation_measures import REASON_FIELDS, leaning
from bot.community.themes import keywords
from bot.dialogue.bank import load
from bot.dialogue.prompt_bank import checkin_prompts

BANK = "motivations"


@dataclass(frozen=True, slots=True)
class MatchSignal:
    """What `similar` matching may use of a statement its author let their container see."""

    themes: frozenset[str]
    reasons: tuple[int, ...]  # the 10 points, in REASON_FIELDS order


@cache
def stopwords(locale: str) -> frozenset[str]:
    """The check-in themes' stopwords plus words every motivation statement shares."""
    extra = str(load(BANK, locale).get("stopwords", "")).split()
    return checkin_prompts(locale).stopwords | frozenset(extra)


def match_signal(text: str, points: dict[str, int], locale: str) -> MatchSignal:
    return MatchSignal(
        frozenset(keywords(text, stopwords(locale))),
        tuple(points.get(field, 0) for field in REASON_FIELDS),
    )


def fitting_prompt(points: dict[str, int], locale: str, seed: int) -> str:
    """A problem-of-practice prompt for a task-leaning member, a peer-connection one for a
    social-leaning member, a bit of both otherwise; `seed` varies it from one time to the next."""
    fitting = load(BANK, locale).get("fitting", {})
    choices = [str(c) for c in fitting.get(leaning(points), [])]
    return choices[seed % len(choices)] if choices else ""
