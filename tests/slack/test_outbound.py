"""The outbound queue: paced per channel, Retry-After honoured, 5xx retried, sent once."""

from __future__ import annotations

import pytest

from bot.adapters.slack.pacing import MAX_ATTEMPTS, Pacer, SendFailed
from bot.core.messages import Image, Message, Text, ToChannel, ToMember
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.delivery.transport import DeliveryError
from tests.fakes.slack_api import Failure
from tests.slack.conftest import FakeTime, Slack

TEAM = CommunityRef("slack", "T0TRELLIS")
MATHS = ToChannel(ChannelRef("slack", "C0MATHS"))


async def test_429_is_retried_after_retry_after_and_sent_once(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", 429, retry_after=7)
    await slack.adapter.sender.deliver(TEAM, MATHS, Message.text("Hello"))
    attempts = slack.fake.of("chat.postMessage")
    assert len(attempts) == 2  # the refused one, then the one that went through
    assert 7 in slack.time.slept


async def test_429_through_the_outbox_is_delivered_exactly_once(slack: Slack) -> None:
    from bot.core.messages import Outgoing

    slack.fake.fail("chat.postMessage", 429, retry_after=3)
    community = await slack.trellis.directory.community(TEAM)
    outgoing = Outgoing(Message.text("Digest"), MATHS, idempotency_key="digest:1")
    assert await slack.trellis.outbox.put(community, outgoing)
    assert not await slack.trellis.outbox.put(community, outgoing)
    assert await slack.trellis.outbox.drain() == 1
    assert await slack.trellis.outbox.drain() == 0
    accepted = [b for b in slack.fake.of("chat.postMessage")]
    assert len(accepted) == 2 and 3 in slack.time.slept


async def test_5xx_is_retried_with_backoff(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", 500)
    slack.fake.fail("chat.postMessage", 500)
    await slack.adapter.sender.deliver(TEAM, MATHS, Message.text("Hi"))
    assert len(slack.fake.of("chat.postMessage")) == 3
    assert [s for s in slack.time.slept if s >= 1] == [1.0, 2.0]


async def test_persistent_failure_becomes_a_retryable_delivery_error(slack: Slack) -> None:
    for _ in range(MAX_ATTEMPTS):
        slack.fake.fail("chat.postMessage", 500)
    with pytest.raises(DeliveryError) as raised:
        await slack.adapter.sender.deliver(TEAM, MATHS, Message.text("Hi"))
    assert raised.value.retry_after is not None


async def test_permanent_error_is_not_retried(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", 200, "channel_not_found")
    with pytest.raises(DeliveryError) as raised:
        await slack.adapter.sender.deliver(TEAM, MATHS, Message.text("Hi"))
    assert raised.value.retry_after is None
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_one_message_per_second_per_channel(slack: Slack) -> None:
    for n in range(4):
        await slack.adapter.sender.deliver(TEAM, MATHS, Message.text(f"n{n}"))
    other = ToChannel(ChannelRef("slack", "C0OTHER"))
    slept = len(slack.time.slept)
    await slack.adapter.sender.deliver(TEAM, other, Message.text("elsewhere"))
    assert slack.time.slept[:3] == [1.0, 1.0, 1.0]
    assert len(slack.time.slept) == slept  # another channel does not wait


async def test_long_message_is_split_within_limits(slack: Slack) -> None:
    message = Message(tuple(Text(f"Paragraph {i} " + "x & y " * 500) for i in range(12)))
    await slack.adapter.sender.deliver(TEAM, MATHS, message)
    posts = slack.fake.of("chat.postMessage")
    assert len(posts) >= 3
    assert all(len(p["blocks"]) <= 50 for p in posts)
    assert all(sum(len(b["text"]["text"]) for b in p["blocks"]) <= 12_000 for p in posts)
    total = "".join(b["text"]["text"] for p in posts for b in p["blocks"])
    assert total.count("Paragraph") == 12 and "&amp;" in total


async def test_split_message_resumes_instead_of_posting_parts_twice(slack: Slack) -> None:
    message = Message(tuple(Text(f"part {i} " + "y" * 2900) for i in range(10)))
    slack.fake.failures["chat.postMessage"] = [None] + [  # type: ignore[list-item]
        Failure(500, "internal_error") for _ in range(MAX_ATTEMPTS)
    ]
    with pytest.raises(DeliveryError):
        await slack.adapter.sender.deliver(TEAM, MATHS, message)
    await slack.adapter.sender.deliver(TEAM, MATHS, message)  # the outbox's retry
    accepted = [
        c.body
        for c, ok in zip(slack.fake.calls, slack.fake.accepted, strict=True)
        if c.method == "chat.postMessage" and ok
    ]
    starts = [p["blocks"][0]["text"]["text"][:7] for p in accepted]
    assert len(starts) == len(set(starts)) >= 2


async def test_dm_uses_the_user_id_and_images_use_files_v2(slack: Slack) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    message = Message((Text("Your chart"), Image(png, "Trust trend", "trust.png")))
    await slack.adapter.sender.deliver(TEAM, ToMember(MemberRef("slack", "U0ADA")), message)
    (post,) = slack.fake.of("chat.postMessage")
    assert post["channel"] == "U0ADA"
    (opened,) = slack.fake.of("conversations.open")
    assert opened["users"] == "U0ADA"
    assert slack.fake.of("files.getUploadURLExternal")[0]["filename"] == "trust.png"
    assert slack.fake.of("upload")[0]["bytes"] == len(png)
    complete = slack.fake.of("files.completeUploadExternal")[0]
    assert complete["channel_id"].startswith("D")


async def test_pacer_waits_are_recorded_not_slept() -> None:
    time = FakeTime()
    pacer = Pacer(time.sleep, time.monotonic)
    calls = 0

    async def send() -> int:
        nonlocal calls
        calls += 1
        return calls

    for _ in range(3):
        await pacer.call("T", "chat.postMessage", send, channel="C1")
    assert calls == 3 and time.slept == [1.0, 1.0]

    async def boom() -> int:
        raise SendFailed("nope")

    with pytest.raises(SendFailed):
        await pacer.call("T", "users.info", boom)


async def test_a_group_message_opens_one_group_dm_and_posts_there(slack: Slack) -> None:
    from bot.core.messages import ToGroup

    group = ToGroup(
        (MemberRef("slack", "U0ANA"), MemberRef("slack", "U0BEN")),
        ChannelRef("slack", "C0MATHS"),
        "maths-r1-g1",
    )
    space = await slack.adapter.sender.deliver(TEAM, group, Message.text("Welcome, duo"))
    (opened,) = slack.fake.of("conversations.open")
    assert opened["users"] == "U0ANA,U0BEN"
    (posted,) = slack.fake.of("chat.postMessage")
    assert space is not None and posted["channel"] == space.external_id
