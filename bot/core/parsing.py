"""From the text after `/trellis` to a command and typed arguments. Never raises anything
but CommandError subclasses, whatever the input (a property test holds it to that)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bot.core.commands import CommandSpec, OptionSpec
from bot.core.refs import ChannelRef, MemberRef

QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»"}
DURATION = re.compile(r"^(\d{1,6})(m|h|d|w)$")
DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_ARGUMENT_CHARS = 20_000

Value = str | int | MemberRef | ChannelRef | timedelta | date | time


class CommandError(Exception):
    """A problem with what the user typed; `str()` is the message to show them."""


class UnknownCommand(CommandError):
    def __init__(self, typed: str, suggestion: str | None) -> None:
        hint = f" Did you mean `/trellis {suggestion}`?" if suggestion else ""
        super().__init__(f"Unknown command `{typed}`.{hint} See `/trellis help` for the list.")
        self.suggestion = suggestion


class UsageError(CommandError):
    def __init__(self, spec: CommandSpec, problem: str) -> None:
        super().__init__(f"{problem}\nUsage: {spec.usage()}")
        self.spec = spec


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    quoted: bool


@dataclass(slots=True)
class Args:
    values: dict[str, Value] = field(default_factory=dict)

    def get(self, name: str) -> Value | None:
        return self.values.get(name)

    def text(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return value if isinstance(value, str) else default

    def int(self, name: str, default: int = 0) -> int:
        value = self.values.get(name)
        return value if isinstance(value, int) else default

    def member(self, name: str) -> MemberRef | None:
        value = self.values.get(name)
        return value if isinstance(value, MemberRef) else None

    def channel(self, name: str) -> ChannelRef | None:
        value = self.values.get(name)
        return value if isinstance(value, ChannelRef) else None

    def date(self, name: str) -> date | None:
        value = self.values.get(name)
        return value if isinstance(value, date) else None

    def duration(self, name: str) -> timedelta | None:
        value = self.values.get(name)
        return value if isinstance(value, timedelta) else None


def tokenize(text: str) -> list[Token]:
    """Split on white space, keeping quoted runs whole; an unclosed quote runs to the end."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in QUOTES:
            close = QUOTES[ch]
            end = text.find(close, i + 1)
            end = n if end < 0 else end
            tokens.append(Token(text[i + 1 : end], quoted=True))
            i = end + 1
            continue
        # A bare word may hold a quoted value, as in name="two words"; an apostrophe inside
        # a word (other's) is just a letter.
        parts: list[str] = []
        while i < n and not text[i].isspace():
            if text[i] in QUOTES and i > 0 and text[i - 1] == "=":
                end = text.find(QUOTES[text[i]], i + 1)
                end = n if end < 0 else end
                parts.append(text[i + 1 : end])
                i = end + 1
            else:
                parts.append(text[i])
                i += 1
        tokens.append(Token("".join(parts), quoted=False))
    return tokens


def parse_duration(raw: str) -> timedelta | None:
    match = DURATION.match(raw.strip().lower())
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{DURATION_UNITS[unit]: amount})


@dataclass(frozen=True, slots=True)
class Mentions:
    """What the adapter recognised in the text: raw token -> reference."""

    members: Mapping[str, MemberRef] = field(default_factory=dict)
    channels: Mapping[str, ChannelRef] = field(default_factory=dict)


def find_command(specs: Iterable[CommandSpec], tokens: list[Token]) -> tuple[CommandSpec, int]:
    """The longest declared path that the first tokens spell; raises UnknownCommand."""
    by_path = {spec.path: spec for spec in specs}
    words = [t.text.lower() for t in tokens[:4] if not t.quoted]
    for length in range(min(len(words), 4), 0, -1):
        spec = by_path.get(tuple(words[:length]))
        if spec is not None:
            return spec, length
    typed = " ".join(words[:2]) if words else ""
    names = [" ".join(p) for p in by_path]
    groups = sorted({p[0] for p in by_path})
    if words and words[0] in groups:
        default = next(
            (s for s in by_path.values() if s.group_default and s.path[0] == words[0]), None
        )
        if default is not None:
            return default, 1
        subs = sorted(" ".join(p) for p in by_path if p[0] == words[0])
        raise CommandError(
            f"`/trellis {words[0]}` needs one of: "
            + ", ".join(f"`{s}`" for s in subs)
            + ". See `/trellis help` for the list."
        )
    close = difflib.get_close_matches(typed, names, n=1, cutoff=0.5) or difflib.get_close_matches(
        words[0] if words else "", groups, n=1, cutoff=0.5
    )
    raise UnknownCommand(typed or "(empty)", close[0] if close else None)


