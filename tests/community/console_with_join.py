"""`trellis run` with a stand-in `/trellis join`, for the motivations console script.

Issue 5 (the lead's) owns joining; until it lands this stand-in does what that flow will:
make the member part of the channel's container, then send `MotivationService.on_join`'s
DM. When a real `join` command is registered, the stand-in steps aside."""

from __future__ import annotations

import sys

from bot import app
from bot.cli import main
from bot.community.containers import ContainerService
from bot.community.motivations import MotivationService
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Outgoing, reply
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.repositories import DirectoryRepository

JOIN = CommandSpec(
    path=("join",),
    summary="Join the container of this channel (test stand-in until issue 5 lands).",
    example="/trellis join",
)
original_build_registry = app.build_registry


def build_registry(
    directory: DirectoryRepository, containers: ContainerService, motivations: MotivationService
) -> Registry:
    registry = original_build_registry(directory, containers, motivations)
    if any(spec.path == JOIN.path for spec in registry.specs):
        return registry

    async def join(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        channel = ctx.event.channel
        container = (
            await motivations.containers.open_in_channel(ctx.community.id, channel.external_id)
            if channel
            else None
        )
        if container is None or container.id is None:
            raise CommandError("There is no container in this channel to join.")
        await motivations.motivations.add_membership(container.id, ctx.member.id, ctx.now)
        welcome = await motivations.on_join(ctx.community, container, ctx.member)
        return [reply(f"You joined {container.name}."), *welcome]

    registry.command(JOIN, join)
    return registry


if __name__ == "__main__":
    app.build_registry = build_registry  # type: ignore[assignment]
    sys.exit(main(sys.argv[1:]))
