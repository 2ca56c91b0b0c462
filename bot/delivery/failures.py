"""What facilitators see when the outbox gives up on a message: a DM to each facilitator of
the community when it happens, and `/trellis outbox failed` to list them later.

Only the target's kind and the reason are shown, never the message itself: a failed DM may
carry a member's own words, which are not the facilitator's to read."""

from __future__ import annotations

import json

from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Message, Outgoing, ToMember, reply
from bot.core.parsing import Args
from bot.core.refs import MemberRef
from bot.core.registry import Registry
from bot.delivery.outbox import Outbox
from bot.storage.models import OutboxMessage
from bot.storage.outbox_failures_repository import OutboxFailureRepository
from bot.storage.repositories import DirectoryRepository

KEY_PREFIX = "outbox.gave-up:"

FAILED = CommandSpec(
    ("outbox", "failed"),
    "List the messages Trellis gave up delivering in this community (newest first).",
    role="facilitator",
    example="/trellis outbox failed",
)


def describe(row: OutboxMessage, directory_names: dict[str, str]) -> str:
    """One line: when it was stored, to whom (a channel or a member's name), why it failed."""
    when = row.created_at.strftime("%Y-%m-%d %H:%M UTC")
    if row.target_kind == "channel":
        target = f"a channel post (<#{row.target_id}>)"
    else:
        target = f"a DM to {directory_names.get(row.target_id, 'a member')}"
    reason = (row.last_error or "unknown reason").splitlines()[0][:120]
    return f"• {when}: {target}, after {row.attempts} attempt(s): {reason}"


class FailureReports:
    def __init__(self, directory: DirectoryRepository, outbox: Outbox) -> None:
        self.directory = directory
        self.outbox = outbox
        self.failures = OutboxFailureRepository(directory.db)

    async def names(self, community_id: int, rows: list[OutboxMessage]) -> dict[str, str]:
        community = await self.directory.community_by_id(community_id)
        if community is None:
            return {}
        names: dict[str, str] = {}
        for row in rows:
            if row.target_kind == "member" and row.target_id not in names:
                platform = json.loads(row.payload)["platform"]
                member = await self.directory.find_member(
                    community, MemberRef(platform, row.target_id)
                )
                if member is not None:
                    names[row.target_id] = member.display_name
        return names

    async def gave_up(self, row: OutboxMessage) -> None:
        """DM every facilitator of the community (not for a report that itself failed)."""
        if row.idempotency_key.startswith(KEY_PREFIX):
            return
        community = await self.directory.community_by_id(row.community_id)
        if community is None:
            return
        line = describe(row, await self.names(row.community_id, [row]))
        message = Message.text(
            "Trellis gave up delivering a message:",
            line,
            "`/trellis outbox failed` lists every message given up.",
        )
        for facilitator in await self.directory.facilitators(row.community_id):
            await self.outbox.put(
                community,
                Outgoing(
                    message,
                    ToMember(facilitator.ref),
                    f"{KEY_PREFIX}{row.id}:{facilitator.id}",
                ),
            )

    async def list_failed(self, ctx: Context[CommandInvoked], _args: Args) -> list[Outgoing]:
        rows = await self.failures.failed(ctx.community.id)
        if not rows:
            return [reply("Nothing was given up: every message was delivered or is on its way.")]
        names = await self.names(ctx.community.id, rows)
        return [
            reply(
                f"Messages Trellis gave up delivering (latest {len(rows)}):",
                "\n".join(describe(row, names) for row in rows),
            )
        ]


def register(registry: Registry, reports: FailureReports) -> None:
    reports.outbox.on_give_up.append(reports.gave_up)
    registry.command(FAILED, reports.list_failed)
