"""Nothing a restart or a second process needs lives only in memory: a retried create is
deduplicated by Discord through a nonce derived from the outbox key, and DM channels and
subgroup threads are found again from the database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.adapters.discord.client import TrellisClient
from bot.core.messages import Message, Outgoing, ToGroup, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from tests.discord.conftest import connect
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

GUILD = CommunityRef("discord", p.GUILD_ID)
MO = MemberRef("discord", p.MEMBER_ID)
SAM = MemberRef("discord", p.OTHER_ID)


def creates(fake: FakeDiscord, channel: str) -> list[dict[str, object]]:
    return [
        r.body
        for r in fake.requests
        if r.method == "POST" and r.path == f"/channels/{channel}/messages"
    ]


async def test_a_retry_after_a_lost_answer_gives_exactly_one_message(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    trellis = bot.trellis
    community = await trellis.directory.community(GUILD)
    await trellis.outbox.put(
        community, Outgoing(Message.text("Your check-in is here"), ToMember(MO), "checkin:7:mo")
    )
    fake.lose_answers = 1  # Discord creates the message, but the answer never arrives
    assert await trellis.outbox.drain() == 0  # so Trellis must assume it failed
    clock = trellis.clock
    assert isinstance(clock, SimulatedClock)
    clock.advance(timedelta(minutes=1))
    assert await trellis.outbox.drain() == 1  # the retry
    channel = fake.dm_channels[p.MEMBER_ID]
    attempts = creates(fake, channel)
    assert len(attempts) == 2
    assert attempts[0]["nonce"] == attempts[1]["nonce"]  # type: ignore[index]
    assert all(a["enforce_nonce"] is True for a in attempts)  # type: ignore[index]
    assert [m["content"] for m in fake.messages[channel]] == ["Your check-in is here"]


async def test_the_nonce_is_the_same_in_another_process(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    """A second process (a fresh client, nothing in memory) retrying the same outbox row."""
    trellis = bot.trellis
    community = await trellis.directory.community(GUILD)
    await trellis.outbox.put(
        community, Outgoing(Message.text("Round 3 is open"), ToMember(MO), "checkin:3:mo")
    )
    fake.lose_answers = 1
    await trellis.outbox.drain()
    await bot.close()
    other, task = await connect(trellis)  # attaches its own transport to the outbox
    try:
        clock = trellis.clock
        assert isinstance(clock, SimulatedClock)
        clock.advance(timedelta(minutes=1))
        assert await trellis.outbox.drain() == 1
        channel = fake.dm_channels[p.MEMBER_ID]
        assert [m["content"] for m in fake.messages[channel]] == ["Round 3 is open"]
        opens = [r for r in fake.requests if r.path == "/users/@me/channels"]
        assert len(opens) == 1  # the DM channel came from the database, not a new open
    finally:
        await other.close()
        await asyncio.wait_for(task, 5)


async def test_a_subgroup_thread_is_found_again_after_a_restart(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    from bot.core.refs import ChannelRef

    parent = ChannelRef("discord", p.CHANNEL_ID, "general")
    group = ToGroup((MO, SAM), parent, "maths-r2-g1")
    space = await bot.transport.deliver(GUILD, group, Message.text("Welcome, duo"))
    await bot.close()
    other, task = await connect(bot.trellis)
    try:
        again = await other.transport.deliver(GUILD, group, Message.text("Did you meet?"))
    finally:
        await other.close()
        await asyncio.wait_for(task, 5)
    assert space is not None and again == space
    assert list(fake.threads) == [space.external_id]  # one thread, not a second one
    assert [m["content"] for m in fake.messages[space.external_id]] == [
        "Welcome, duo",
        "Did you meet?",
    ]


async def test_a_global_429_on_a_dm_open_is_waited_out_and_the_dm_sent_once(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    trellis = bot.trellis
    community = await trellis.directory.community(GUILD)
    await trellis.outbox.put(
        community, Outgoing(Message.text("Welcome to the round"), ToMember(SAM), "welcome:sam")
    )
    fake.global_rate_limit_next("POST", r"/users/@me/channels", retry_after=0.01)
    assert await trellis.outbox.drain() == 1
    opens = [r.status for r in fake.requests if r.path == "/users/@me/channels"]
    assert opens == [429, 200]
    channel = fake.dm_channels[p.OTHER_ID]
    assert [m["content"] for m in fake.messages[channel]] == ["Welcome to the round"]
