"""`/trellis container …`: the surface of containers, declared once for every platform."""

from __future__ import annotations

from bot.community import shares
from bot.community.containers import ContainerService, ContainerView
from bot.community.purpose import proposal_message
from bot.community.shares import ShareService
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Context as ContextLine
from bot.core.messages import Fields, Message, Outgoing, Reply, Text
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import PurposeRepository

CREATE = CommandSpec(
    path=("container", "create"),
    summary="Create a container (a trust-building group) bound to this channel.",
    options=(
        OptionSpec("name", positional=True, required=True, help="what the group is called"),
        OptionSpec("purpose", required=True, help="the common purpose, in a sentence"),
    ),
    role="facilitator",
    example='/trellis container create Maths leads --purpose "Learn how to teach fractions"',
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
SHOW = CommandSpec(
    path=("container", "show"),
    summary="Show the container of this channel: purpose, state, members, what was shared.",
    example="/trellis container show",
)
LIST = CommandSpec(
    path=("container", "list"),
    summary="List the community's containers with their state and size.",
    example="/trellis container list",
)
SETTINGS = CommandSpec(
    path=("container", "settings"),
    summary="Change the container's cadences: trust pulses, agreement reviews, rotation reminders.",
    options=(
        OptionSpec(
            "pulse-days", kind="int", min_value=0, max_value=90, help="days between pulses (0: off)"
        ),
        OptionSpec(
            "pulse-open-days", kind="int", min_value=1, max_value=14, help="days a pulse stays open"
        ),
        OptionSpec(
            "review-weeks", kind="int", min_value=0, max_value=52, help="agreement reviews (0: off)"
        ),
        OptionSpec(
            "rotation-weeks",
            kind="int",
            min_value=0,
            max_value=52,
            help="rotation reminders (0: off)",
        ),
    ),
    role="facilitator",
    example="/trellis container settings --pulse-days 14 --rotation-weeks 12",
)


def render_view(
    view: ContainerView, share_mix: dict[str, int], *, for_facilitator: bool
) -> Message:
    container = view.container
    blocks: list[Text | Fields | ContextLine] = [
        Text(f"Container: {container.name}", style="heading")
    ]
    if container.purpose:
        blocks.append(Text(container.purpose, style="quote"))
    elif view.proposed is not None:
        blocks.append(Text(f"Proposed purpose (not agreed yet): {view.proposed}", style="quote"))
    blocks.append(
        Fields(
            (
                ("Channel", f"#{container.channel_name or container.channel_id}"),
                ("State", container.state),
                ("Members", str(len(view.members))),
                ("Facilitators", ", ".join(view.facilitators) or "none"),
                ("Shared (4 weeks)", shares.mix_line(share_mix)),
            )
        )
    )
    if container.state == "forming" and view.proposed is not None:
        blocks.append(
            ContextLine(
                f"Forming: {view.agreed} of {view.needed} agreements needed for the purpose."
                + (
                    " Nudge members to agree, or propose a clearer wording."
                    if for_facilitator
                    else ""
                )
            )
        )
    blocks.append(ContextLine(f"Created {container.created_at:%Y-%m-%d}."))
    return Message(tuple(blocks))


def register(
    registry: Registry,
    service: ContainerService,
    containers: ContainerRepository,
    purposes: PurposeRepository,
    share_service: ShareService,
) -> None:
    async def create(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        channel = ctx.event.channel
        if channel is None:
            raise CommandError(
                "Run this in the channel the container should live in, not in a direct message."
            )
        container = await service.create(
            ctx.community, channel, ctx.member, args.text("name"), args.text("purpose"), ctx.now
        )
        assert container.id is not None
        [version] = await purposes.history(container.id)
        proposal = proposal_message(container, version, ctx.member.display_name)
        announcement = Message(
            (
                Text(f"New container: {container.name}", style="heading"),
                *proposal.blocks[1:-1],
                ContextLine(
                    f"Created by {ctx.member.display_name} in #{channel.name or channel.external_id}. "
                    "Members join with `/trellis join` and agree to the purpose with the button; "
                    "it becomes active once most agree."
                ),
            )
        )
        return [Outgoing(announcement, Reply(ephemeral=False))]

    async def show(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        view = await service.view(container)
        mix = await share_service.mix(container.id, ctx.now)
        return [Outgoing(render_view(view, mix, for_facilitator=ctx.member.is_facilitator))]

    async def list_all(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        rows = await service.list(ctx.community)
        if not rows:
            return [
                Outgoing(
                    Message.text(
                        "No containers yet. A facilitator creates one with `/trellis container create`."
                    )
                )
            ]
        lines = [
            f"• {c.name} — #{c.channel_name or c.channel_id} · {c.state} · {n} member{'' if n == 1 else 's'}"
            for c, n in rows
        ]
        return [Outgoing(Message((Text("Containers", style="heading"), Text("\n".join(lines)))))]

    async def settings(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        names = {
            "pulse-days": "pulse_every_days",
            "pulse-open-days": "pulse_open_days",
            "review-weeks": "agreement_review_weeks",
            "rotation-weeks": "rotation_weeks",
        }
        changes = {
            column: args.get(option)
            for option, column in names.items()
            if args.get(option) is not None and args.get(option) != getattr(container, column)
        }
        if changes:
            await containers.update(container.id, **changes)
            updated = await containers.get(container.id)
            assert updated is not None
            # A changed cadence starts afresh from now; the old chain ends itself.
            cadence_of = {
                "pulse_every_days": "pulse",
                "agreement_review_weeks": "review",
                "rotation_weeks": "rotation",
            }
            await service.plan_cadences(
                updated, ctx.now, frozenset(cadence_of[c] for c in changes if c in cadence_of)
            )
        current = await containers.get(container.id)
        assert current is not None
        off = "off"
        fields = (
            (
                "Trust pulses",
                f"every {current.pulse_every_days} days" if current.pulse_every_days else off,
            ),
            ("Pulse open for", f"{current.pulse_open_days} days"),
            (
                "Agreement review",
                f"every {current.agreement_review_weeks} weeks"
                if current.agreement_review_weeks
                else off,
            ),
            (
                "Rotation reminder",
                f"every {current.rotation_weeks} weeks" if current.rotation_weeks else off,
            ),
        )
        return [
            Outgoing(
                Message((Text(f"Settings of {current.name}", style="heading"), Fields(fields)))
            )
        ]

    registry.command(CREATE, create)
    registry.command(SHOW, show)
    registry.command(LIST, list_all)
    registry.command(SETTINGS, settings)
