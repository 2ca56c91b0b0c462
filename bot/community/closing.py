"""Closing a container: members get a short closing reflection; the history is kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.community.circle import Circles, dm
from bot.community.containers import ContainerService
from bot.community.purpose import channel_of
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked, FormSubmitted
from bot.core.messages import (
    Button,
    Buttons,
    ChoiceInput,
    Form,
    Message,
    Option,
    Outgoing,
    Reply,
    Text,
    TextInput,
    ToChannel,
)
from bot.core.messages import Context as ContextLine
from bot.core.parsing import Args, CommandError
from bot.core.ports import Planner, Sender
from bot.core.registry import Registry
from bot.storage.models import ClosingReflection
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import ClosingRepository

CLOSING_DAYS = 7

CLOSE = CommandSpec(
    ("container", "close"),
    "Close this container: members get a closing reflection, then it closes; its history stays.",
    role="facilitator",
    example="/trellis container close",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)


class ClosingService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        closings: ClosingRepository,
        circles: Circles,
        sender: Sender,
        planner: Planner,
    ) -> None:
        self.service = service
        self.containers = containers
        self.closings = closings
        self.circles = circles
        self.sender = sender
        self.planner = planner

    async def close(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        if container.state == "closing":
            raise CommandError(
                f"“{container.name}” is already closing; it closes by itself after the reflections."
            )
        ends = ctx.now + timedelta(days=CLOSING_DAYS)
        await self.containers.update(container.id, state="closing")
        await self.planner.plan(
            f"close:{container.id}", "container.close", ends, {"container_id": container.id}
        )
        circle = await self.circles.of(container)
        invitation = Message(
            (
                Text(f"{container.name} is closing", style="heading"),
                Text(
                    "Before it does: a short closing reflection, just for you unless you choose to share it."
                ),
                Buttons((Button("Reflect", "closing.open", str(container.id), style="primary"),)),
                ContextLine(f"Open until {ends:%Y-%m-%d}."),
            )
        )
        for member in circle.members:
            await self.sender.put(
                circle.community, dm(member, invitation, f"closing:{container.id}:{member.id}")
            )
        announcement = Message(
            (
                Text(f"{container.name} is closing", style="heading"),
                Text(
                    f"Thank you all. Each member gets a closing reflection by direct message; the container "
                    f"closes on {ends:%Y-%m-%d} and its history is kept."
                ),
            )
        )
        return [Outgoing(announcement, Reply(ephemeral=False))]

    async def open_form(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        raw = ctx.event.value
        container = await self.containers.get(int(raw)) if raw.isdigit() else None
        if container is None or container.community_id != ctx.community.id:
            raise CommandError("That container no longer exists.")
        if container.state != "closing":
            raise CommandError(f"The closing reflection of “{container.name}” is over.")
        form = Form(
            "closing.save",
            f"Closing {container.name}"[:24],
            (
                TextInput(
                    "take_away", "What will you take with you from this group?", multiline=True
                ),
                TextInput(
                    "advice",
                    "What would you tell the next group like this one?",
                    multiline=True,
                    required=False,
                ),
                ChoiceInput(
                    "share",
                    "Who may read it?",
                    (Option("Only me", "me"), Option("The facilitators", "facilitators")),
                    initial="me",
                ),
            ),
            submit_label="Save",
            context=str(container.id),
        )
        return [Outgoing(Message((Text("Take a few minutes."),), form=form))]

    async def save(self, ctx: Context[FormSubmitted]) -> list[Outgoing]:
        raw = ctx.event.context
        container = await self.containers.get(int(raw)) if raw.isdigit() else None
        if container is None or container.id is None or container.community_id != ctx.community.id:
            raise CommandError("That container no longer exists.")
        if container.state != "closing":
            raise CommandError(
                f"The closing reflection of “{container.name}” is over; nothing was changed."
            )
        values = ctx.event.values
        take_away = values.get("take_away", "").strip()
        if not take_away:
            raise CommandError("take_away: write a sentence, or close the form.")
        await self.closings.save(
            ClosingReflection(
                container_id=container.id,
                member_id=ctx.member.id,
                take_away=take_away[:3000],
                advice=values.get("advice", "").strip()[:3000],
                share_with_facilitators=values.get("share") == "facilitators",
                at=ctx.now,
            )
        )
        return [Outgoing(Message.text("Saved. Thank you for being part of this group."))]

    async def finish_job(self, payload: dict[str, object], due: datetime) -> None:
        container_id = payload["container_id"]
        assert isinstance(container_id, int)
        container = await self.containers.get(container_id)
        if container is None or container.state != "closing":
            return
        await self.containers.update(container_id, state="closed", closed_at=due)
        circle = await self.circles.of(container)
        reflections = await self.closings.count(container_id)
        message = Message(
            (
                Text(f"{container.name} is closed", style="heading"),
                Text(
                    f"{reflections} {'member' if reflections == 1 else 'members'} wrote a closing "
                    "reflection. The history is kept."
                ),
            )
        )
        await self.sender.put(
            circle.community,
            Outgoing(
                message,
                ToChannel(channel_of(circle.community, container)),
                f"closed:{container_id}",
            ),
        )


def register(registry: Registry, service: ClosingService) -> None:
    registry.command(CLOSE, service.close)
    registry.action("closing.open", service.open_form)
    registry.form("closing.save", service.save)
