"""A member leaving their subgroup's own space (a private thread or channel) mid-round: their
seat is set aside and only facilitators hear of it; being added back undoes it."""

from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.events import MemberJoined, MemberLeft
from bot.core.messages import ToGroup, ToMember
from bot.core.ports import SimulatedClock
from tests.community.helpers import Network
from tests.community.test_subgroup_lifecycle import rate_group


async def trio(network: Network, community: MemoryCommunity) -> str:
    """ana (facilitator), ben and cleo form one pod of three; the name of its space."""
    await network.container_with(["ben", "cleo"])
    await network.run("subgroups configure --size 3 --every week", by="ana")
    await network.run("subgroups form", by="ana")
    (space,) = {d.target.name for d in community.delivered if isinstance(d.target, ToGroup)}
    return space


async def in_space(community: MemoryCommunity, name: str, space: str, joined: bool) -> None:
    kind = MemberJoined if joined else MemberLeft
    await community.send(
        kind(
            community=community.community,
            actor=community.actor(name),
            channel=community.channel(space),
        )
    )


def since(community: MemoryCommunity, count: int) -> list[tuple[str, str]]:
    """(recipient, text) of what was delivered after the first `count` deliveries."""
    return [
        (d.target.member.external_id if isinstance(d.target, ToMember) else "space", d.text)
        for d in community.delivered[count:]
    ]


async def test_leaving_the_space_tells_only_facilitators_and_ends_the_members_round(
    network: Network, community: MemoryCommunity
) -> None:
    space = await trio(network, community)
    before = len(community.delivered)
    await in_space(community, "ben", space, joined=False)
    ((to, note),) = since(community, before)
    assert to == "ana"
    assert note.startswith(f"ben left the space of pod 1 ({space}); 2 members remain.")
    await in_space(community, "ben", space, joined=False)  # a replayed leave says nothing more
    assert len(community.delivered) == before + 1
    assert "Your subgroup: ana, cleo (0 messages)" in await network.run("subgroups show", by="ana")
    await network.advance(days=3, hours=13)  # mid-round "did you meet?"
    assert [d for d in network.dms("cleo") if "Did your subgroup meet?" in d.text]
    assert not [d for d in network.dms("ben") if "Did your subgroup meet?" in d.text]
    await network.advance(days=3, hours=11)  # end of round: the trust items
    assert [d for d in network.dms("cleo") if "Looking back on this round" in d.text]
    assert not [d for d in network.dms("ben") if "Looking back on this round" in d.text]


async def test_being_added_back_to_the_space_undoes_the_leave(
    network: Network, community: MemoryCommunity
) -> None:
    space = await trio(network, community)
    directory = network.trellis.directory
    info = await directory.community(community.community)
    ids = {n: (await directory.member(info, community.actor(n))).id for n in ("ana", "ben", "cleo")}
    await in_space(community, "ben", space, joined=False)
    assert await network.trellis.subgroups.peers(1, ids["cleo"]) == frozenset({ids["ana"]})
    before = len(community.delivered)
    await in_space(community, "ben", space, joined=True)
    await in_space(community, "ben", space, joined=True)
    ((to, note),) = since(community, before)
    assert to == "ana" and note.startswith(
        f"ben is back in the space of pod 1 ({space}); 3 members"
    )
    assert await network.trellis.subgroups.peers(1, ids["cleo"]) == frozenset(
        {ids["ana"], ids["ben"]}
    )
    await network.advance(days=3, hours=13)
    assert [d for d in network.dms("ben") if "Did your subgroup meet?" in d.text]


async def test_a_finished_round_or_an_unseated_member_changes_nothing(
    network: Network, community: MemoryCommunity
) -> None:
    space = await trio(network, community)
    await network.run("join", by="dan")  # joined after the round formed: no seat in it
    before = len(community.delivered)
    await in_space(community, "dan", space, joined=False)
    await in_space(community, "dan", space, joined=True)
    assert since(community, before) == []
    await network.advance(days=7)  # the round closes
    before = len(community.delivered)
    await in_space(community, "ben", space, joined=False)
    assert since(community, before) == []
    shown = await network.run("subgroups show", by="ana")
    assert "Your subgroup: ana, ben, cleo" in shown


