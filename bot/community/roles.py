"""Facilitator roles (shared leadership: several people may hold it)."""

from __future__ import annotations

from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Outgoing, reply
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.repositories import DirectoryRepository

ADD = CommandSpec(
    path=("facilitator", "add"),
    summary="Give a member the facilitator role.",
    options=(OptionSpec("member", kind="member", positional=True, required=True, help="who"),),
    role="facilitator",
    example="/trellis facilitator add @sam",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
REMOVE = CommandSpec(
    path=("facilitator", "remove"),
    summary="Take the facilitator role from a member.",
    options=(OptionSpec("member", kind="member", positional=True, required=True, help="who"),),
    role="facilitator",
    example="/trellis facilitator remove @sam",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)


def register(registry: Registry, directory: DirectoryRepository) -> None:
    async def change(ctx: Context[CommandInvoked], args: Args, grant: bool) -> list[Outgoing]:
        ref = args.member("member")
        assert ref is not None
        target = await directory.find_member(ctx.community, ref)
        if target is None:
            raise CommandError("Trellis has not met that member yet; they need to say hello first.")
        if not grant and target.id == ctx.member.id:
            raise CommandError("You cannot remove your own role; ask another facilitator.")
        await directory.set_facilitator(target.id, grant)
        verb = "is now a facilitator" if grant else "is no longer a facilitator"
        return [reply(f"{target.display_name} {verb}.", ephemeral=False)]

    async def add(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return await change(ctx, args, True)

    async def remove(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return await change(ctx, args, False)

    registry.command(ADD, add)
    registry.command(REMOVE, remove)
