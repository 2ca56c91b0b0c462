"""`/trellis digest schedule|preview|post`, declared once for every platform."""

from __future__ import annotations

import re

from bot.community.exchange_digest import period_ending
from bot.community.exchange_digest_service import DigestService
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Outgoing, Reply, reply
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry

DAYS = {
    name: name[:3]
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}
EXAMPLE = "Example: /trellis digest schedule --day fri --at 16:00 --channel #weekly"
SCOPE = OptionSpec(
    "for",
    kind="choice",
    choices=("container", "network"),
    help="default: this channel's container, else the network",
)

SCHEDULE = CommandSpec(
    path=("digest", "schedule"),
    summary="Post the weekly learning-exchange digest on a day and time (community time zone).",
    options=(
        OptionSpec("day", kind="word", required=True, help="mon, tue, … sun"),
        OptionSpec("at", kind="word", required=True, help="HH:MM, 24-hour"),
        OptionSpec("channel", kind="channel", help="where to post; default: here"),
        SCOPE,
    ),
    role="facilitator",
    example="/trellis digest schedule --day fri --at 16:00 --channel #weekly",
    public_reply=True,  # answered for the channel (Discord defers publicly)
)
PREVIEW = CommandSpec(
    path=("digest", "preview"),
    summary="See this week's digest and the facilitator digest now, only for you.",
    options=(SCOPE,),
    role="facilitator",
    example="/trellis digest preview",
)
POST = CommandSpec(
    path=("digest", "post"),
    summary="Post this week's digest now (once per week; the schedule then skips this week).",
    options=(SCOPE, OptionSpec("channel", kind="channel", help="where to post")),
    role="facilitator",
    example="/trellis digest post",
)


def parse_day(raw: str) -> str:
    word = raw.strip().lower()
    for name, short in DAYS.items():
        if len(word) >= 3 and name.startswith(word):
            return short
    raise CommandError(f"`--day {raw[:20]}` is not a day of the week; use mon … sun. {EXAMPLE}")


def parse_at(raw: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CommandError(f"`--at {raw[:20]}` is not a time of day; use HH:MM, 24-hour. {EXAMPLE}")
    return int(match.group(1)), int(match.group(2))


def register(registry: Registry, service: DigestService) -> None:
    async def schedule(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        day, (hour, minute) = parse_day(args.text("day")), parse_at(args.text("at"))
        channel = args.channel("channel") or ctx.event.channel
        if channel is None:
            raise CommandError(f"Say which channel to post in. {EXAMPLE}")
        scope = await service.scope(ctx.community, ctx.event.channel, args.text("for"))
        _, due = await service.schedule(scope, day, hour, minute, channel, ctx.now)
        shown = channel.name or channel.external_id
        return [
            reply(
                f"The digest for {scope.name} will be posted in #{shown}"
                f" every {day.capitalize()} at {hour:02d}:{minute:02d} ({ctx.community.timezone}). "
                f"Next: {due:%Y-%m-%d %H:%M} UTC.",
                ephemeral=False,
            )
        ]

    async def preview(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        scope = await service.scope(ctx.community, ctx.event.channel, args.text("for"))
        period = period_ending(ctx.now, ctx.community.timezone)
        member = await service.digests.member(ctx.member.id)
        if member is None:
            raise CommandError("Trellis does not know you yet; try again in a moment.")
        shown = await service.preview(scope, period, member)
        return [Outgoing(p, Reply(ephemeral=True)) for p in shown]

    async def post(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        scope = await service.scope(ctx.community, ctx.event.channel, args.text("for"))
        channel = await service.channel_for(scope, args.channel("channel"), ctx.event.channel)
        done = await service.publish(scope, period_ending(ctx.now, ctx.community.timezone), channel)
        if done.already:
            return [
                reply(
                    f"The digest for {scope.name}, {done.period.label}, was already posted in "
                    f"{done.channel} on {done.created_at:%Y-%m-%d %H:%M} UTC; each week's digest "
                    "is posted once."
                )
            ]
        return [
            reply(
                f"Posted the digest for {scope.name} in {done.channel} "
                f"({done.parts} message{'s' if done.parts != 1 else ''}); facilitators have "
                "theirs by direct message."
            )
        ]

    registry.command(SCHEDULE, schedule)
    registry.command(PREVIEW, preview)
    registry.command(POST, post)
