"""Neutral messages as Block Kit, kept inside Slack's limits and escaped throughout.

Long messages are split into several posts rather than truncated; images and files are
listed apart because Slack takes them through the files API, not as blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.adapters.slack.escape import escape
from bot.core.messages import (
    Block,
    Button,
    Buttons,
    Choice,
    Context,
    Fields,
    File,
    Image,
    Message,
    Option,
    Text,
)

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION = 3000
MAX_FIELD = 2000
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_ACTIONS = 25
MAX_OPTIONS = 100
MAX_BUTTON_LABEL = 75
MAX_OPTION_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTION_VALUE = 150
# Slack answers msg_blocks_too_long near 13k characters: stay well under it per post.
MAX_POST_CHARS = 12_000
MAX_FALLBACK = 3000
# Separates a repeated action id from its position; see `neutral_action_id`.
REPEAT_MARK = "~"

SlackBlock = dict[str, Any]


@dataclass(slots=True)
class Rendered:
    """One neutral message as Slack posts: each has blocks and a notification fallback."""

    posts: list[tuple[str, list[SlackBlock]]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    files: list[File] = field(default_factory=list)


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": escape(clip(text, limit)), "emoji": True}


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chunks(text: str, limit: int) -> list[str]:
    """Split escaped text at line ends (or anywhere, for a very long line) into <= limit."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            # Never cut inside an entity such as &amp; (it would show as garbage).
            amp = line.rfind("&", max(0, cut - 5), cut)
            if amp >= 0 and ";" not in line[amp:cut]:
                cut = amp
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return [p if p.strip() else " " for p in pieces]


def text_blocks(block: Text) -> list[SlackBlock]:
    if block.style == "heading" and len(block.text) <= MAX_HEADER and "\n" not in block.text:
        return [{"type": "header", "text": plain(block.text, MAX_HEADER)}]
    if block.style == "heading":
        body = f"*{escape(block.text)}*"
    elif block.style == "quote":
        body = "\n".join(f"&gt; {escape(line)}" for line in block.text.split("\n"))
    else:
        body = escape(block.text)
    return [{"type": "section", "text": mrkdwn(part)} for part in chunks(body, MAX_SECTION)]


def field_blocks(block: Fields) -> list[SlackBlock]:
    cells = [
        mrkdwn(clip(f"*{escape(key)}*\n{escape(value)}", MAX_FIELD)) for key, value in block.pairs
    ]
    return [
        {"type": "section", "fields": cells[i : i + MAX_FIELDS]}
        for i in range(0, len(cells), MAX_FIELDS)
    ]


def option(item: Option) -> dict[str, Any]:
    return {"text": plain(item.label, MAX_OPTION_LABEL), "value": item.value[:MAX_OPTION_VALUE]}


def button(item: Button, action_id: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(item.label, MAX_BUTTON_LABEL),
        "action_id": action_id,
        "value": item.value[:MAX_BUTTON_VALUE],
    }
    if item.style != "default":
        element["style"] = item.style
    return element


class ActionIds:
    """Slack wants action ids unique within a message; the core may repeat one with values."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, action_id: str) -> str:
        count = self.seen.get(action_id, 0)
        self.seen[action_id] = count + 1
        return action_id if count == 0 else f"{action_id}{REPEAT_MARK}{count}"


def neutral_action_id(slack_action_id: str) -> str:
    base, mark, count = slack_action_id.rpartition(REPEAT_MARK)
    return base if mark and count.isdigit() else slack_action_id


def select(choice: Choice, action_id: str) -> dict[str, Any]:
    return {
        "type": "multi_static_select" if choice.multi else "static_select",
        "action_id": action_id,
        "placeholder": plain(choice.placeholder, 150),
        "options": [option(o) for o in choice.options[:MAX_OPTIONS]],
    }


def blocks_for(block: Block, ids: ActionIds) -> list[SlackBlock]:
    match block:
        case Text():
            return text_blocks(block)
        case Fields():
            return field_blocks(block)
        case Buttons(buttons=buttons):
            elements = [button(b, ids(b.action_id)) for b in buttons]
            return [
                {"type": "actions", "elements": elements[i : i + MAX_ACTIONS]}
                for i in range(0, len(elements), MAX_ACTIONS)
            ]
        case Choice():
            return [{"type": "actions", "elements": [select(block, ids(block.action_id))]}]
        case Context(text=text):
            return [
                {"type": "context", "elements": [mrkdwn(part)]}
                for part in chunks(escape(text), MAX_FIELD)
            ]
        case Image() | File():
            return []


def block_size(block: SlackBlock) -> int:
    return len(str(block))


def fallback(message: Message) -> str:
    return escape(clip(message.plain_text() or "Trellis", MAX_FALLBACK))


def render(message: Message, *, max_blocks: int = MAX_BLOCKS) -> Rendered:
    """Block Kit posts for a message, split so each post keeps to Slack's limits."""
    ids = ActionIds()
    rendered = Rendered(
        images=[b for b in message.blocks if isinstance(b, Image)],
        files=[b for b in message.blocks if isinstance(b, File)],
    )
    flat = [slack for block in message.blocks for slack in blocks_for(block, ids)]
    post: list[SlackBlock] = []
    size = 0
    for block in flat:
        grown = size + block_size(block)
        if post and (len(post) >= max_blocks or grown > MAX_POST_CHARS):
            rendered.posts.append(("", post))
            post, grown = [], block_size(block)
        post.append(block)
        size = grown
    if post or not (rendered.images or rendered.files):
        rendered.posts.append(("", post))
    text = fallback(message)
    rendered.posts = [(text, blocks) for _, blocks in rendered.posts]
    return rendered
