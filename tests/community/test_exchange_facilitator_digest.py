"""What the facilitator digest adds (non-responders, open alerts, subgroup microclimates) and
shared reflections as practitioner learnings, each checked against the data it claims."""

from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.community import trust
from bot.core.messages import ToChannel
from tests.community.checkin_helpers import reflect, share
from tests.community.exchange_helpers import say
from tests.community.helpers import Network

PEOPLE = ["ben", "cai", "dee", "eve", "fay"]


def facilitator_digests(network: Network, name: str = "ana") -> list[str]:
    return [d.text for d in network.dms(name) if "Facilitator digest" in d.text]


def channel_digests(community: MemoryCommunity, channel: str = "general") -> list[str]:
    return [
        d.text
        for d in community.delivered
        if isinstance(d.target, ToChannel)
        and d.target.channel.external_id == channel
        and ("Learning exchange" in d.text or "quiet week" in d.text)
    ]


async def a_round_of_reflections(network: Network, community: MemoryCommunity) -> None:
    """Five of six answer; each sharing circle is chosen at least once."""
    await network.container_with(PEOPLE)
    await network.run("checkin now", by="ana")
    await reflect(community, "ben", {"q1": "Bar models made it click", "q2": "Pupils talk more"})
    await reflect(community, "ben", {"q1": "Bar models made it click", "q3": "Try paper strips"})
    await share(community, "ben", 1, "named")
    await share(community, "ben", 3, "facilitators")
    for name in ("cai", "dee", "eve", "fay"):
        await reflect(community, name, {"q1": f"Note of {name}"})
    await share(community, "cai", 1, "subgroup")
    await share(community, "dee", 1, "anonymous")
    await share(community, "eve", 1, "named")
    # fay keeps hers to herself (the default); the round closes after three days.
    await network.advance(days=4)


async def test_shared_reflections_are_practitioner_learnings_only_within_their_circle(
    network: Network, community: MemoryCommunity
) -> None:
    await a_round_of_reflections(network, community)
    # Eve withdraws her share after the round closed, before the digest is built.
    await share(community, "eve", 1, "me")
    await network.run("digest post", by="ana")
    (posted,) = channel_digests(community)
    assert "What we now have\nPractitioner knowledge:" in posted
    assert "• “Bar models made it click” — ben (reflection: What?)" in posted
    assert "• “Note of dee” — a member (reflection: What?)" in posted
    assert "Balance of 2 learnings: Practitioner knowledge 2" in posted
    for private in ("Pupils talk more", "Try paper strips", "cai", "eve", "fay"):
        assert private not in posted  # replaced, facilitators only, subgroup, withdrawn, me
    (private,) = facilitator_digests(network)
    learnings = private.split("Practitioner knowledge from reflections\n")[1].split("\n\n")[0]
    assert "“Bar models made it click” — ben (reflection: What?; shared with the container)" in (
        learnings
    )
    assert "“Try paper strips” — ben (reflection: Now what?; shared with facilitators)" in learnings
    assert "“Note of dee” — a member (reflection: What?; shared with the container, anony" in (
        learnings
    )
    for never in ("Note of cai", "Note of eve", "Note of fay", "Pupils talk more"):
        assert never not in private
    assert "dee)" not in private.replace("Note of dee", "")
    # Never in the network-wide digest, nor in a container digest posted outside it.
    await network.run("digest post --for network --channel #weekly", by="ana")
    network_wide = channel_digests(community, "weekly")[0] + "".join(facilitator_digests(network))
    assert "Note of" not in network_wide.replace(private, "")
    assert "Bar models" not in network_wide.replace(private, "")


async def test_anonymous_reflections_wait_for_enough_answers_and_elsewhere_stay_out(
    network: Network, community: MemoryCommunity
) -> None:
    await network.container_with(PEOPLE)
    await network.run("checkin now", by="ana")
    for name in ("ben", "cai"):
        await reflect(community, name, {"q1": f"Thought of {name}"})
        await share(community, name, 1, "anonymous")
    await network.advance(days=4)
    # Posted in another channel: people there need not be in the container.
    await network.run("digest post --channel #weekly", by="ana")
    (elsewhere,) = channel_digests(community, "weekly")
    assert "Thought of" not in elsewhere
    (private,) = facilitator_digests(network)
    assert "Thought of" not in private  # 2 answered: fewer than 5, nobody singled out


