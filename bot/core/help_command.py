"""`/trellis help [COMMAND]`."""

from __future__ import annotations

from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.help import help_overview, help_topic
from bot.core.messages import Outgoing, Reply
from bot.core.parsing import Args
from bot.core.registry import Registry

HELP = CommandSpec(
    path=("help",),
    summary="List every command, or explain one with an example.",
    options=(OptionSpec("command", positional=True, help="a command, e.g. container create"),),
    example="/trellis help container create",
)


def register(registry: Registry) -> None:
    async def show_help(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        topic = args.text("command").strip()
        message = (
            help_topic(registry.specs, topic)
            if topic
            else help_overview(registry.specs, is_facilitator=ctx.member.is_facilitator)
        )
        return [Outgoing(message, Reply(ephemeral=True))]

    registry.command(HELP, show_help)
