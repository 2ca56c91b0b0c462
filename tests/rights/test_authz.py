"""Every facilitator command, button and form refuses a member; every command is classified.

Walks the live registry, so a command added later is checked without anyone listing it here.
"""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.memory import MemoryCommunity
from bot.core.events import ActionChosen, FormSubmitted
from bot.core.ports import SimulatedClock

# Commands any member may run. A new member command must be added here on purpose: a
# facilitator command that forgot `role="facilitator"` fails the test below instead.
MEMBER_COMMANDS = {
    "help", "container show", "container list", "container purpose", "container history",
    "agreement propose", "agreement list", "join", "leave", "me show", "me profile",
    "me timezone", "me pause", "me resume", "orgtypes list", "share", "me motivation",
    "me motivation update", "me motivation delete", "checkin show", "checkin questions list",
    "checkin shared", "me reflections", "learned", "offer", "need", "taxonomy show",
    "me export", "me delete",
    # Subgroups: members see only their own subgroup; avoid lists are private to their author.
    "subgroups show", "me avoid", "me subgroups",
}  # fmt: skip

REFUSAL = "Only facilitators can"


async def test_every_command_is_classified(community: MemoryCommunity) -> None:
    specs = community.trellis.router.registry.specs
    unclassified = [s.name for s in specs if s.role == "member" and s.name not in MEMBER_COMMANDS]
    assert unclassified == [], "member commands not reviewed for authorization"


async def test_every_facilitator_command_refuses_a_member(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await community.command("help", by="ana", admin=True)  # ana facilitates; bea does not
    specs = [s for s in community.trellis.router.registry.specs if s.role == "facilitator"]
    assert len(specs) >= 30
    for spec in specs:
        clock.advance(timedelta(minutes=1))  # stay under the command rate limit
        # Authorization comes before parsing, so even arguments a handler would accept are
        # never looked at.
        args = " ".join(f"--{o.name} x" if not o.positional else "x" for o in spec.options)
        replies = await community.command(f"{spec.name} {args}", by="bea")
        texts = [r.message.plain_text() for r in replies]
        assert len(texts) == 1 and REFUSAL in texts[0], (spec.name, texts)


async def test_every_facilitator_button_and_form_refuses_a_member(
    community: MemoryCommunity,
) -> None:
    registry = community.trellis.router.registry
    await community.command("help", by="ana", admin=True)
    guarded = [("action", a) for a, i in registry.actions.items() if i.role == "facilitator"]
    guarded += [("form", f) for f, i in registry.forms.items() if i.role == "facilitator"]
    assert guarded
    for kind, ident in guarded:
        event = (
            ActionChosen(
                community=community.community,
                actor=community.actor("bea"),
                action_id=ident,
                value="1",
            )
            if kind == "action"
            else FormSubmitted(
                community=community.community,
                actor=community.actor("bea"),
                form_id=ident,
                values={"x": "y"},
                context="1",
            )
        )
        replies = await community.send(event)
        texts = [r.message.plain_text() for r in replies]
        assert len(texts) == 1 and REFUSAL in texts[0], (ident, texts)
