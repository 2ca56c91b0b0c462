"""Members added to or removed from a subgroup's private thread reach the core as that
space's member-joined/left events (as Slack's member_joined/left_channel do), also for a
thread discord.py has not cached, and once only when Discord replays the dispatch."""

from __future__ import annotations

import asyncio

from bot.adapters.discord.client import TrellisClient
from bot.core.events import MemberJoined, MemberLeft
from bot.core.messages import Message, ToGroup
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from tests.discord.test_gateway import Seen
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

GUILD = CommunityRef("discord", p.GUILD_ID)
PARENT = ChannelRef("discord", p.CHANNEL_ID, "general")
MO = MemberRef("discord", p.MEMBER_ID)
SAM = MemberRef("discord", p.OTHER_ID)


async def settled(bot: TrellisClient) -> None:
    """Every thread-members frame read so far has been through the core."""
    await asyncio.gather(*list(bot.background))


async def subgroup_thread(bot: TrellisClient) -> str:
    space = await bot.transport.deliver(
        GUILD, ToGroup((MO, SAM), PARENT, "maths-r1-g1"), Message.text("Welcome, duo")
    )
    assert space is not None
    return space.external_id


async def test_a_member_leaving_a_subgroup_thread_is_a_leave_of_that_space(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    thread = await subgroup_thread(bot)
    seen = Seen(bot, MemberLeft)
    await fake.dispatch(
        "THREAD_MEMBERS_UPDATE", p.thread_members_update(thread, removed=[p.OTHER_ID])
    )
    (left,) = await seen.wait(1)
    assert left.channel.external_id == thread  # the subgroup's space, not its parent channel
    assert left.actor.ref == SAM and left.community == GUILD


async def test_a_member_added_to_a_subgroup_thread_is_a_join_of_that_space(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    thread = await subgroup_thread(bot)
    seen = Seen(bot, MemberJoined)
    newcomer = "920000000000000077"
    await fake.dispatch(
        "THREAD_MEMBERS_UPDATE", p.thread_members_update(thread, added=[newcomer, p.BOT_ID])
    )
    (joined,) = await seen.wait(1)  # the bot itself joining is not a member joining
    assert joined.channel.external_id == thread and joined.actor.ref.external_id == newcomer
    await settled(bot)
    assert len(seen.events) == 1


async def test_a_replayed_thread_leave_is_handled_once(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    thread = await subgroup_thread(bot)
    seen = Seen(bot, MemberLeft)
    for _ in range(2):  # Discord replays dispatches after a RESUME
        await fake.dispatch(
            "THREAD_MEMBERS_UPDATE", p.thread_members_update(thread, removed=[p.MEMBER_ID])
        )
    # A later leave: once it is seen, both earlier frames were read (frames are read in order).
    await fake.dispatch(
        "THREAD_MEMBERS_UPDATE", p.thread_members_update(thread, removed=[p.OTHER_ID])
    )
    await seen.wait(2)
    await settled(bot)
    assert [e.actor.ref for e in seen.events] == [MO, SAM]
