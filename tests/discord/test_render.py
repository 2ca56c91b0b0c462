"""Rendering: splitting respects Discord's limits; the core never imports discord."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.discord.render import CONTENT_LIMIT, DESCRIPTION_LIMIT, FormShelf, escape, render
from bot.core.messages import Button, Buttons, Form, Message, TextInput

ROOT = Path(__file__).resolve().parents[2] / "bot"


@given(st.lists(st.text(max_size=3000), max_size=12))
def test_every_part_fits_and_nothing_is_lost(paragraphs: list[str]) -> None:
    parts = render(Message.text(*paragraphs), FormShelf())
    for part in parts:
        assert len(part.content or "") <= CONTENT_LIMIT
        assert part.embed is None or len(part.embed.description or "") <= DESCRIPTION_LIMIT
    shown = "".join("".join(p.text().split()) for p in parts).replace("\u200b", "")
    expected = "".join("".join(escape(p).split()) for p in paragraphs).replace("\u200b", "")
    assert shown == expected  # split only at white space: every character is still there


@given(st.text(max_size=200))
def test_escaped_text_never_pings(text: str) -> None:
    out = escape(text)
    assert "@everyone" not in out and "@here" not in out


def test_forms_in_posted_messages_wait_behind_a_button() -> None:
    shelf = FormShelf()
    form = Form("f", "Check-in", (TextInput("a", "A"),))
    (part,) = render(Message((), form=form), shelf)
    assert part.view is not None
    (button,) = part.view.children
    key = button.custom_id.removeprefix("t:f:")  # type: ignore[attr-defined]
    assert shelf.get(key) == form


def test_a_button_too_long_for_a_custom_id_is_left_out_not_crashed() -> None:
    (part,) = render(Message((Buttons((Button("x", "a", "v" * 200),)),)), FormShelf())
    assert part.view is None


def test_the_core_never_imports_discord() -> None:
    for folder in ("core", "community", "delivery", "storage", "scheduling"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                assert not any(n.split(".")[0] == "discord" for n in names), path
