"""A message that cannot be delivered within the give-up time is given up, and facilitators
hear about it: a DM when it happens, and `/trellis outbox failed` afterwards."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.messages import Message, Outgoing, ToChannel, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.delivery.transport import DeliveryError
from tests.community.helpers import text_of


class Down:
    """A platform whose API answers 503 to every DM to ben, asking to retry in an hour."""

    platform = "memory"

    def __init__(self, inner: MemoryCommunity) -> None:
        self.inner = inner
        self.attempts = 0

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember, message: Message
    ) -> None:
        if isinstance(target, ToMember) and target.member.external_id == "ben":
            self.attempts += 1
            raise DeliveryError("503 service unavailable", retry_after=3600)
        await self.inner.deliver(community, target, message)


async def test_a_message_undeliverable_for_24_hours_is_given_up_and_reported(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await community.command("help", by="ana", admin=True)  # ana: a facilitator
    await community.command("help", by="ben")
    down = Down(community)
    trellis.outbox.attach(down)
    info = await trellis.directory.community(community.community)
    secret = "Ben's private answer: I feel lost"
    await trellis.outbox.put(
        info, Outgoing(Message.text(secret), ToMember(MemberRef("memory", "ben")), "dm:ben:1")
    )
    for _ in range(30):  # an hour apart, as the platform asked
        await trellis.outbox.drain()
        clock.set(clock.now() + timedelta(hours=1))
    assert 8 <= down.attempts <= 24  # retried with backoff, then stopped

    [notice] = [d for d in community.dms_to("ana") if "gave up delivering" in d.text]
    assert "a DM to ben" in notice.text and "503 service unavailable" in notice.text
    assert secret not in notice.text  # the member's words are not the facilitator's to read
    assert not community.dms_to("ben")

    listed = text_of(await community.command("outbox failed", by="ana"))
    assert "a DM to ben" in listed and "503 service unavailable" in listed
    assert "Only facilitators" in text_of(await community.command("outbox failed", by="ben"))


async def test_rate_limited_pauses_the_platform_until_retry_after(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    class Limited:
        platform = "memory"
        calls = 0

        async def deliver(self, *_args: object) -> None:
            Limited.calls += 1
            if Limited.calls == 1:
                raise DeliveryError("ratelimited", retry_after=30, rate_limited=True)
            await community.deliver(*_args)  # type: ignore[arg-type]

    trellis.outbox.attach(Limited())
    info = await trellis.directory.community(community.community)
    for n in range(3):
        channel = ToChannel(ChannelRef("memory", "general", "general"))
        await trellis.outbox.put(info, Outgoing(Message.text(f"post {n}"), channel, f"p:{n}"))
    await trellis.outbox.drain()
    assert Limited.calls == 1  # the other two waited: the platform asked everyone to
    assert not community.delivered
    clock.set(clock.now() + timedelta(seconds=31))
    await trellis.outbox.drain()
    assert sorted(d.text for d in community.delivered) == ["post 0", "post 1", "post 2"]
