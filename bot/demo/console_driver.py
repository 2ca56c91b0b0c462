"""Drives the real console adapter as many people at once, and keeps what it showed.

The demo's members type console lines (`:as`, `/trellis …`, `:click`, `:submit`) and post
messages as `MessagePosted` events through the same dispatch, so every reply is rendered
by the console renderer exactly as in `trellis run`.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from bot.adapters.console import COMMUNITY, ConsoleCommunity, Shown
from bot.adapters.console_render import render
from bot.app import Trellis
from bot.core.events import Actor, Event, MessagePosted
from bot.core.messages import File, Image, Message, Outbound, ToChannel
from bot.core.ports import SimulatedClock
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.demo.population import Person

# One message to post: who, in which channel, what, answering whom.
Said = tuple[Person, str, str, Person | None]


@dataclass(frozen=True, slots=True)
class Post:
    """A message the bot posted in a channel, as the console printed it."""

    channel: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class DemoConsole(ConsoleCommunity):
    """The console adapter writing to a buffer, remembering channel posts."""

    def __init__(self, trellis: Trellis, clock: SimulatedClock) -> None:
        self.transcript = io.StringIO()
        super().__init__(trellis, clock, out=self.transcript)
        self.posts: list[Post] = []
        self.rendered: tuple[str, ...] = ()

    def show(
        self, header: str, message: Message, viewer: str | None, where: ChannelRef | None
    ) -> None:
        # Like the console, but images are noted, not written into the working directory.
        self.rendered = tuple(render(message))
        lines = [f"  {line}" for line in self.rendered]
        lines += [
            f"  (image: {block.alt}, {len(block.png):,} bytes)"
            if isinstance(block, Image)
            else f"  (file: {block.name}, {len(block.data):,} bytes)"
            for block in message.blocks
            if isinstance(block, Image | File)
        ]
        self.print(header)
        for line in lines:
            self.print(line)
        self.remember(message, viewer, where)

    async def dispatch_all(self, events: list[Event]) -> None:
        """Handle events concurrently; show their replies in the order they were submitted
        (so a seed still prints one transcript), then deliver what they queued."""
        results = await asyncio.gather(*(self.trellis.handle(event) for event in events))
        name, channel = self.name, self.channel
        for event, replies in zip(events, results, strict=True):
            self.name = event.actor.ref.external_id
            self.channel = event.channel or channel
            self.event_channel = event.channel
            self.show_replies(replies)
        self.name, self.channel = name, channel
        await self.trellis.outbox.drain(if_queued=True)

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        space = await super().deliver(community, target, message)
        if isinstance(target, ToChannel):
            name = target.channel.name or target.channel.external_id
            self.posts.append(Post(name, self.rendered))  # as `show` just rendered it
        return space


class Driver:
    """Acts as the simulated members through the console."""

    def __init__(self, console: DemoConsole) -> None:
        self.console = console
        self.introduced: set[str] = set()
        self.current: str | None = None
        self.channel = "general"
        # (member, action, value) of every button already considered, so each is answered once.
        self.seen: set[tuple[str, str, str]] = set()
        # (member, action): how many of its values were already looked at.
        self.looked: dict[tuple[str, str], int] = {}

    async def line(self, text: str) -> None:
        self.console.print(f"> {text}")
        await self.console.handle_line(text)

    async def act_as(self, person: Person, channel: str) -> None:
        if person.name not in self.introduced:
            await self.line(
                f":as {person.name} --org {person.organisation} --type {person.organisation_type}"
            )
            self.introduced.add(person.name)
        elif self.current != person.name:
            # What `:as` does for a member who exists already, minus re-reading the profile:
            # the console acts as whoever `name` says.
            self.console.print(f"> :as {person.name}")
            self.console.name = person.name
        self.current = person.name
        if self.channel != channel:
            await self.line(f":channel {channel}")
            self.channel = channel

    async def command(self, person: Person, channel: str, text: str) -> None:
        await self.act_as(person, channel)
        await self.line(f"/trellis {text}")

    async def say_all(self, said: list[Said], chunk: int) -> None:
        """Many messages, `chunk` at a time submitted together, as a busy channel delivers
        them: concurrent `trellis.handle` calls (which can share a transaction)."""
        for start in range(0, len(said), chunk):
            events: list[Event] = []
            for person, channel, text, reply_to in said[start : start + chunk]:
                self.console.print(
                    f"> @{person.name} in #{channel}: {text}"
                    + (f"  (replying to @{reply_to.name})" if reply_to else "")
                )
                events.append(self.message(person, channel, text, reply_to))
            await self.console.dispatch_all(events)

    def message(
        self, person: Person, channel: str, text: str, reply_to: Person | None
    ) -> MessagePosted:
        console = self.console
        console.message_seq += 1
        console.last_posted[channel] = (person.name, str(console.message_seq), text)
        ref = ChannelRef("console", channel, channel)
        return MessagePosted(
            community=COMMUNITY,
            # Everyone is known by now; the console would look that up per message.
            actor=Actor(MemberRef("console", person.name), person.name),
            channel=ref,
            text=text,
            message_id=str(console.message_seq),
            reply_to=MemberRef("console", reply_to.name) if reply_to else None,
        )

    def shown(self, person: Person) -> Shown | None:
        return self.console.shown.get(person.name)

    async def click(self, person: Person, action: str, value: str) -> None:
        await self.act_as(person, self.channel)
        await self.line(f":click {action} {value}")

    async def submit(self, person: Person, values: dict[str, str]) -> None:
        await self.act_as(person, self.channel)
        await self.line(":submit " + " ".join(f'"{k}={v}"' for k, v in values.items()))
