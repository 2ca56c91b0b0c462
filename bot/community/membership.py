"""Joining and leaving a container; newcomers are greeted with its purpose and agreements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.community.agreements import bulleted
from bot.community.circle import dm
from bot.community.containers import ContainerService
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import ActionChosen, CommandInvoked, MemberJoined, MemberLeft
from bot.core.messages import Button, Buttons, Message, Outgoing, Reply, Text
from bot.core.messages import Context as ContextLine
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import AgreementRepository, PurposeRepository

JoinHook = Callable[[CommunityInfo, Container, MemberInfo, datetime], Awaitable[list[Outgoing]]]

JOIN = CommandSpec(
    path=("join",),
    summary="Join the container of this channel.",
    example="/trellis join",
)
LEAVE = CommandSpec(
    path=("leave",),
    summary="Leave the container of this channel (what you shared stays, under your consent).",
    example="/trellis leave",
)


class MembershipService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        purposes: PurposeRepository,
        agreements: AgreementRepository,
    ) -> None:
        self.service = service
        self.containers = containers
        self.purposes = purposes
        self.agreements = agreements
        # Other rooms greet newcomers too (e.g. asking for their motivation).
        self.join_hooks: list[JoinHook] = []
        # And notice leavers (e.g. a subgroup losing a member mid-round).
        self.leave_hooks: list[JoinHook] = []

    async def join(
        self, community: CommunityInfo, container: Container, member: MemberInfo, now: datetime
    ) -> list[Outgoing]:
        assert container.id is not None
        if container.state in ("closing", "closed"):
            raise CommandError(f"“{container.name}” is {container.state}; it takes no new members.")
        if not await self.containers.join(container.id, member.id, now):
            return []
        messages = [await self.welcome(container, member, now)]
        for hook in self.join_hooks:
            messages += await hook(community, container, member, now)
        return messages

    async def welcome(self, container: Container, member: MemberInfo, now: datetime) -> Outgoing:
        assert container.id is not None
        # The purpose's versions and the agreements in force, in one read.
        history, in_force_texts = await self.purposes.with_agreements(container.id)
        agreed = [text for text, was_agreed in history if was_agreed]
        purpose = agreed[-1] if agreed else (history[-1][0] + " (proposed)" if history else "")
        in_force = bulleted(in_force_texts)
        message = Message(
            (
                Text(f"Welcome to {container.name}", style="heading"),
                Text("Our purpose:"),
                Text(purpose or "(not set yet)", style="quote"),
                Text("Our working agreements:"),
                Text("\n".join(in_force) if in_force else "None agreed yet: you can propose one."),
                Buttons(
                    (
                        Button(
                            "I accept these", "welcome.accept", str(container.id), style="primary"
                        ),
                        Button("Set my profile", "profile.open"),
                    )
                ),
                ContextLine(
                    "Your profile (organisation, type, topics) helps Trellis form diverse subgroups."
                ),
            )
        )
        return dm(member, message, f"welcome:{container.id}:{member.id}:{now.isoformat()}")

    async def accept(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        raw = ctx.event.value
        container = await self.containers.get(int(raw)) if raw.isdigit() else None
        if container is None or container.id is None or container.community_id != ctx.community.id:
            raise CommandError("That container no longer exists.")
        for agreement in await self.agreements.for_container(container.id):
            if agreement.in_force_at is not None and agreement.id is not None:
                await self.agreements.vote(agreement.id, ctx.member.id, ctx.now)
        return [
            Outgoing(Message.text(f"Thank you. You accepted the agreements of {container.name}."))
        ]

    async def join_command(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        messages = await self.join(ctx.community, container, ctx.member, ctx.now)
        if not messages:
            return [Outgoing(Message.text(f"You are already a member of {container.name}."))]
        return [
            Outgoing(Message.text(f"Welcome to {container.name}! I sent you a direct message.")),
            *messages,
        ]

    async def leave_command(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        if not await self.containers.leave(container.id, ctx.member.id, ctx.now):
            raise CommandError(f"You are not a member of {container.name}.")
        told = await self.left(ctx.community, container, ctx.member, ctx.now)
        return [
            *told,
            Outgoing(
                Message.text(
                    f"You left {container.name}. You will not be asked to future pulses or rounds; "
                    "what you shared stays, under the consent you gave. `/trellis join` brings you back."
                ),
                Reply(ephemeral=True),
            ),
        ]

    async def on_joined_channel(self, ctx: Context[MemberJoined]) -> list[Outgoing]:
        channel = ctx.event.channel
        if channel is None:
            return []
        container = await self.containers.open_in_channel(ctx.community.id, channel.external_id)
        if container is None or container.state == "closing":
            return []
        return [
            o
            for o in await self.join(ctx.community, container, ctx.member, ctx.now)
            if not isinstance(o.target, Reply)
        ]

    async def on_left_channel(self, ctx: Context[MemberLeft]) -> list[Outgoing]:
        channel = ctx.event.channel
        if channel is None:
            return []
        container = await self.containers.open_in_channel(ctx.community.id, channel.external_id)
        if (
            container is not None
            and container.id is not None
            and await self.containers.leave(container.id, ctx.member.id, ctx.now)
        ):
            return await self.left(ctx.community, container, ctx.member, ctx.now)
        return []

    async def left(
        self, community: CommunityInfo, container: Container, member: MemberInfo, now: datetime
    ) -> list[Outgoing]:
        messages: list[Outgoing] = []
        for hook in self.leave_hooks:
            messages += await hook(community, container, member, now)
        return messages


def register(registry: Registry, service: MembershipService) -> None:
    registry.command(JOIN, service.join_command)
    registry.command(LEAVE, service.leave_command)
    registry.action("welcome.accept", service.accept)
    registry.listen(MemberJoined, service.on_joined_channel)
    registry.listen(MemberLeft, service.on_left_channel)
