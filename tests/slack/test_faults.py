"""Slack Web API faults the other outbound tests leave out: timeouts and `ratelimited`."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.slack.pacing import Pacer
from bot.core.messages import Message, Outgoing, ToChannel
from bot.core.refs import ChannelRef, CommunityRef
from tests.slack.conftest import FakeTime, Slack

TEAM = CommunityRef("slack", "T0TRELLIS")
MATHS = ToChannel(ChannelRef("slack", "C0MATHS"))


async def test_a_timeout_is_retried_with_backoff_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    pacer = Pacer(time.sleep, time.monotonic)
    attempts: list[int] = []

    async def send() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise TimeoutError
        return "sent"

    with caplog.at_level(logging.WARNING, logger="bot.adapters.slack.pacing"):
        assert await pacer.call("T1", "chat.postMessage", send, channel="C1") == "sent"
    assert len(attempts) == 3
    assert [s for s in time.slept if s >= 1] == [1.0, 2.0]
    assert sum("TimeoutError" in r.getMessage() for r in caplog.records) == 2


async def test_ratelimited_pauses_the_method_and_then_sends_once(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", 429, "ratelimited", retry_after=12)
    community = await slack.trellis.directory.community(TEAM)

    outgoing = Outgoing(Message.text("Weekly digest"), MATHS, idempotency_key="faults:1")
    await slack.trellis.outbox.put(community, outgoing)
    assert await slack.trellis.outbox.drain() == 1
    assert 12 in slack.time.slept
    # The refused attempt (the fake records it), then the one that went through; no third.
    assert len(slack.fake.of("chat.postMessage")) == 2
    assert await slack.trellis.outbox.drain() == 0
