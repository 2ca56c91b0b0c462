"""`/trellis taxonomy …`: fields of knowledge and strands of learning, per community."""

from __future__ import annotations

from bot.community.exchange_taxonomy import FIELD_NAMES, TaxonomyService
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Context as ContextLine
from bot.core.messages import Message, Outgoing, Reply, Text, reply
from bot.core.parsing import Args
from bot.core.registry import Registry

SHOW = CommandSpec(
    path=("taxonomy", "show"),
    summary="Show the fields of knowledge and strands of learning that learnings are tagged with.",
    example="/trellis taxonomy show",
)
ADD = CommandSpec(
    path=("taxonomy", "strand", "add"),
    summary="Add a strand of learning.",
    options=(
        OptionSpec("name", kind="word", positional=True, required=True, help="e.g. peer-coaching"),
        OptionSpec("label", help="how digests name it"),
    ),
    role="facilitator",
    example='/trellis taxonomy strand add peer-coaching --label "Peer coaching"',
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
REMOVE = CommandSpec(
    path=("taxonomy", "strand", "remove"),
    summary="Remove a strand (learnings already tagged keep their tag).",
    options=(OptionSpec("name", kind="word", positional=True, required=True, help="the strand"),),
    role="facilitator",
    example="/trellis taxonomy strand remove pupil",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
RENAME = CommandSpec(
    path=("taxonomy", "field", "rename"),
    summary="Reword a field of knowledge as your network says it.",
    options=(
        OptionSpec(
            "field",
            kind="choice",
            choices=FIELD_NAMES,
            positional=True,
            required=True,
            help="which",
        ),
        OptionSpec("label", required=True, help="the new wording"),
    ),
    role="facilitator",
    example='/trellis taxonomy field rename practitioner --label "What we know from practice"',
)


def register(registry: Registry, taxonomy: TaxonomyService) -> None:
    async def show(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        terms = await taxonomy.get(ctx.community.id)
        fields = "\n".join(f"{name}: {label}" for name, label in terms.fields.items())
        strands = "\n".join(f"{name}: {label}" for name, label in terms.strands.items())
        message = Message(
            (
                Text("Fields of knowledge", style="heading"),
                Text(fields),
                Text("Strands of learning", style="heading"),
                Text(strands or "(none: a facilitator can add some)"),
                ContextLine("Tag a learning: /trellis learned TEXT --field NAME --strand NAME"),
            )
        )
        return [Outgoing(message, Reply(ephemeral=True))]

    async def add(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        name = await taxonomy.add_strand(ctx.community.id, args.text("name"), args.text("label"))
        return [reply(f"Added the strand `{name}`.", ephemeral=False)]

    async def remove(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        await taxonomy.remove_strand(ctx.community.id, args.text("name"))
        return [
            reply(f"Removed the strand `{args.text('name').strip().lower()}`.", ephemeral=False)
        ]

    async def rename(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        await taxonomy.relabel_field(ctx.community.id, args.text("field"), args.text("label"))
        return [
            reply(f"The field `{args.text('field')}` now reads “{args.text('label').strip()}”.")
        ]

    registry.command(SHOW, show)
    registry.command(ADD, add)
    registry.command(REMOVE, remove)
    registry.command(RENAME, rename)
