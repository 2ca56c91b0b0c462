"""Privacy as one property over everything Trellis says: pulses, motivations, learnings.

For random communities and consent choices, the union of every message (DMs, channel posts,
replies to reading commands) is checked: no text leaves the circle its author chose, and no
aggregate is shown from fewer answers than `TRELLIS_MIN_AGGREGATE`.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import Outgoing, Reply, ToChannel, ToMember
from bot.core.ports import SimulatedClock
from tests.community.checkin_helpers import reflect, share
from tests.community.helpers import Network, buttons
from tests.community.motivation_helpers import answer_join

NAMES = ["ben", "cai", "dee", "eve", "fay", "gus", "hal"]
EVERYONE = "*"
MINIMUM = 5

member_plan = st.tuples(
    st.sampled_from(["me", "facilitators", "named", "anonymous", None]),  # my check-in answer
    st.sampled_from(["me", "facilitators", "container"]),  # who may see my motivation
    st.booleans(),  # I rate the trust pulse
    st.booleans(),  # I add a note to it
    st.sampled_from(["named", "anonymous", None]),  # I share a learning, quoted so
)


def audience(outgoing: Outgoing | object, actor: str) -> set[str]:
    target = getattr(outgoing, "target", outgoing)
    if isinstance(target, ToMember):
        return {target.member.external_id}
    if isinstance(target, ToChannel) or (isinstance(target, Reply) and not target.ephemeral):
        return {EVERYONE}
    return {actor}


async def scenario(db: Path, plans: list[tuple[str | None, str, bool, bool, str | None]]) -> None:
    clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    async with lifespan(load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}), clock) as t:
        community = MemoryCommunity(t)
        network = Network(t, community, clock)
        seen: list[tuple[set[str], str]] = []
        names = NAMES[: len(plans)]
        facilitators = {"ana"}
        await network.container_with(names)

        async def command(text: str, by: str, channel: str | None = "general") -> None:
            clock.advance(timedelta(seconds=5))
            for r in await community.command(text, by=by, channel=channel, admin=by == "ana"):
                seen.append((audience(r, by), r.message.plain_text()))

        motivations: dict[str, set[str]] = {}
        notes: dict[str, str] = {}
        anonymous: dict[str, str] = {}
        for i, (name, (_, visibility, _, _, _)) in enumerate(zip(names, plans, strict=True)):
            token = f"motivtoken{i}x"
            for r in await answer_join(
                community, name, token, visibility, topic="5", practice="4", people="1"
            ):
                seen.append((audience(r, name), r.message.plain_text()))
            motivations[token] = (
                {name} if visibility == "me" else facilitators | {name}
                if visibility == "facilitators" else {EVERYONE}
            )  # fmt: skip
        await network.advance(days=14, minutes=1)  # the trust pulse opens
        for i, (name, (_, _, _, _, quote)) in enumerate(zip(names, plans, strict=True)):
            if quote is not None:
                learned = f"learntoken{i}x"
                await command(f'learned "{learned}" --quote {quote}', by=name)
                if quote == "anonymous":
                    anonymous[learned] = name
        raters = 0
        for i, (name, (_, _, rates, noted, _)) in enumerate(zip(names, plans, strict=True)):
            if not rates:
                continue
            raters += 1
            [pulse] = [d for d in network.dms(name) if "Trust pulse" in d.text][:1]
            await network.click(name, "pulse.rate", buttons(pulse, "pulse.rate")[4].value)
            if noted:
                notes[f"pnotetoken{i}x"] = name
                await network.submit(name, "pulse.improve", "1", note=f"pnotetoken{i}x")
        await command("checkin now", by="ana")
        answers: dict[str, set[str]] = {}
        for i, (name, (level, *_)) in enumerate(zip(names, plans, strict=True)):
            if level is None:
                continue
            token = f"checkintoken{i}x"
            for r in await reflect(community, name, {"q1": token}):
                seen.append((audience(r, name), r.message.plain_text()))
            for r in await share(community, name, 1, level):
                seen.append((audience(r, name), r.message.plain_text()))
            answers[token] = (
                {name} if level == "me" else facilitators | {name}
                if level == "facilitators" else {EVERYONE}
            )  # fmt: skip
        await network.advance(days=3)  # the pulse closes; the check-in round too
        await command("digest post", by="ana")  # learnings are quoted here
        await network.advance(days=7)  # digests go out
        for name in ["ana", *names]:
            for text in ("container trust", "container motivation", "me motivation",
                         "container show", "digest preview", "me show",
                         "checkin shared", "me reflections", "checkin show"):  # fmt: skip
                await command(text, by=name)
        seen += [(audience(d, ""), d.text) for d in community.delivered]

        for token, may in (motivations | answers).items():
            for who, text in seen:
                if token in text:
                    assert who <= may or EVERYONE in may, (token, who, text)
        for token, author in notes.items():
            for who, text in seen:
                if token in text:
                    assert raters >= MINIMUM, ("note shown below the minimum", raters, text)
                    assert who <= facilitators | {author}, (token, who, text)
        for token, author in anonymous.items():
            for _, text in seen:
                for line in text.splitlines():
                    if token in line:
                        assert author not in line, ("anonymous learning named", line)
        everything = "\n".join(text for _, text in seen)
        # The checks have something to check: the author sees their own words.
        assert all(token in everything for token in motivations | answers)
        assert all(token in everything for token in anonymous), everything[-3000:]
        if raters >= MINIMUM:
            assert all(token in everything for token in notes)
        if raters < MINIMUM:
            assert not re.search(r"trust \d\.\d", everything), "pulse mean below the minimum"
        if len(names) < MINIMUM:
            assert "Task share" not in everything, "motivation mix below the minimum"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=st.lists(member_plan, min_size=2, max_size=7))
def test_nothing_private_and_no_small_aggregate_reaches_anyone(
    plans: list[tuple[str | None, str, bool, bool, str | None]], tmp_path: Path
) -> None:
    folder = tmp_path / "example"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    asyncio.run(scenario(folder / "union.db", plans))
