"""The gateway closing under the client (a Discord restart or a network drop): the client
resumes its session and no event sent meanwhile is lost."""

from __future__ import annotations

from bot.adapters.discord.client import TrellisClient
from bot.core.events import MessagePosted
from tests.discord.test_gateway import Seen, chat
from tests.fakes.discord_server import FakeDiscord


async def test_an_abnormal_close_resumes_and_loses_no_events(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    seen = Seen(bot, MessagePosted)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000401", "before"))
    await seen.wait(1)
    assert fake.socket is not None
    socket, fake.socket = fake.socket, None
    await socket.close(code=4000)  # "unknown error": Discord says reconnect and resume
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000402", "while away"))
    await fake.wait_for(lambda: fake.resumes)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000403", "after"))
    events = await seen.wait(3)
    assert sorted(e.text for e in events) == ["after", "before", "while away"]
    assert len(fake.identifies) == 1, "a RESUME, not a new IDENTIFY"
