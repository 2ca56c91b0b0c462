"""Dialogue prompts from the bank (data files), posted into a container now or on a cadence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

from bot.community.circle import Circles
from bot.community.containers import ContainerService
from bot.community.purpose import channel_of
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo
from bot.core.events import ActionChosen, CommandInvoked
from bot.core.messages import Context as ContextLine
from bot.core.messages import Message, Outgoing, Text, ToChannel
from bot.core.parsing import Args, CommandError
from bot.core.ports import Planner, Sender
from bot.core.registry import Registry
from bot.dialogue.bank import load
from bot.scheduling.calendar import next_local_time
from bot.storage.models import Container
from bot.storage.prompt_repository import PromptRepository
from bot.storage.repositories import ContainerRepository

PURPOSES = ("trust", "practice", "reflection", "motivation", "enquiry", "knowledge")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY = {"week": 7, "fortnight": 14, "month": 28}

POST = CommandSpec(
    ("prompt", "post"),
    "Post a dialogue prompt from the bank into this container (or relay it to its subgroups).",
    options=(
        OptionSpec("purpose", kind="choice", choices=PURPOSES, help="what the prompt is for"),
        OptionSpec("to", kind="choice", choices=("container", "subgroups"), help="where it goes"),
    ),
    role="facilitator",
    example="/trellis prompt --purpose practice",
    group_default=True,
)
ADD = CommandSpec(
    ("prompt", "add"),
    "Add your own prompt to the community's bank.",
    options=(
        OptionSpec("text", positional=True, required=True, help="the prompt"),
        OptionSpec(
            "purpose", kind="choice", choices=PURPOSES, required=True, help="what it is for"
        ),
    ),
    role="facilitator",
    example="/trellis prompt add What did a pupil teach you this week? --purpose reflection",
)
SCHEDULE = CommandSpec(
    ("prompt", "schedule"),
    "Post a prompt into this container on a cadence (or stop with --off).",
    options=(
        OptionSpec("every", kind="choice", choices=tuple(EVERY), help="how often"),
        OptionSpec("day", kind="choice", choices=DAYS, help="which day"),
        OptionSpec("at", kind="time", help="local time in the community's zone"),
        OptionSpec("purpose", kind="choice", choices=PURPOSES, help="what the prompts are for"),
        OptionSpec("off", kind="choice", choices=("yes",), help="stop the schedule"),
    ),
    role="facilitator",
    example="/trellis prompt schedule --every week --day mon --at 09:00 --purpose practice",
)


# Relays a message into every space of a container's current subgroup round (issue 7).
Relay = Callable[[CommunityInfo, Container, Message, str], Awaitable[list[Outgoing]]]


async def no_subgroups(
    community: CommunityInfo, container: Container, message: Message, key: str
) -> list[Outgoing]:
    return []


class PromptService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        prompts: PromptRepository,
        circles: Circles,
        sender: Sender,
        planner: Planner,
    ) -> None:
        self.service = service
        self.containers = containers
        self.prompts = prompts
        self.circles = circles
        self.sender = sender
        self.planner = planner
        self.relay: Relay = no_subgroups

    async def pick(self, community: CommunityInfo, purpose: str, now: datetime) -> str:
        """Rotate through the bank and the community's own prompts, by the clock."""
        bank = [str(p) for p in load("prompts", community.locale).get(purpose, [])]
        own = await self.prompts.custom(community.id, purpose)
        choices = bank + own
        return choices[int(now.timestamp() // 60) % len(choices)]

    def prompt_message(self, container: Container, purpose: str, text: str) -> Message:
        return Message(
            (
                Text(f"A prompt for {container.name}", style="heading"),
                Text(text, style="quote"),
                ContextLine(
                    f"Purpose: {purpose}. Reply in a thread; partial and failed attempts welcome."
                ),
            )
        )

    async def post(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        purpose = args.text("purpose") or "practice"
        text = await self.pick(ctx.community, purpose, ctx.now)
        if args.text("to") == "subgroups":
            relayed = await self.relay(
                ctx.community,
                container,
                self.prompt_message(container, purpose, text),
                f"prompt:{container.id}:{ctx.now.isoformat()}",
            )
            if not relayed:
                raise CommandError(
                    f"“{container.name}” has no subgroups in a current round to relay to. Post to "
                    "the container instead (leave out --to), or form a round first."
                )
            return [*relayed, Outgoing(Message.text(f"Relayed to {len(relayed)} subgroup(s)."))]
        return [
            Outgoing(
                self.prompt_message(container, purpose, text),
                ToChannel(channel_of(ctx.community, container)),
                f"prompt:{container.id}:{ctx.now.isoformat()}",
            ),
            Outgoing(Message.text("Posted.")),
        ]

    async def post_from_button(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        container_id, _, purpose = ctx.event.value.partition(":")
        container = await self.containers.get(int(container_id)) if container_id.isdigit() else None
        if (
            container is None
            or container.community_id != ctx.community.id
            or container.state == "closed"
        ):
            raise CommandError("That container is no longer open.")
        purpose = purpose if purpose in PURPOSES else "practice"
        text = await self.pick(ctx.community, purpose, ctx.now)
        return [
            Outgoing(
                self.prompt_message(container, purpose, text),
                ToChannel(channel_of(ctx.community, container)),
                f"prompt:{container.id}:{ctx.now.isoformat()}",
            ),
            Outgoing(Message.text(f"Posted in #{container.channel_name or container.channel_id}.")),
        ]

    async def add(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        text = args.text("text").strip()
        if len(text) > 1000:
            raise CommandError(
                f"A prompt can be at most 1000 characters (yours has {len(text)}); here it is:\n{text}"
            )
        await self.prompts.add_custom(
            ctx.community.id, args.text("purpose"), text, ctx.member.id, ctx.now
        )
        return [Outgoing(Message.text(f"Added to the {args.text('purpose')} prompts."))]

    async def schedule(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        if args.text("off"):
            await self.prompts.stop_schedule(container.id)
            return [Outgoing(Message.text("Scheduled prompts stopped."))]
        every, day = args.text("every"), args.text("day")
        at = args.get("at")
        if not every or not day or not isinstance(at, time):
            raise CommandError(
                "Give --every, --day and --at, e.g. "
                "`/trellis prompt schedule --every week --day mon --at 09:00 --purpose practice`."
            )
        purpose = args.text("purpose") or "practice"
        schedule_id = await self.prompts.set_schedule(
            container.id, purpose, EVERY[every], day, at.hour, at.minute
        )
        first = next_local_time(
            ctx.now, ctx.community.timezone, hour=at.hour, minute=at.minute, day_of_week=day
        )
        await self.planner.plan(
            f"prompt-run:{schedule_id}:{first.isoformat()}",
            "prompt.post",
            first,
            {"container_id": container.id, "schedule_id": schedule_id},
        )
        return [
            Outgoing(
                Message.text(
                    f"A {purpose} prompt will be posted every {every} on {day} at {at:%H:%M} "
                    f"({ctx.community.timezone}); the first on {first:%Y-%m-%d}."
                )
            )
        ]

    async def job(self, payload: dict[str, object], due: datetime) -> None:
        container_id, schedule_id = payload["container_id"], payload["schedule_id"]
        assert isinstance(container_id, int) and isinstance(schedule_id, int)
        schedule = await self.prompts.schedule(container_id)
        container = await self.containers.get(container_id)
        # A replaced or stopped schedule ends its old chain of runs here.
        if (
            schedule is None
            or schedule.id != schedule_id
            or not schedule.active
            or container is None
        ):
            return
        if container.state == "closed":
            return
        circle = await self.circles.of(container)
        text = await self.pick(circle.community, schedule.purpose, due)
        await self.sender.put(
            circle.community,
            Outgoing(
                self.prompt_message(container, schedule.purpose, text),
                ToChannel(channel_of(circle.community, container)),
                f"prompt-run:{schedule_id}:{due.isoformat()}",
            ),
        )
        following = next_local_time(
            due + timedelta(days=schedule.every_days - 1),
            circle.community.timezone,
            hour=schedule.hour,
            minute=schedule.minute,
            day_of_week=schedule.weekday,
        )
        await self.planner.plan(
            f"prompt-run:{schedule_id}:{following.isoformat()}", "prompt.post", following, payload
        )


def register(registry: Registry, service: PromptService) -> None:
    registry.command(POST, service.post)
    registry.command(ADD, service.add)
    registry.command(SCHEDULE, service.schedule)
    registry.action("prompt.post", service.post_from_button, role="facilitator")
