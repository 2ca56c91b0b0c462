"""Privacy as a property: an answer never reaches anyone outside the circle its author chose.

Every message Trellis sends during a round — DMs, channel posts, replies to every reading
command, and the learning-exchange digests built afterwards (the container's, its facilitator
digest, a preview, the network's) — is collected with its audience; each answer's text may
appear only in messages whose whole audience is allowed to read it, and an anonymous one
never next to its author's name.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import lifespan
from bot.community.privacy import SharedAnswer, Sharing, Viewer, may_see
from bot.config import load_settings
from bot.core.messages import Outgoing, Reply, ToChannel, ToMember
from bot.core.ports import SimulatedClock
from tests.community.checkin_helpers import join, meet, reflect, share

LEVELS = [s.value for s in Sharing]
EVERYONE = "*"

member_plan = st.tuples(
    st.booleans(),  # facilitator
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(LEVELS)), max_size=3),
)


def audience(outgoing: Outgoing | object, actor: str) -> set[str]:
    target = getattr(outgoing, "target", outgoing)
    if isinstance(target, ToMember):
        return {target.member.external_id}
    if isinstance(target, ToChannel) or (isinstance(target, Reply) and not target.ephemeral):
        return {EVERYONE}
    return {actor}


def allowed(level: str, author: str, facilitators: set[str]) -> set[str]:
    if level in ("anonymous", "named"):
        return {EVERYONE}
    if level == "facilitators":
        return facilitators | {author}
    return {author}  # me, and subgroup while no subgroup lookup exists


async def scenario(db: Path, plans: list[tuple[bool, list[tuple[int, str]]]]) -> None:
    clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    async with lifespan(load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}), clock) as t:
        community = MemoryCommunity(t)
        seen: list[tuple[set[str], str]] = []

        async def command(text: str, by: str, channel: str | None = "pod") -> None:
            for r in await community.command(text, by=by, channel=channel, admin=by == "ana"):
                seen.append((audience(r, by), r.message.plain_text()))

        await command("container create Pod --purpose x", by="ana")
        await command("help", by="ana", channel=None)
        names = ["ana"] + [f"m{n}" for n in range(len(plans) - 1)]
        facilitators = {"ana"}
        for name, (is_facilitator, _) in zip(names[1:], plans[1:], strict=True):
            await join(t, "pod", await meet(community, name), clock.now())
            if is_facilitator:
                await command(f"facilitator add @{name}", by="ana")
                facilitators.add(name)
        await command("checkin now", by="ana")
        texts: dict[str, tuple[str, set[str]]] = {}
        anonymous: set[str] = set()
        for name, (_, answers) in zip(names, plans, strict=True):
            chosen = dict(answers)
            values = {f"q{i + 1}": f"token{name}q{i}x" for i in chosen}
            if not values:
                continue
            for r in await reflect(community, name, values):
                seen.append((audience(r, name), r.message.plain_text()))
            for index, level in chosen.items():
                for r in await share(community, name, index + 1, level):
                    seen.append((audience(r, name), r.message.plain_text()))
                texts[f"token{name}q{index}x"] = (name, allowed(level, name, facilitators))
                if level == "anonymous":
                    anonymous.add(f"token{name}q{index}x")
        await t.scheduler.advance(clock, timedelta(days=4))
        for name in names:
            await command("checkin shared", by=name)
            await command("me reflections", by=name, channel=None)
            await command("checkin show", by=name)
        # The week's digests read the closed round with everyone's latest choices.
        await command("digest preview", by="ana")
        await command("digest post", by="ana")
        await command("digest post --for network --channel #weekly", by="ana")
        seen += [(audience(d, ""), d.text) for d in community.delivered]

        for token, (author, may) in texts.items():
            for who, text in seen:
                if token in text:
                    assert who <= may or EVERYONE in may, (token, author, who, text)
                if token in anonymous:
                    for line in text.splitlines():
                        if token in line:
                            assert f"— {author} " not in line + " ", (token, line)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=st.lists(member_plan, min_size=2, max_size=5))
def test_no_answer_leaves_the_circle_its_author_chose(
    plans: list[tuple[bool, list[tuple[int, str]]]], tmp_path: Path
) -> None:
    folder = tmp_path / "example"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    asyncio.run(scenario(folder / "privacy.db", plans))


@given(
    level=st.sampled_from(list(Sharing)),
    author=st.integers(1, 5),
    reader=st.integers(1, 5),
    same_container=st.booleans(),
    in_container=st.booleans(),
    facilitator=st.booleans(),
)
def test_private_answers_are_seen_by_their_author_only(
    level: Sharing,
    author: int,
    reader: int,
    same_container: bool,
    in_container: bool,
    facilitator: bool,
) -> None:
    answer = SharedAnswer(author, 1, level)
    seer = Viewer(reader, 1 if same_container else 2, in_container, facilitator)
    if level in (Sharing.ME, Sharing.SUBGROUP) and reader != author:
        assert not may_see(answer, seer)
    if reader == author:
        assert may_see(answer, seer)
    if not same_container and reader != author:
        assert not may_see(answer, seer)
