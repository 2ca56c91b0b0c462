"""A member in several servers with Trellis: a DM reply reaches the community of the
conversation Trellis opened with them (stored with the DM channel, so also after a
restart); a DM nobody opened is answered with one button per community."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.discord.client import TrellisClient
from bot.core.context import Context
from bot.core.events import ActionChosen, MemberLeft, MessagePosted
from bot.core.messages import Button, Buttons, Message, Outgoing, Text, ToMember
from bot.core.refs import CommunityRef, MemberRef
from tests.discord.care import components
from tests.discord.conftest import (
    GENERAL,
    MEMBER,
    OTHER,
    OWNER,
    Harness,
    connect,
    ephemeral,
    text_of,
)
from tests.discord.test_gateway import Seen
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

SCIENCE = p.OTHER_GUILD_ID
SCIENCE_REF = CommunityRef("discord", SCIENCE)
MATHS_REF = CommunityRef("discord", p.GUILD_ID)
MO = MemberRef("discord", p.MEMBER_ID)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    maths = p.guild(members=[OWNER, MEMBER, OTHER], channels=[GENERAL])
    science = p.guild(
        SCIENCE,
        members=[OWNER, MEMBER],
        channels=[p.text_channel("930000000000000099", "lab", SCIENCE)],
    )
    science["name"] = "Science Hub"
    server = FakeDiscord([maths, science])
    await server.start()
    yield server
    await server.stop()


def dm_from_mo(message_id: str, channel: str, text: str) -> dict[str, Any]:
    return dict(p.message(message_id, MEMBER["user"], text, channel_id=channel, guild_id=None))


def dm_click(
    harness: Harness, channel: str, custom_id: str, source: dict[str, Any]
) -> dict[str, Any]:
    """A click in a DM, as Discord sends it: no guild, a `user` instead of a `member`."""
    token = f"token-{harness.new_id()}"
    data: dict[str, Any] = dict(
        p.component_interaction(harness.new_id(), token, MEMBER, custom_id, source)  # type: ignore[arg-type]
    )
    for key in ("guild_id", "guild", "member"):
        data.pop(key)
    data.update(
        user=MEMBER["user"],
        channel_id=channel,
        channel=p.dm_channel(channel, MEMBER["user"]),
        context=1,
    )
    return data


async def test_a_dm_reply_goes_to_the_community_that_opened_the_conversation(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    seen = Seen(bot, MessagePosted)
    await bot.transport.deliver(SCIENCE_REF, ToMember(MO), Message.text("How was the lab week?"))
    channel = fake.dm_channels[p.MEMBER_ID]
    await bot.close()  # a restart: what the DM belongs to comes from the database
    again, task = await connect(bot.trellis)
    try:
        seen = Seen(again, MessagePosted)
        await fake.dispatch("MESSAGE_CREATE", dm_from_mo("980000000000000501", channel, "Good"))
        (posted,) = await seen.wait(1)
    finally:
        await again.close()
        await asyncio.wait_for(task, 5)
    assert posted.community == SCIENCE_REF and posted.direct and posted.text == "Good"
    assert not components(fake.messages[channel], "t:b:discord.place")  # nothing asked


async def test_an_unplaced_dm_asks_which_community_and_follows_the_answer(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    seen = Seen(bot, MessagePosted)
    channel = "940000000000000555"
    hello = dm_from_mo("980000000000000601", channel, "Hello?")
    fake.remember(channel, hello)  # Discord keeps it: Trellis reads it back after the choice
    await fake.dispatch("MESSAGE_CREATE", hello)
    asked = await fake.wait_for(lambda: components(fake.messages.get(channel, []), "t:b:"))
    assert "Which one" in asked[0][0]["content"]
    labels = {button["label"]: button["custom_id"] for _, button in asked}
    assert set(labels) == {"Learning Network", "Science Hub"}
    assert not seen.events  # nothing reached a community before the member chose
    source = asked[0][0]
    await fake.dispatch(
        "INTERACTION_CREATE", dm_click(harness, channel, labels["Science Hub"], source)
    )
    (posted,) = await seen.wait(1)
    assert posted.community == SCIENCE_REF and posted.text == "Hello?"
    # The DM conversation is now placed: the next message goes there without asking.
    await fake.dispatch("MESSAGE_CREATE", dm_from_mo("980000000000000602", channel, "More"))
    await seen.wait(2)
    assert seen.events[1].community == SCIENCE_REF
    assert len(components(fake.messages[channel], "t:b:discord.place")) == 2  # asked once


async def test_a_button_clicked_in_a_dm_reaches_that_dms_community(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    clicked: list[ActionChosen] = []

    async def handler(ctx: Context[ActionChosen]) -> list[Outgoing]:
        clicked.append(ctx.event)
        return []

    bot.trellis.registry.action("test.dm", handler)
    message = Message((Text("Ready?"), Buttons((Button("Yes", "test.dm", "1"),))))
    await bot.transport.deliver(SCIENCE_REF, ToMember(MO), message)
    channel = fake.dm_channels[p.MEMBER_ID]
    ((source, button),) = components(fake.messages[channel], "t:b:test.dm")
    await fake.dispatch(
        "INTERACTION_CREATE", dm_click(harness, channel, button["custom_id"], source)
    )
    await fake.wait_for(lambda: clicked)
    assert clicked[0].community == SCIENCE_REF


async def test_choosing_a_server_the_member_has_since_left_is_refused(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    seen = Seen(bot, MessagePosted)
    channel = "940000000000000556"
    hello = dm_from_mo("980000000000000701", channel, "Hello?")
    fake.remember(channel, hello)
    await fake.dispatch("MESSAGE_CREATE", hello)
    asked = await fake.wait_for(lambda: components(fake.messages.get(channel, []), "t:b:"))
    labels = {button["label"]: button["custom_id"] for _, button in asked}
    left = {"guild_id": SCIENCE, "user": MEMBER["user"]}
    gone = Seen(bot, MemberLeft)
    await fake.dispatch("GUILD_MEMBER_REMOVE", left)
    await gone.wait(1)  # discord.py has dropped Mo from Science Hub by then
    click = dm_click(harness, channel, labels["Science Hub"], asked[0][0])
    await fake.dispatch("INTERACTION_CREATE", click)
    (answer,) = await harness.answers(click["token"])
    assert "not in that server" in text_of(answer) and ephemeral(answer)
    assert not seen.events  # the message went to no community
