"""Weekly care of each container: stale trust, success-only sharing, an unagreed purpose,
and the agreement-review and rotation reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.community import shares
from bot.community.agreements import agreement_lines
from bot.community.circle import Circles, dm
from bot.community.pulses import PulseService
from bot.community.shares import ShareService
from bot.core.messages import Button, Buttons, Message, Text
from bot.core.messages import Context as ContextLine
from bot.core.ports import Planner, Sender
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import AgreementRepository, PulseRepository

STALE_AFTER = timedelta(weeks=8)
WEEK = timedelta(days=7)


class HygieneService:
    def __init__(
        self,
        containers: ContainerRepository,
        pulses: PulseRepository,
        pulse_service: PulseService,
        share_service: ShareService,
        agreements: AgreementRepository,
        circles: Circles,
        sender: Sender,
        planner: Planner,
    ) -> None:
        self.containers = containers
        self.pulses = pulses
        self.pulse_service = pulse_service
        self.share_service = share_service
        self.agreements = agreements
        self.circles = circles
        self.sender = sender
        self.planner = planner

    async def weekly_job(self, payload: dict[str, object], due: datetime) -> None:
        container_id, n = payload["container_id"], payload["n"]
        assert isinstance(container_id, int) and isinstance(n, int)
        container = await self.containers.get(container_id)
        if container is None or container.state == "closed":
            return
        await self.planner.plan(
            f"hygiene:{container_id}:{n + 1}",
            "container.hygiene",
            due + WEEK,
            {"container_id": container_id, "n": n + 1},
        )
        if container.state == "closing":
            return
        circle = await self.circles.of(container)
        week = f"w{n}"
        latest = await self.pulses.latest(container_id)
        last_check = latest.opened_at if latest else container.created_at
        if due - last_check > STALE_AFTER:
            weeks = (due - last_check).days // 7
            await self.pulse_service.alert(
                circle, "stale", f"no trust pulse for {weeks} weeks (alert after 8)", week
            )
        measured = shares.success_only(await self.share_service.mix(container_id, due))
        if measured:
            message = Message(
                (
                    Text(
                        f"Trust hygiene: only success stories are shared in {container.name}",
                        style="heading",
                    ),
                    Text(f"Measured: {measured}."),
                    Text(
                        "A focus on best practice breeds politeness and hampers learning. Invite the rest: "
                        "what partly worked, what did not, and what it taught."
                    ),
                    Buttons(
                        (
                            Button(
                                "Post a prompt inviting it",
                                "prompt.post",
                                f"{container_id}:practice",
                            ),
                        )
                    ),
                )
            )
            for facilitator in circle.facilitators:
                key = f"alert:{container_id}:success_only:{week}:{facilitator.id}"
                await self.sender.put(circle.community, dm(facilitator, message, key))
        if container.state == "forming":
            nudge = Message(
                (
                    Text(f"{container.name} is still forming", style="heading"),
                    Text(
                        "Its purpose is not agreed yet. A clear common purpose comes first: ask members to "
                        "agree or comment, or propose a clearer wording with `/trellis container purpose TEXT`."
                    ),
                )
            )
            for facilitator in circle.facilitators:
                await self.sender.put(
                    circle.community,
                    dm(facilitator, nudge, f"forming:{container_id}:{week}:{facilitator.id}"),
                )

    async def chain(
        self, payload: dict[str, object], due: datetime, column: str, kind: str
    ) -> Container | None:
        """The container when this run of a weekly-cadence chain is still the current one;
        plans the chain's next run. A run whose setting has since changed ends its chain."""
        container_id, weeks = payload["container_id"], payload["weeks"]
        assert isinstance(container_id, int) and isinstance(weeks, int)
        container = await self.containers.get(container_id)
        if container is None or container.state in ("closing", "closed"):
            return None
        if getattr(container, column) != weeks:
            return None
        following = due + timedelta(weeks=weeks)
        await self.planner.plan(
            f"{kind}:{container_id}:{following.isoformat()}", kind, following, payload
        )
        return container

    async def review_job(self, payload: dict[str, object], due: datetime) -> None:
        container = await self.chain(payload, due, "agreement_review_weeks", "agreements.review")
        if container is None or container.id is None:
            return
        circle = await self.circles.of(container)
        in_force = agreement_lines(await self.agreements.for_container(container.id))
        message = Message(
            (
                Text(
                    f"Time to revisit the working agreements of {container.name}", style="heading"
                ),
                Text(
                    "\n".join(in_force)
                    if in_force
                    else "There are none in force yet: propose some together."
                ),
                ContextLine("Ask: which one was hardest to keep? Which one is missing?"),
            )
        )
        for facilitator in circle.facilitators:
            key = f"review:{container.id}:{due.isoformat()}:{facilitator.id}"
            await self.sender.put(circle.community, dm(facilitator, message, key))

    async def rotation_job(self, payload: dict[str, object], due: datetime) -> None:
        container = await self.chain(payload, due, "rotation_weeks", "facilitation.rotate")
        if container is None:
            return
        circle = await self.circles.of(container)
        message = Message.text(
            f"Shared leadership: consider rotating facilitation in {container.name}. "
            "Invite a member to co-facilitate with `/trellis facilitator add @member`."
        )
        for facilitator in circle.facilitators:
            key = f"rotation:{container.id}:{due.isoformat()}:{facilitator.id}"
            await self.sender.put(circle.community, dm(facilitator, message, key))
