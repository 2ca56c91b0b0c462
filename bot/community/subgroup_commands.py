"""Subgroup commands, buttons and listeners: facilitators configure and form rounds;
members opt in or out and keep a private "don't pair me with" list."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.community import subgroup_messages as say
from bot.community import subgroup_spaces, trust
from bot.community.circle import dm
from bot.community.containers import ContainerService
from bot.community.subgroup_rounds import PERIODS, NotFormed, SubgroupService
from bot.community.subgroup_spaces import SubgroupSpaces
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import ActionChosen, CommandInvoked, MessagePosted
from bot.core.messages import Context as ContextLine
from bot.core.messages import Fields, Message, Outgoing, Text
from bot.core.parsing import Args, CommandError
from bot.core.registry import Registry
from bot.network.matching import MAX_SIZE, MIN_SIZE
from bot.network.pair_weights import Strategy
from bot.storage.models import Container

CONFIGURE = CommandSpec(
    ("subgroups", "configure"),
    "Set how this container's subgroup rounds are formed and how often.",
    options=(
        OptionSpec("size", kind="int", help="members per subgroup, 2 to 5 (default 2)"),
        OptionSpec("every", kind="choice", choices=tuple(PERIODS), help="how often a round starts"),
        OptionSpec(
            "strategy",
            kind="choice",
            choices=tuple(s.value for s in Strategy),
            help="who meets whom",
        ),
        OptionSpec("weeks", kind="int", help="with `stable`: weeks a pod stays together"),
    ),
    role="facilitator",
    example="/trellis subgroups configure --size 3 --every fortnight --strategy diverse",
)
FORM = CommandSpec(
    ("subgroups", "form"),
    "Form the next subgroup round now, open each subgroup's space and send its kickoff.",
    role="facilitator",
    example="/trellis subgroups form",
)
SHOW = CommandSpec(
    ("subgroups", "show"),
    "Show your subgroup this round (facilitators: every subgroup and the round's stats).",
    example="/trellis subgroups show",
    group_default=True,
)
AVOID = CommandSpec(
    ("me", "avoid"),
    "Privately ask never to be paired with a member (`clear` empties your list). "
    "Nobody is ever shown it.",
    options=(OptionSpec("who", positional=True, required=True, help="@member, or clear"),),
    example="/trellis me avoid @sam",
)
OPT = CommandSpec(
    ("me", "subgroups"),
    "Take part in subgroup rounds (on) or sit them out (off).",
    options=(
        OptionSpec("state", kind="choice", choices=("on", "off"), positional=True, required=True),
    ),
    example="/trellis me subgroups off",
)


MeetingHook = Callable[[int, list[int], datetime, str], Awaitable[object]]


class SubgroupCommands:
    def __init__(self, service: SubgroupService, containers: ContainerService) -> None:
        self.service = service
        self.containers = containers
        # Told when members say their subgroup met (the interaction graph records it).
        self.meeting_hooks: list[MeetingHook] = []
        # Members leaving or rejoining a subgroup's own space (not the container's channel).
        self.spaces = SubgroupSpaces(service)

    async def configure(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.containers.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        current = await self.service.repo.settings(container.id)
        size = args.int("size", current.size if current else 2)
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise CommandError(
                f"Subgroups have {MIN_SIZE} to {MAX_SIZE} members; {size} is outside that. "
                "Nothing was changed. Try `--size 3`."
            )
        weeks = args.int("weeks", current.stable_weeks if current else 6)
        if weeks < 1:
            raise CommandError("`--weeks` is how many weeks a pod stays together: 1 or more.")
        every = args.text("every") or (current.every if current else "fortnight")
        strategy = args.text("strategy") or (current.strategy if current else "diverse")
        due = await self.service.configure(
            ctx.community,
            container,
            ctx.now,
            size=size,
            every=every,
            strategy=strategy,
            weeks=weeks,
        )
        kept = f", pods kept {weeks} weeks" if strategy == "stable" else ""
        return [
            Outgoing(
                Message.text(
                    f"Subgroups of {container.name}: groups of {size}, every {every}, "
                    f"strategy {strategy}{kept}. Next round: {due:%a %d %b %H:%M} UTC "
                    "(or now with `/trellis subgroups form`)."
                )
            )
        ]

    async def form(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.containers.in_channel(ctx.community, ctx.event.channel)
        try:
            formed = await self.service.form(ctx.community, container, ctx.now, None)
        except NotFormed as reason:
            raise CommandError(str(reason)) from None
        lines = [
            f"Round {formed.round.number} of {container.name}: {len(formed.result.groups)} "
            "subgroup(s), each with its own space and kickoff."
        ]
        for group in formed.result.groups:
            lines.append("• " + ", ".join(formed.names.get(m, "?") for m in group))
        for unplaced in formed.result.unplaced:
            lines.append(
                f"Not placed: {formed.names.get(unplaced.member_id, '?')} ({unplaced.reason})."
            )
        if formed.result.repeated_pairs:
            lines.append(
                f"{formed.result.repeated_pairs} pair(s) met before: no fresh grouping was found."
            )
        return [Outgoing(Message.text(*lines))]

    async def show(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        container = await self.containers.in_channel(ctx.community, ctx.event.channel)
        assert container.id is not None
        settings = await self.service.repo.settings(container.id)
        latest = await self.service.current(container.id)
        if settings is None or latest is None:
            how = "not configured yet" if settings is None else "configured, no round formed yet"
            return [Outgoing(Message.text(f"Subgroups of {container.name}: {how}."))]
        facilitator = await self.is_facilitator(ctx.member, container)
        groups = await self.service.repo.groups(latest.id or 0)
        names = {
            m.id: m.display_name for m, _ in await self.service.containers.members(container.id)
        }
        blocks: list[Text | Fields | ContextLine] = [
            Text(f"Subgroup round {latest.number} of {container.name}", style="heading"),
            ContextLine(
                f"Groups of {settings.size}, every {settings.every}, {latest.strategy}; "
                f"until {latest.ends_at:%a %d %b}."
            ),
        ]
        for group, seats in groups:
            who = [names.get(s.member_id, "a former member") for s in seats if s.left_at is None]
            mine = any(s.member_id == ctx.member.id for s in seats)
            if facilitator or mine:
                label = "Your subgroup" if mine else group.name
                count = f"{group.messages} message{'' if group.messages == 1 else 's'}"
                blocks.append(Text(f"{label}: {', '.join(who)} ({count})"))
        if facilitator:
            for member_id, reason in json.loads(latest.unplaced):
                blocks.append(Text(f"Not placed: {names.get(member_id, '?')} ({reason})."))
            stats = await self.service.stats(container, latest, ctx.now)
            blocks.append(Fields(tuple(stats.lines())))
        elif not any(any(s.member_id == ctx.member.id for s in seats) for _, seats in groups):
            blocks.append(Text("You are not in a subgroup this round."))
        return [Outgoing(Message(tuple(blocks)))]

    async def is_facilitator(self, member: MemberInfo, container: Container) -> bool:
        circle = await self.service.circles.of(container)
        return any(f.id == member.id for f in circle.facilitators)

    # -- members' own settings -------------------------------------------------------------

    async def avoid(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        raw = args.text("who").strip()
        if raw.lower() in ("clear", "--clear"):
            cleared = await self.service.repo.clear_avoid(ctx.member.id)
            return [Outgoing(Message.text(f"Your private list is empty now ({cleared} removed)."))]
        ref = ctx.event.mentions.get(raw)
        other = await self.service.directory.find_member(ctx.community, ref) if ref else None
        if other is None:
            raise CommandError(
                "Name one member with @, e.g. `/trellis me avoid @sam` (or `clear`). "
                "They must have used Trellis at least once."
            )
        if other.id == ctx.member.id:
            raise CommandError("You are never paired with yourself; nothing to add.")
        await self.service.repo.avoid(ctx.member.id, other.id, ctx.now)
        return [
            Outgoing(
                Message.text(
                    f"Noted privately: you will not be placed in a subgroup with {other.display_name}. "
                    "Nobody is told, them included. `/trellis me avoid clear` undoes it."
                )
            )
        ]

    async def opt(self, ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        on = args.text("state") == "on"
        await self.service.repo.set_opt_in(ctx.member.id, on)
        text = (
            "You are in subgroup rounds again; the next round includes you."
            if on
            else "You sit out subgroup rounds until `/trellis me subgroups on`."
        )
        return [Outgoing(Message.text(text))]

    async def opt_in_button(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        await self.service.repo.set_opt_in(ctx.member.id, True)
        return [Outgoing(Message.text("Welcome back: the next subgroup round includes you."))]

    # -- answers from buttons --------------------------------------------------------------

    async def seat_of(self, ctx: Context[ActionChosen], raw: str) -> int:
        found = await self.service.repo.group(int(raw)) if raw.isdigit() else None
        if found is None or not any(s.member_id == ctx.member.id for s in found[1]):
            raise CommandError("That subgroup is not one of yours.")
        return int(raw)

    async def met(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        raw, _, answer = ctx.event.value.partition(":")
        subgroup_id = await self.seat_of(ctx, raw)
        if answer not in ("yes", "no"):
            raise CommandError("Answer with the buttons: yes or not yet.")
        await self.service.repo.set_met(subgroup_id, ctx.member.id, answer)
        if answer == "yes":
            found = await self.service.repo.group(subgroup_id)
            seats = [s.member_id for s in found[1]] if found else []
            for hook in self.meeting_hooks:
                await hook(ctx.community.id, seats, ctx.now, f"subgroup:{subgroup_id}")
        text = "Glad you met. Thank you!" if answer == "yes" else "Noted. There is still time."
        return [Outgoing(Message.text(text))]

    async def trust_answer(self, ctx: Context[ActionChosen]) -> list[Outgoing]:
        raw, _, rest = (ctx.event.values[0] if ctx.event.values else ctx.event.value).partition(":")
        subgroup_id = await self.seat_of(ctx, raw)
        code, _, score = rest.partition(":")
        codes = {i.code for i in trust.items(ctx.community.locale, "subgroup_items")}
        if (
            code not in codes
            or not score.isdigit()
            or not trust.SCALE_MIN <= int(score) <= trust.SCALE_MAX
        ):
            raise CommandError("Pick a number from 1 to 7 from the list.")
        await self.service.repo.answer_trust(subgroup_id, ctx.member.id, code, int(score), ctx.now)
        await self.service.trust_answered(ctx.community, subgroup_id)
        return [
            Outgoing(Message.text("Thank you; only aggregates of three or more are ever shown."))
        ]

    # -- listeners and hooks ---------------------------------------------------------------

    async def posted(self, ctx: Context[MessagePosted]) -> list[Outgoing]:
        if ctx.event.channel is not None:
            await self.service.message_in(ctx.event.channel.external_id, ctx.member.id)
        return []

    async def left(
        self, community: CommunityInfo, container: Container, member: MemberInfo, now: datetime
    ) -> list[Outgoing]:
        """A member left mid-round: the subgroup carries on, or a lone member is told."""
        assert container.id is not None
        out: list[Outgoing] = []
        for subgroup_id in await self.service.repo.leave(container.id, member.id, now):
            found = await self.service.repo.group(subgroup_id)
            if found is None:
                continue
            group, seats = found
            staying = [s for s in seats if s.left_at is None and s.member_id != member.id]
            people = await self.service.people(staying, community.ref.platform)
            if len(people) == 1:
                key = f"subgroup-alone:{subgroup_id}:{people[0].id}"
                out.append(dm(people[0], say.left_alone(container.name, member.display_name), key))
            elif people:
                everyone = await self.service.people(seats, community.ref.platform)
                target = self.service.space(community, container, group, everyone)
                text = f"{member.display_name} has left {container.name}; this subgroup carries on."
                out.append(
                    Outgoing(Message.text(text), target, f"subgroup-left:{subgroup_id}:{member.id}")
                )
        return out


def register(registry: Registry, commands: SubgroupCommands) -> None:
    registry.command(CONFIGURE, commands.configure)
    registry.command(FORM, commands.form)
    registry.command(SHOW, commands.show)
    registry.command(AVOID, commands.avoid)
    registry.command(OPT, commands.opt)
    registry.action(say.MET_ACTION, commands.met)
    registry.action(say.TRUST_ACTION, commands.trust_answer)
    registry.action(say.OPT_IN_ACTION, commands.opt_in_button)
    registry.listen(MessagePosted, commands.posted)
    subgroup_spaces.register(registry, commands.spaces)
