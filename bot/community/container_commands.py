"""`/trellis container …`: the surface of containers, declared once for every platform."""

from __future__ import annotations

from bot.community.containers import ContainerService, ContainerView
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Context as ContextLine
from bot.core.messages import Fields, Message, Outgoing, Reply, Text
from bot.core.parsing import Args, CommandError
from bot.core.refs import ChannelRef
from bot.core.registry import Registry

CREATE = CommandSpec(
    path=("container", "create"),
    summary="Create a container (a trust-building group) bound to this channel.",
    options=(
        OptionSpec("name", positional=True, required=True, help="what the group is called"),
        OptionSpec("purpose", required=True, help="the common purpose, in a sentence"),
    ),
    role="facilitator",
    example='/trellis container create Maths leads --purpose "Learn how to teach fractions"',
)
SHOW = CommandSpec(
    path=("container", "show"),
    summary="Show the container of this channel: purpose, state and members.",
    example="/trellis container show",
)


def channel_of(ctx: Context[CommandInvoked]) -> ChannelRef:
    if ctx.event.channel is None:
        raise CommandError(
            "Run this in the channel the container lives in, not in a direct message."
        )
    return ctx.event.channel


def render_view(view: ContainerView) -> Message:
    purpose = view.purpose or "(no purpose yet)"
    return Message(
        (
            Text(f"Container: {view.name}", style="heading"),
            Text(purpose, style="quote"),
            Fields(
                (
                    ("Channel", f"#{view.channel}"),
                    ("State", view.state),
                    ("Members", str(len(view.members))),
                    ("Facilitators", ", ".join(view.facilitators) or "none"),
                )
            ),
            ContextLine(f"Created {view.created_at:%Y-%m-%d}."),
        )
    )


def register(registry: Registry, service: ContainerService) -> None:
    async def create(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        channel = channel_of(ctx)
        container = await service.create(
            ctx.community, channel, ctx.member, args.text("name"), args.text("purpose"), ctx.now
        )
        shown = channel.name or channel.external_id
        announcement = Message(
            (
                Text(f"New container: {container.name}", style="heading"),
                Text(container.purpose, style="quote"),
                ContextLine(
                    f"Created by {ctx.member.display_name} in #{shown}. "
                    "See it any time with `/trellis container show`."
                ),
            )
        )
        return [Outgoing(announcement, Reply(ephemeral=False))]

    async def show(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        view = await service.view(ctx.community, channel_of(ctx))
        if view is None:
            raise CommandError(
                "No container in this channel yet. A facilitator can create one with "
                "`/trellis container create NAME --purpose TEXT`."
            )
        return [Outgoing(render_view(view), Reply(ephemeral=True))]

    registry.command(CREATE, create)
    registry.command(SHOW, show)
