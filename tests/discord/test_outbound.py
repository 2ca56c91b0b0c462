"""The outbound transport: 429 then exactly one delivery, DMs, inert mentions, splitting."""

from __future__ import annotations

from bot.adapters.discord.client import TrellisClient
from bot.adapters.discord.translate import community
from bot.app import Trellis
from bot.core.messages import Fields, Message, Outgoing, Text, ToChannel, ToMember
from bot.core.refs import ChannelRef, MemberRef
from tests.discord.conftest import MEMBER, Harness, text_of
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

GUILD = community(int(p.GUILD_ID))
GENERAL = ChannelRef("discord", p.CHANNEL_ID, "general")
INJECTION = "@everyone look <@920000000000000003> <@&940000000000000001> @here [x](https://evil)"


async def test_a_429_is_waited_out_and_the_message_delivered_exactly_once(
    bot: TrellisClient, fake: FakeDiscord, trellis: Trellis
) -> None:
    fake.rate_limit_next("POST", rf"/channels/{p.CHANNEL_ID}/messages", retry_after=0.05)
    info = await trellis.directory.community(GUILD)
    await trellis.outbox.put(
        info, Outgoing(Message.text("Weekly digest"), ToChannel(GENERAL), idempotency_key="d-1")
    )
    # The same decision stored again (e.g. a retried scheduler run) is refused by the key.
    await trellis.outbox.put(
        info, Outgoing(Message.text("Weekly digest"), ToChannel(GENERAL), idempotency_key="d-1")
    )
    assert await trellis.outbox.drain() == 1
    posts = [r for r in fake.requests if r.path == f"/channels/{p.CHANNEL_ID}/messages"]
    assert [r.status for r in posts] == [429, 200]
    assert [m["content"] for m in fake.messages[p.CHANNEL_ID]] == ["Weekly digest"]
    assert await trellis.outbox.drain() == 0
    assert len(fake.messages[p.CHANNEL_ID]) == 1


async def test_a_retry_after_a_lost_answer_gets_the_same_message_back(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    """Same nonce with enforce_nonce: Discord returns the message it already created."""
    message = Message.text("Prompt of the week")
    await bot.transport.deliver(GUILD, ToChannel(GENERAL), message)
    first = fake.requests[-1].body
    assert first["enforce_nonce"] is True and len(first["nonce"]) <= 25
    # A new delivery of equal text is a new message (a new nonce), not a duplicate.
    await bot.transport.deliver(GUILD, ToChannel(GENERAL), message)
    assert fake.requests[-1].body["nonce"] != first["nonce"]
    assert len(fake.messages[p.CHANNEL_ID]) == 2


async def test_direct_messages_open_a_dm_channel(bot: TrellisClient, fake: FakeDiscord) -> None:
    await bot.transport.deliver(
        GUILD, ToMember(MemberRef("discord", p.MEMBER_ID)), Message.text("Hi")
    )
    channel = fake.dm_channels[p.MEMBER_ID]
    assert [m["content"] for m in fake.messages[channel]] == ["Hi"]


async def test_mention_injection_comes_out_inert(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await bot.transport.deliver(
        GUILD, ToChannel(GENERAL), Message((Text(INJECTION), Fields((("Said", INJECTION),))))
    )
    sent = fake.requests[-1].body
    assert sent["allowed_mentions"] == {"parse": []}
    content = sent["content"]
    for ping in ("@everyone", "@here", "<@920000000000000003>", "<@&940000000000000001>"):
        assert ping not in content
    assert "\\[x](https://evil)" in content  # a masked link shown as text, not a link
    # Through an interaction too: a container purpose echoed back to the channel.
    token = await harness.command(
        ("container", "create"),
        [
            {"type": 3, "name": "name", "value": INJECTION},
            {"type": 3, "name": "purpose", "value": INJECTION},
        ],
    )
    (answer,) = await harness.answers(token)
    assert answer["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in text_of(answer) and "<@9" not in text_of(answer)


async def test_long_messages_are_split_not_truncated(bot: TrellisClient, fake: FakeDiscord) -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(30)]  # ~23k chars
    await bot.transport.deliver(GUILD, ToChannel(GENERAL), Message.text(*paragraphs))
    sent = fake.messages[p.CHANNEL_ID]
    assert len(sent) > 1
    bodies = [m["_request"] for m in sent]
    for body in bodies:
        embeds = body.get("embeds", [])
        assert len(body.get("content") or "") <= 2000
        assert sum(len(e.get("description", "")) for e in embeds) <= 6000
    joined = "\n".join(e["description"] for b in bodies for e in b["embeds"])
    for i in range(30):
        assert f"Paragraph {i}:" in joined


async def test_a_reply_to_a_channel_message_goes_back_there(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    from bot.core.events import MessagePosted
    from bot.core.messages import reply

    async def answer(ctx: object) -> list[Outgoing]:
        return [reply("Noted", ephemeral=False), reply("Just for you")]

    bot.trellis.registry.listen(MessagePosted, answer)  # type: ignore[arg-type]
    await fake.dispatch(
        "MESSAGE_CREATE",
        dict(p.message("981000000000000001", MEMBER["user"], "hi", author_member=MEMBER)),
    )
    await fake.wait_for(
        lambda: (
            fake.messages.get(p.CHANNEL_ID)
            and fake.dm_channels.get(p.MEMBER_ID)
            and fake.messages.get(fake.dm_channels[p.MEMBER_ID])
        )
    )
    assert fake.messages[p.CHANNEL_ID][-1]["content"] == "Noted"
    assert fake.messages[fake.dm_channels[p.MEMBER_ID]][-1]["content"] == "Just for you"


async def test_images_are_sent_as_attachments(bot: TrellisClient, fake: FakeDiscord) -> None:
    from bot.core.messages import Image

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    await bot.transport.deliver(
        GUILD, ToChannel(GENERAL), Message((Text("Trust trend"), Image(png, "trust chart")))
    )
    body = fake.messages[p.CHANNEL_ID][-1]["_request"]
    assert body["_files"] == ["files[0]"]
    assert body["attachments"][0]["filename"] == "chart.png"


async def test_a_slow_answer_is_deferred_then_followed_up(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    bot.interactions.deadline = 0.0  # the core is "slower" than the deadline
    token = await harness.command(("help",))
    (answer,) = await harness.answers(token)
    first = fake.callbacks[token][0]
    assert first["type"] == 5 and first["data"]["flags"] == 64  # deferred, ephemeral
    assert "Trellis commands" in text_of(answer)


async def test_a_group_message_goes_to_one_private_thread_with_its_members(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    from bot.core.messages import ToGroup

    group = ToGroup(
        (MemberRef("discord", p.MEMBER_ID), MemberRef("discord", p.OTHER_ID)),
        GENERAL,
        "maths-r1-g1",
    )
    space = await bot.transport.deliver(GUILD, group, Message.text("Welcome, duo"))
    again = await bot.transport.deliver(GUILD, group, Message.text("Still there?"))
    assert space is not None and again == space
    assert list(fake.threads) == [space.external_id]
    assert fake.threads[space.external_id]["name"] == "maths-r1-g1"
    assert fake.thread_members[space.external_id] == [p.MEMBER_ID, p.OTHER_ID]
    assert [m["content"] for m in fake.messages[space.external_id]] == [
        "Welcome, duo",
        "Still there?",
    ]
