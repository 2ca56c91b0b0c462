"""Working agreements: proposed by anyone in the container, in force once most agree."""

from __future__ import annotations

from collections.abc import Iterable

from bot.community.containers import ContainerService, agreement_threshold
from bot.community.purpose import channel_of
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked
from bot.core.messages import Button, Buttons, Message, Outgoing, Reply, Text, ToChannel
from bot.core.messages import Context as ContextLine
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.models import Agreement, Container
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import AgreementRepository

MAX_AGREEMENT = 500

PROPOSE = CommandSpec(
    path=("agreement", "propose"),
    summary="Propose a working agreement for this container; members agree with a button.",
    options=(OptionSpec("text", positional=True, required=True, help="the agreement"),),
    example="/trellis agreement propose What is said here about a school stays here",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
LIST = CommandSpec(
    path=("agreement", "list"),
    summary="List the working agreements in force (and those still proposed).",
    example="/trellis agreement list",
)


def agreement_lines(agreements: list[Agreement]) -> list[str]:
    return bulleted(a.text for a in agreements if a.in_force_at is not None)


def bulleted(texts: Iterable[str]) -> list[str]:
    """Agreements in force as they are listed to members."""
    return [f"• {text}" for text in texts]


class AgreementService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        agreements: AgreementRepository,
    ) -> None:
        self.service = service
        self.containers = containers
        self.agreements = agreements

    async def member_of(self, container: Container, member_id: int) -> bool:
        assert container.id is not None
        return any(m.id == member_id for m, _ in await self.containers.members(container.id))

    async def propose(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        if not await self.member_of(container, ctx.member.id):
            raise CommandError("Join this container first with `/trellis join`, then propose.")
        text = args.text("text").strip()
        if len(text) > MAX_AGREEMENT:
            raise CommandError(
                f"An agreement can be at most {MAX_AGREEMENT} characters (yours has {len(text)}); "
                f"here it is so nothing is lost:\n{text}"
            )
        assert container.id is not None
        agreement = await self.agreements.propose(container.id, text, ctx.member.id, ctx.now)
        message = Message(
            (
                Text(f"Proposed working agreement for {container.name}", style="heading"),
                Text(text, style="quote"),
                Buttons((Button("Agree", "agreement.agree", str(agreement.id), style="primary"),)),
                ContextLine(
                    f"Proposed by {ctx.member.display_name}. In force once most members agree."
                ),
            )
        )
        return [Outgoing(message, Reply(ephemeral=False))]

    async def agree(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        raw = ctx.event.value
        agreement = await self.agreements.get(int(raw)) if raw.isdigit() else None
        container = await self.containers.get(agreement.container_id) if agreement else None
        if agreement is None or container is None or container.community_id != ctx.community.id:
            raise CommandError("That agreement no longer exists.")
        if container.state == "closed":
            raise CommandError(f"The container “{container.name}” is closed; its history is kept.")
        if not await self.member_of(container, ctx.member.id):
            raise CommandError(
                f"Only members of “{container.name}” can agree. Join with `/trellis join`."
            )
        assert agreement.id is not None and container.id is not None
        await self.agreements.vote(agreement.id, ctx.member.id, ctx.now)
        if agreement.in_force_at is not None:
            return [Outgoing(Message.text("Noted: you agree to this working agreement."))]
        votes = await self.agreements.votes(agreement.id)
        needed = agreement_threshold(len(await self.containers.members(container.id)))
        replies = [Outgoing(Message.text(f"You agreed ({votes} of {needed} needed)."))]
        if votes >= needed:
            await self.agreements.put_in_force(agreement.id, ctx.now)
            replies.append(
                Outgoing(
                    Message(
                        (
                            Text("Working agreement in force", style="heading"),
                            Text(agreement.text, style="quote"),
                            ContextLine("See them all with `/trellis agreement list`."),
                        )
                    ),
                    ToChannel(channel_of(ctx.community, container)),
                    idempotency_key=f"agreement-in-force:{agreement.id}",
                )
            )
        return replies

    async def list(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        all_agreements = await self.agreements.for_container(container.id)
        in_force = agreement_lines(all_agreements)
        proposed = [a for a in all_agreements if a.in_force_at is None]
        blocks: list[Text | Buttons | ContextLine] = [
            Text(f"Working agreements of {container.name}", style="heading"),
            Text("\n".join(in_force) if in_force else "None in force yet."),
        ]
        if proposed:
            blocks.append(Text("Proposed, waiting for agreement:"))
            for agreement in proposed:
                blocks.append(Text(agreement.text, style="quote"))
                blocks.append(Buttons((Button("Agree", "agreement.agree", str(agreement.id)),)))
        blocks.append(ContextLine("Propose one with `/trellis agreement propose TEXT`."))
        return [Outgoing(Message(tuple(blocks)))]


def register(registry: Registry, service: AgreementService) -> None:
    registry.command(PROPOSE, service.propose)
    registry.command(LIST, service.list)
    registry.action("agreement.agree", service.agree)
