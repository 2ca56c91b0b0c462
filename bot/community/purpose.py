"""A container's common purpose: proposed, agreed by most members, its history kept."""

from __future__ import annotations

from bot.community.containers import ContainerService, agreement_threshold, check_purpose
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo
from bot.core.events import ActionChosen, CommandInvoked, FormSubmitted
from bot.core.messages import (
    Button,
    Buttons,
    Form,
    Message,
    Outgoing,
    Reply,
    Text,
    TextInput,
    ToChannel,
)
from bot.core.messages import Context as ContextLine
from bot.core.parsing import Args, CommandError
from bot.core.refs import ChannelRef
from bot.core.registry import Registry
from bot.storage.models import Container, PurposeVersion
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import PurposeRepository

PROPOSE = CommandSpec(
    path=("container", "purpose"),
    summary="Propose a new wording of this container's purpose; members agree or comment.",
    options=(
        OptionSpec("text", positional=True, required=True, help="the purpose, in a sentence"),
    ),
    example="/trellis container purpose Learn from each other's attempts at teaching fractions",
    public_reply=True,
)
HISTORY = CommandSpec(
    path=("container", "history"),
    summary="The purpose's history: each wording, when, and who agreed.",
    example="/trellis container history",
)


def channel_of(community: CommunityInfo, container: Container) -> ChannelRef:
    return ChannelRef(community.ref.platform, container.channel_id, container.channel_name)


def proposal_message(container: Container, version: PurposeVersion, by: str) -> Message:
    assert version.id is not None
    value = str(version.id)
    return Message(
        (
            Text(f"Proposed purpose for {container.name}", style="heading"),
            Text(version.text, style="quote"),
            Buttons(
                (
                    Button("Agree", "purpose.agree", value, style="primary"),
                    Button("Comment", "purpose.comment", value),
                )
            ),
            ContextLine(f"Proposed by {by}. It is agreed once most members agree."),
        )
    )


class PurposeService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        purposes: PurposeRepository,
    ) -> None:
        self.service = service
        self.containers = containers
        self.purposes = purposes

    async def version_for(
        self, ctx: Context[ActionChosen] | Context[FormSubmitted], raw: str
    ) -> tuple[PurposeVersion, Container]:
        version = await self.purposes.get(int(raw)) if raw.isdigit() else None
        container = await self.containers.get(version.container_id) if version else None
        if version is None or container is None or container.community_id != ctx.community.id:
            raise CommandError("That proposal no longer exists.")
        if container.state == "closed":
            raise CommandError(f"The container “{container.name}” is closed; its history is kept.")
        return version, container

    async def require_member(self, container: Container, member_id: int) -> None:
        assert container.id is not None
        if not any(m.id == member_id for m, _ in await self.containers.members(container.id)):
            raise CommandError(
                f"Only members of “{container.name}” can agree to its purpose. "
                "Join it first with `/trellis join` in its channel."
            )

    async def propose(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        await self.require_member(container, ctx.member.id)
        text = args.text("text").strip()
        check_purpose(text)
        assert container.id is not None
        version = await self.purposes.propose(container.id, text, ctx.member.id, ctx.now)
        return [
            Outgoing(
                proposal_message(container, version, ctx.member.display_name),
                Reply(ephemeral=False),
            )
        ]

    async def agree(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        version, container = await self.version_for(ctx, ctx.event.value)
        await self.require_member(container, ctx.member.id)
        assert version.id is not None and container.id is not None
        if version.agreed_at is not None:
            return [Outgoing(Message.text("This purpose is already agreed. Thank you!"))]
        await self.purposes.respond(version.id, ctx.member.id, ctx.now)
        agreed = await self.purposes.agreed_by(version.id)
        needed = agreement_threshold(len(await self.containers.members(container.id)))
        replies = [
            Outgoing(Message.text(f"You agreed to the purpose ({len(agreed)} of {needed} needed)."))
        ]
        if len(agreed) >= needed:
            await self.purposes.mark_agreed(version.id, ctx.now)
            state = "active" if container.state == "forming" else container.state
            await self.containers.update(container.id, purpose=version.text, state=state)
            announcement = Message(
                (
                    Text(f"Purpose agreed for {container.name}", style="heading"),
                    Text(version.text, style="quote"),
                    ContextLine(f"Agreed by {', '.join(agreed)} on {ctx.now:%Y-%m-%d}."),
                )
            )
            replies.append(
                Outgoing(
                    announcement,
                    ToChannel(channel_of(ctx.community, container)),
                    idempotency_key=f"purpose-agreed:{version.id}",
                )
            )
        return replies

    async def open_comment(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        version, _ = await self.version_for(ctx, ctx.event.value)
        form = Form(
            "purpose.comment",
            "Comment on the purpose",
            (
                TextInput(
                    "comment", "What would you change, and why?", multiline=True, max_length=1000
                ),
            ),
            submit_label="Send comment",
            context=str(version.id),
        )
        return [Outgoing(Message((Text(version.text, style="quote"),), form=form))]

    async def comment(self, ctx: Context[FormSubmitted]) -> list[Outgoing]:
        version, container = await self.version_for(ctx, ctx.event.context)
        await self.require_member(container, ctx.member.id)
        text = ctx.event.values.get("comment", "").strip()
        if not text:
            raise CommandError("comment: write what you would change, or close the form.")
        assert version.id is not None
        await self.purposes.respond(version.id, ctx.member.id, ctx.now, comment=text[:1000])
        post = Message(
            (
                Text(f"{ctx.member.display_name} commented on the proposed purpose:"),
                Text(text[:1000], style="quote"),
                ContextLine("Propose a new wording with `/trellis container purpose TEXT`."),
            )
        )
        return [
            Outgoing(Message.text("Thanks, your comment is posted in the container's channel.")),
            Outgoing(
                post,
                ToChannel(channel_of(ctx.community, container)),
                f"purpose-comment:{version.id}:{ctx.member.id}:{ctx.now.timestamp()}",
            ),
        ]

    async def history(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        lines: list[Text | ContextLine] = [
            Text(f"Purpose history of {container.name}", style="heading")
        ]
        for version in await self.purposes.history(container.id):
            assert version.id is not None
            agreed = await self.purposes.agreed_by(version.id)
            status = (
                f"agreed {version.agreed_at:%Y-%m-%d}"
                if version.agreed_at
                else "proposed, not agreed"
            )
            lines.append(Text(f"{version.proposed_at:%Y-%m-%d} ({status}): {version.text}"))
            lines.append(ContextLine(f"Agreed by: {', '.join(agreed) or 'nobody yet'}"))
        return [Outgoing(Message(tuple(lines)))]


def register(registry: Registry, service: PurposeService) -> None:
    registry.command(PROPOSE, service.propose)
    registry.command(HISTORY, service.history)
    registry.action("purpose.agree", service.agree)
    registry.action("purpose.comment", service.open_comment)
    registry.form("purpose.comment", service.comment)
