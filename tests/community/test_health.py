"""Network health as facilitators and members meet it: interactions recorded from messages
(never their text), the report and its bad-input explanations, weaving with its cap, the
self-assessment's aggregates and the monthly learnt-from question."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.events import ActionChosen, MessagePosted, ReactionAdded
from bot.core.messages import Choice, Image
from bot.core.ports import SimulatedClock
from bot.core.refs import MemberRef
from bot.storage.health_repository import HealthRepository
from bot.storage.repositories import update_member_profile
from tests.community.helpers import Network, text_of


def ref(name: str) -> MemberRef:
    return MemberRef("memory", name)


async def post(
    community: MemoryCommunity,
    by: str,
    message_id: str,
    *,
    mentioned: tuple[str, ...] = (),
    reply_to: str | None = None,
    thread: str | None = None,
) -> None:
    await community.send(
        MessagePosted(
            community=community.community,
            actor=community.actor(by),
            channel=community.channel("general"),
            text="secret words that must never be stored",
            message_id=message_id,
            mentioned=tuple(ref(n) for n in mentioned),
            reply_to=ref(reply_to) if reply_to else None,
            thread_id=thread,
        )
    )


async def typed(
    trellis: Trellis, community: MemoryCommunity, kinds: dict[str, str | None]
) -> dict[str, int]:
    info = await trellis.directory.community(community.community)
    ids = {}
    for name, kind in kinds.items():
        await community.command("help", by=name)
        member = await trellis.directory.find_member(info, ref(name))
        assert member is not None
        await update_member_profile(
            trellis.db, member.id, organisation=f"org-{name}", organisation_type=kind
        )
        ids[name] = member.id
    return ids


async def test_messages_and_reactions_become_interactions_without_text(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    ids = await typed(trellis, community, {"ana": "school", "ben": "school", "cai": "charity"})
    await post(community, "ana", "1", mentioned=("ben", "cai"))
    await post(community, "ben", "2", reply_to="ana", thread="t1")
    await post(community, "cai", "3", thread="t1")
    await post(community, "cai", "3", thread="t1")  # redelivered: adds nothing
    await community.send(
        ReactionAdded(
            community=community.community,
            actor=community.actor("ben"),
            channel=community.channel("general"),
            emoji="tada",
            message_id="3",
            message_author=ref("cai"),
        )
    )
    info = await trellis.directory.community(community.community)
    rows = await HealthRepository(trellis.db).interactions(
        info.id, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    )
    found = sorted((a, b, kind) for a, b, kind, _ in rows)
    a, b, c = ids["ana"], ids["ben"], ids["cai"]
    assert found == sorted(
        [
            (a, b, "mention"),
            (a, c, "mention"),
            (b, a, "reply"),
            (c, b, "thread"),
            (b, c, "reaction"),
        ]
    )


async def test_the_report_is_for_facilitators_and_says_what_it_cannot_compute(
    network: Network, trellis: Trellis, community: MemoryCommunity
) -> None:
    await network.container_with(["ben"])
    refused = await network.run("health", by="ben")
    assert "Only facilitators can run `/trellis health`" in refused
    replies = await community.command("health", by="ana")
    text = text_of(replies)
    assert "Network health: Maths leads" in text
    assert "only 2 member(s) in this window; structure needs at least 3" in text
    assert "no member has an organisation type" in text
    assert any(isinstance(b, Image) for r in replies for b in r.message.blocks)


async def test_members_without_a_type_leave_mixing_out_but_the_rest_is_computed(
    network: Network, trellis: Trellis, community: MemoryCommunity
) -> None:
    await typed(trellis, community, {"ana": None, "ben": None, "cai": None})
    await post(community, "ana", "1", mentioned=("ben",))
    await post(community, "ben", "2", mentioned=("cai",))
    text = await network.run("health --window 7d", by="ana", admin=True)
    assert "density: 0.67" in text
    assert (
        "no ties between members whose organisation type is known (3 member(s) have no type)"
        in text
    )


async def test_weaving_sends_both_members_the_why_at_most_twice_a_fortnight(
    network: Network, trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    ids = await typed(
        trellis,
        community,
        {
            "ana": "school",
            "ben": "school",
            "cai": "university",
            "dee": "charity",
            "eve": "business",
        },
    )
    await network.run("help", by="ana", admin=True)
    await post(community, "ben", "1", mentioned=("ana",))
    listing = await network.run("weave", by="ana", admin=True)
    assert "Send introduction" in listing
    b = ids["ben"]
    for other in ("cai", "dee"):
        sent = await network.click("ana", "weave.send", f"network|{b}|{ids[other]}")
        assert "Introduction sent" in sent
    assert len([d for d in network.dms("ben") if "An introduction" in d.text]) == 2
    assert any("Why:" in d.text for d in network.dms("cai"))
    third = await network.click("ana", "weave.send", f"network|{b}|{ids['eve']}")
    assert "already had 2 introductions this fortnight" in third
    assert not [d for d in network.dms("eve") if "An introduction" in d.text]
    refused = await network.click("ben", "weave.send", f"network|{ids['cai']}|{ids['eve']}")
    assert "Only facilitators" in refused
    clock.advance(timedelta(days=15))
    assert "Introduction sent" in await network.click(
        "ana", "weave.send", f"network|{b}|{ids['eve']}"
    )


async def test_the_self_assessment_is_shown_only_in_aggregate(
    network: Network, trellis: Trellis, community: MemoryCommunity
) -> None:
    names = ["ana", "ben", "cai", "dee", "eve"]
    await typed(trellis, community, dict.fromkeys(names, "school"))
    await network.run("help", by="ana", admin=True)
    sent = await network.run("network survey", by="ana")
    assert "sent to 5 member(s)" in sent
    areas = ("purpose", "structure", "mass", "intelligence", "community")
    for position, name in enumerate(names[:4]):
        for area in areas:
            assert "Thanks" in await network.click(name, "network.rate", f"1:{area}:{position + 1}")
    assert "No self-assessment round has at least 5 answers" in await network.run(
        "network profile", by="ana"
    )
    for area in areas:
        await network.click("eve", "network.rate", f"1:{area}:5")
    replies = await community.command("network profile", by="ana")
    text = text_of(replies)
    assert "Common purpose 3.0" in text  # (1+2+3+4+5)/5, nobody's own rating shown
    assert any(isinstance(b, Image) for r in replies for b in r.message.blocks)
    assert "from 1 to 5" in await network.click("eve", "network.rate", "1:purpose:9")


async def test_the_monthly_question_records_up_to_five_and_cadences_plan_once(
    network: Network, trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    names = ["ana", "ben", "cai", "dee", "eve", "fay", "gus"]
    ids = await typed(trellis, community, dict.fromkeys(names, "school"))
    await network.run("help", by="ana", admin=True)
    on = await network.run("network cadence --question on --alerts on", by="ana")
    assert "question: on" in on
    await network.run("network cadence --question on", by="ana")
    await network.advance(days=32)
    asked = [d for d in network.dms("ben") if "Who helped you learn?" in d.text]
    assert len(asked) == 1
    choices = [b for b in asked[0].message.blocks if isinstance(b, Choice)]
    assert [c.multi for c in choices] == [True, True]
    too_many = tuple(str(ids[n]) for n in names if n != "ben")
    event = ActionChosen(
        community=community.community,
        actor=community.actor("ben"),
        action_id="network.learnt",
        values=too_many,
    )
    assert "up to 5" in text_of(await community.send(event))
    event = ActionChosen(
        community=community.community,
        actor=community.actor("ben"),
        action_id="network.learnt",
        values=(str(ids["cai"]), str(ids["dee"])),
    )
    assert "noted 2 member(s)" in text_of(await community.send(event))
    info = await trellis.directory.community(community.community)
    rows = await HealthRepository(trellis.db).interactions(
        info.id, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    )
    assert sorted((a, b, k) for a, b, k, _ in rows if k == "learnt") == [
        (ids["ben"], ids["cai"], "learnt"),
        (ids["ben"], ids["dee"], "learnt"),
    ]
    # Weekly alerts: at most one DM per facilitator per week.
    weekly = [d for d in network.dms("ana") if "Network health alerts" in d.text]
    assert 4 <= len(weekly) <= 5