async def test_non_responders_are_named_to_facilitators_only(
    network: Network, community: MemoryCommunity
) -> None:
    await a_round_of_reflections(network, community)
    await network.run("digest post", by="ana")
    (private,) = facilitator_digests(network)
    assert "Check-in non-responders\n• round “" in private
    assert "5 of 6 answered; not yet heard from ana." in private
    assert "not yet heard" not in channel_digests(community)[0]
    assert facilitator_digests(network, "ben") == []


async def test_open_alerts_are_the_health_alerts_that_hold_and_camaraderie_crowding(
    network: Network, community: MemoryCommunity
) -> None:
    from tests.community.motivation_helpers import SAYS, answer_join, join

    await network.run(
        'container create "Maths leads" --purpose "x"', by="ana", channel="maths", admin=True
    )
    for name in PEOPLE:
        await join(network.trellis, community, name, "maths")
        await answer_join(
            community, name, "friends", "me", **SAYS["people"], competence="2", relatedness="7"
        )
    await network.run("digest post", by="ana", channel="maths")
    (private,) = facilitator_digests(network)
    alerts = private.split("Open alerts\n")[1].split("Network health over")[0]
    # The container's interactions: nobody reached anybody, so all six are isolates.
    assert "6 members (100%) had no interaction with anyone in this window." in alerts
    assert "(Who: ana, ben, cai, dee, eve, fay.)" in alerts
    assert "Camaraderie crowding: the social share of motivations (70%) has overtaken the task" in (
        alerts
    )
    assert "Open alerts" not in channel_digests(community, "maths")[0]


async def rate_group(network: Network, name: str, subgroup: str, score: int) -> None:
    for item in trust.items("en", "subgroup_items"):
        raw = trust.scored(score, item.reverse)
        await network.click(name, "subgroups.trust", f"{subgroup}:{item.code}:{raw}")


async def test_microclimates_compare_each_subgroup_with_its_container(
    network: Network, community: MemoryCommunity
) -> None:
    from tests.community.test_pulses import rate_all

    members = PEOPLE  # with ana: two trios
    await network.container_with(members)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, dict.fromkeys(members, 6))
    await network.advance(days=3)
    await network.run("subgroups configure --size 3 --every week", by="ana")
    await network.run("subgroups form", by="ana")
    await network.advance(days=7)
    repo = network.trellis.subgroups.repo
    first = (await repo.rounds(1))[0]
    groups = await repo.groups(first.id or 0)
    trios = [(g, s) for g, s in groups if len(s) == 3]
    assert len(trios) == 2
    seated = await network.trellis.subgroups.people(trios[0][1], "memory")
    for person in seated:
        await rate_group(network, person.ref.external_id, str(trios[0][0].id), 4)
    # Two of the other trio answer: no figure until all three have.
    others = await network.trellis.subgroups.people(trios[1][1], "memory")
    for n, person in enumerate(others[:2]):
        await rate_group(network, person.ref.external_id, str(trios[1][0].id), 7)
        await say(community, person.ref.external_id, "hello", channel="general", message_id=f"{n}")
    await network.run("digest post", by="ana")
    (private,) = facilitator_digests(network)
    section = private.split("Subgroup microclimates\n")[1]
    assert (
        "subgroup round 1; the container: trust 6.0 of 7 at the last pulse, 33% taking part"
    ) in section
    assert f"• {trios[0][0].name} (3 members), trust 4.0 (-2.0), 0 of 3 taking part: cooling." in (
        section
    )
    assert (
        f"• {trios[1][0].name} (3 members), trust not yet shown, 2 of 3 taking part: warming."
        in (section)
    )
    for person in seated:
        assert person.display_name not in section


async def test_a_facilitator_outside_the_container_previews_no_shared_text(
    network: Network, community: MemoryCommunity
) -> None:
    await a_round_of_reflections(network, community)
    await network.run("help", by="zed")  # Trellis meets zed, who never joins
    added = await network.run("facilitator add @zed", by="ana")
    assert "zed" in added.lower(), added
    outside = await network.run("digest preview", by="zed")
    assert "Facilitator digest: Maths leads" in outside and "Check-in non-responders" in outside
    assert "Bar models" not in outside and "Try paper strips" not in outside
    inside = await network.run("digest preview", by="ana")
    assert "“Try paper strips” — ben (reflection: Now what?; shared with facilitators)" in inside
    assert "• “Bar models made it click” — ben (reflection: What?)" in inside
