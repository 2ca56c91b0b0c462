"""Slack's three control characters, encoded so member text can never ping or disguise a link.

Slack reads `<!channel>`, `<@U…>`, `<!subteam^…>` and `<url|label>` out of any text it is
given; once `&`, `<` and `>` are encoded those are shown literally and fire nothing.
"""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack sends text encoded; the core wants it as the member typed it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
