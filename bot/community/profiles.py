"""Member profiles (organisation, type, topics, time zone), pauses, and organisation types."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.community.circle import dm
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked, FormSubmitted
from bot.core.messages import (
    ChoiceInput,
    Fields,
    Form,
    Message,
    Option,
    Outgoing,
    Text,
    TextInput,
)
from bot.core.messages import Context as ContextLine
from bot.core.parsing import Args, CommandError
from bot.core.ports import Planner, Sender
from bot.core.registry import Registry
from bot.storage.db import Database
from bot.storage.repositories import (
    ContainerRepository,
    DirectoryRepository,
    OrganisationTypeRepository,
    set_member_pause,
    update_member_profile,
)

DEFAULT_TYPES = ("school", "university", "local authority", "non-profit", "business", "other")
MAX_TOPICS = 500

ME = CommandSpec(
    ("me", "show"),
    "Show your profile, your containers and whether you are paused (also: `/trellis me`).",
    example="/trellis me",
    group_default=True,
)
PROFILE = CommandSpec(
    ("me", "profile"),
    "Set your organisation, its type and the topics you work on.",
    options=(
        OptionSpec("org", help="your organisation"),
        OptionSpec("type", help="organisation type, from `/trellis orgtypes list`"),
        OptionSpec("topics", help='comma-separated, e.g. "reading, assessment"'),
    ),
    example='/trellis me profile --org "Riverside Primary" --type school --topics "reading, maths"',
)
TIMEZONE = CommandSpec(
    ("me", "timezone"),
    "Set your time zone so check-ins arrive at your local time.",
    options=(OptionSpec("zone", kind="word", positional=True, required=True, help="an IANA zone"),),
    example="/trellis me timezone Europe/Lisbon",
)
PAUSE = CommandSpec(
    ("me", "pause"),
    "Pause pulses, check-ins and subgroup rounds for yourself until a date.",
    options=(OptionSpec("until", kind="date", required=True, help="the day you are back"),),
    example="/trellis me pause --until 2026-09-01",
)
RESUME = CommandSpec(("me", "resume"), "End your pause now.", example="/trellis me resume")
ORGTYPES_LIST = CommandSpec(("orgtypes", "list"), "List the community's organisation types.")
ORGTYPES_ADD = CommandSpec(
    ("orgtypes", "add"),
    "Add an organisation type.",
    options=(OptionSpec("name", positional=True, required=True, help="the type"),),
    role="facilitator",
    example="/trellis orgtypes add health service",
)
ORGTYPES_REMOVE = CommandSpec(
    ("orgtypes", "remove"),
    "Remove an organisation type (members keep what they set).",
    options=(OptionSpec("name", positional=True, required=True, help="the type"),),
    role="facilitator",
    example="/trellis orgtypes remove business",
)


def check_zone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise CommandError(
            f"Unknown time zone `{zone[:40]}`. Use one like Europe/Lisbon or America/Chicago."
        ) from None
    return zone


class ProfileService:
    def __init__(
        self,
        db: Database,
        directory: DirectoryRepository,
        containers: ContainerRepository,
        orgtypes: OrganisationTypeRepository,
        planner: Planner,
        sender: Sender,
    ) -> None:
        self.db = db
        self.directory = directory
        self.containers = containers
        self.orgtypes = orgtypes
        self.planner = planner
        self.sender = sender

    async def types(self, community_id: int) -> list[str]:
        return await self.orgtypes.names(community_id, DEFAULT_TYPES)

    async def check_type(self, community_id: int, raw: str) -> str:
        kind = raw.strip().lower()
        types = await self.types(community_id)
        if kind not in types:
            raise CommandError(
                f"Unknown organisation type `{raw[:40]}`. Choose one of: {', '.join(types)}."
            )
        return kind

    async def show(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        me = await self.directory.profile(ctx.member.id)
        assert me is not None
        containers = await self.containers.of_member(ctx.member.id)
        paused = (
            f"paused until {me.paused_until:%Y-%m-%d}"
            if me.paused_until and me.paused_until > ctx.now
            else "active"
        )
        message = Message(
            (
                Text(f"Your profile, {me.display_name}", style="heading"),
                Fields(
                    (
                        ("Organisation", me.organisation or "not set"),
                        ("Type", me.organisation_type or "not set"),
                        ("Topics", me.topics or "not set"),
                        (
                            "Time zone",
                            me.timezone or f"{ctx.community.timezone} (community default)",
                        ),
                        ("Status", paused),
                        ("Role", "facilitator" if me.is_facilitator else "member"),
                        ("Containers", ", ".join(c.name for c in containers) or "none yet"),
                    )
                ),
                ContextLine(
                    "Change it with `/trellis me profile`, `/trellis me timezone`, `/trellis me pause`."
                ),
            )
        )
        return [Outgoing(message)]

    async def set_profile(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        org, kind, topics = (
            args.text("org").strip(),
            args.text("type").strip(),
            args.text("topics").strip(),
        )
        if not (org or kind or topics):
            raise CommandError(
                "Give at least one of --org, --type, --topics.\nUsage: " + PROFILE.usage()
            )
        await self.save(ctx.community.id, ctx.member.id, org, kind, topics)
        return await self.show(ctx, args)

    async def save(
        self, community_id: int, member_id: int, org: str, kind: str, topics: str
    ) -> None:
        if len(topics) > MAX_TOPICS or len(org) > 200:
            raise CommandError(
                f"Keep the organisation under 200 and topics under {MAX_TOPICS} characters."
            )
        await update_member_profile(
            self.db,
            member_id,
            organisation=org or None,
            organisation_type=await self.check_type(community_id, kind) if kind else None,
            topics=", ".join(t.strip() for t in topics.split(",") if t.strip()) if topics else None,
        )

    async def set_timezone(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        zone = check_zone(args.text("zone").strip())
        await update_member_profile(self.db, ctx.member.id, timezone=zone)
        local = ctx.now.astimezone(ZoneInfo(zone))
        return [
            Outgoing(Message.text(f"Your time zone is now {zone} (it is {local:%H:%M} there)."))
        ]

    async def pause(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        until_day = args.date("until")
        assert until_day is not None
        zone = ZoneInfo(ctx.member.timezone or ctx.community.timezone)
        until = datetime.combine(until_day, time(0, 0), tzinfo=zone).astimezone(UTC)
        if until <= ctx.now:
            raise CommandError(
                "--until must be a day in the future, e.g. "
                + (ctx.now + timedelta(days=14)).strftime("%Y-%m-%d")
            )
        await self.pause_until(ctx.member.id, until)
        return [
            Outgoing(
                Message.text(
                    f"Paused until {until_day}. Pulses, check-ins and subgroup rounds will skip you; "
                    "I will tell you when you are back. `/trellis me resume` ends it sooner."
                )
            )
        ]

    async def pause_until(self, member_id: int, until: datetime | None) -> None:
        """Pause a member until `until` (None ends the pause); they are told when it ends."""
        await set_member_pause(self.db, member_id, until)
        if until is not None:
            await self.planner.plan(
                f"unpause:{member_id}:{until.isoformat()}",
                "member.back",
                until,
                {"member_id": member_id},
            )

    async def resume(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        await self.pause_until(ctx.member.id, None)
        return [Outgoing(Message.text("Welcome back: you are no longer paused."))]

    async def back(self, payload: dict[str, object], due: datetime) -> None:
        """Scheduled at the end of a pause: tell the member they are back (if still paused then)."""
        member_id = payload["member_id"]
        assert isinstance(member_id, int)
        profile = await self.directory.profile(member_id)
        member = await self.directory.member_by_id(member_id)
        if (
            profile is None
            or member is None
            or profile.paused_until is None
            or profile.paused_until > due
        ):
            return
        await set_member_pause(self.db, member_id, None)
        community = await self.directory.community_by_id(member.community_id)
        assert community is not None
        await self.sender.put(
            community,
            dm(
                member,
                Message.text(
                    "Your pause is over: welcome back! Pulses, check-ins and rounds include you again."
                ),
                f"back:{member_id}:{due.isoformat()}",
            ),
        )

    async def open_form(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        me = await self.directory.profile(ctx.member.id)
        assert me is not None
        types = await self.types(ctx.community.id)
        form = Form(
            "profile.save",
            "Your profile",
            (
                TextInput(
                    "org",
                    "Organisation",
                    required=False,
                    max_length=200,
                    initial=me.organisation or "",
                ),
                ChoiceInput(
                    "type",
                    "Organisation type",
                    tuple(Option(t, t) for t in types),
                    required=False,
                    initial=me.organisation_type or "",
                ),
                TextInput(
                    "topics",
                    "Topics you work on (comma-separated)",
                    required=False,
                    max_length=MAX_TOPICS,
                    initial=me.topics,
                ),
            ),
            submit_label="Save",
        )
        return [Outgoing(Message((Text("Tell the network a little about your work."),), form=form))]

    async def save_form(self, ctx: Context[FormSubmitted]) -> list[Outgoing]:
        values = ctx.event.values
        await self.save(
            ctx.community.id,
            ctx.member.id,
            values.get("org", "").strip(),
            values.get("type", "").strip(),
            values.get("topics", "").strip(),
        )
        return [Outgoing(Message.text("Saved. See it any time with `/trellis me`."))]

    async def list_types(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return [
            Outgoing(
                Message.text("Organisation types: " + ", ".join(await self.types(ctx.community.id)))
            )
        ]

    async def add_type(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        name = args.text("name").strip().lower()[:64]
        await self.types(ctx.community.id)
        added = await self.orgtypes.add(ctx.community.id, name)
        return [
            Outgoing(
                Message.text(f"Added `{name}`." if added else f"`{name}` was already on the list.")
            )
        ]

    async def remove_type(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        name = args.text("name").strip().lower()
        await self.types(ctx.community.id)
        if not await self.orgtypes.remove(ctx.community.id, name):
            raise CommandError(f"`{name[:40]}` is not on the list. See `/trellis orgtypes list`.")
        return [
            Outgoing(
                Message.text(f"Removed `{name}`; members who chose it keep it on their profile.")
            )
        ]


def register(registry: Registry, service: ProfileService) -> None:
    registry.command(ME, service.show)
    registry.command(PROFILE, service.set_profile)
    registry.command(TIMEZONE, service.set_timezone)
    registry.command(PAUSE, service.pause)
    registry.command(RESUME, service.resume)
    registry.command(ORGTYPES_LIST, service.list_types)
    registry.command(ORGTYPES_ADD, service.add_type)
    registry.command(ORGTYPES_REMOVE, service.remove_type)
    registry.action("profile.open", service.open_form)
    registry.form("profile.save", service.save_form)
