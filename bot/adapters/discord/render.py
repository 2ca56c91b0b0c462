"""Neutral `Message` -> Discord messages: escaped markdown, within Discord's limits.

Every piece of text is escaped (markdown and mentions), because anything in a neutral
message may have been written by a member. Long messages are split, never truncated.
"""

from __future__ import annotations

import io
import logging
import secrets
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

import discord

from bot.adapters.discord import ids
from bot.adapters.discord.components import ActionButton, ActionSelect, FormButton
from bot.core.messages import (
    Buttons,
    Choice,
    Context,
    Fields,
    File,
    Form,
    Image,
    Message,
    Option,
    Text,
)

log = logging.getLogger(__name__)

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
MAX_ROWS = 5
ROW_WIDTH = 5
EMBED_COLOUR = discord.Colour(0x3B7D4F)


def escape(text: str) -> str:
    """Member text made inert: no markdown tricks, no masked links, no pings."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


@dataclass
class Rendered:
    """One Discord message: content or one embed, plus components and attachments."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    # Images and files alike go as attachments.
    images: list[Image | File] = field(default_factory=list)

    def files(self) -> list[discord.File]:
        """Fresh file objects for each send (a `discord.File` can be read once)."""
        return [
            discord.File(io.BytesIO(i.png), filename=i.filename)
            if isinstance(i, Image)
            else discord.File(io.BytesIO(i.data), filename=i.name, description=i.title or None)
            for i in self.images
        ]

    def text(self) -> str:
        return self.content or (self.embed.description or "" if self.embed else "")


class FormShelf:
    """Forms waiting behind an "Open form" button, kept in memory (bounded).

    A modal can only be the first answer to an interaction; when it cannot be, the form is
    shelved and a button opens it later. After a restart the shelf is empty and the button
    says so.
    """

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._forms: OrderedDict[str, tuple[Form, str]] = OrderedDict()
        self._answers: dict[str, dict[str, str]] = {}

    def put(self, form: Form, intro: str = "") -> str:
        key = secrets.token_urlsafe(12)
        self._forms[key] = (form, intro)
        while len(self._forms) > self.size:
            gone, _ = self._forms.popitem(last=False)
            self._answers.pop(gone, None)
        return key

    def get(self, key: str) -> Form | None:
        found = self._forms.get(key)
        return found[0] if found else None

    def intro(self, key: str) -> str:
        found = self._forms.get(key)
        return found[1] if found else ""

    def answers(self, key: str) -> dict[str, str]:
        """Answers gathered so far on the pages of a form too long for one modal."""
        return self._answers.setdefault(key, {})

    def finish(self, key: str) -> None:
        self._answers.pop(key, None)


def paragraphs(message: Message) -> Iterator[str]:
    for block in message.blocks:
        match block:
            case Text(text=text, style="heading"):
                yield f"**{escape(text)}**"
            case Text(text=text, style="quote"):
                yield "\n".join(f"> {escape(line)}" for line in text.splitlines() or [""])
            case Text(text=text):
                yield escape(text)
            case Fields(pairs=pairs):
                yield "\n".join(f"**{escape(k)}**: {escape(v)}" for k, v in pairs)
            case Context(text=text):
                yield "\n".join(f"-# {escape(line)}" for line in text.splitlines() or [""])
            case Image(alt=alt):
                yield f"-# image: {escape(alt)}"
            case File(name=name, title=title):
                yield f"-# file: {escape(title or name)}"


def split(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit`, at line breaks, else spaces, else anywhere."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
            # Never separate an escaping backslash or zero-width space from what follows.
            while cut > 1 and text[cut - 1] in "\\\u200b":
                cut -= 1
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    pieces.append(text)
    return pieces


def pack(parts: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        for piece in split(part, limit):
            joined = f"{current}\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                chunks.append(current)
                current = piece
    if current or not chunks:
        chunks.append(current)
    return chunks


def as_choice(buttons: Buttons, hint: str) -> Choice | None:
    """A row of more than 5 buttons for one action (a 1-7 scale) as one select: Discord
    rows hold 5 buttons, and spilling a scale over two rows mixes it with the next one."""
    first = buttons.buttons[0].action_id
    if len(buttons.buttons) <= ROW_WIDTH or any(b.action_id != first for b in buttons.buttons):
        return None
    options = tuple(Option(b.label, b.value) for b in buttons.buttons)
    return Choice(first, options, placeholder=hint or "Pick one")


def build_view(message: Message, shelf: FormShelf) -> discord.ui.View | None:
    """Buttons and choices as a persistent view (timeout None: custom ids carry the state).

    Each block starts a row of its own, so a question's buttons never share a row with the
    next question's."""
    view = discord.ui.View(timeout=None)
    row = 0
    hint = ""
    for block in message.blocks:
        try:
            if isinstance(block, Text):
                hint = block.text
            elif isinstance(block, Buttons) and block.buttons:
                choice = as_choice(block, hint)
                if choice is not None:
                    view.add_item(ActionSelect(choice, row=row))
                    row += 1
                    continue
                for n, button in enumerate(block.buttons):
                    item = ActionButton(button.action_id, button.value, button.label, button.style)
                    item.row = row + n // ROW_WIDTH
                    view.add_item(item)
                row += (len(block.buttons) + ROW_WIDTH - 1) // ROW_WIDTH
            elif isinstance(block, Choice) and block.options:
                view.add_item(ActionSelect(block, row=row))
                row += 1
        except (ids.TooLong, ValueError) as problem:
            # ValueError: the view is full (5 rows). Say so in the log; show what fits.
            log.warning("component left out of a Discord message: %s", problem)
    if message.form is not None:
        try:
            view.add_item(FormButton(shelf.put(message.form), f"Open: {message.form.title}"))
        except ValueError as problem:
            log.warning("form button left out of a Discord message: %s", problem)
    return view if view.children else None


def render(message: Message, shelf: FormShelf) -> list[Rendered]:
    """Content when it fits in one plain message; embeds (4,096 each) when it does not."""
    parts = list(paragraphs(message))
    body = "\n".join(parts)
    if len(body) <= CONTENT_LIMIT:
        rendered = [Rendered(content=body or None)]
    else:
        rendered = [
            Rendered(embed=discord.Embed(description=chunk, colour=EMBED_COLOUR))
            for chunk in pack(parts, DESCRIPTION_LIMIT)
        ]
    last = rendered[-1]
    last.view = build_view(message, shelf)
    last.images = [b for b in message.blocks if isinstance(b, Image | File)]
    if last.content is None and last.embed is None and last.view is None and not last.images:
        last.content = "\u200b"
    return rendered
