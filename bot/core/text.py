"""Sanitising text from outside: platforms, consoles and people send anything.

Free text keeps what people meant (emoji joiners, right-to-left marks inside Arabic text) but
loses control characters and unpaired surrogates, which break terminals, JSON and databases.
Names are stricter: they are shown beside other people's words, so invisible characters and
direction overrides (which can make a name look like someone else's) are dropped too.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 80
MAX_TEXT = 20_000

_SURROGATES = re.compile("[\ud800-\udfff]")
# Format (zero-width, direction), unassigned, private-use and line/paragraph separators.
_NOT_IN_NAMES = {"Cf", "Cn", "Co", "Zl", "Zp"}


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Drop control characters (newlines and tabs stay) and unpaired surrogates; cap length."""
    text = _SURROGATES.sub("\ufffd", text)
    kept = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return kept[:limit]


def clean_name(name: str, limit: int = MAX_NAME, fallback: str = "member") -> str:
    """One line, no invisible or direction-changing characters, at most `limit` characters."""
    text = clean_text(name).replace("\n", " ").replace("\t", " ")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _NOT_IN_NAMES)
    text = " ".join(text.split())[:limit].strip()
    return text or fallback
