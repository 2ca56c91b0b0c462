"""Every query is scoped to its community: ids and values from one community, used in
another, find nothing of the first.

Community A is filled through its own commands, buttons and forms (containers, purposes,
agreements, shares, profiles, prompts, pulses, check-ins, motivations, the learning
exchange). Then, in community B, whose members and channels carry the SAME external ids
(Discord user and channel ids are global), every registry command is run by a facilitator
and by a member with every number found in A's buttons and forms, every button of A is
clicked and every form of A submitted. Nothing B is told may contain A's words, and A is
told nothing because of what happened in B."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.events import ActionChosen, Event, FormSubmitted
from bot.core.messages import (
    Buttons,
    Choice,
    ChoiceInput,
    Form,
    Message,
    Outgoing,
    ToChannel,
    ToMember,
)
from bot.core.refs import CommunityRef

MARK = "zqx"  # in every word A's members write; never in anything else
MEMBERS = ["ben", "cleo", "dan", "eve", "finn"]
LAST = {("container", "close"), ("leave",), ("checkin", "pause")}


class Recorder:
    """The memory platform's outbox transport, keeping each community's deliveries apart."""

    platform = "memory"

    def __init__(self) -> None:
        self.delivered: dict[str, list[Message]] = defaultdict(list)

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember, message: Message
    ) -> None:
        self.delivered[community.external_id].append(message)


@dataclass
class Side(MemoryCommunity):
    said: list[Message] = field(default_factory=list)
    recorder: Recorder | None = None

    async def send(self, event: Event) -> list[Outgoing]:
        replies = await self.trellis.handle(event)
        await self.trellis.outbox.drain()
        self.said += [o.message for o in replies]
        return replies

    def messages(self) -> list[Message]:
        assert self.recorder is not None
        return self.said + self.recorder.delivered[self.community.external_id]

    def text(self) -> str:
        return "\n".join(m.plain_text() for m in self.messages())


@dataclass
class Harvest:
    """Every handle A's messages hold: buttons, choices and forms, and the numbers in them."""

    actions: set[tuple[str, str]] = field(default_factory=set)
    forms: dict[tuple[str, str], Form] = field(default_factory=dict)
    numbers: set[int] = field(default_factory=set)

    def read(self, messages: list[Message]) -> None:
        for message in messages:
            for block in message.blocks:
                if isinstance(block, Buttons):
                    self.actions |= {(b.action_id, b.value) for b in block.buttons}
                if isinstance(block, Choice):
                    self.actions |= {(block.action_id, o.value) for o in block.options}
            if message.form is not None:
                self.forms[(message.form.form_id, message.form.context)] = message.form
        handles = [v for _, v in self.actions] + [c for _, c in self.forms]
        self.numbers |= {int(n) for h in handles for n in re.findall(r"\d+", h) if len(n) < 9}


def values_for(form: Form, by: str, words: str) -> dict[str, str]:
    return {
        f.name: (f.options[0].value if isinstance(f, ChoiceInput) else f"{words} answer by {by}")
        for f in form.fields
    }


async def fill_community_a(a: Side) -> None:
    await a.command(
        f'container create "{MARK} maths" --purpose "{MARK} purpose"', by="ana", admin=True
    )
    for name in MEMBERS:
        await a.command("join", by=name)
    steps = [
        ("ben", f"agreement propose {MARK} we listen first"),
        ("ben", f"share {MARK} fractions with cake --outcome worked"),
        ("cleo", f"container purpose {MARK} a sharper purpose"),
        ("ben", f"me profile --org {MARK}org --topics {MARK}topic"),
        ("ana", f"orgtypes add {MARK}type"),
        ("ana", f"prompt add {MARK} what surprised you --purpose practice"),
        ("ana", "prompt post --purpose practice"),
        ("ana", f"checkin questions add {MARK}q {MARK} how did it go?"),
        ("ana", "checkin now"),
        ("ana", "pulse now"),
        ("ana", "container trust"),
        ("ben", f"learned {MARK} starting with questions works"),
        ("cleo", f"offer {MARK} help with algebra"),
        ("dan", f"need {MARK} help with geometry"),
        ("ana", f"taxonomy strand add {MARK}strand"),
        ("ana", "network survey"),
    ]
    for by, text in steps:
        await a.command(text, by=by)
    # Everyone answers what they were asked: every button once, every form once.
    for _ in range(2):
        harvest = Harvest()
        harvest.read(a.messages())
        for name in MEMBERS:
            for action_id, value in sorted(harvest.actions):
                await a.send(action(a, name, action_id, value))
            for (form_id, context), form in sorted(harvest.forms.items()):
                await a.send(submitted(a, name, form, form_id, context))
    assert MARK in a.text()


