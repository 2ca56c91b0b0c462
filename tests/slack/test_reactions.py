"""Reactions carry the text and author of the message they are on (looked up with
conversations.history / conversations.replies), so a 💡 can become a learning."""

from __future__ import annotations

from typing import Any

from bot.core.events import ReactionAdded
from tests.slack.care import ADA, BOB, CAT, CHANNEL, container, elements, posted_to, press, said
from tests.slack.conftest import Slack, fixture


def reaction(slack: Slack, by: str, author: str, ts: str, emoji: str = "bulb") -> dict[str, Any]:
    body = fixture("event_reaction_added")
    slack.sent += 1
    body["event_id"] = f"EvREACT{slack.sent}"
    body["event"].update(user=by, reaction=emoji, item_user=author)
    body["event"]["item"] = {"type": "message", "channel": CHANNEL, "ts": ts}
    return body


async def test_a_bulb_becomes_a_learning_once_the_author_agrees(slack: Slack) -> None:
    await container(slack)
    slack.fake.remember(CHANNEL, "1700000100.000200", BOB, "Bar models &lt;really&gt; work")
    await slack.event(reaction(slack, CAT, BOB, "1700000100.000200"))
    (lookup,) = slack.fake.of("conversations.history")
    assert lookup["channel"] == CHANNEL and lookup["latest"] == "1700000100.000200"
    asked = posted_to(slack, BOB)
    consent = elements(asked, "exchange.consent")
    assert consent, said(slack)
    assert "Bar models &lt;really&gt; work" in said(slack)  # quoted back, still escaped
    before = len(slack.fake.calls)
    await slack.interact(press(slack, BOB, consent[0]))
    assert "with your name" in said(slack, before)
    await slack.command("digest preview")
    assert "Bar models &lt;really&gt; work" in said(slack, before)


async def test_a_reaction_in_a_thread_is_found_with_replies(slack: Slack) -> None:
    seen: list[ReactionAdded] = []

    async def record(ctx: Any) -> list[Any]:
        seen.append(ctx.event)
        return []

    slack.trellis.registry.listen(ReactionAdded, record)
    slack.fake.remember(CHANNEL, "1700000100.000100", ADA, "Parent")
    slack.fake.remember(CHANNEL, "1700000100.000300", BOB, "A reply", thread_ts="1700000100.000100")
    await slack.event(reaction(slack, CAT, BOB, "1700000100.000300", emoji="thumbsup"))
    assert [e.message_text for e in seen] == ["A reply"]
    assert len(slack.fake.of("conversations.replies")) == 1
    # A second reaction on the same message does not look it up again.
    await slack.event(reaction(slack, ADA, BOB, "1700000100.000300", emoji="tada"))
    assert len(slack.fake.of("conversations.replies")) == 1
    assert [e.message_text for e in seen] == ["A reply", "A reply"]


async def test_a_failed_lookup_still_delivers_the_reaction(slack: Slack) -> None:
    seen: list[ReactionAdded] = []

    async def record(ctx: Any) -> list[Any]:
        seen.append(ctx.event)
        return []

    slack.trellis.registry.listen(ReactionAdded, record)
    slack.fake.fail("conversations.history", 200, "not_in_channel")
    await slack.event(reaction(slack, CAT, BOB, "1700000100.000900", emoji="thumbsup"))
    (event,) = seen
    assert event.message_text == "" and event.message_author is not None
