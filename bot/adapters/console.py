"""The console community: a local network in the terminal, interactive or from a script."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.adapters.console_render import render
from bot.app import Trellis
from bot.core.events import (
    ActionChosen,
    Actor,
    CommandInvoked,
    Event,
    FormSubmitted,
    MessagePosted,
    ReactionAdded,
)
from bot.core.messages import (
    Buttons,
    Choice,
    ChoiceInput,
    File,
    Form,
    Image,
    Message,
    Outbound,
    Outgoing,
    Reply,
    ToGroup,
    ToMember,
)
from bot.core.parsing import parse_duration, tokenize
from bot.core.ports import SimulatedClock
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.storage.repositories import update_member_profile

PLATFORM = "console"
COMMUNITY = CommunityRef(PLATFORM, "local")
DIRECTIVES = (
    ":as NAME [--org ORG] [--type TYPE] [--tz ZONE], :channel NAME, :advance 90m|36h|7d, "
    ":facilitator NAME, :react EMOJI, :click ACTION [VALUE], :submit FIELD=VALUE …, :help, :quit"
)
MENTION_IN_TEXT = re.compile(r"(?<![\w@])@([A-Za-z0-9._-]+)")
MENTION = re.compile(r"^@([\w.\-]+)$")
CHANNEL = re.compile(r"^#([\w.\-]+)$")
NAME = re.compile(r"^[\w.\-]{1,40}$")


@dataclass
class Shown:
    """The buttons and form a member last saw, so `:click` and `:submit` can answer them."""

    actions: dict[str, list[str]] = field(default_factory=dict)
    form: Form | None = None
    channel: ChannelRef | None = None


class ConsoleCommunity:
    platform = PLATFORM

    def __init__(self, trellis: Trellis, clock: SimulatedClock, out: TextIO = sys.stdout) -> None:
        self.trellis = trellis
        self.clock = clock
        self.out = out
        self.name = "you"
        self.channel = ChannelRef(PLATFORM, "general", "general")
        self.shown: dict[str, Shown] = {}
        self.message_seq = 0
        self.someone_joined = False
        # The last message posted in each channel (author, id, text), for `:react`.
        self.last_posted: dict[str, tuple[str, str, str]] = {}
        # Where the event being handled happened; replies are shown there.
        self.event_channel: ChannelRef | None = self.channel
        self.directives: dict[str, Callable[[str], object]] = {
            ":as": self.act_as,
            ":channel": self.switch_channel,
            ":advance": self.advance,
            ":facilitator": self.grant,
            ":click": self.click,
            ":react": self.react,
            ":submit": self.submit,
            ":help": self.directive_help,
        }
        trellis.outbox.attach(self)

    # -- output ---------------------------------------------------------------------------

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(
        self, header: str, message: Message, viewer: str | None, where: ChannelRef | None
    ) -> None:
        self.print(header)
        for line in render(message):
            self.print(f"  {line}")
        for block in message.blocks:
            if isinstance(block, Image | File):
                # Saved in the working directory; the line says where.
                name, data = (
                    (block.filename, block.png)
                    if isinstance(block, Image)
                    else (block.name, block.data)
                )
                Path(name).write_bytes(data)
                self.print(f"  (saved {name}, {len(data):,} bytes)")
        self.remember(message, viewer, where)

    def remember(self, message: Message, viewer: str | None, where: ChannelRef | None) -> None:
        """Keep every button a member (or a channel) was shown, and the last form."""
        if (
            not any(isinstance(b, Buttons | Choice) for b in message.blocks)
            and message.form is None
        ):
            return
        key = viewer or f"#{where.external_id if where else ''}"
        shown = self.shown.setdefault(key, Shown())
        for block in message.blocks:
            if isinstance(block, Buttons):
                for button in block.buttons:
                    shown.actions.setdefault(button.action_id, []).append(button.value)
            elif isinstance(block, Choice):
                shown.actions.setdefault(block.action_id, []).extend(o.value for o in block.options)
        if message.form is not None:
            shown.form = message.form
        shown.channel = where

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        if isinstance(target, ToMember):
            who = target.member.external_id
            self.show(f"[@{who}] Trellis (direct message):", message, who, None)
            return None
        if isinstance(target, ToGroup):
            # A named space: `:channel NAME` enters it to talk there.
            space = ChannelRef(PLATFORM, target.name, target.name)
            people = ", ".join(f"@{m.external_id}" for m in target.members)
            self.show(f"[group: {target.name} ({people})] Trellis:", message, None, space)
            return space
        name = target.channel.name or target.channel.external_id
        self.show(f"[#{name}] Trellis:", message, None, target.channel)
        return None

    def show_replies(self, replies: list[Outgoing]) -> None:
        for outgoing in replies:
            assert isinstance(outgoing.target, Reply)
            where = f"#{self.channel.name}" if self.event_channel else f"@{self.member_id}"
            if outgoing.target.ephemeral:
                header = f"[{where}] Trellis (only @{self.member_id} sees this):"
                self.show(header, outgoing.message, self.member_id, self.event_channel)
            else:
                self.show(f"[{where}] Trellis:", outgoing.message, None, self.event_channel)

    # -- input ----------------------------------------------------------------------------

    @property
    def member_id(self) -> str:
        return self.name.lower()

    async def actor(self) -> Actor:
        # The first member of a console community runs it: they start as facilitator. Once
        # someone has joined that question is settled, so it is not asked on every line.
        if not self.someone_joined:
            community = await self.trellis.directory.community(COMMUNITY)
            self.someone_joined = await self.trellis.directory.count_members(community.id) > 0
        first = not self.someone_joined
        return Actor(MemberRef(PLATFORM, self.member_id), self.name, platform_admin=first)

    async def dispatch(self, event: Event) -> None:
        self.event_channel = event.channel
        replies = await self.trellis.handle(event)
        self.show_replies(replies)
        await self.trellis.outbox.drain(if_queued=True)

    async def handle_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.startswith(":"):
            word, _, rest = line.partition(" ")
            directive = self.directives.get(word.lower())
            if directive is None:
                self.print(f"Unknown directive `{word[:40]}`. Directives: {DIRECTIVES}")
                return
            result = directive(rest.strip())
            if asyncio.iscoroutine(result):
                await result
            return
        self.message_seq += 1
        if line.startswith("/trellis") and (len(line) == 8 or line[8].isspace()):
            await self.dispatch(await self.command(line[8:].strip()))
        else:
            self.last_posted[self.channel.external_id] = (
                self.member_id,
                str(self.message_seq),
                line,
            )
            await self.dispatch(
                MessagePosted(
                    community=COMMUNITY,
                    actor=await self.actor(),
                    channel=self.channel,
                    text=line,
                    message_id=str(self.message_seq),
                    mentioned=tuple(
                        MemberRef(PLATFORM, name.lower().rstrip("."))
                        for name in MENTION_IN_TEXT.findall(line)
                    ),
                )
            )

    async def command(self, text: str) -> CommandInvoked:
        members: dict[str, MemberRef] = {}
        channels: dict[str, ChannelRef] = {}
        for token in tokenize(text):
            if match := MENTION.match(token.text):
                members[token.text] = MemberRef(PLATFORM, match.group(1).lower())
            elif match := CHANNEL.match(token.text):
                channels[token.text] = ChannelRef(PLATFORM, match.group(1), match.group(1))
        return CommandInvoked(
            community=COMMUNITY,
            actor=await self.actor(),
            channel=self.channel,
            text=text,
            mentions=members,
            channels=channels,
        )

    # -- directives -----------------------------------------------------------------------

    def directive_help(self, _: str) -> None:
        self.print(f"Directives: {DIRECTIVES}. Lines starting with /trellis are commands.")

    async def act_as(self, rest: str) -> None:
        tokens = [t.text for t in tokenize(rest)]
        if not tokens or not NAME.match(tokens[0]):
            self.print(
                "Usage: :as NAME [--org ORG] [--type TYPE] [--tz ZONE] "
                "(NAME: letters, digits, . - _)"
            )
            return
        options: dict[str, str] = {}
        pairs = tokens[1:]
        if len(pairs) % 2 or any(k not in ("--org", "--type", "--tz") for k in pairs[::2]):
            self.print("Usage: :as NAME [--org ORG] [--type TYPE] [--tz ZONE]")
            return
        options = dict(zip(pairs[::2], pairs[1::2], strict=True))
        if "--tz" in options:
            try:
                ZoneInfo(options["--tz"])
            except (
                ZoneInfoNotFoundError,
                ValueError,
                OSError,
            ):  # OSError: a name too long for a path
                self.print(
                    f"Unknown time zone `{options['--tz'][:40]}`; try one like Europe/Lisbon."
                )
                return
        self.name = tokens[0]
        community = await self.trellis.directory.community(COMMUNITY)
        member = await self.trellis.directory.member(community, await self.actor())
        await update_member_profile(
            self.trellis.db,
            member.id,
            organisation=options.get("--org"),
            organisation_type=options.get("--type"),
            timezone=options.get("--tz"),
        )
        role = " (facilitator)" if member.is_facilitator else ""
        self.print(f"-- you are now @{self.member_id}{role} in #{self.channel.name}")

    def switch_channel(self, rest: str) -> None:
        name = rest.lstrip("#")
        if not NAME.match(name):
            self.print("Usage: :channel NAME (letters, digits, . - _)")
            return
        self.channel = ChannelRef(PLATFORM, name, name)
        self.print(f"-- now in #{name}")

    async def advance(self, rest: str) -> None:
        delta = parse_duration(rest)
        if delta is None:
            self.print("Usage: :advance DURATION, e.g. 90m, 36h, 7d or 2w")
            return
        ran = await self.trellis.scheduler.advance(self.clock, delta)
        await self.trellis.outbox.drain()
        self.print(f"-- clock is now {self.clock.now():%Y-%m-%d %H:%M} UTC ({ran} scheduled runs)")

    async def grant(self, rest: str) -> None:
        name = rest.lstrip("@")
        if not NAME.match(name):
            self.print("Usage: :facilitator NAME")
            return
        community = await self.trellis.directory.community(COMMUNITY)
        member = await self.trellis.directory.find_member(
            community, MemberRef(PLATFORM, name.lower())
        )
        if member is None:
            self.print(f"No member @{name.lower()} yet; use `:as {name}` once to create them.")
            return
        await self.trellis.directory.set_facilitator(member.id, True)
        self.print(f"-- @{name.lower()} is now a facilitator")

    async def react(self, rest: str) -> None:
        """React to the last message posted in this channel, as the current member."""
        emoji = rest.strip().strip(":")
        posted = self.last_posted.get(self.channel.external_id)
        if not emoji or posted is None:
            self.print("Usage: :react EMOJI (reacts to the last message posted in this channel)")
            return
        author, message_id, text = posted
        await self.dispatch(
            ReactionAdded(
                community=COMMUNITY,
                actor=await self.actor(),
                channel=self.channel,
                emoji=emoji,
                message_id=message_id,
                message_author=MemberRef(PLATFORM, author),
                message_text=text,
            )
        )

    def visible(self) -> list[Shown]:
        """What the current member can click: their own messages, then the channel's."""
        found = [self.shown.get(self.member_id), self.shown.get(f"#{self.channel.external_id}")]
        return [s for s in found if s is not None]

    async def click(self, rest: str) -> None:
        tokens = [t.text for t in tokenize(rest)]
        if not tokens:
            self.print("Usage: :click ACTION [VALUE]")
            return
        action = tokens[0]
        shown = next((s for s in self.visible() if action in s.actions), None)
        if shown is None:
            offered = sorted({a for s in self.visible() for a in s.actions})
            self.print(
                f"No button `{action[:60]}` shown to you here. "
                f"Buttons shown: {', '.join(offered) or 'none'}"
            )
            return
        value = tokens[1] if len(tokens) > 1 else (shown.actions[action] or [""])[-1]
        await self.dispatch(
            ActionChosen(
                community=COMMUNITY,
                actor=await self.actor(),
                channel=shown.channel,
                action_id=action,
                value=value,
                values=tuple(tokens[1:]),
            )
        )

    async def submit(self, rest: str) -> None:
        own = self.shown.get(self.member_id)
        shown = own if own is not None and own.form is not None else None
        form = shown.form if shown else None
        if form is None or shown is None:
            self.print("No form is open for you. Click the button that opens one first.")
            return
        values: dict[str, str] = {}
        for token in tokenize(rest):
            name, eq, value = token.text.partition("=")
            if not eq:
                self.print(f"Write each answer as FIELD=VALUE (got `{token.text[:40]}`).")
                return
            values[name] = value
        problem = check_form(form, values)
        if problem:
            self.print(problem)
            return
        await self.dispatch(
            FormSubmitted(
                community=COMMUNITY,
                actor=await self.actor(),
                channel=shown.channel,
                form_id=form.form_id,
                values=values,
                context=form.context,
            )
        )

    async def run(self, stdin: TextIO = sys.stdin) -> int:
        interactive = stdin.isatty()
        self.print(
            f"Trellis console community. You are @{self.member_id} in #{self.channel.name}. "
            "Type /trellis help, or :help for directives."
        )
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                self.out.write(f"{self.member_id}@#{self.channel.name}> ")
                self.out.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line or line.strip() in (":quit", ":exit"):
                return 0
            if not interactive and line.strip():
                self.print(f"> {line.rstrip()}")
            await self.handle_line(line)


def check_form(form: Form, values: dict[str, str]) -> str | None:
    names = {f.name for f in form.fields}
    unknown = [name for name in values if name not in names]
    if unknown:
        return f"Unknown field {unknown[0]!r}. Fields: {', '.join(sorted(names))}"
    for f in form.fields:
        given = values.get(f.name, "").strip()
        if f.required and not given:
            return f"{f.name} is required ({f.label})."
        if isinstance(f, ChoiceInput) and given and given not in {o.value for o in f.options}:
            return f"{f.name} must be one of {', '.join(o.value for o in f.options)}."
        if not isinstance(f, ChoiceInput) and len(given) > f.max_length:
            return f"{f.name} is {len(given)} characters; at most {f.max_length}."
    return None
