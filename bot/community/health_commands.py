"""Commands and scheduled jobs of network health: the report, weaving, the self-assessment
and the facilitators' opt-ins (weekly alerts, quarterly survey, monthly learnt-from question)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.community.circle import dm
from bot.community.health_report import HealthService
from bot.community.health_text import alerts_message, report_message
from bot.community.network_survey import (
    HELPED_ACTION,
    LEARNT_ACTION,
    RATE_ACTION,
    NetworkSurveyService,
    areas,
)
from bot.community.weave import SEND_ACTION, WeaveService
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo
from bot.core.events import ActionChosen, CommandInvoked
from bot.core.messages import Context as ContextLine
from bot.core.messages import Image, Message, Outgoing, Text, reply
from bot.core.parsing import Args, CommandError
from bot.core.ports import Planner, Sender
from bot.core.registry import Registry
from bot.storage.health_repository import HealthRepository
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository, DirectoryRepository

DEFAULT_DAYS = 30
ALERTS_JOB = "health.alerts"
SURVEY_JOB = "network.survey"
QUESTION_JOB = "network.question"
ON_OFF = ("on", "off")

WINDOW = OptionSpec("window", kind="duration", help="how far back to look (default 30d)")
HEALTH = CommandSpec(
    ("health",),
    "The network's health: what was measured, alerts with suggested actions, trends and a map.",
    options=(
        WINDOW,
        OptionSpec(
            "names",
            kind="choice",
            choices=("shown", "hidden"),
            help="names on the map (default hidden)",
        ),
    ),
    role="facilitator",
    example="/trellis health --window 30d --names hidden",
    details="In a container's channel it looks at that container; elsewhere at the whole network.",
)
WEAVE = CommandSpec(
    ("weave",),
    "Suggested introductions across organisation types, each with a button to send it.",
    options=(WINDOW,),
    role="facilitator",
    example="/trellis weave",
)
SURVEY_NOW = CommandSpec(
    ("network", "survey"),
    "Send the network self-assessment (five key areas, 1-5) to every member now.",
    role="facilitator",
    example="/trellis network survey",
)
PROFILE_SHOW = CommandSpec(
    ("network", "profile"),
    "The network's self-assessment as a radar chart with its trend (averages only).",
    role="facilitator",
    example="/trellis network profile",
)
CADENCE = CommandSpec(
    ("network", "cadence"),
    "Turn on or off weekly health alerts, the quarterly self-assessment and the monthly "
    "“whom did you learn from?” question.",
    options=(
        OptionSpec("alerts", kind="choice", choices=ON_OFF, help="weekly alerts to facilitators"),
        OptionSpec("survey", kind="choice", choices=ON_OFF, help="quarterly self-assessment"),
        OptionSpec("question", kind="choice", choices=ON_OFF, help="monthly learnt-from question"),
    ),
    role="facilitator",
    example="/trellis network cadence --alerts on --survey on --question off",
)


def next_monday(after: datetime) -> datetime:
    day = (after + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def next_month_start(after: datetime, months: int = 1) -> datetime:
    """The first day of a later month at 09:00 UTC: aligned dates make run keys repeat, so
    turning a cadence on twice still plans one run."""
    index = after.year * 12 + after.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, 9, tzinfo=UTC)


def next_quarter_start(after: datetime) -> datetime:
    return next_month_start(after, 3 - (after.month - 1) % 3)


class HealthCommands:
    def __init__(
        self,
        repository: HealthRepository,
        health: HealthService,
        weave: WeaveService,
        surveys: NetworkSurveyService,
        containers: ContainerRepository,
        directory: DirectoryRepository,
        sender: Sender,
        planner: Planner,
    ) -> None:
        self.repository = repository
        self.health = health
        self.weaving = weave
        self.surveys = surveys
        self.containers = containers
        self.directory = directory
        self.sender = sender
        self.planner = planner

    async def _container(self, ctx: Context[CommandInvoked]) -> Container | None:
        channel = ctx.event.channel
        if channel is None:
            return None
        return await self.containers.open_in_channel(ctx.community.id, channel.external_id)

    @staticmethod
    def _days(args: Args) -> int:
        window = args.duration("window")
        if window is None:
            return DEFAULT_DAYS
        if not timedelta(days=1) <= window <= timedelta(days=366):
            raise CommandError("Give a window between 1d and 366d, e.g. `--window 30d`.")
        return window.days

    async def report(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        window = self.health.window(
            ctx.community.id, await self._container(ctx), self._days(args), ctx.now
        )
        assessment = await self.health.assess(window)
        return [Outgoing(report_message(assessment, names=args.text("names") == "shown"))]

    async def weave(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        window = self.health.window(
            ctx.community.id, await self._container(ctx), self._days(args), ctx.now
        )
        found, names = await self.weaving.suggestions(window)
        return [Outgoing(self.weaving.listing(window, found, names))]

    async def send_introduction(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        text, messages = await self.weaving.send(
            ctx.community, ctx.member, ctx.event.value, ctx.now, DEFAULT_DAYS
        )
        return [reply(text), *messages]

    async def survey_now(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        sent = await self.surveys.open_round(ctx.community, f"now:{ctx.now.isoformat()}", ctx.now)
        return [
            reply(
                f"Self-assessment sent to {sent or 0} member(s). See the result with `/trellis network profile`."
            )
        ]

    async def profile(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        rounds = await self.surveys.profile(ctx.community.id)
        if not rounds:
            return [
                reply(
                    f"No self-assessment round has at least {self.surveys.minimum} answers on every "
                    "area yet, so there is nothing to show without exposing individuals. "
                    "Send one with `/trellis network survey`."
                )
            ]
        latest = rounds[-1]
        labels = [area.label for area in areas(ctx.community.locale)]
        lines = ", ".join(
            f"{label} {value:.1f}" for label, value in zip(labels, latest.averages, strict=True)
        )
        message = Message(
            (
                Text("Network self-assessment", style="heading"),
                Text(
                    f"Latest round ({latest.label}, {latest.respondents}+ answers per area): {lines}."
                ),
                Image(
                    self.surveys.chart(rounds),
                    f"Radar chart of the five key areas over {len(rounds)} round(s)",
                    "network-profile.png",
                ),
                ContextLine("Averages only; rounds with too few answers are left out."),
            )
        )
        return [Outgoing(message)]

    async def cadence(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        chosen = {
            name: args.text(name) for name in ("alerts", "survey", "question") if args.text(name)
        }
        if not chosen:
            raise CommandError(
                "Say what to turn on or off, e.g. `/trellis network cadence --alerts on`."
            )
        cid = ctx.community.id
        await self.repository.set_option(
            cid,
            **{
                {"alerts": "alerts", "survey": "surveys", "question": "learning_question"}[
                    name
                ]: value == "on"
                for name, value in chosen.items()
            },
        )
        plans = {
            "alerts": (ALERTS_JOB, next_monday(ctx.now)),
            "survey": (SURVEY_JOB, next_quarter_start(ctx.now)),
            "question": (QUESTION_JOB, next_month_start(ctx.now)),
        }
        lines = []
        for name, value in chosen.items():
            kind, due = plans[name]
            if value == "on":
                await self.planner.plan(
                    f"{kind}:{cid}:{due.isoformat()}", kind, due, {"community_id": cid}
                )
                lines.append(f"{name}: on (next {due:%Y-%m-%d %H:%M} UTC)")
            else:
                lines.append(f"{name}: off")
        return [reply("Network cadence — " + "; ".join(lines) + ".")]

    # -- jobs ------------------------------------------------------------------------------

    async def _community(self, payload: dict[str, object]) -> CommunityInfo | None:
        cid = payload["community_id"]
        assert isinstance(cid, int)
        return await self.directory.community_by_id(cid)

    async def alerts_job(self, payload: dict[str, object], due: datetime) -> None:
        community = await self._community(payload)
        if community is None or not (await self.repository.settings(community.id)).alerts:
            return
        assessment = await self.health.assess(
            self.health.window(community.id, None, DEFAULT_DAYS, due)
        )
        if assessment.alerts:
            message = alerts_message(assessment)
            for facilitator in await self.directory.facilitators(community.id):
                await self.sender.put(
                    community,
                    dm(
                        facilitator,
                        message,
                        f"health-alerts:{community.id}:{due:%Y-%m-%d}:{facilitator.id}",
                    ),
                )
        following = next_monday(due)
        await self.planner.plan(
            f"{ALERTS_JOB}:{community.id}:{following.isoformat()}", ALERTS_JOB, following, payload
        )

    async def survey_job(self, payload: dict[str, object], due: datetime) -> None:
        community = await self._community(payload)
        if community is None or not (await self.repository.settings(community.id)).surveys:
            return
        await self.surveys.open_round(community, f"quarter:{due:%Y-%m}", due)
        following = next_quarter_start(due)
        await self.planner.plan(
            f"{SURVEY_JOB}:{community.id}:{following.isoformat()}", SURVEY_JOB, following, payload
        )

    async def question_job(self, payload: dict[str, object], due: datetime) -> None:
        community = await self._community(payload)
        if (
            community is None
            or not (await self.repository.settings(community.id)).learning_question
        ):
            return
        await self.surveys.ask_learning(community, f"{due:%Y-%m}", due)
        following = next_month_start(due)
        await self.planner.plan(
            f"{QUESTION_JOB}:{community.id}:{following.isoformat()}",
            QUESTION_JOB,
            following,
            payload,
        )

    async def rate(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        return [reply(await self.surveys.rate(ctx.member, ctx.event.value, ctx.now))]

    async def learnt(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        values = ctx.event.values or ((ctx.event.value,) if ctx.event.value else ())
        return [
            reply(
                await self.surveys.answer_learning(ctx.member, ctx.event.action_id, values, ctx.now)
            )
        ]


def register(registry: Registry, commands: HealthCommands) -> None:
    registry.command(HEALTH, commands.report)
    registry.command(WEAVE, commands.weave)
    registry.command(SURVEY_NOW, commands.survey_now)
    registry.command(PROFILE_SHOW, commands.profile)
    registry.command(CADENCE, commands.cadence)
    registry.action(SEND_ACTION, commands.send_introduction, role="facilitator")
    registry.action(RATE_ACTION, commands.rate)
    registry.action(LEARNT_ACTION, commands.learnt)
    registry.action(HELPED_ACTION, commands.learnt)