async def test_who_left_the_container_is_not_brought_back_by_the_space(
    network: Network, community: MemoryCommunity
) -> None:
    space = await trio(network, community)
    await network.run("leave", by="ben")
    before = len(community.delivered)
    await in_space(community, "ben", space, joined=True)
    assert since(community, before) == []
    assert "Your subgroup: ana, cleo (" in await network.run("subgroups show", by="ana")


async def test_a_member_who_left_the_space_is_out_of_its_trust_aggregate(
    network: Network, community: MemoryCommunity
) -> None:
    from tests.community.test_pulses import rate_all

    members = ["ben", "cai", "dee", "eve", "fay", "gus"]
    await network.container_with(members)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, dict.fromkeys(members, 6))
    await network.advance(days=3)
    await network.run("subgroups configure --size 3 --every week", by="ana")
    await network.run("subgroups form", by="ana")
    pod = next(
        d.target
        for d in community.delivered
        if isinstance(d.target, ToGroup) and len(d.target.members) == 3
    )
    rater, leaver = (m.external_id for m in pod.members[:2])
    await in_space(community, leaver, pod.name, joined=False)
    await network.advance(days=7)
    items = [d for d in network.dms(rater) if "Looking back on this round" in d.text]
    subgroup = next(
        o.value
        for block in items[0].message.blocks
        if hasattr(block, "options")
        for o in block.options  # type: ignore[attr-defined]
    ).split(":")[0]
    assert not [d for d in network.dms(leaver) if "Looking back on this round" in d.text]
    # Three answers, one from a stale button of the member who left: only two count, and an
    # aggregate of two is never shown.
    for name in [m.external_id for m in pod.members]:
        await rate_group(network, name, subgroup, 4)
    assert not [d for d in network.dms("ana") if "Microclimate" in d.text]


async def test_a_leave_and_a_return_are_recorded_once_on_every_database(
    trellis_any_db: Trellis, clock: SimulatedClock
) -> None:
    community = MemoryCommunity(trellis_any_db)
    network = Network(trellis_any_db, community, clock)
    space = await trio(network, community)
    for joined in (False, False, True, True):  # each event replayed once
        await in_space(community, "ben", space, joined=joined)
    notes = [d.text for d in network.dms("ana") if "the space of pod 1" in d.text]
    assert [n.split(" (")[0] for n in notes] == [
        "ben left the space of pod 1",
        "ben is back in the space of pod 1",
    ]


async def test_answers_of_a_member_who_left_do_not_move_the_pods_trust_mean(
    network: Network, community: MemoryCommunity
) -> None:
    from tests.community.test_pulses import rate_all

    members = ["ben", "cai", "dee", "eve", "fay", "gus"]
    await network.container_with(members)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, dict.fromkeys(members, 6))
    await network.advance(days=3)
    await network.run("subgroups configure --size 4 --every week", by="ana")
    await network.run("subgroups form", by="ana")
    pod = next(
        d.target
        for d in community.delivered
        if isinstance(d.target, ToGroup) and len(d.target.members) == 4
    )
    names = [m.external_id for m in pod.members]
    await in_space(community, names[0], pod.name, joined=False)
    await network.advance(days=7)
    items = [d for d in network.dms(names[1]) if "Looking back on this round" in d.text]
    subgroup = next(
        o.value
        for block in items[0].message.blocks
        if hasattr(block, "options")
        for o in block.options  # type: ignore[attr-defined]
    ).split(":")[0]
    # The three still in the pod trust it as much as the container (6 of 7); a low answer
    # from the one who left (a stale button) would pull the mean below it, and is not counted.
    await rate_group(network, names[0], subgroup, 1)
    for name in names[1:]:
        await rate_group(network, name, subgroup, 6)
    assert not [d for d in network.dms("ana") if "Microclimate" in d.text]