def parse_value(spec: CommandSpec, option: OptionSpec, raw: str, mentions: Mentions) -> Value:
    label = option.name if option.positional else f"--{option.name}"
    if len(raw) > MAX_ARGUMENT_CHARS:
        raise UsageError(
            spec, f"{label} is too long ({len(raw)} characters; at most {MAX_ARGUMENT_CHARS})."
        )
    kind = option.kind
    if kind in ("text", "word"):
        if option.required and not raw.strip():
            raise UsageError(spec, f"{label} must not be empty.")
        return raw
    if kind == "int":
        try:
            number = int(raw)
        except ValueError:
            raise UsageError(spec, f"{label} expects a whole number, not `{raw[:40]}`.") from None
        if option.min_value is not None and number < option.min_value:
            raise UsageError(spec, f"{label} must be at least {option.min_value}.")
        if option.max_value is not None and number > option.max_value:
            raise UsageError(spec, f"{label} must be at most {option.max_value}.")
        return number
    if kind == "choice":
        lowered = raw.lower()
        if lowered not in option.choices:
            raise UsageError(
                spec, f"{label} must be one of {', '.join(option.choices)}; got `{raw[:40]}`."
            )
        return lowered
    if kind == "member":
        member = mentions.members.get(raw)
        if member is None:
            raise UsageError(
                spec, f"{label} expects a member mention such as @name, not `{raw[:40]}`."
            )
        return member
    if kind == "channel":
        channel = mentions.channels.get(raw)
        if channel is None:
            raise UsageError(
                spec, f"{label} expects a channel mention such as #name, not `{raw[:40]}`."
            )
        return channel
    if kind == "duration":
        duration = parse_duration(raw)
        if duration is None:
            raise UsageError(spec, f"{label} expects a duration such as 90m, 36h, 7d or 2w.")
        return duration
    if kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise UsageError(spec, f"{label} expects a date such as 2026-03-31.") from None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw.strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return time(int(match.group(1)), int(match.group(2)))
    raise UsageError(spec, f"{label} expects a time of day such as 09:30.")


def parse_arguments(spec: CommandSpec, tokens: list[Token], mentions: Mentions) -> Args:
    args = Args()
    loose: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.quoted and token.text.startswith("--") and len(token.text) > 2:
            name, eq, inline = token.text[2:].partition("=")
            option = spec.option(name.lower())
            if option is None:
                known = ", ".join(f"--{o.name}" for o in spec.options if not o.positional)
                raise UsageError(
                    spec,
                    f"Unknown option `--{name[:40]}`." + (f" Options: {known}." if known else ""),
                )
            if eq:
                raw = inline
            elif i + 1 < len(tokens):
                i += 1
                raw = tokens[i].text
            else:
                raise UsageError(spec, f"--{option.name} needs a value.")
            # Text options take every following word up to the next option.
            if option.kind == "text" and not eq:
                while i + 1 < len(tokens) and not _is_option(tokens[i + 1]):
                    i += 1
                    raw += " " + tokens[i].text
            args.values[option.name] = parse_value(spec, option, raw, mentions)
        else:
            loose.append(token.text)
        i += 1
    positionals = spec.positionals
    for index, option in enumerate(positionals):
        if index == len(positionals) - 1 and option.kind == "text":
            raw = " ".join(loose)
            loose = []
        elif loose:
            raw = loose.pop(0)
        else:
            raw = ""
        if raw:
            args.values[option.name] = parse_value(spec, option, raw, mentions)
    if loose:
        raise UsageError(spec, f"Unexpected `{' '.join(loose)[:60]}`.")
    for option in spec.options:
        if option.required and option.name not in args.values:
            label = option.name.upper() if option.positional else f"--{option.name}"
            raise UsageError(spec, f"{label} is required.")
    return args


def _is_option(token: Token) -> bool:
    return not token.quoted and token.text.startswith("--") and len(token.text) > 2
