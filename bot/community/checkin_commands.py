"""`/trellis checkin …` and `/trellis me reflections`, with the Reflect now button, the
answer form and the sharing choices: declared once for every platform."""

from __future__ import annotations

from datetime import time

from bot.community import checkin_messages as msg
from bot.community.checkin_schedules import ScheduleRequest
from bot.community.checkins import Checkins
from bot.community.containers import container_in_channel
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked, FormSubmitted
from bot.core.messages import Message, Outgoing, Reply
from bot.core.parsing import Args
from bot.core.registry import Registry
from bot.storage.models import Container

ROUND = OptionSpec("round", kind="int", min_value=1, help="a round number, as listed")
SCHEDULE = CommandSpec(
    path=("checkin", "schedule"),
    summary="Set this container's reflection check-ins: a day, and a time in each member's zone.",
    options=(
        OptionSpec(
            "every",
            kind="choice",
            choices=("week", "fortnight", "month"),
            required=True,
            help="how often",
        ),
        OptionSpec("day", kind="word", required=True, help="mon … sun; with month also 1-28"),
        OptionSpec("at", kind="time", required=True, help="the local time for every member"),
        OptionSpec("questions", kind="word", help="what (default), incident, aar, or a custom set"),
        OptionSpec("zone", kind="word", help="zone of members who set none, e.g. Europe/Lisbon"),
        OptionSpec("open", kind="duration", help="how long a round stays open (default 3d)"),
        OptionSpec("remind", kind="duration", help="one reminder after (default 24h; 0h: none)"),
        OptionSpec("grace", kind="duration", help="send check-ins this late at most (default 6h)"),
    ),
    role="facilitator",
    example="/trellis checkin schedule --every week --day fri --at 16:00 --questions what",
    details="Members are asked privately; each answer stays with its author unless they share it.",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
SHOW = CommandSpec(
    path=("checkin", "show"),
    summary="Show this container's check-in rhythm, the next round and the last one.",
    example="/trellis checkin show",
)
PAUSE = CommandSpec(
    path=("checkin", "pause"),
    summary="Pause this container's check-ins (an open round stays open).",
    role="facilitator",
    example="/trellis checkin pause",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
RESUME = CommandSpec(
    path=("checkin", "resume"),
    summary="Resume this container's paused check-ins.",
    role="facilitator",
    example="/trellis checkin resume",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
NOW = CommandSpec(
    path=("checkin", "now"),
    summary="Start a check-in round for every member right now.",
    options=(
        OptionSpec("questions", kind="word", help="a question set (default: the schedule's)"),
    ),
    role="facilitator",
    example="/trellis checkin now --questions aar",
)
QUESTIONS_ADD = CommandSpec(
    path=("checkin", "questions", "add"),
    summary="Add a custom question set: up to 5 questions separated by |.",
    options=(
        OptionSpec("name", kind="word", positional=True, required=True, help="one word"),
        OptionSpec("questions", positional=True, required=True, help="questions, | between"),
    ),
    role="facilitator",
    example="/trellis checkin questions add retro What went well? | What will you change?",
)
QUESTIONS_LIST = CommandSpec(
    path=("checkin", "questions", "list"),
    summary="List the question sets check-ins can use.",
    example="/trellis checkin questions list",
)
SHARED = CommandSpec(
    path=("checkin", "shared"),
    summary="Read what others chose to share with you in this container's last closed round.",
    options=(ROUND,),
    example="/trellis checkin shared",
)
MINE = CommandSpec(
    path=("me", "reflections"),
    summary="See your check-in answers and change who may see each one.",
    options=(ROUND,),
    example="/trellis me reflections --round 3",
)


def private(message: Message) -> list[Outgoing]:
    return [Outgoing(message, Reply(ephemeral=True))]


def register(registry: Registry, checkins: Checkins) -> None:
    schedules, reflections = checkins.schedules, checkins.reflections

    async def container_here(ctx: Context[CommandInvoked]) -> Container:
        return await container_in_channel(
            checkins.deps.containers, ctx.community, ctx.event.channel
        )

    async def schedule(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        at = args.get("at")
        assert isinstance(at, time)
        request = ScheduleRequest(
            every=args.text("every"),
            day=args.text("day"),
            at=at,
            question_set=args.text("questions").lower() or None,
            zone=args.text("zone") or None,
            open_for=args.duration("open"),
            remind_after=args.duration("remind"),
            grace=args.duration("grace"),
        )
        message = await schedules.schedule(
            ctx.community, await container_here(ctx), ctx.member, request, ctx.now
        )
        return [Outgoing(message, Reply(ephemeral=False))]

    async def show(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return private(await schedules.show(ctx.community, await container_here(ctx), ctx.member))

    async def pause(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        message = await schedules.pause(await container_here(ctx))
        return [Outgoing(message, Reply(ephemeral=False))]

    async def resume(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        message = await schedules.resume(await container_here(ctx), ctx.now)
        return [Outgoing(message, Reply(ephemeral=False))]

    async def now(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await container_here(ctx)
        chosen = args.text("questions").lower() or None
        return private(await schedules.start_now(ctx.community, container, chosen, ctx.now))

    async def questions_add(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        message = await schedules.add_questions(
            ctx.community, ctx.member, args.text("name"), args.text("questions"), ctx.now
        )
        return private(message)

    async def questions_list(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return private(await schedules.list_questions(ctx.community))

    async def shared(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        round_id = args.int("round") or None
        return private(
            await reflections.shared_with(ctx.member, await container_here(ctx), round_id)
        )

    async def mine(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        round_id = args.int("round") or None
        return private(await reflections.mine(ctx.community, ctx.member, round_id))

    async def reflect(ctx: Context[ActionChosen]) -> list[Outgoing]:
        return private(await reflections.form(ctx.community, ctx.member, ctx.event.value))

    async def submit(ctx: Context[FormSubmitted]) -> list[Outgoing]:
        event = ctx.event
        message = await reflections.submit(
            ctx.community, ctx.member, event.context, event.values, ctx.now
        )
        return private(message)

    async def share(ctx: Context[ActionChosen]) -> list[Outgoing]:
        event = ctx.event
        value = event.value or (event.values[0] if event.values else "")
        return private(await reflections.choose_sharing(ctx.member, event.action_id, value))

    for spec, handler in (
        (SCHEDULE, schedule),
        (SHOW, show),
        (PAUSE, pause),
        (RESUME, resume),
        (NOW, now),
        (QUESTIONS_ADD, questions_add),
        (QUESTIONS_LIST, questions_list),
        (SHARED, shared),
        (MINE, mine),
    ):
        registry.command(spec, handler)
    registry.action(msg.REFLECT, reflect)
    registry.form(msg.ANSWER_FORM, submit)
    for number in range(1, 6):
        registry.action(msg.share_action(number), share)
