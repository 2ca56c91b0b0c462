"""Prompt banks: what the bot asks, kept as data files per locale under `prompts/`.

Wording lives in data, not code, so a network can translate or adapt it without touching
the logic; a locale without a file falls back to English.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

FALLBACK_LOCALE = "en"


LABEL_CHARS = 45


@dataclass(frozen=True, slots=True)
class Question:
    label: str
    text: str


def question(text: str, label: str = "") -> Question:
    """A question with a short form label (derived from the text when none is given)."""
    text = text.strip()
    if not label:
        label = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"
    return Question(label=label, text=text)


@dataclass(frozen=True, slots=True)
class QuestionSet:
    name: str
    title: str
    questions: tuple[Question, ...]
    source: str = ""


@dataclass(frozen=True, slots=True)
class CheckinPrompts:
    default: str
    sets: dict[str, QuestionSet]
    stopwords: frozenset[str]


@cache
def _load(locale: str, bank: str) -> dict[str, Any]:
    folder = resources.files("bot.dialogue").joinpath("prompts")
    for candidate in (locale, locale.split("-")[0], FALLBACK_LOCALE):
        path = folder.joinpath(candidate).joinpath(f"{bank}.toml")
        if path.is_file():
            return tomllib.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no prompt bank {bank} for {locale} or {FALLBACK_LOCALE}")


@cache
def checkin_prompts(locale: str = FALLBACK_LOCALE) -> CheckinPrompts:
    data = _load(locale, "checkins")
    sets = {
        name: QuestionSet(
            name=name,
            title=str(body["title"]),
            questions=tuple(
                question(str(q["text"]), str(q.get("label", ""))) for q in body["questions"]
            ),
            source=str(body.get("source", "")),
        )
        for name, body in data["sets"].items()
    }
    stopwords = frozenset(str(data.get("themes", {}).get("stopwords", "")).split())
    return CheckinPrompts(default=str(data["default"]), sets=sets, stopwords=stopwords)
