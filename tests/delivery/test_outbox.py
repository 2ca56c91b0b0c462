from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core import codec
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
