"""`/trellis me motivation …` and `/trellis container motivation …`, with the buttons and
the form behind them, declared once for every platform."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from bot.community.containers import container_in_channel
from bot.community.motivation_measures import MAX_STATEMENT, VISIBILITY_LABELS, AnswerProblem
from bot.community.motivation_views import (
    DELETE,
    FORM,
    OPEN,
    NeedsAsked,
    form_message,
    history_view,
    initial_values,
    mix_view,
    not_enough,
    statement_form,
)
from bot.community.motivations import RESTATE_JOB, MotivationService
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo
from bot.core.events import ActionChosen, CommandInvoked, FormSubmitted
from bot.core.messages import Message, Outgoing, Reply, Text, reply
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository

SHOW = CommandSpec(
    path=("me", "motivation"),
    summary="Show why you are here: your current statement, its history and how it changed.",
    example="/trellis me motivation",
)
UPDATE = CommandSpec(
    path=("me", "motivation", "update"),
    summary="Restate why you are here (statement, 10 points, who may see it).",
    example="/trellis me motivation update",
)
DELETE_COMMAND = CommandSpec(
    path=("me", "motivation", "delete"),
    summary="Delete one of your motivation statements (N as numbered in your history).",
    options=(
        OptionSpec(
            "number", kind="int", positional=True, required=True, min_value=1, help="which one"
        ),
    ),
    example="/trellis me motivation delete 2",
)
MIX = CommandSpec(
    path=("container", "motivation"),
    summary="Show this container's motivation mix: task vs social share, needs, alerts.",
    role="facilitator",
    example="/trellis container motivation",
    details="Aggregates only, and only once enough members have answered.",
)
CADENCE = CommandSpec(
    path=("container", "motivation", "cadence"),
    summary="Ask this container's members to restate their motivation every N weeks (0: off).",
    options=(
        OptionSpec(
            "weeks",
            kind="int",
            positional=True,
            required=True,
            min_value=0,
            max_value=52,
            help="weeks between restatements; 0 turns it off",
        ),
    ),
    role="facilitator",
    example="/trellis container motivation cadence 8",
)

TITLES = {"join": "Why I am here", "restate": "Restate why I am here", "update": "Why I am here"}
NEEDS_ASKED: dict[str, NeedsAsked] = {"join": "none", "restate": "required", "update": "optional"}


def parse_context(raw: str) -> tuple[str, int | None]:
    """`join:12` -> ("join", 12); anything unexpected becomes a plain update."""
    occasion, _, number = raw.partition(":")
    if occasion not in TITLES:
        occasion = "update"
    return occasion, int(number) if number.isdigit() else None


def register(
    registry: Registry, service: MotivationService, containers: ContainerRepository
) -> None:
    async def container_here(ctx: Context[CommandInvoked]) -> Container:
        return await container_in_channel(containers, ctx.community, ctx.event.channel)

    def form_reply(
        occasion: str, container_id: int | None, initial: dict[str, str], lead: str
    ) -> Outgoing:
        form = statement_form(
            f"{occasion}:{container_id or ''}", initial, NEEDS_ASKED[occasion], TITLES[occasion]
        )
        return Outgoing(form_message(form, service.minimum, lead), Reply(ephemeral=True))

    async def show(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        history = await service.history(ctx.member.id)
        return [Outgoing(history_view(history, ctx.now), Reply(ephemeral=True))]

    async def update(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        latest = await service.latest(ctx.member.id)
        channel = ctx.event.channel
        here = (
            await containers.open_in_channel(ctx.community.id, channel.external_id)
            if channel
            else None
        )
        container_id = here.id if here else latest.container_id if latest else None
        return [form_reply("update", container_id, initial_values(latest), "")]

    async def delete_numbered(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        history = await service.history(ctx.member.id)
        number = args.int("number")
        if not history:
            raise CommandError("You have no motivation statements to delete.")
        if number > len(history):
            raise CommandError(
                f"You have {len(history)} statement(s); pick a number from 1 to {len(history)} "
                "as shown by `/trellis me motivation`."
            )
        chosen = history[number - 1]
        assert chosen.id is not None
        await service.delete(ctx.member.id, chosen.id)
        return [reply(f"Deleted statement {number} (from {chosen.created_at:%Y-%m-%d}).")]

    async def mix(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await container_here(ctx)
        assert container.id is not None
        await service.ensure_cadence(container)
        status = await service.mix_status(container.id)
        weeks = await service.every_weeks(container.id)
        if status.mix is None:
            message = not_enough(container.name, status.answered, status.members, service.minimum)
        else:
            message = mix_view(container.name, status.mix, weeks or 12, service.minimum)
        return [Outgoing(message, Reply(ephemeral=True))]

    async def cadence(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await container_here(ctx)
        weeks = args.int("weeks")
        await service.set_every_weeks(container, weeks)
        if weeks == 0:
            return [reply(f"Members of {container.name} will no longer be asked to restate.")]
        return [
            reply(
                f"Members of {container.name} will be asked to restate why they are here "
                f"every {weeks} weeks."
            )
        ]

    async def open_form(ctx: Context[ActionChosen]) -> list[Outgoing]:
        occasion, container_id = parse_context(ctx.event.value)
        latest = await service.latest(ctx.member.id)
        return [form_reply(occasion, container_id, initial_values(latest), "")]

    async def delete_button(ctx: Context[ActionChosen]) -> list[Outgoing]:
        value = ctx.event.value
        if not value.isdigit() or not await service.delete(ctx.member.id, int(value)):
            raise CommandError(
                "That statement is already gone. See what is left with `/trellis me motivation`."
            )
        return [reply("Deleted. See what is left with `/trellis me motivation`.")]

    async def submitted(ctx: Context[FormSubmitted]) -> list[Outgoing]:
        occasion, container_id = parse_context(ctx.event.context)
        values = dict(ctx.event.values)
        try:
            # Stored without a container when the container is gone (the same statement
            # checks it).
            statement = await service.record(
                ctx.member, occasion, container_id, values, if_container_exists=True
            )
        except AnswerProblem as problem:
            if container_id is not None and await service.container(container_id) is None:
                container_id = None
            lead = str(problem)
            too_long = len(values.get("statement", "").strip()) > MAX_STATEMENT
            outgoing = form_reply(occasion, container_id, values, lead)
            if too_long:
                shown = Message(
                    (Text(lead), Text(values["statement"].strip(), style="quote")),
                    form=outgoing.message.form,
                )
                outgoing = Outgoing(shown, Reply(ephemeral=True))
            return [outgoing]
        circle = VISIBILITY_LABELS.get(statement.visibility, statement.visibility)
        return [
            reply(
                f"Thank you, saved. Your statement is shown to: {circle}. "
                "See it and its history with `/trellis me motivation`."
            )
        ]

    registry.command(SHOW, show)
    registry.command(UPDATE, update)
    registry.command(DELETE_COMMAND, delete_numbered)
    registry.command(MIX, mix)
    registry.command(CADENCE, cadence)
    registry.action(OPEN, open_form)
    registry.action(DELETE, delete_button)
    registry.form(FORM, submitted)


class Scheduling(Protocol):
    def job(
        self, kind: str, handler: Callable[[dict[str, Any], datetime], Awaitable[None]]
    ) -> None: ...


class Delivering(Protocol):
    async def put_all(self, community: CommunityInfo, outgoing: list[Outgoing]) -> list[bool]: ...


def schedule(scheduler: Scheduling, service: MotivationService, outbox: Delivering) -> None:
    """The restatement rounds: each asks the container's members, then plans the next."""

    async def restate(payload: dict[str, Any], due_at: datetime) -> None:
        community, outgoing = await service.restate_round(payload, due_at)
        if outgoing:
            assert community is not None
            await outbox.put_all(community, outgoing)  # one statement for the round

    scheduler.job(RESTATE_JOB, restate)
