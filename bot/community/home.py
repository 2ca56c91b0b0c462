"""A member's own page: their containers, next check-in, their own motivation statement and
pause/resume buttons; a facilitator also sees the status of the containers they look after.

Built as a neutral Message so every platform can show it: Slack as the App Home tab,
Discord (later) through `/trellis me`. It shows only the member's own things and
aggregates that already respect `trellis_min_aggregate` (trust means are withheld below
it), never anybody's individual answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.community import trust
from bot.community.checkin_calendar import due_at, local
from bot.community.circle import Circles
from bot.community.motivations import MotivationService
from bot.community.profiles import ProfileService
from bot.community.pulses import PulseService, describe
from bot.core.context import Context
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import ActionChosen
from bot.core.messages import (
    Block,
    Button,
    Buttons,
    Fields,
    Message,
    Outgoing,
    Text,
    reply,
)
from bot.core.messages import (
    Context as ContextLine,
)
from bot.core.registry import Registry
from bot.storage.checkins_repository import CheckinRepository
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository, DirectoryRepository

PAUSE = "home.pause"
RESUME = "home.resume"
PAUSE_DAYS = 14
MOTIVATION_OPEN = "motivation.open"


class HomeService:
    def __init__(
        self,
        directory: DirectoryRepository,
        containers: ContainerRepository,
        checkins: CheckinRepository,
        motivations: MotivationService,
        pulses: PulseService,
        circles: Circles,
        profiles: ProfileService,
    ) -> None:
        self.directory = directory
        self.containers = containers
        self.checkins = checkins
        self.motivations = motivations
        self.pulses = pulses
        self.circles = circles
        self.profiles = profiles

    async def message(self, community: CommunityInfo, member: MemberInfo, now: datetime) -> Message:
        mine = [c for c in await self.containers.of_member(member.id) if c.state != "closed"]
        blocks: list[Block] = [Text(f"Trellis for {member.display_name}", style="heading")]
        blocks += self.containers_section(mine)
        blocks += await self.checkin_section(community, member, mine)
        blocks += await self.motivation_section(member, mine)
        blocks += await self.pause_section(member, now)
        if member.is_facilitator:
            blocks += await self.facilitator_section(community, member)
        blocks.append(ContextLine("Type `/trellis help` to see everything Trellis can do."))
        return Message(tuple(blocks))

    def containers_section(self, mine: list[Container]) -> list[Block]:
        heading = Text("Your containers", style="heading")
        if not mine:
            return [
                heading,
                Text("You are not in a container yet: `/trellis join` in its channel."),
            ]
        rows = tuple((c.name, f"#{c.channel_name or c.channel_id} · {c.state}") for c in mine)
        return [heading, Fields(rows)]

    async def checkin_section(
        self, community: CommunityInfo, member: MemberInfo, mine: list[Container]
    ) -> list[Block]:
        """The earliest next round over the member's containers, in the member's own time."""
        upcoming: list[tuple[datetime, str]] = []
        for container in mine:
            assert container.id is not None
            schedule = await self.checkins.schedule_for(container.id)
            if schedule is None or schedule.paused or schedule.next_date is None:
                continue
            zone = member.timezone or schedule.zone or community.timezone
            moment = due_at(schedule.next_date, schedule.hour, schedule.minute, zone)
            upcoming.append((moment, f"{local(moment, zone)} ({container.name})"))
        if not upcoming:
            return [Fields((("Next check-in", "none planned"),))]
        return [Fields((("Next check-in", min(upcoming)[1]),))]

    async def motivation_section(self, member: MemberInfo, mine: list[Container]) -> list[Block]:
        latest = await self.motivations.latest(member.id)
        where = latest.container_id if latest else (mine[0].id if mine else None)
        value = f"update:{where or ''}"
        heading = Text("Why you are here (only you see this here)", style="heading")
        if latest is None:
            return [
                heading,
                Text("You have not written it down yet."),
                Buttons((Button("Write it", MOTIVATION_OPEN, value, style="primary"),)),
            ]
        return [
            heading,
            Text(latest.text, style="quote"),
            Buttons((Button("Restate it", MOTIVATION_OPEN, value),)),
        ]

    async def pause_section(self, member: MemberInfo, now: datetime) -> list[Block]:
        profile = await self.directory.profile(member.id)
        until = profile.paused_until if profile else None
        if until is not None and until > now:
            return [
                Fields((("Status", f"paused until {until:%Y-%m-%d}"),)),
                Buttons((Button("Resume now", RESUME, "", style="primary"),)),
            ]
        return [
            Fields((("Status", "active"),)),
            Buttons((Button(f"Pause {PAUSE_DAYS // 7} weeks", PAUSE, ""),)),
            ContextLine(
                "A pause skips you in pulses, check-ins and rounds. To leave a container for "
                "good, type `/trellis leave` in its channel."
            ),
        ]

    async def facilitator_section(
        self, community: CommunityInfo, member: MemberInfo
    ) -> list[Block]:
        rows: list[tuple[str, str]] = []
        for container in await self.containers.list_for(community.id):
            if container.state == "closed":
                continue
            circle = await self.circles.of(container)
            if all(f.id != member.id for f in circle.facilitators):
                continue
            history = await self.pulses.history(container, len(circle.members))
            alerts = len(trust.hygiene_alerts(history))
            if history:
                line = trust.sparkline([p.mean for p in history]).strip() or "-"
                status = f"trust {line}: {describe(history[-1], self.pulses.minimum)}"
            else:
                status = "no trust pulse closed yet"
            rows.append(
                (container.name, f"{len(circle.members)} members · {status} · {alerts} open alerts")
            )
        heading = Text("Containers you look after", style="heading")
        if not rows:
            return [heading, Text("None yet.")]
        return [heading, Fields(tuple(rows))]

    async def pause(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        until = ctx.now + timedelta(days=PAUSE_DAYS)
        await self.profiles.pause_until(ctx.member.id, until)
        return [
            reply(
                f"Paused until {until:%Y-%m-%d}. Pulses, check-ins and rounds will skip you; "
                "press Resume on your Home (or `/trellis me resume`) to come back sooner."
            )
        ]

    async def resume(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        await self.profiles.pause_until(ctx.member.id, None)
        return [reply("Welcome back: you are no longer paused.")]


def register(registry: Registry, service: HomeService) -> None:
    registry.action(PAUSE, service.pause)
    registry.action(RESUME, service.resume)
