"""Prompt banks: our own wording, kept as data files per locale, so facilitators and
translators can edit them without touching code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PROMPTS = Path(__file__).with_name("prompts")
FALLBACK_LOCALE = "en"


@cache
def load(name: str, locale: str = FALLBACK_LOCALE) -> Any:
    """The data file `prompts/<locale>/<name>.json`, falling back to English."""
    path = PROMPTS / locale / f"{name}.json"
    if not path.exists():
        path = PROMPTS / FALLBACK_LOCALE / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def texts(name: str, key: str, locale: str = FALLBACK_LOCALE) -> list[str]:
    value = load(name, locale).get(key, [])
    return [str(v) for v in value]
