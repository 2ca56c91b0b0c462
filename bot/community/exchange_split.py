"""Long digests split into several messages, in order, with nothing cut.

The budget is neutral and conservative: under Discord's 2,000 characters per message and
Slack's 3,000 per text block and 50 blocks per message, so every renderer can send each
part whole. A text longer than the budget is split at line breaks, then at spaces, and
only a single unbroken run longer than the budget is split mid-word.
"""

from __future__ import annotations

from bot.core.messages import (
    Block,
    Buttons,
    Choice,
    Context,
    Fields,
    File,
    Image,
    Message,
    Text,
)

MAX_CHARS = 1800
MAX_BLOCKS = 40
# Room kept in every part for its "Part i of n" line.
PART_LINE = 40


def size(block: Block) -> int:
    match block:
        case Text(text=text) | Context(text=text):
            return len(text)
        case Fields(pairs=pairs):
            return sum(len(k) + len(v) + 2 for k, v in pairs)
        case Buttons(buttons=buttons):
            return sum(len(b.label) for b in buttons)
        case Choice(options=options):
            return sum(len(o.label) for o in options)
        case Image(alt=alt):
            return len(alt)
        case File(name=name, title=title):
            return len(name) + len(title)
    return 0


def pieces(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, at lines, then words."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        current = ""
        while len(line) > limit:
            cut = line.rfind(" ", 1, limit + 1)
            if cut <= 0:
                out.append(line[:limit])
                line = line[limit:]
            else:
                out.append(line[:cut])
                line = line[cut + 1 :]
        current = line
    if current:
        out.append(current)
    return out


def split_block(block: Block, limit: int) -> list[Block]:
    if isinstance(block, Text) and len(block.text) > limit:
        return [Text(p, block.style) for p in pieces(block.text, limit)]
    if isinstance(block, Context) and len(block.text) > limit:
        return [Context(p) for p in pieces(block.text, limit)]
    return [block]


def split(
    message: Message, max_chars: int = MAX_CHARS, max_blocks: int = MAX_BLOCKS
) -> list[Message]:
    """Parts in order; each within the budget; more than one part are numbered."""
    limit = max_chars - PART_LINE
    parts: list[list[Block]] = [[]]
    used = 0
    for original in message.blocks:
        for block in split_block(original, limit):
            cost = size(block)
            if parts[-1] and (used + cost > limit or len(parts[-1]) >= max_blocks - 1):
                parts.append([])
                used = 0
            parts[-1].append(block)
            used += cost
    if len(parts) == 1:
        return [Message(tuple(parts[0]), message.form)]
    total = len(parts)
    return [
        Message((*blocks, Context(f"Part {i} of {total}")), message.form if i == total else None)
        for i, blocks in enumerate(parts, start=1)
    ]
