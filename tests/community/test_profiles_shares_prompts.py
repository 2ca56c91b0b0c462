from __future__ import annotations

from bot.core.events import ReactionAdded
from bot.core.refs import MemberRef
from tests.community.helpers import Network


async def test_a_member_sets_and_sees_their_profile(network: Network) -> None:
    await network.container_with(["ben"])
    set_ = await network.run(
        'me profile --org "Riverside Primary" --type School --topics "reading,  maths"', by="ben"
    )
    assert "Organisation: Riverside Primary" in set_ and "Type: school" in set_
    assert "Topics: reading, maths" in set_
    assert "Containers: Maths leads" in await network.run("me", by="ben")
    bad = await network.run("me profile --type spaceship", by="ben")
    assert "Unknown organisation type `spaceship`. Choose one of: business, local authority" in bad
    assert "Give at least one of --org, --type, --topics" in await network.run(
        "me profile", by="ben"
    )
    assert "Unknown time zone `Mars/Base`" in await network.run("me timezone Mars/Base", by="ben")
    assert "Your time zone is now Asia/Tokyo (it is 18:00 there)" in await network.run(
        "me timezone Asia/Tokyo", by="ben"
    )
    assert "--until must be a day in the future" in await network.run(
        "me pause --until 2020-01-01", by="ben"
    )


async def test_the_profile_form_from_the_welcome_dm(network: Network) -> None:
    await network.container_with(["ben"])
    assert "Tell the network a little about your work" in await network.click("ben", "profile.open")
    assert "Saved" in await network.submit(
        "ben", "profile.save", "", org="Hill School", type="school", topics="science"
    )
    assert "Organisation: Hill School" in await network.run("me", by="ben")


async def test_facilitators_edit_the_organisation_types(network: Network) -> None:
    await network.container_with(["ben"])
    assert "Only facilitators" in await network.run("orgtypes add health service", by="ben")
    assert "Added `health service`" in await network.run("orgtypes add health service", by="ana")
    assert "health service" in await network.run("orgtypes list", by="ben")
    assert "Removed `business`" in await network.run("orgtypes remove business", by="ana")
    assert "is not on the list" in await network.run("orgtypes remove business", by="ana")


async def test_shares_are_tagged_and_success_only_sharing_alerts(network: Network) -> None:
    await network.container_with(["ben", "cai"])
    posted = await network.run("share Peer marking with a short rubric --outcome worked", by="ben")
    assert "ben shared something that worked" in posted
    for _ in range(4):
        await network.run("share Exit tickets --outcome worked", by="cai")
    assert "must be one of worked, partly, didnt" in await network.run(
        "share x --outcome maybe", by="cai"
    )
    assert "Shared (4 weeks): worked 5 · partly worked 0 · didn't work 0" in await network.run(
        "container show", by="ana"
    )
    await network.advance(days=7, minutes=1)
    [alert] = [d for d in network.dms("ana") if "only success stories are shared" in d.text]
    assert "5 of 5 tagged shares in the last 4 weeks worked (100%" in alert.text
    posted_prompt = await network.click("ana", "prompt.post", "1:practice")
    assert "Posted in #general" in posted_prompt
    assert any("A prompt for Maths leads" in d.text for d in network.posts())


async def test_a_reaction_on_your_own_message_tags_it(network: Network) -> None:
    await network.container_with(["ben"])
    for emoji, author in [("construction", "ben"), ("x", "ana"), ("tada", "ben")]:
        await network.community.send(
            ReactionAdded(
                community=network.community.community,
                actor=network.community.actor("ben"),
                channel=network.community.channel("general"),
                emoji=emoji,
                message_id="m1",
                message_author=MemberRef("memory", author),
            )
        )
    # Only ben's own message counts, and only outcome emoji.
    assert "worked 0 · partly worked 1 · didn't work 0" in await network.run(
        "container show", by="ben"
    )


async def test_prompts_from_the_bank_now_and_on_a_schedule(network: Network) -> None:
    await network.container_with(["ben"])
    assert "Only facilitators" in await network.run("prompt --purpose practice", by="ben")
    assert "Posted." in await network.run("prompt --purpose knowledge", by="ana")
    assert "has no subgroups in a current round to relay to" in await network.run(
        "prompt --to subgroups", by="ana"
    )
    added = await network.run(
        "prompt add What did a pupil teach you this week? --purpose reflection", by="ana"
    )
    assert "Added to the reflection prompts" in added
    scheduled = await network.run(
        "prompt schedule --every week --day wed --at 16:00 --purpose reflection", by="ana"
    )
    assert "every week on wed at 16:00 (UTC); the first on 2026-03-04" in scheduled
    assert "Give --every, --day and --at" in await network.run(
        "prompt schedule --every week", by="ana"
    )
    assert "must be one of mon" in await network.run(
        "prompt schedule --every week --day someday --at 9:00", by="ana"
    )
    before = len(network.posts())
    await network.advance(days=15)
    assert len(network.posts()) - before == 2  # Wednesdays 4 and 11 March
    await network.run("prompt schedule --off yes", by="ana")
    await network.advance(days=14)
    assert len(network.posts()) - before == 2
