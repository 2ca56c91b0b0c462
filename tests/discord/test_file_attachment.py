"""A neutral file (a member's export) reaches Discord as an attachment of their DM."""

from __future__ import annotations

from bot.adapters.discord.client import TrellisClient
from bot.adapters.discord.translate import community
from bot.core.messages import File, Message, Text, ToMember
from bot.core.refs import MemberRef
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p


async def test_a_file_is_sent_as_an_attachment_of_the_dm(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    export = File("trellis-export.json", b'{"member": {}}', "application/json", "Your data")
    await bot.transport.deliver(
        community(int(p.GUILD_ID)),
        ToMember(MemberRef("discord", p.MEMBER_ID)),
        Message((Text("Here is everything Trellis stores about you."), export)),
    )
    channel = fake.dm_channels[p.MEMBER_ID]
    body = fake.messages[channel][-1]["_request"]
    assert body["_files"] == ["files[0]"]
    (attached,) = body["attachments"]
    assert attached["filename"] == "trellis-export.json"
    assert attached["description"] == "Your data"
