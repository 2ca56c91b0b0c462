"""Trust pulses: short psychological-safety check-ins by DM, aggregated, never shown singly."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from bot.community import trust
from bot.community.circle import Circle, Circles, dm
from bot.community.containers import ContainerService
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked, FormSubmitted
from bot.core.messages import Button, Buttons, Form, Message, Outgoing, Text, TextInput
from bot.core.messages import Context as ContextLine
from bot.core.parsing import Args, CommandError
from bot.core.ports import Planner, Sender
from bot.core.registry import Registry
from bot.dialogue.bank import load, texts
from bot.storage.models import Container, TrustPulse
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import PulseRepository, PulseState

IMPROVE = "improve"
MAX_NOTE = 1000

TRUST = CommandSpec(
    ("container", "trust"),
    "The container's trust trend across pulses (aggregates only).",
    role="facilitator",
    example="/trellis container trust",
)
PULSE_NOW = CommandSpec(
    ("pulse", "now"),
    "Send the next trust pulse to this container's members now.",
    role="facilitator",
    example="/trellis pulse now",
)

ALERT_TITLES = {
    "drop": "trust dropped",
    "spread": "trust is spread apart",
    "stale": "trust has not been checked",
    "response": "few members answered the pulse",
    "success_only": "only success stories are shared",
}


def suggested_action(code: str, seed: int, locale: str = "en") -> str:
    options = texts("trust_actions", code, locale)
    return options[seed % len(options)] if options else ""


def alert_message(container: Container, code: str, measured: str, seed: int) -> Message:
    return Message(
        (
            Text(
                f"Trust hygiene: {ALERT_TITLES.get(code, code)} in {container.name}",
                style="heading",
            ),
            Text(f"Measured: {measured}."),
            Text(f"Suggested: {suggested_action(code, seed)}"),
            ContextLine("Aggregates only: no member's individual answer is ever shown."),
        )
    )


class PulseService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        pulses: PulseRepository,
        circles: Circles,
        sender: Sender,
        planner: Planner,
        minimum: int,
    ) -> None:
        self.service = service
        self.containers = containers
        self.pulses = pulses
        self.circles = circles
        self.sender = sender
        self.planner = planner
        self.minimum = max(3, minimum)

    # -- sending ---------------------------------------------------------------------------

    def pulse_message(self, container: Container, pulse: TrustPulse) -> Message:
        assert pulse.id is not None
        by_code = {i.code: i for i in trust.items()}
        scale = load("trust_items")["scale"]
        blocks: list[Text | Buttons | ContextLine] = [
            Text(f"Trust pulse: {container.name}", style="heading"),
            Text(
                "How does this group feel right now? Your answers are private: nobody sees them, "
                f"facilitators included. Only the group's average is shown, once at least {self.minimum} "
                "people answered."
            ),
        ]
        for number, code in enumerate(pulse.items.split(","), start=1):
            blocks.append(Text(f"{number}. {by_code[code].text}"))
            blocks.append(
                Buttons(
                    tuple(
                        Button(str(n), "pulse.rate", f"{pulse.id}:{code}:{n}") for n in range(1, 8)
                    )
                )
            )
        blocks.append(ContextLine(f"1 = {scale['low']}, 7 = {scale['high']}."))
        blocks.append(
            Buttons(
                (
                    Button(
                        "What would move your rating up one point?", "pulse.improve", str(pulse.id)
                    ),
                )
            )
        )
        blocks.append(
            ContextLine(
                f"Open until {pulse.closes_at:%Y-%m-%d %H:%M} UTC; click again to change an answer."
            )
        )
        return Message(tuple(blocks))

    async def open_next(
        self, container: Container, now: datetime, period: int | None = None
    ) -> TrustPulse | None:
        assert container.id is not None
        if period is None:
            latest = await self.pulses.latest(container.id)
            period = latest.period + 1 if latest else 1
        codes = [i.code for i in trust.items_for_period(period)]
        closes = now + timedelta(days=container.pulse_open_days)
        pulse = await self.pulses.open(container.id, period, codes, now, closes)
        if pulse is None or pulse.id is None:
            return None
        circle = await self.circles.of(container)
        message = self.pulse_message(container, pulse)
        await self.sender.put_all(
            circle.community,
            [dm(member, message, f"pulse:{pulse.id}:{member.id}") for member in circle.active(now)],
        )
        remind_at = (
            closes - timedelta(days=1)
            if container.pulse_open_days >= 2
            else now + (closes - now) / 2
        )
        await self.planner.plan(
            f"pulse-remind:{pulse.id}", "pulse.remind", remind_at, {"pulse_id": pulse.id}
        )
        await self.planner.plan(
            f"pulse-close:{pulse.id}", "pulse.close", closes, {"pulse_id": pulse.id}
        )
        return pulse

    async def open_job(self, payload: dict[str, object], due: datetime) -> None:
        container_id, every = payload["container_id"], payload["every"]
        assert isinstance(container_id, int) and isinstance(every, int)
        container = await self.containers.get(container_id)
        if container is None or container.state in ("closing", "closed"):
            return
        if container.pulse_every_days != every:
            return  # the cadence changed; the new setting planned its own chain
        latest = await self.pulses.latest(container_id)
        # A pulse sent by hand (`/trellis pulse now`) restarts the count from then.
        if latest is None or due - latest.opened_at >= timedelta(days=every) - timedelta(hours=1):
            await self.open_next(container, due)
            next_due = due + timedelta(days=every)
        else:
            next_due = latest.opened_at + timedelta(days=every)
        await self.planner.plan(
            f"pulse:{container_id}:{next_due.isoformat()}",
            "pulse.open",
            next_due,
            {"container_id": container_id, "every": every},
        )

    async def remind_job(self, payload: dict[str, object], due: datetime) -> None:
        pulse, container = await self.pulse_and_container(payload)
        if pulse is None or container is None or pulse.closed:
            return
        assert pulse.id is not None
        answered = {a.member_id for a in await self.pulses.answers(pulse.id)}
        circle = await self.circles.of(container)
        reminder = Message(
            (
                Text(
                    f"A reminder: the trust pulse of {container.name} closes {pulse.closes_at:%Y-%m-%d %H:%M} UTC."
                ),
                Text("Two clicks are enough. Your answers stay private."),
            )
        )
        await self.sender.put_all(
            circle.community,
            [
                dm(member, reminder, f"pulse-remind:{pulse.id}:{member.id}")
                for member in circle.active(due)
                if member.id not in answered
            ],
        )

    async def pulse_and_container(
        self, payload: dict[str, object]
    ) -> tuple[TrustPulse | None, Container | None]:
        pulse_id = payload["pulse_id"]
        assert isinstance(pulse_id, int)
        pulse = await self.pulses.get(pulse_id)
        container = await self.containers.get(pulse.container_id) if pulse else None
        return pulse, container

    # -- answering -------------------------------------------------------------------------

    async def open_pulse_for(
        self, ctx: Context[ActionChosen] | Context[FormSubmitted], raw: str
    ) -> PulseState:
        # The pulse and its container's community in one query: a click reads nothing else.
        pulse = await self.pulses.state(int(raw)) if raw.isdigit() else None
        if pulse is None or pulse.community_id != ctx.community.id:
            raise CommandError("That pulse no longer exists.")
        if pulse.closed or ctx.now >= pulse.closes_at:
            raise CommandError(
                f"This pulse closed on {pulse.closes_at:%Y-%m-%d}; your answer was not recorded. "
                "The next pulse will come to you by direct message."
            )
        return pulse

    async def rate(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        parts = ctx.event.value.split(":")
        if len(parts) != 3 or not parts[2].lstrip("-").isdigit():
            raise CommandError(
                "That answer could not be read; please click one of the 1-7 buttons."
            )
        pulse = await self.open_pulse_for(ctx, parts[0])
        code, score = parts[1], int(parts[2])
        if code not in pulse.items.split(","):
            raise CommandError("That question is not part of this pulse.")
        if not trust.SCALE_MIN <= score <= trust.SCALE_MAX:
            raise CommandError(
                f"Answers go from {trust.SCALE_MIN} to {trust.SCALE_MAX}; {score} is outside the scale."
            )
        await self.pulses.answer(pulse.id, ctx.member.id, code, score, ctx.now)
        text = {i.code: i.text for i in trust.items()}[code]
        return [
            Outgoing(
                Message.text(
                    f"Recorded {score} for “{text}”. You can change it until {pulse.closes_at:%Y-%m-%d %H:%M} UTC."
                )
            )
        ]

    async def open_improve(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        pulse = await self.open_pulse_for(ctx, ctx.event.value)
        form = Form(
            "pulse.improve",
            "One point up",
            (
                TextInput(
                    "note",
                    load("trust_items")["improve_question"],
                    multiline=True,
                    max_length=MAX_NOTE,
                ),
            ),
            submit_label="Send",
            context=str(pulse.id),
        )
        return [
            Outgoing(
                Message(
                    (
                        Text(
                            "Shared with facilitators without your name, and only when enough people answered."
                        ),
                    ),
                    form=form,
                )
            )
        ]

    async def improve(self, ctx: Context[FormSubmitted]) -> list[Outgoing]:
        pulse = await self.open_pulse_for(ctx, ctx.event.context)
        note = ctx.event.values.get("note", "").strip()
        if not note:
            raise CommandError("note: write a sentence, or close the form.")
        if len(note) > MAX_NOTE:
            raise CommandError(f"note: at most {MAX_NOTE} characters (yours has {len(note)}).")
        await self.pulses.answer(pulse.id, ctx.member.id, IMPROVE, 0, ctx.now, note=note)
        return [
            Outgoing(
                Message.text(
                    "Thank you. Your suggestion will reach the facilitators without your name."
                )
            )
        ]

    # -- closing and trends ------------------------------------------------------------------

    async def period_trust(
        self, pulse: TrustPulse, members: int
    ) -> tuple[trust.PeriodTrust, list[str]]:
        assert pulse.id is not None
        reverse = {i.code: i.reverse for i in trust.items()}
        by_member: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        notes: list[str] = []
        for answer in await self.pulses.answers(pulse.id):
            if answer.item == IMPROVE:
                notes.append(answer.note)
            elif answer.item in reverse:
                by_member[answer.member_id].append((answer.score, reverse[answer.item]))
        result = trust.aggregate(
            pulse.period, max(members, len(by_member)), by_member, self.minimum
        )
        return result, sorted(notes) if result.shown else []

    async def history(self, container: Container, members: int) -> list[trust.PeriodTrust]:
        assert container.id is not None
        return [
            (await self.period_trust(p, members))[0]
            for p in await self.pulses.all_for(container.id)
            if p.closed
        ]

    async def close_job(self, payload: dict[str, object], due: datetime) -> None:
        pulse, container = await self.pulse_and_container(payload)
        if pulse is None or container is None or pulse.id is None:
            return
        if not await self.pulses.close(pulse.id):
            return
        circle = await self.circles.of(container)
        history = await self.history(container, len(circle.members))
        latest, notes = await self.period_trust(pulse, len(circle.members))
        summary = [
            Text(f"Trust pulse {pulse.period} of {container.name} closed", style="heading"),
            Text(describe(latest, self.minimum)),
            Text(f"Trend: {trust.sparkline([p.mean for p in history])}"),
        ]
        if notes:
            summary.append(
                Text(
                    "What would move ratings up one point (anonymous):\n"
                    + "\n".join(f"• {n}" for n in notes)
                )
            )
        for facilitator in circle.facilitators:
            await self.sender.put(
                circle.community,
                dm(
                    facilitator,
                    Message(tuple(summary)),
                    f"pulse-summary:{pulse.id}:{facilitator.id}",
                ),
            )
        for alert in trust.hygiene_alerts(history):
            await self.alert(circle, alert.code, alert.measured, f"{pulse.period}")

    async def alert(self, circle: Circle, code: str, measured: str, occasion: str) -> None:
        container = circle.container
        seed = sum(map(ord, occasion))
        message = alert_message(container, code, measured, seed)
        for facilitator in circle.facilitators:
            key = f"alert:{container.id}:{code}:{occasion}:{facilitator.id}"
            await self.sender.put(circle.community, dm(facilitator, message, key))

    async def trust_command(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        circle = await self.circles.of(container)
        history = await self.history(container, len(circle.members))
        if not history:
            return [
                Outgoing(
                    Message.text(
                        f"No trust pulse of {container.name} has closed yet. Send one with `/trellis pulse now`."
                    )
                )
            ]
        lines = [f"Period {p.period}: {describe(p, self.minimum)}" for p in history]
        message = Message(
            (
                Text(f"Trust in {container.name}", style="heading"),
                Text(
                    f"Trend: {trust.sparkline([p.mean for p in history])}  (1-7, higher is safer)"
                ),
                Text("\n".join(lines)),
                ContextLine(
                    f"Shown only when at least {self.minimum} members answered; never individually."
                ),
            )
        )
        return [Outgoing(message)]

    async def now_command(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        if container.state in ("closing", "closed"):
            raise CommandError(f"“{container.name}” is {container.state}; no more pulses.")
        assert container.id is not None
        latest = await self.pulses.latest(container.id)
        if latest is not None and not latest.closed and ctx.now < latest.closes_at:
            raise CommandError(
                f"Pulse {latest.period} is still open until {latest.closes_at:%Y-%m-%d %H:%M} UTC."
            )
        pulse = await self.open_next(container, ctx.now)
        assert pulse is not None
        members = len((await self.circles.of(container)).active(ctx.now))
        return [
            Outgoing(
                Message.text(f"Pulse {pulse.period} sent to {members} members by direct message.")
            )
        ]


def describe(period: trust.PeriodTrust, minimum: int) -> str:
    answered = f"{period.respondents} of {period.members} answered ({period.response_rate:.0%})"
    if period.mean is None or period.spread is None:
        return f"not enough answers to show yet ({answered}; shown from {minimum})"
    return f"trust {period.mean:.1f} (spread {period.spread:.1f}); {answered}"


def register(registry: Registry, service: PulseService) -> None:
    registry.command(TRUST, service.trust_command)
    registry.command(PULSE_NOW, service.now_command)
    registry.action("pulse.rate", service.rate)
    registry.action("pulse.improve", service.open_improve)
    registry.form("pulse.improve", service.improve)
