from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.messages import Outgoing, Reply


def text_of(replies: list[Outgoing]) -> str:
    return "\n".join(r.message.plain_text() for r in replies)


async def test_a_facilitator_creates_a_container_and_members_see_it(
    community: MemoryCommunity,
) -> None:
    created = await community.command(
        'container create "Maths leads" --purpose "Teach fractions well"', by="ana", admin=True
    )
    assert isinstance(created[0].target, Reply) and not created[0].target.ephemeral
    assert "New container: Maths leads" in text_of(created)
    shown = text_of(await community.command("container show", by="ben"))
    assert "Container: Maths leads" in shown
    assert "Teach fractions well" in shown
    assert "State: forming" in shown
    assert "Facilitators: ana" in shown


async def test_a_member_cannot_create_a_container(community: MemoryCommunity) -> None:
    await community.command("help", by="ana", admin=True)
    refused = text_of(await community.command("container create Pod --purpose x", by="ben"))
    assert "Only facilitators" in refused
    assert "No container in this channel" in text_of(
        await community.command("container show", by="ben")
    )


async def test_one_open_container_per_channel(community: MemoryCommunity) -> None:
    await community.command("container create One --purpose a", by="ana", admin=True)
    again = text_of(await community.command("container create Two --purpose b", by="ana"))
    assert "already holds the container “One”" in again
    other = text_of(
        await community.command("container create Two --purpose b", by="ana", channel="pods")
    )
    assert "New container: Two" in other


async def test_containers_are_created_in_channels_not_dms(community: MemoryCommunity) -> None:
    replies = await community.command(
        "container create One --purpose a", by="ana", admin=True, channel=None
    )
    assert "Run this in the channel" in text_of(replies)


async def test_bad_options_show_the_usage(trellis: Trellis, community: MemoryCommunity) -> None:
    replies = await community.command("container create Pod", by="ana", admin=True)
    assert "--purpose is required" in text_of(replies)
    assert "Usage: /trellis container create NAME --purpose TEXT" in text_of(replies)