def action(side: Side, by: str, action_id: str, value: str, admin: bool = False) -> ActionChosen:
    return ActionChosen(
        community=side.community,
        actor=side.actor(by, admin=admin),
        channel=side.channel("general"),
        action_id=action_id,
        value=value,
        values=(value,),
    )


def submitted(side: Side, by: str, form: Form, form_id: str, context: str) -> FormSubmitted:
    return FormSubmitted(
        community=side.community,
        actor=side.actor(by),
        channel=side.channel("general"),
        form_id=form_id,
        # A's members write A's words; B's write their own (B may echo those back).
        values=values_for(form, by, MARK if side.community.external_id == "alpha" else "beta"),
        context=context,
    )


def argument(option: OptionSpec, value: int) -> str:
    match option.kind:
        case "choice":
            return option.choices[0]
        case "member":
            return "@ben"
        case "channel":
            return "#general"
        case "duration":
            return "14d"
        case "date":
            return "2026-12-01"
        case "time":
            return "09:00"
    return str(value)


def command_lines(spec: CommandSpec, numbers: list[int]) -> list[str]:
    """The command with each number in every slot that takes a value (ids, rounds, names)."""
    lines = []
    for n in numbers:
        parts = [spec.name]
        for option in spec.options:
            if option.positional and (option.required or option.kind in ("int", "word")):
                parts.append(argument(option, n))
            elif not option.positional and (option.required or option.kind == "int"):
                parts += [f"--{option.name}", argument(option, n)]
        lines.append(" ".join(parts))
    return sorted(set(lines))


async def test_ids_from_one_community_find_nothing_in_another(trellis: Trellis) -> None:
    recorder = Recorder()
    a = Side(trellis, CommunityRef("memory", "alpha"))
    b = Side(trellis, CommunityRef("memory", "beta"))
    a.recorder = b.recorder = recorder
    trellis.outbox.attach(recorder)

    await fill_community_a(a)
    harvest = Harvest()
    harvest.read(a.messages())
    told_a = len(a.messages())
    assert harvest.actions and harvest.forms and harvest.numbers

    await b.command('container create "Beta club" --purpose "Beta things"', by="ana", admin=True)
    for name in MEMBERS[:2]:
        await b.command("join", by=name)
    assert MARK not in b.text().lower(), "B's own container showed A's words"

    numbers = sorted(harvest.numbers | {1, 2, 3})
    specs = sorted(trellis.registry.specs, key=lambda s: s.path in LAST)
    ran = 0
    for spec in specs:
        for line in command_lines(spec, numbers):
            for by, admin in (("ana", True), ("ben", False)):
                for channel in ("general", None):
                    await b.command(line, by=by, admin=admin, channel=channel)
                    ran += 1
        leaked = [m.plain_text() for m in b.messages() if MARK in m.plain_text().lower()]
        assert not leaked, f"/trellis {spec.name} in B showed A's words: {leaked[:2]}"
    for action_id, value in sorted(harvest.actions):
        for by, admin in (("ana", True), ("ben", False)):
            await b.send(action(b, by, action_id, value, admin))
    for (form_id, context), form in sorted(harvest.forms.items()):
        for by in ("ana", "ben"):
            await b.send(submitted(b, by, form, form_id, context))

    assert ran > len(trellis.registry.specs) * 4
    leaked = [m.plain_text() for m in b.messages() if MARK in m.plain_text().lower()]
    assert not leaked, leaked[:3]
    assert len(a.messages()) == told_a, "what was done in B reached A's members"
