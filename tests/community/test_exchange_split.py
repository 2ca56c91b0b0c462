"""Splitting: every part fits, parts keep their order, and no word is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.community.exchange_split import MAX_BLOCKS, MAX_CHARS, size, split
from bot.core.messages import Context, Message, Text

WORDS = st.text(alphabet="abcdefghij \n", min_size=0, max_size=5000)


@given(st.lists(WORDS, min_size=1, max_size=30))
def test_parts_fit_keep_order_and_lose_nothing(texts: list[str]) -> None:
    message = Message(tuple(Text(t) for t in texts))
    parts = split(message)
    for part in parts:
        assert sum(size(b) for b in part.blocks) <= MAX_CHARS
        assert len(part.blocks) <= MAX_BLOCKS
    body = [
        b.text
        for p in parts
        for b in p.blocks
        if isinstance(b, Text) or (isinstance(b, Context) and len(parts) == 1)
    ]
    assert "".join("".join(body).split()) == "".join("".join(texts).split())
    if len(parts) > 1:
        assert [p.blocks[-1] for p in parts] == [
            Context(f"Part {i} of {len(parts)}") for i in range(1, len(parts) + 1)
        ]


def test_a_short_message_is_left_alone() -> None:
    message = Message((Text("hello"),))
    assert split(message) == [message]
