"""A container from creation to closing, as its facilitator and members live it."""

from __future__ import annotations

from tests.community.helpers import Network, buttons


async def test_purpose_agreed_by_most_members_makes_the_container_active(network: Network) -> None:
    await network.container_with(["ben", "cai", "dee"])
    shown = await network.run("container show", by="ben")
    assert "State: forming" in shown
    assert "Proposed purpose (not agreed yet): Teach fractions well" in shown
    assert "Forming: 1 of 3 agreements needed" in shown

    version_id = "1"  # the wording proposed with the container
    assert "You agreed to the purpose (2 of 3 needed)" in await network.click(
        "ben", "purpose.agree", version_id
    )
    assert "(3 of 3 needed)" in await network.click("cai", "purpose.agree", version_id)
    [announcement] = network.posts()
    assert "Purpose agreed for Maths leads" in announcement.text
    assert "Agreed by ana, ben, cai" in announcement.text
    assert "State: active" in await network.run("container show", by="dee")
    history = await network.run("container history", by="dee")
    assert "(agreed 2026-03-02): Teach fractions well" in history
    assert "Agreed by: ana, ben, cai" in history


async def test_only_members_agree_and_comments_are_posted_for_all(network: Network) -> None:
    await network.container_with(["ben"])
    refused = await network.click("zoe", "purpose.agree", "1")
    assert "Only members of “Maths leads” can agree" in refused
    form_reply = await network.click("ben", "purpose.comment", "1")
    assert "Teach fractions well" in form_reply
    posted = await network.submit("ben", "purpose.comment", "1", comment="Add decimals too?")
    assert "comment is posted" in posted
    assert any(
        "ben commented on the proposed purpose" in d.text and "Add decimals too?" in d.text
        for d in network.posts()
    )
    assert "comment: write what you would change" in await network.submit(
        "ben", "purpose.comment", "1", comment=" "
    )


async def test_a_new_wording_can_be_proposed_and_its_history_kept(network: Network) -> None:
    await network.container_with(["ben", "cai"])
    reply = await network.run(
        "container purpose Learn from each other's attempts with fractions", by="ben"
    )
    assert "Proposed purpose for Maths leads" in reply
    await network.click("cai", "purpose.agree", "2")
    await network.click("ana", "purpose.agree", "2")
    history = await network.run("container history", by="ana")
    assert "proposed, not agreed): Teach fractions well" in history
    assert "agreed 2026-03-02): Learn from each other's attempts with fractions" in history


async def test_joining_greets_with_purpose_agreements_and_profile_button(network: Network) -> None:
    await network.container_with(["ben", "cai"])
    await network.run("agreement propose What is said about a school stays here", by="ben")
    await network.click("cai", "agreement.agree", "1")
    await network.joins_channel("dee")
    [welcome] = [d for d in network.dms("dee") if "Welcome to Maths leads" in d.text]
    assert "Teach fractions well (proposed)" in welcome.text
    assert "• What is said about a school stays here" in welcome.text
    assert buttons(welcome, "welcome.accept") and buttons(welcome, "profile.open")
    assert "accepted the agreements of Maths leads" in await network.click(
        "dee", "welcome.accept", "1"
    )
    assert "already a member" in await network.run("join", by="dee")


async def test_leaving_stops_future_invitations_but_keeps_history(network: Network) -> None:
    await network.container_with(["ben", "cai"])
    left = await network.run("leave", by="cai")
    assert "You left Maths leads" in left and "what you shared stays" in left
    assert "Members: 2" in await network.run("container show", by="ana")
    assert "You are not a member" in await network.run("leave", by="cai")


async def test_closing_sends_reflections_then_closes_and_keeps_history(network: Network) -> None:
    await network.container_with(["ben", "cai"])
    assert "Only facilitators" in await network.run("container close", by="ben")
    closing = await network.run("container close", by="ana")
    assert "Maths leads is closing" in closing
    [invite] = [d for d in network.dms("ben") if "is closing" in d.text]
    [reflect] = buttons(invite, "closing.open")
    form = await network.click("ben", "closing.open", reflect.value)
    assert "Take a few minutes" in form
    saved = await network.submit(
        "ben", "closing.save", reflect.value, take_away="Ask for failures first", share="me"
    )
    assert "Saved" in saved
    await network.advance(days=8)
    assert any(
        "Maths leads is closed" in d.text and "1 member wrote" in d.text for d in network.posts()
    )
    closed = await network.run("container show", by="ben")
    assert "was closed on 2026-03-09; its history is kept" in closed
    # Every room explains a closed container the same way.
    for command in ("checkin show", "container motivation", "agreement list"):
        assert "was closed on 2026-03-09" in await network.run(command, by="ana"), command
    assert "is over" in await network.submit("cai", "closing.save", reflect.value, take_away="late")
    assert "New container: Next" in await network.run(
        "container create Next --purpose again", by="ana"
    )


async def test_container_list_and_settings(network: Network) -> None:
    await network.container_with(["ben"])
    await network.run("container create Pods --purpose b", by="ana", channel="pods")
    listing = await network.run("container list", by="ben")
    assert "Maths leads — #general · forming · 2 members" in listing
    assert "Pods — #pods · forming · 1 member" in listing
    settings = await network.run("container settings --pulse-days 0 --rotation-weeks 6", by="ana")
    assert "Trust pulses: off" in settings and "Rotation reminder: every 6 weeks" in settings
    assert "must be at most 90" in await network.run(
        "container settings --pulse-days 400", by="ana"
    )
    await network.advance(weeks=6, hours=1)
    assert any("consider rotating facilitation" in d.text for d in network.dms("ana"))


async def test_agreements_need_most_members_and_are_reviewed(network: Network) -> None:
    await network.container_with(["ben", "cai", "dee"])
    await network.run("agreement propose We share what did not work too", by="ben")
    assert "You agreed (2 of 3 needed)" in await network.click("cai", "agreement.agree", "1")
    listing = await network.run("agreement list", by="ana")
    assert "None in force yet" in listing and "We share what did not work too" in listing
    await network.click("dee", "agreement.agree", "1")
    assert "• We share what did not work too" in await network.run("agreement list", by="ana")
    assert any("Working agreement in force" in d.text for d in network.posts())
    await network.advance(weeks=8, hours=1)
    reviews = [d for d in network.dms("ana") if "Time to revisit the working agreements" in d.text]
    assert len(reviews) == 1 and "We share what did not work too" in reviews[0].text


async def test_show_counts_agreements_to_the_newest_wording_only(network: Network) -> None:
    """Once a new wording is proposed, `container show` shows it and counts only the
    agreements to it (its proposer's), not those given to the older wording."""
    await network.container_with(["ben", "cai", "dee"])
    await network.click("cai", "purpose.agree", "1")
    await network.run("container purpose Learn from each other's attempts", by="ben")
    shown = await network.run("container show", by="dee")
    assert "Proposed purpose (not agreed yet): Learn from each other's attempts" in shown
    assert "Members: 4" in shown
    assert "Forming: 1 of 3 agreements needed" in shown
