"""Slack takes no idempotency key, so a post whose answer was lost (a cut connection, a 5xx
after Slack stored it) is looked for in the conversation before it is sent again: it carries
the outbox's delivery key as message metadata. Exactly one copy must exist in Slack."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.slack.manifest import BOT_SCOPES
from bot.adapters.slack.pacing import MAX_ATTEMPTS
from bot.core.messages import Message, Outgoing, ToChannel, ToGroup, ToMember
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.delivery.transport import delivery_key
from tests.slack.conftest import Slack

TEAM = CommunityRef("slack", "T0TRELLIS")
MATHS = ChannelRef("slack", "C0MATHS")


async def queue(slack: Slack, outgoing: Outgoing) -> None:
    community = await slack.trellis.directory.community(TEAM)
    assert await slack.trellis.outbox.put(community, outgoing)


async def test_a_dropped_answer_to_a_dm_is_found_and_not_posted_again(slack: Slack) -> None:
    slack.fake.lose("chat.postMessage")  # stored, then the connection is cut
    await queue(
        slack,
        Outgoing(Message.text("Your check-in"), ToMember(MemberRef("slack", "U0BOB")), "dm:1"),
    )
    assert await slack.trellis.outbox.drain() == 1
    (stored,) = slack.fake.stored_posts("U0BOB")
    assert stored["metadata"]["event_payload"] == {"key": "dm:1", "part": 0}
    assert len(slack.fake.of("chat.postMessage")) == 1  # never attempted a second time
    (looked,) = slack.fake.of("conversations.history")
    (opened,) = slack.fake.of("conversations.open")
    assert looked["channel"] == slack.fake.dm_of(["U0BOB"]) and opened["users"] == "U0BOB"
    assert str(looked["include_all_metadata"]).lower() in ("1", "true")
    assert await slack.trellis.outbox.drain() == 0


async def test_a_5xx_after_storing_in_a_channel_is_counted_delivered(slack: Slack) -> None:
    slack.fake.lose("chat.postMessage", drop=False, status=503)
    await queue(slack, Outgoing(Message.text("Weekly digest"), ToChannel(MATHS), "digest:7"))
    assert await slack.trellis.outbox.drain() == 1
    assert len(slack.fake.stored_posts("C0MATHS")) == 1


async def test_a_lost_answer_that_did_not_land_is_sent_again(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", 500)  # refused, nothing stored
    await queue(slack, Outgoing(Message.text("Weekly digest"), ToChannel(MATHS), "digest:8"))
    assert await slack.trellis.outbox.drain() == 1
    assert len(slack.fake.of("conversations.history")) == 1  # looked, did not find it
    assert len(slack.fake.stored_posts("C0MATHS")) == 1


async def test_another_message_with_other_key_is_not_mistaken_for_the_lost_one(
    slack: Slack,
) -> None:
    await queue(slack, Outgoing(Message.text("Digest"), ToChannel(MATHS), "digest:1"))
    await slack.trellis.outbox.drain()
    slack.fake.lose("chat.postMessage")
    await queue(slack, Outgoing(Message.text("Digest"), ToChannel(MATHS), "digest:2"))
    await slack.trellis.outbox.drain()
    keys = [m["metadata"]["event_payload"]["key"] for m in slack.fake.stored_posts("C0MATHS")]
    assert sorted(keys) == ["digest:1", "digest:2"]


async def test_a_group_space_post_lost_through_every_attempt_is_found_on_the_next_drain(
    slack: Slack,
) -> None:
    # The first try is stored but unanswered, then Slack keeps failing: the outbox retries
    # later, and the transport looks before posting again.
    slack.fake.lose("chat.postMessage")
    for _ in range(MAX_ATTEMPTS):
        slack.fake.fail("conversations.history", 500)
    members = (MemberRef("slack", "U0BOB"), MemberRef("slack", "U0CAT"))
    group = ToGroup(members, MATHS, "maths-pair-1")
    await queue(slack, Outgoing(Message.text("Your pair"), group, "pair:1"))
    assert await slack.trellis.outbox.drain() == 0  # could not tell: retried later
    slack.trellis.clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
    assert await slack.trellis.outbox.drain() == 1
    room = slack.fake.dm_of(["U0BOB", "U0CAT"])
    assert len(slack.fake.stored_posts(room)) == 1


async def test_the_manifest_can_read_back_every_kind_of_conversation_posted_to() -> None:
    for scope in ("channels:history", "groups:history", "im:history", "mpim:history"):
        assert scope in BOT_SCOPES


async def test_a_timeout_is_checked_before_the_retry() -> None:
    from bot.adapters.slack.pacing import Pacer
    from tests.slack.conftest import FakeTime

    time = FakeTime()
    stored: list[str] = []

    async def send() -> dict[str, str]:
        stored.append("post")  # Slack kept it...
        raise TimeoutError  # ...but the answer never came

    async def landed() -> dict[str, str] | None:
        return {"ts": "1.2"} if stored else None

    answer = await Pacer(time.sleep, time.monotonic).call(
        "T1", "chat.postMessage", send, channel="C1", landed=landed
    )
    assert answer == {"ts": "1.2"} and stored == ["post"]


async def test_a_message_whose_sender_died_mid_send_is_not_posted_again_by_the_next(
    slack: Slack,
) -> None:
    # A process claimed the message and Slack stored its post, then the process died before
    # recording it. Another process takes the message over once the lease ends: the vanished
    # claim tells it the post may exist, so it looks first and finds it.
    outbox = slack.trellis.outbox
    member = ToMember(MemberRef("slack", "U0BOB"))
    await queue(slack, Outgoing(Message.text("Your check-in"), member, "dm:dead"))
    (row,) = await outbox.repository.due()
    assert row.id is not None and await outbox.repository.claim(row.id, timedelta(minutes=5))
    token = delivery_key.set("dm:dead")
    try:  # the dead process's post, as it reached Slack
        await outbox.transports["slack"].deliver(TEAM, member, Message.text("Your check-in"))
    finally:
        delivery_key.reset(token)
    slack.trellis.clock.advance(timedelta(minutes=6))  # type: ignore[attr-defined]
    assert await outbox.drain() == 1
    assert len(slack.fake.stored_posts("U0BOB")) == 1
    assert len(slack.fake.of("conversations.history")) == 1


async def test_a_first_send_does_not_look_back_first(slack: Slack) -> None:
    await queue(slack, Outgoing(Message.text("Digest"), ToChannel(MATHS), "digest:fresh"))
    assert await slack.trellis.outbox.drain() == 1
    assert slack.fake.of("conversations.history") == []
