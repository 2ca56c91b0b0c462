"""Data rights: a member can take everything stored about them, or have it erased.

Erasure keeps the community working: containers, purposes and prompts the member authored pass
to an anonymous "former member"; aggregates already published stay as they were published.
Raw answers are not kept forever either: a daily job removes them after the retention period.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked
from bot.core.messages import Button, Buttons, File, Message, Outgoing, Text, ToMember, reply
from bot.core.parsing import Args
from bot.core.registry import Registry
from bot.scheduling.runner import Scheduler
from bot.storage.rights_repository import RightsRepository, to_json

EXPORT = CommandSpec(
    path=("me", "export"),
    summary="Get a file (JSON) of everything Trellis stores about you, by direct message.",
    example="/trellis me export",
)
DELETE = CommandSpec(
    path=("me", "delete"),
    summary="Erase everything Trellis stores about you (asks you to confirm first).",
    example="/trellis me delete",
    details="What others depend on (a container you created) passes to an anonymous former "
    "member; aggregates already published stay aggregate.",
)
ERASE_ACTION = "rights.erase"
RETENTION_KIND = "privacy.retention"
RETENTION_HOUR = time(3, 0)


class RightsService:
    def __init__(self, repo: RightsRepository, scheduler: Scheduler, retention_days: int) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.retention = timedelta(days=retention_days)

    async def export(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        data = await self.repo.export(ctx.member.id)
        data["exported_at"] = ctx.now.isoformat()
        file = File(
            "trellis-export.json",
            to_json(data),
            "application/json",
            "Everything Trellis stores about you",
        )
        dm = Message((Text("Here is everything Trellis stores about you, as JSON."), file))
        key = f"rights.export:{ctx.member.id}:{ctx.now.isoformat()}"
        return [
            reply("I sent you a direct message with a file of everything stored about you."),
            Outgoing(dm, ToMember(ctx.member.ref), idempotency_key=key),
        ]

    async def ask_delete(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        confirm = Button("Erase my data", ERASE_ACTION, "confirm", style="danger")
        return [
            Outgoing(
                Message(
                    (
                        Text(
                            "This erases your profile, answers, shares, learnings, offers, "
                            "needs and reflections. It cannot be undone. Containers you "
                            "created stay, credited to a former member."
                        ),
                        Buttons((confirm,)),
                    )
                )
            )
        ]

    async def erase(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        if ctx.event.value != "confirm":
            return [reply("Nothing was erased.")]
        await self.repo.erase(ctx.community.id, ctx.member.id, ctx.now)
        return [reply("Done: everything Trellis stored about you is erased.")]

    async def retention_job(self, payload: dict[str, object], due: datetime) -> None:
        """Daily; removing what is already gone is a no-op, so a rerun changes nothing."""
        await self.repo.forget_raw_answers(due - self.retention)
        await self.plan(due + timedelta(days=1))

    async def plan(self, after: datetime) -> None:
        """The next daily run at or after `after`; one run key per day keeps it planned once."""
        due = datetime.combine(after.date(), RETENTION_HOUR, tzinfo=after.tzinfo)
        if due < after:
            due += timedelta(days=1)
        await self.scheduler.plan(f"retention:{due.date()}", RETENTION_KIND, due, {})


def register(registry: Registry, service: RightsService) -> None:
    registry.command(EXPORT, service.export)
    registry.command(DELETE, service.ask_delete)
    registry.action(ERASE_ACTION, service.erase)
    service.scheduler.job(RETENTION_KIND, service.retention_job)
