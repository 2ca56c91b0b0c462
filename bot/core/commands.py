"""Commands declared once: every surface (console, Slack, Discord, help) is built from these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OptionKind = Literal[
    "text", "word", "int", "choice", "member", "channel", "duration", "date", "time"
]
Role = Literal["member", "facilitator"]

KIND_HINTS: dict[str, str] = {
    "text": "TEXT",
    "word": "WORD",
    "int": "N",
    "member": "@MEMBER",
    "channel": "#CHANNEL",
    "duration": "DURATION",
    "date": "YYYY-MM-DD",
    "time": "HH:MM",
}


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    kind: OptionKind = "text"
    help: str = ""
    required: bool = False
    # A positional option is given without `--name`; the last one takes the rest of the line.
    positional: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None

    @property
    def metavar(self) -> str:
        if self.kind == "choice":
            return "|".join(self.choices)
        if self.positional:
            return "@" + self.name.upper() if self.kind == "member" else self.name.upper()
        return KIND_HINTS[self.kind]

    def usage(self) -> str:
        shown = self.metavar if self.positional else f"--{self.name} {self.metavar}"
        return shown if self.required else f"[{shown}]"


@dataclass(frozen=True, slots=True)
class CommandSpec:
    path: tuple[str, ...]
    summary: str
    options: tuple[OptionSpec, ...] = ()
    role: Role = "member"
    example: str = ""
    details: str = ""
    # `/trellis GROUP` alone runs this command (Discord cannot have a group that is also a
    # command, so the surface there is `/trellis GROUP NAME`).
    group_default: bool = False
    # Its answer is for the whole channel (an announcement, a proposal). Platforms that must
    # say "thinking…" before the answer is ready (Discord) say it publicly for these.
    public_reply: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def positionals(self) -> tuple[OptionSpec, ...]:
        return tuple(o for o in self.options if o.positional)

    def option(self, name: str) -> OptionSpec | None:
        return next((o for o in self.options if o.name == name and not o.positional), None)

    def usage(self) -> str:
        parts = ["/trellis", self.name]
        parts += [o.usage() for o in self.options if o.positional]
        parts += [o.usage() for o in self.options if not o.positional]
        return " ".join(parts)
