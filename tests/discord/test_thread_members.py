"""Members added to or removed from a subgroup's private thread reach the core as that
space's member-joined/left events (as Slack's member_joined/left_channel do), also for a
thread discord.py has not cached, and once only when Discord replays the dispatch; for a
pod of the current round, the container's facilitators alone are told."""

from __future__ import annotations

import asyncio

from bot.adapters.discord.client import TrellisClient
from bot.core.events import MemberJoined, MemberLeft
from bot.core.messages import Message, ToGroup
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from tests.discord.care import container, dms, run
from tests.discord.conftest import MEMBER, OTHER, Harness, text_of
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
    # Events are handled concurrently, so only which ones arrived is certain, not their order.
    assert sorted((e.actor.ref for e in seen.events), key=lambda r: r.external_id) == [MO, SAM]


async def pod_of_three(bot: TrellisClient, fake: FakeDiscord, harness: Harness) -> str:
    """olive (who opens the container, a facilitator), mo and sam in one pod; its thread."""
    await container(bot, harness, (MEMBER, OTHER))
    await harness.answers(await run(harness, ("subgroups", "configure"), size="3", every="week"))
    recorded = asyncio.Event()

    async def space_recorded(community: CommunityRef, name: str, space: ChannelRef) -> None:
        recorded.set()  # runs after Trellis's own hook has mapped the thread to its pod

    bot.trellis.outbox.space_hooks.append(space_recorded)
    await harness.answers(await run(harness, ("subgroups", "form")))
    await bot.trellis.outbox.drain()
    # Another drain (the command's own) may be the one sending the kickoff: wait for it.
    await asyncio.wait_for(recorded.wait(), 15)
    (thread,) = fake.threads
    assert sorted(fake.thread_members[thread]) == sorted([p.OWNER_ID, p.MEMBER_ID, p.OTHER_ID])
    return thread


async def test_leaving_and_rejoining_a_pod_thread_tells_its_facilitator_privately(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    thread = await pod_of_three(bot, fake, harness)

    def notes() -> list[str]:
        return [text_of(m) for m in dms(fake, p.OWNER_ID) if "the space of pod 1" in text_of(m)]

    seen = Seen(bot, MemberLeft, MemberJoined)
    await fake.dispatch(
        "THREAD_MEMBERS_UPDATE", p.thread_members_update(thread, removed=[p.OTHER_ID])
    )
    await seen.wait(1)
    await settled(bot)  # handled, and the outbox drained
    (left,) = await fake.wait_for(notes)
    assert left.startswith("Sam left the space of pod 1 (maths-leads-1-r1-g1); 2 members remain.")
    await fake.dispatch(
        "THREAD_MEMBERS_UPDATE", p.thread_members_update(thread, added=[p.OTHER_ID])
    )
    await seen.wait(2)
    await settled(bot)
    _, back = await fake.wait_for(lambda: notes()[1:] and notes())
    assert back.startswith("Sam is back in the space of pod 1 (maths-leads-1-r1-g1); 3 members")
    # Nobody else heard of either: not the pod's thread, not the member who left, not mo.
    said = [text_of(m) for m in fake.messages.get(thread, [])]
    said += [text_of(m) for who in (p.MEMBER_ID, p.OTHER_ID) for m in dms(fake, who)]
    assert not [t for t in said if "space of pod" in t or "Sam left" in t]
