"""An in-memory community: send events, read what the bot answered. For tests and the demo."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.app import Trellis
from bot.core.events import Actor, CommandInvoked, Event
from bot.core.messages import File, Message, Outbound, Outgoing, ToGroup, ToMember
from bot.core.refs import ChannelRef, CommunityRef, MemberRef

PLATFORM = "memory"


@dataclass
class Delivered:
    target: Outbound
    message: Message

    @property
    def text(self) -> str:
        return self.message.plain_text()

    @property
    def files(self) -> list[File]:
        """Files attached to the message, kept as they were sent."""
        return [b for b in self.message.blocks if isinstance(b, File)]


@dataclass
class MemoryCommunity:
    trellis: Trellis
    community: CommunityRef = field(default_factory=lambda: CommunityRef(PLATFORM, "test"))
    platform: str = PLATFORM
    delivered: list[Delivered] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.trellis.outbox.attach(self)

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        self.delivered.append(Delivered(target, message))
        # A group's space is a channel named after the group, like the console's.
        return self.channel(target.name) if isinstance(target, ToGroup) else None

    def in_group(self, name: str) -> list[Delivered]:
        """Messages delivered into the space of a subgroup whose name contains `name`."""
        return [
            d for d in self.delivered if isinstance(d.target, ToGroup) and name in d.target.name
        ]

    def actor(self, name: str, *, admin: bool = False, timezone: str | None = None) -> Actor:
        return Actor(
            MemberRef(PLATFORM, name.lower()), name, platform_admin=admin, timezone=timezone
        )

    def channel(self, name: str) -> ChannelRef:
        return ChannelRef(PLATFORM, name, name)

    async def send(self, event: Event) -> list[Outgoing]:
        replies = await self.trellis.handle(event)
        await self.trellis.outbox.drain()
        return replies

    async def command(
        self, text: str, *, by: str, channel: str | None = "general", admin: bool = False
    ) -> list[Outgoing]:
        """Run `/trellis TEXT` as member `by`; `@name` and `#name` tokens become mentions."""
        members = {
            word: MemberRef(PLATFORM, word[1:].lower())
            for word in text.split()
            if word.startswith("@")
        }
        channels = {word: self.channel(word[1:]) for word in text.split() if word.startswith("#")}
        return await self.send(
            CommandInvoked(
                community=self.community,
                actor=self.actor(by, admin=admin),
                channel=self.channel(channel) if channel else None,
                text=text,
                mentions=members,
                channels=channels,
            )
        )

    def dms_to(self, name: str) -> list[Delivered]:
        return [
            d
            for d in self.delivered
            if isinstance(d.target, ToMember) and d.target.member.external_id == name.lower()
        ]
