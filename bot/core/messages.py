"""The neutral outbound message, rich enough for every feature.

All text here is plain: renderers escape it for their platform, so text a member wrote
can be placed anywhere without pinging anyone or disguising a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.core.refs import ChannelRef, MemberRef

TextStyle = Literal["plain", "heading", "quote"]
ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: TextStyle = "plain"


@dataclass(frozen=True, slots=True)
class Fields:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True, slots=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A single or multiple choice answered straight from the message."""

    action_id: str
    options: tuple[Option, ...]
    placeholder: str = "Choose…"
    multi: bool = False


@dataclass(frozen=True, slots=True)
class Image:
    png: bytes
    alt: str
    filename: str = "chart.png"


@dataclass(frozen=True, slots=True)
class File:
    """A file attached to the message (an export), not shown inline: each platform attaches
    it its own way (Slack's file upload, a Discord attachment, a file on disk)."""

    name: str
    data: bytes
    mime_type: str = "application/octet-stream"
    title: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """A small grey line under the message: provenance, hints, counts."""

    text: str


Block = Text | Fields | Buttons | Choice | Image | File | Context


@dataclass(frozen=True, slots=True)
class TextInput:
    name: str
    label: str
    multiline: bool = False
    required: bool = True
    max_length: int = 3000
    initial: str = ""
    placeholder: str = ""


@dataclass(frozen=True, slots=True)
class ChoiceInput:
    name: str
    label: str
    options: tuple[Option, ...]
    multi: bool = False
    required: bool = True
    initial: str = ""


FormField = TextInput | ChoiceInput


@dataclass(frozen=True, slots=True)
class Form:
    """A modal: opened from a button where the platform has modals, asked step by step elsewhere."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    context: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    blocks: tuple[Block, ...] = ()
    form: Form | None = None

    @classmethod
    def text(cls, *paragraphs: str) -> Message:
        return cls(tuple(Text(p) for p in paragraphs))

    def plain_text(self) -> str:
        """A text-only rendering: notification previews and platforms without rich layout."""
        lines: list[str] = []
        for block in self.blocks:
            match block:
                case Text(text=text):
                    lines.append(text)
                case Fields(pairs=pairs):
                    lines.extend(f"{k}: {v}" for k, v in pairs)
                case Buttons(buttons=buttons):
                    lines.append(" ".join(f"[{b.label}]" for b in buttons))
                case Choice(options=options):
                    lines.append(" / ".join(o.label for o in options))
                case Image(alt=alt):
                    lines.append(f"(image: {alt})")
                case File(name=name, title=title):
                    lines.append(f"(file {name}: {title})" if title else f"(file {name})")
                case Context(text=text):
                    lines.append(text)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer to the event being handled; ephemeral means only the actor sees it.

    `refused` marks the answer to an event that was refused (bad input, not allowed), so an
    adapter can show it where the member acted, e.g. on the form they are filling in."""

    ephemeral: bool = True
    refused: bool = False


@dataclass(frozen=True, slots=True)
class ToChannel:
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class ToMember:
    """A direct message."""

    member: MemberRef


@dataclass(frozen=True, slots=True)
class ToGroup:
    """A subgroup's own space: a group DM, a private thread, or a named console space.

    Adapters open (or find again) the space of these members under `parent`; `name` is
    unique per subgroup, so every message to the same group lands in the same space."""

    members: tuple[MemberRef, ...]
    parent: ChannelRef
    name: str


Outbound = ToChannel | ToMember | ToGroup
Target = Reply | ToChannel | ToMember | ToGroup


@dataclass(frozen=True, slots=True)
class Outgoing:
    message: Message
    target: Target = field(default_factory=Reply)
    # Unique per delivery; the outbox refuses a second message with the same key.
    idempotency_key: str | None = None


def reply(*paragraphs: str, ephemeral: bool = True) -> Outgoing:
    return Outgoing(Message.text(*paragraphs), Reply(ephemeral=ephemeral))
