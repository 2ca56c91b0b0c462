from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core import codec
from bot.core.directory import CommunityInfo
from bot.core.messages import (
    Button,
    Buttons,
    ChoiceInput,
    Context,
    Fields,
    Form,
    Image,
    Message,
    Option,
    Outgoing,
    Text,
    TextInput,
    ToMember,
)
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.delivery.transport import DeliveryError


async def test_the_same_key_is_delivered_once(trellis: Trellis, community: MemoryCommunity) -> None:
    info = await trellis.directory.community(community.community)
    outgoing = Outgoing(
        Message.text("Time to reflect"), ToMember(MemberRef("memory", "ana")), "checkin:1:ana"
    )
    assert await trellis.outbox.put(info, outgoing)
    assert not await trellis.outbox.put(info, outgoing)
    assert await trellis.outbox.drain() == 1
    assert await trellis.outbox.drain() == 0
    assert [d.text for d in community.dms_to("ana")] == ["Time to reflect"]


class Flaky:
    platform = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.delivered: list[str] = []

    async def deliver(self, community: CommunityRef, target: object, message: Message) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("429 rate limited", retry_after=30)
        self.delivered.append(message.plain_text())


async def test_a_retryable_failure_waits_then_delivers_once(
    trellis: Trellis, clock: SimulatedClock
) -> None:
    flaky = Flaky(failures=1)
    trellis.outbox.attach(flaky)
    info = await trellis.directory.community(CommunityRef("flaky", "T"))
    await trellis.outbox.put(
        info, Outgoing(Message.text("hi"), ToMember(MemberRef("flaky", "u")), "k1")
    )
    assert await trellis.outbox.drain() == 0
    clock.advance(timedelta(seconds=10))
    assert await trellis.outbox.drain() == 0  # Retry-After (30 s) is honoured
    clock.advance(timedelta(seconds=25))
    assert await trellis.outbox.drain() == 1
    assert flaky.delivered == ["hi"]


texts = st.text(max_size=50)


@given(
    st.lists(
        st.one_of(
            st.builds(Text, texts),
            st.builds(Context, texts),
            st.builds(lambda a, b: Fields(((a, b),)), texts, texts),
            st.builds(lambda label, v: Buttons((Button(label, "x.y", v),)), texts, texts),
            st.builds(lambda b: Image(b, "alt"), st.binary(max_size=64)),
        ),
        max_size=5,
    )
)
def test_messages_survive_the_outbox_codec(blocks: list[object]) -> None:
    form = Form(
        "f",
        "Title",
        (TextInput("a", "A"), ChoiceInput("b", "B", (Option("One", "1"),))),
        context="42",
    )
    message = Message(tuple(blocks), form)  # type: ignore[arg-type]
    assert codec.loads_message(codec.dumps(message)) == message


async def test_a_drain_after_a_console_line_looks_only_when_something_was_queued_here(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    """`drain(if_queued=True)` (after each console line) skips its query once a look found
    nothing and nothing was queued here since; a plain drain (the scheduler's, the serving
    loop's tick) always looks, so a message queued elsewhere is still sent."""
    info = await trellis.directory.community(community.community)
    outbox = trellis.outbox
    ours = Outgoing(Message.text("Queued here"), ToMember(MemberRef("memory", "ana")), "k:1")
    assert await outbox.put(info, ours)
    assert await outbox.drain(if_queued=True) == 1  # sent all it found: nothing left due

    # Another process queues straight into the table: this process did not see it happen.
    elsewhere = Outgoing(
        Message.text("Queued elsewhere"), ToMember(MemberRef("memory", "bo")), "k:2"
    )
    await outbox.repository.enqueue(info.id, "k:2", "member", "bo", outbox_payload(info, elsewhere))
    assert await outbox.drain(if_queued=True) == 0  # skipped: nothing queued here since
    assert await outbox.drain() == 1  # the plain drain looks, and sends it

    again = Outgoing(Message.text("Queued here again"), ToMember(MemberRef("memory", "ana")), "k:3")
    assert await outbox.put(info, again)
    assert await outbox.drain(if_queued=True) == 1
    assert [d.text for d in community.dms_to("ana")] == ["Queued here", "Queued here again"]
    assert [d.text for d in community.dms_to("bo")] == ["Queued elsewhere"]


def outbox_payload(info: CommunityInfo, outgoing: Outgoing) -> str:
    """A row as `Outbox.put_all` stores it."""
    return json.dumps(
        {
            "platform": info.ref.platform,
            "community": info.ref.external_id,
            "target": codec.dumps(outgoing.target),
            "message": codec.dumps(outgoing.message),
        }
    )
