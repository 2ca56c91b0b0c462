"""A member's motivation never appears where they did not allow it (property test).

Random communities: who facilitates, who is in which container, who chose which circle,
who restated. Then everyone looks at everything they can reach — their own history, the
containers' mixes, restatement DMs, channel posts, and the statement other features get
for an introduction — and every statement seen must be one its author allowed them."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import lifespan
from bot.community.motivation_measures import Relation, allowed
from bot.config import load_settings
from bot.core.messages import ToChannel
from bot.core.ports import SimulatedClock
from tests.community.motivation_helpers import (
    SAYS,
    answer_join,
    buttons,
    click,
    form_in,
    join,
    motivation_dms,
    submit,
    text_of,
)

NAMES = ("ana", "ben", "cai", "dee", "eli")
CHANNELS = ("c1", "c2")
VISIBILITIES = ("me", "facilitators", "container")


@dataclass
class World:
    facilitators: set[str]
    memberships: dict[str, set[str]]  # member -> channels
    first: dict[str, str]  # member -> visibility of the join statement
    restated: dict[str, str]  # member -> visibility of the restatement
    fay_keeps_role: bool
    seen: dict[str, list[str]] = field(default_factory=dict)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    memberships = {
        n: draw(st.sets(st.sampled_from(CHANNELS), min_size=0, max_size=2)) for n in NAMES
    }
    joined = [n for n in NAMES if memberships[n]]
    return World(
        facilitators=draw(st.sets(st.sampled_from(NAMES), max_size=2)),
        memberships=memberships,
        first={n: draw(st.sampled_from(VISIBILITIES)) for n in joined},
        restated={
            n: draw(st.sampled_from(VISIBILITIES))
            for n in draw(st.sets(st.sampled_from(joined), max_size=len(joined)))
        }
        if joined
        else {},
        fay_keeps_role=draw(st.booleans()),
    )


def relation(world: World, author: str, viewer: str) -> Relation:
    """The oracle, worked out from the drawn world and not by the code under test."""
    if author == viewer:
        return "self"
    community_role = viewer in world.facilitators or (viewer == "fay" and world.fay_keeps_role)
    if community_role:
        return "facilitator"
    channels = {"fay": set(CHANNELS)} | world.memberships
    shared = channels.get(author, set()) & channels.get(viewer, set())
    if shared and viewer == "fay":
        return "facilitator"  # fay created both containers: she facilitates them
    return "container" if shared else "other"


def marker(name: str, round_: str) -> str:
    return f"SECRET-{name}-{round_}"


async def play(world: World) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        config = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/p.db"})
        async with lifespan(config, clock) as trellis:
            community = MemoryCommunity(trellis)
            await community.command("help", by="fay", admin=True)
            for channel in CHANNELS:
                await community.command(
                    f"container create {channel} --purpose p", by="fay", channel=channel
                )
            info = await trellis.directory.community(community.community)
            for name in NAMES:
                await community.command("help", by=name)
                if name in world.facilitators:
                    await community.command(f"facilitator add @{name}", by="fay")
            for name, channels in world.memberships.items():
                for channel in sorted(channels):
                    await join(trellis, community, name, channel)
                if name in world.first:
                    said = await answer_join(
                        community, name, marker(name, "1"), world.first[name], **SAYS["topic"]
                    )
                    assert "saved" in text_of(said)
            await trellis.scheduler.advance(clock, timedelta(weeks=12))
            for name, visibility in world.restated.items():
                dm = motivation_dms(community, name)[-1]
                form = form_in(await click(community, name, buttons(dm.message)["Restate"]))
                said = await submit(
                    community,
                    name,
                    form,
                    statement=marker(name, "2"),
                    visibility=visibility,
                    competence="3",
                    autonomy="3",
                    relatedness="6",
                    **SAYS["people"],
                )
                assert "saved" in text_of(said), text_of(said)
            if not world.fay_keeps_role:
                fay = await trellis.directory.find_member(info, community.actor("fay").ref)
                assert fay is not None
                await trellis.directory.set_facilitator(fay.id, False)

            everyone = ("fay", *NAMES)
            posts = [d.text for d in community.delivered if isinstance(d.target, ToChannel)]
            for viewer in everyone:
                seen = [d.text for d in motivation_dms(community, viewer)] + posts
                seen.append(text_of(await community.command("me motivation", by=viewer)))
                for channel in CHANNELS:
                    mix = await community.command(
                        "container motivation", by=viewer, channel=channel
                    )
                    seen.append(text_of(mix))
                member = await trellis.directory.find_member(info, community.actor(viewer).ref)
                assert member is not None
                for author in everyone:
                    author_info = await trellis.directory.find_member(
                        info, community.actor(author).ref
                    )
                    assert author_info is not None
                    shown = await trellis.motivations.visible_motivation(author_info.id, member)
                    current = world.restated.get(author) or world.first.get(author)
                    expected = current is not None and allowed(
                        current, relation(world, author, viewer)
                    )
                    assert (shown is not None) == expected, (author, viewer, current)
                    if shown is not None:
                        seen.append(shown.text)
                world.seen[viewer] = seen


def check(world: World) -> None:
    for viewer, texts in world.seen.items():
        seen = "\n".join(texts)
        for author in ("fay", *NAMES):
            for round_, choices in (("1", world.first), ("2", world.restated)):
                if marker(author, round_) in seen:
                    assert author in choices, (author, viewer)
                    rel = relation(world, author, viewer)
                    assert allowed(choices[author], rel), (author, round_, viewer, rel, choices)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_a_motivation_never_appears_where_its_author_did_not_allow_it(world: World) -> None:
    asyncio.run(play(world))
    check(world)
    # The members themselves always see their own current statement.
    for name in world.first:
        current = "2" if name in world.restated else "1"
        assert marker(name, current) in "\n".join(world.seen[name])


def test_the_circles_nest() -> None:
    assert allowed("me", "self") and not allowed("me", "facilitator")
    assert allowed("facilitators", "facilitator") and not allowed("facilitators", "container")
    assert allowed("container", "container") and not allowed("container", "other")
    assert not allowed("anything else", "facilitator")
