"""Beyond best practice: members tag what they share as worked, partly worked or didn't."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.community.containers import ContainerService
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked, ReactionAdded
from bot.core.messages import Context as ContextLine
from bot.core.messages import Message, Outgoing, Reply, Text
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.storage.models import Share
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import ShareRepository

OUTCOMES = ("worked", "partly", "didnt")
LABELS = {"worked": "worked", "partly": "partly worked", "didnt": "didn't work"}
MAX_SHARE = 2000
SUCCESS_WINDOW = timedelta(weeks=4)
SUCCESS_ALERT = 0.8
SUCCESS_MIN_SHARES = 5

SHARE = CommandSpec(
    ("share",),
    "Share something you tried, tagged with how it went: worked, partly or didnt.",
    options=(
        OptionSpec("text", positional=True, required=True, help="what you tried and what happened"),
        OptionSpec("outcome", kind="choice", choices=OUTCOMES, required=True, help="how it went"),
    ),
    example="/trellis share Peer marking in year 5: the rubric was too long --outcome partly",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)


def parse_emoji_map(raw: str) -> dict[str, str]:
    """`white_check_mark:worked,construction:partly,x:didnt` -> emoji name -> outcome."""
    pairs = (item.split(":", 1) for item in raw.split(",") if ":" in item)
    return {
        emoji.strip(): outcome.strip() for emoji, outcome in pairs if outcome.strip() in OUTCOMES
    }


def mix_line(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "nothing tagged yet"
    return " · ".join(f"{LABELS[o]} {counts.get(o, 0)}" for o in OUTCOMES)


def success_only(counts: dict[str, int]) -> str | None:
    """The measured text when nearly everything shared lately was a success story."""
    total = sum(counts.values())
    worked = counts.get("worked", 0)
    if total >= SUCCESS_MIN_SHARES and worked / total > SUCCESS_ALERT:
        return f"{worked} of {total} tagged shares in the last 4 weeks worked ({worked / total:.0%}; alert above {SUCCESS_ALERT:.0%})"
    return None


class ShareService:
    def __init__(
        self,
        service: ContainerService,
        containers: ContainerRepository,
        shares: ShareRepository,
        emoji: dict[str, str],
    ) -> None:
        self.service = service
        self.containers = containers
        self.shares = shares
        self.emoji = emoji

    async def mix(self, container_id: int, now: datetime) -> dict[str, int]:
        return await self.shares.outcomes_since(container_id, now - SUCCESS_WINDOW)

    async def share(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.service.in_channel(ctx.community, ctx.event.channel)
        text = args.text("text").strip()
        if len(text) > MAX_SHARE:
            raise CommandError(
                f"A share can be at most {MAX_SHARE} characters (yours has {len(text)}); here it is:\n{text}"
            )
        outcome = args.text("outcome")
        assert container.id is not None
        await self.shares.add(
            Share(
                container_id=container.id,
                member_id=ctx.member.id,
                text=text,
                outcome=outcome,
                at=ctx.now,
            )
        )
        message = Message(
            (
                Text(f"{ctx.member.display_name} shared something that {LABELS[outcome]}:"),
                Text(text, style="quote"),
                ContextLine(
                    "What did not work teaches as much as what did. Share yours with `/trellis share`."
                ),
            )
        )
        return [Outgoing(message, Reply(ephemeral=False))]

    async def on_reaction(self, ctx: Context[ReactionAdded]) -> list[Outgoing]:
        outcome = self.emoji.get(ctx.event.emoji)
        channel = ctx.event.channel
        # Only the author tags their own message: nobody labels someone else's practice.
        if outcome is None or channel is None or ctx.event.message_author != ctx.member.ref:
            return []
        container = await self.containers.open_in_channel(ctx.community.id, channel.external_id)
        if container is None or container.id is None:
            return []
        await self.shares.add(
            Share(
                container_id=container.id,
                member_id=ctx.member.id,
                text="",
                outcome=outcome,
                at=ctx.now,
            )
        )
        return []


def register(registry: Registry, service: ShareService) -> None:
    registry.command(SHARE, service.share)
    registry.listen(ReactionAdded, service.on_reaction)
