"""Motivations used elsewhere (issue 8 item 5): statements a member shared with their
container bring like-minded members together under `similar`; narrower ones change nothing
and show up nowhere else; check-in DMs open with a prompt that fits the member's own
reasons."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.memory import Delivered, MemoryCommunity
from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import ToChannel, ToGroup, ToMember
from bot.core.ports import SimulatedClock
from bot.dialogue.bank import load
from tests.community.helpers import Network
from tests.community.motivation_helpers import SAYS, answer_join, text_of

MEMBERS = ("ben", "cai", "dee", "eve")
KICKOFF = "Your subgroup for round"


@dataclass(frozen=True)
class Said:
    text: str
    visibility: str
    reasons: str  # a key of SAYS


@dataclass
class Formed:
    groups: set[frozenset[str]]
    delivered: list[Delivered]


async def form_similar(members: tuple[str, ...], said: dict[str, Said]) -> Formed:
    """A fresh community: `ana` facilitates, `members` join and say why they are here, and
    one `similar` round of pairs is formed."""
    with tempfile.TemporaryDirectory() as tmp:
        clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        config = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/m.db"})
        async with lifespan(config, clock) as trellis:
            community = MemoryCommunity(trellis)
            network = Network(trellis, community, clock)
            await network.container_with(list(members))
            for name, statement in said.items():
                reply = await answer_join(
                    community, name, statement.text, statement.visibility, **SAYS[statement.reasons]
                )
                assert "saved" in text_of(reply), text_of(reply)
            answer = await network.run("subgroups configure --size 2 --strategy similar", by="ana")
            assert "similar" in answer, answer
            await network.run("subgroups form", by="ana")
            groups = {
                frozenset(m.external_id for m in d.target.members)
                for d in community.delivered
                if isinstance(d.target, ToGroup) and KICKOFF in d.text
            }
            return Formed(groups, list(community.delivered))


FRACTIONS = (
    "Fractions with manipulatives in primary classrooms",
    "Teaching fractions with manipulatives in classrooms",
)
WELLBEING = "Wellbeing and belonging of newly qualified staff"


async def test_statements_shared_with_the_container_bring_like_minded_members_together() -> None:
    members = ("ben", "cai", "dee")
    before = await form_similar(members, {})
    # Pairs formed by chance: ana with someone (x), and the other two (y with z).
    (ana_pair,) = [g for g in before.groups if "ana" in g]
    (x,) = ana_pair - {"ana"}
    y, z = sorted(set(members) - {x})
    assert frozenset({x, y}) not in before.groups
    statements = {
        x: Said(FRACTIONS[0], "container", "topic"),
        y: Said(FRACTIONS[1], "container", "topic"),
        z: Said(WELLBEING, "container", "people"),
    }
    shared = await form_similar(members, statements)
    assert frozenset({x, y}) in shared.groups
    kickoff = next(d.text for d in shared.delivered if KICKOFF in d.text and x in str(d.target))
    assert f"Here because: “{FRACTIONS[0]}”" in kickoff
    # The same statements kept to "only me" and "facilitators" change nothing at all.
    narrower = {
        x: Said(FRACTIONS[0], "me", "topic"),
        y: Said(FRACTIONS[1], "facilitators", "topic"),
        z: Said(WELLBEING, "me", "people"),
    }
    kept = await form_similar(members, narrower)
    assert kept.groups == before.groups
    kickoffs = "\n".join(d.text for d in kept.delivered if KICKOFF in d.text)
    assert "Here because" not in kickoffs and "manipulatives" not in kickoffs


THEMES = (
    "fractions manipulatives classrooms",
    "wellbeing belonging staff",
    "assessment feedback marking",
)


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Said]:
    said = {}
    for name in draw(st.sets(st.sampled_from(MEMBERS), min_size=2)):
        theme = draw(st.sampled_from(THEMES))
        said[name] = Said(
            f"SECRET{name} {theme}",
            draw(st.sampled_from(("me", "facilitators", "container"))),
            draw(st.sampled_from(tuple(SAYS))),
        )
    return said


def recipients(delivered: Delivered) -> set[str] | None:
    """Who received a message; None for a channel post (everyone there)."""
    target = delivered.target
    if isinstance(target, ToMember):
        return {target.member.external_id}
    if isinstance(target, ToGroup):
        return {m.external_id for m in target.members}
    assert isinstance(target, ToChannel)
    return None


async def private_statements_are_invisible(said: dict[str, Said]) -> None:
    everything = await form_similar(MEMBERS, said)
    shared_only = {n: s for n, s in said.items() if s.visibility == "container"}
    assert everything.groups == (await form_similar(MEMBERS, shared_only)).groups
    for name, statement in said.items():
        for delivered in everything.delivered:
            if f"SECRET{name}" not in delivered.text:
                continue
            seen_by = recipients(delivered)
            if statement.visibility == "me":
                assert seen_by == {name}, (name, delivered.text)
            elif statement.visibility == "facilitators":
                assert seen_by is not None and seen_by <= {name, "ana"}, (name, delivered.text)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_private_statements_never_change_who_is_grouped_nor_show_elsewhere(
    said: dict[str, Said],
) -> None:
    asyncio.run(private_statements_are_invisible(said))


def opening(community: MemoryCommunity, name: str) -> str:
    (checkin,) = [d for d in community.dms_to(name) if "Check-in:" in d.text]
    line = next((ln for ln in checkin.text.splitlines() if ln.startswith("To start you off")), "")
    return line.removeprefix("To start you off: ")


async def test_task_and_social_members_get_check_in_prompts_that_fit(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cai", "dee"])
    # Kept to themselves: the prompt is chosen for their own DM, which reveals nothing.
    await answer_join(community, "ben", "Get better at teaching fractions", "me", **SAYS["topic"])
    await answer_join(community, "cai", "To find my people", "me", **SAYS["people"])
    await network.run("checkin schedule --every week --day mon --at 09:00", by="ana")
    await network.advance(days=7, minutes=5)
    fitting = load("motivations", "en")["fitting"]
    assert opening(community, "ben") in fitting["task"]
    assert opening(community, "cai") in fitting["social"]
    assert opening(community, "dee") == ""  # no statement, no guess
    # The prompts reach their own member only, never a channel or a subgroup space.
    prompts = set(fitting["task"]) | set(fitting["social"])
    for delivered in community.delivered:
        if any(p in delivered.text for p in prompts):
            assert isinstance(delivered.target, ToMember), delivered.text
