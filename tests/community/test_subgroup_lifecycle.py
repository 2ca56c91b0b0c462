"""Subgroups over time: scheduled rounds once per key, members leaving, pauses, relays,
motivations in the kickoff and the microclimate note."""

from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.community import trust
from bot.core.messages import ToGroup
from tests.community.helpers import Network
from tests.community.motivation_helpers import SAYS, answer_join


def kickoffs(community: MemoryCommunity) -> list[str]:
    return [
        d.target.name
        for d in community.delivered
        if isinstance(d.target, ToGroup) and "Your subgroup for round" in d.text
    ]


async def test_a_scheduled_round_and_a_manual_one_make_one_round(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cleo", "dan"])
    answer = await network.run("subgroups configure --size 2 --every week", by="ana")
    assert "Next round: Tue 03 Mar 09:00" in answer
    await network.run("subgroups form", by="ana")
    await network.advance(days=1)  # the planned round 1 finds it formed and does nothing
    assert len(kickoffs(community)) == 2
    await network.advance(days=6)  # round 2 comes on the calendar, once
    assert len([k for k in kickoffs(community) if "-r2-" in k]) == 2
    await network.advance(hours=1)
    assert len(kickoffs(community)) == 4


async def test_a_duo_left_alone_is_told_and_a_trio_carries_on(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cleo"])
    await network.run("subgroups configure --size 3", by="ana")
    await network.run("subgroups form", by="ana")
    await network.run("leave", by="ben")
    (space,) = {d.target.name for d in community.delivered if isinstance(d.target, ToGroup)}
    assert any("ben has left Maths leads" in d.text for d in community.in_group(space))
    await network.run("leave", by="cleo")
    (alone,) = [d for d in network.dms("ana") if "just you" in d.text]
    assert "cleo left Maths leads" in alone.text and "next round" in alone.text


async def test_three_ignored_rounds_pause_a_member_with_a_way_back(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cleo", "dan"])
    await network.run("subgroups configure --size 2 --every week", by="ana")
    await network.run("subgroups form", by="ana")
    await network.advance(days=14)
    assert not [d for d in network.dms("ben") if "last three subgroup rounds" in d.text]
    await network.advance(days=7)
    (paused,) = [d for d in network.dms("ben") if "last three subgroup rounds" in d.text]
    assert "Put me back in subgroups" in paused.text
    # Everyone ignored three rounds: the next round cannot form, and facilitators hear why.
    await network.advance(days=1)
    assert any("Fewer than two members are available" in d.text for d in network.dms("ana"))
    assert "Welcome back" in await network.click("ben", "subgroups.optin", "on")
    assert "You are in subgroup rounds again" in await network.run("me subgroups on", by="cleo")


async def test_a_prompt_is_relayed_into_every_subgroup_space(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cleo", "dan"])
    refused = await network.run("prompt --to subgroups", by="ana")
    assert "no subgroups in a current round" in refused
    await network.run("subgroups configure --size 2", by="ana")
    await network.run("subgroups form", by="ana")
    assert "Relayed to 2 subgroup(s)" in await network.run("prompt --to subgroups", by="ana")
    prompts = [
        d for d in community.delivered if isinstance(d.target, ToGroup) and "A prompt for" in d.text
    ]
    assert len({d.target.name for d in prompts if isinstance(d.target, ToGroup)}) == 2


async def test_the_kickoff_shows_a_motivation_only_where_the_member_allowed_it(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben"])
    await answer_join(
        community, "ben", "I want to teach fractions with joy", "container", **SAYS["topic"]
    )
    await network.run("subgroups configure --size 2", by="ana")
    await network.run("subgroups form", by="ana")
    (kickoff,) = [d.text for d in community.delivered if "Your subgroup for round" in d.text]
    assert "Here because: “I want to teach fractions with joy”" in kickoff


async def test_a_private_motivation_stays_out_of_the_kickoff(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben"])
    await answer_join(community, "ben", "Only for me, this one", "me", **SAYS["topic"])
    await network.run("subgroups configure --size 2", by="ana")
    await network.run("subgroups form", by="ana")
    (kickoff,) = [d.text for d in community.delivered if "Your subgroup for round" in d.text]
    assert "Only for me" not in kickoff and "Here because" not in kickoff


async def rate_group(network: Network, name: str, subgroup: str, score: int) -> None:
    for item in trust.items("en", "subgroup_items"):
        raw = trust.scored(score, item.reverse)
        await network.click(name, "subgroups.trust", f"{subgroup}:{item.code}:{raw}")


async def test_a_trio_well_below_the_container_brings_a_microclimate_note(
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
    await network.advance(days=7)
    trios = [d for d in network.dms("ben") if "Looking back on this round" in d.text]
    value = next(
        o.value
        for block in trios[0].message.blocks
        if hasattr(block, "options")
        for o in block.options  # type: ignore[attr-defined]
    )
    subgroup = value.split(":")[0]
    found = await network.trellis.subgroups.repo.group(int(subgroup))
    assert found is not None
    seated = await network.trellis.subgroups.people(found[1], "memory")
    names = [m.ref.external_id for m in seated]
    for name in names[:-1]:
        await rate_group(network, name, subgroup, 4)
    assert not [d for d in network.dms("ana") if "Microclimate" in d.text]
    await rate_group(network, names[-1], subgroup, 4)
    (note,) = [d for d in network.dms("ana") if "Microclimate" in d.text]
    assert "rated trust in their group 4.0 of 7, 2.0 below" in note.text
    assert "individual answers are never shown" in note.text


async def test_the_next_round_is_planned_where_the_digest_finds_it(network: Network) -> None:
    import json
    from datetime import timedelta

    from bot.community.exchange_sections import COMING_UP_LABELS
    from bot.storage.exchange_digest_repository import DigestRepository

    await network.container_with(["ben"])
    await network.run("subgroups configure --size 2 --every week", by="ana")
    now = network.clock.now()
    runs = await DigestRepository(network.trellis.db).runs_due_between(now, now + timedelta(days=7))
    (planned,) = [r for r in runs if r.kind in COMING_UP_LABELS and "subgroup" in r.kind]
    assert COMING_UP_LABELS[planned.kind] == "Next subgroup round"
    assert json.loads(planned.payload)["container_id"] == 1


async def test_stable_pods_stay_together_for_their_weeks(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(["ben", "cleo", "dan", "eve", "fay"])
    await network.run(
        "subgroups configure --size 2 --every week --strategy stable --weeks 3", by="ana"
    )
    await network.run("subgroups form", by="ana")

    def pods(number: int) -> set[frozenset[str]]:
        return {
            frozenset(m.external_id for m in d.target.members)
            for d in community.delivered
            if isinstance(d.target, ToGroup)
            and f"-r{number}-" in d.target.name
            and "Your subgroup for round" in d.text
        }

    await network.advance(days=7)
    assert pods(2) == pods(1) and len(pods(1)) == 3
    answer = await network.run("subgroups show", by="ana")
    assert "stable" in answer
