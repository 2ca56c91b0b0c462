"""A small driver for community tests: people act in a channel, we read what they saw."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.memory import Delivered, MemoryCommunity
from bot.app import Trellis
from bot.core.events import ActionChosen, FormSubmitted, MemberJoined
from bot.core.messages import Button, Buttons, Outgoing, ToChannel
from bot.core.ports import SimulatedClock


def text_of(replies: list[Outgoing]) -> str:
    return "\n".join(r.message.plain_text() for r in replies)


def buttons(delivered: Delivered | Outgoing, action_id: str) -> list[Button]:
    return [
        b
        for block in delivered.message.blocks
        if isinstance(block, Buttons)
        for b in block.buttons
        if b.action_id == action_id
    ]


class Network:
    def __init__(self, trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock) -> None:
        self.trellis = trellis
        self.community = community
        self.clock = clock

    async def run(
        self, text: str, by: str, channel: str | None = "general", admin: bool = False
    ) -> str:
        return text_of(await self.community.command(text, by=by, channel=channel, admin=admin))

    async def click(
        self, by: str, action_id: str, value: str = "", channel: str | None = None
    ) -> str:
        event = ActionChosen(
            community=self.community.community,
            actor=self.community.actor(by),
            channel=self.community.channel(channel) if channel else None,
            action_id=action_id,
            value=value,
        )
        return text_of(await self.community.send(event))

    async def submit(self, by: str, form_id: str, context: str, **values: str) -> str:
        event = FormSubmitted(
            community=self.community.community,
            actor=self.community.actor(by),
            form_id=form_id,
            values=values,
            context=context,
        )
        return text_of(await self.community.send(event))

    async def joins_channel(self, name: str, channel: str = "general") -> None:
        await self.community.send(
            MemberJoined(
                community=self.community.community,
                actor=self.community.actor(name),
                channel=self.community.channel(channel),
            )
        )

    async def advance(self, **delta: float) -> int:
        return await self.trellis.scheduler.advance(self.clock, timedelta(**delta))

    def dms(self, name: str) -> list[Delivered]:
        return self.community.dms_to(name)

    def posts(self, channel: str = "general") -> list[Delivered]:
        return [
            d
            for d in self.community.delivered
            if isinstance(d.target, ToChannel) and d.target.channel.external_id == channel
        ]

    async def container_with(self, names: list[str], channel: str = "general") -> None:
        """`ana` (a facilitator) creates a container; everyone in `names` joins it."""
        await self.run(
            'container create "Maths leads" --purpose "Teach fractions well"',
            by="ana",
            channel=channel,
            admin=True,
        )
        for name in names:
            await self.run("join", by=name, channel=channel)
