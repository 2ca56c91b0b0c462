"""Subgroup rounds: configure, form, spaces with a kickoff, follow-through and privacy."""

from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.core.events import MessagePosted
from bot.core.messages import ToGroup
from tests.community.helpers import Network, buttons

PEOPLE = ["ben", "cleo", "dan", "eve"]


async def profiles(network: Network) -> None:
    orgs = {
        "ana": ("Riverside Primary", "school"),
        "ben": ("City Library", "library"),
        "cleo": ("Hill School", "school"),
        "dan": ("Museum of Maps", "museum"),
        "eve": ("Town Council", "council"),
    }
    for name, (org, kind) in orgs.items():
        await network.run(f'me profile --org "{org}" --type {kind}', by=name)


async def formed(network: Network, size: int = 2) -> str:
    await network.container_with(PEOPLE)
    await profiles(network)
    await network.run(f"subgroups configure --size {size} --every week", by="ana")
    return await network.run("subgroups form", by="ana")


def spaces(community: MemoryCommunity) -> dict[str, ToGroup]:
    return {d.target.name: d.target for d in community.delivered if isinstance(d.target, ToGroup)}


async def test_a_round_opens_a_space_per_subgroup_with_a_kickoff(
    network: Network, community: MemoryCommunity
) -> None:
    answer = await formed(network)
    assert "Round 1 of Maths leads: 2 subgroup(s)" in answer
    groups = spaces(community)
    assert len(groups) == 2
    # Five members in pairs: one trio, nobody left out.
    assert sorted(len(g.members) for g in groups.values()) == [2, 3]
    kickoff = community.in_group("-r1-g1")[0].text
    assert "Your subgroup for round 1 of Maths leads" in kickoff
    assert "A first question:" in kickoff and '"pass" is always fine' in kickoff


async def test_bad_sizes_and_too_few_members_are_explained(network: Network) -> None:
    await network.container_with(["ben"])
    answer = await network.run("subgroups configure --size 7", by="ana")
    assert "2 to 5 members; 7 is outside that" in answer
    await network.run("subgroups configure --size 2", by="ana")
    await network.run("me subgroups off", by="ben")
    answer = await network.run("subgroups form", by="ana")
    assert "Fewer than two members are available" in answer and "available: ana" in answer


async def test_a_member_everyone_avoids_is_told_and_not_placed(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cleo"])
    for name in ("ana", "ben"):
        answer = await network.run("me avoid @cleo", by=name)
        assert "Nobody is told" in answer
    await network.run("subgroups configure --size 2", by="ana")
    answer = await network.run("subgroups form", by="ana")
    assert "Not placed: cleo" in answer
    (told,) = [d for d in network.dms("cleo") if "No subgroup of Maths leads fitted" in d.text]
    # The private list is never revealed to the avoided member.
    assert "don't-pair" not in told.text and "avoid" not in told.text


async def test_follow_through_nudge_met_trust_and_stats(
    network: Network, community: MemoryCommunity
) -> None:
    await formed(network)
    groups = spaces(community)
    talking = next(n for n in groups if n.endswith("g1"))
    author = groups[talking].members[0].external_id
    await community.send(
        MessagePosted(
            community=community.community,
            actor=community.actor(author),
            channel=community.channel(talking),
            text="hello all",
            message_id="m1",
        )
    )
    await network.advance(hours=49)
    nudged = {
        d.target.name
        for d in community.delivered
        if isinstance(d.target, ToGroup)
        and ("quiet here for two days" in d.text or "No messages yet" in d.text)
    }
    assert talking not in nudged and len(nudged) == 1
    await network.advance(days=2)
    asked = [d for d in network.dms(author) if "Did your subgroup meet?" in d.text]
    assert len(asked) == 1
    (yes,) = [b for b in buttons(asked[0], "subgroups.met") if b.value.endswith(":yes")]
    assert "Glad you met" in await network.click(author, "subgroups.met", yes.value)
    await network.advance(days=3)
    items = [d for d in network.dms(author) if "Looking back on this round" in d.text]
    assert len(items) == 1 and "In this group we could raise problems" in items[0].text
    stats = [d for d in network.dms("ana") if "Subgroup round 1 of Maths leads ended" in d.text]
    assert len(stats) == 1
    assert "Participants: 5" in stats[0].text and "Met: 20% (1 said yes)" in stats[0].text
    assert "Cross-type rate" in stats[0].text


async def test_members_see_only_their_own_subgroup_and_checkins_know_peers(
    network: Network, community: MemoryCommunity
) -> None:
    await formed(network)
    mine = await network.run("subgroups show", by="ben")
    assert "Your subgroup:" in mine and "Participants" not in mine
    assert mine.count("(0 messages)") == 1
    everything = await network.run("subgroups show", by="ana")
    assert "Participants" in everything and everything.count("messages)") == 2
    directory = network.trellis.directory
    info = await directory.community(community.community)
    ids = {n: (await directory.member(info, community.actor(n))).id for n in ["ana", *PEOPLE]}
    group = next(g for g in spaces(community).values() if community.actor("ben").ref in g.members)
    peers = {m.external_id for m in group.members} - {"ben"}
    (container,) = await network.trellis.subgroups.containers.list_for(info.id)
    assert container.id is not None
    found = await network.trellis.subgroups.peers(container.id, ids["ben"])
    assert found == frozenset(ids[p] for p in peers)
