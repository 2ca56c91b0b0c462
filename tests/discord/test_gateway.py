"""Gateway events through the real client: replies feed the interaction graph, reactions,
joins and leaves arrive, and RECONNECT/RESUME and INVALID_SESSION lose nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.adapters.discord.client import TrellisClient
from bot.core.context import Context
from bot.core.events import Event, MemberJoined, MemberLeft, MessagePosted, ReactionAdded
from bot.core.messages import Outgoing
from tests.discord.conftest import MEMBER, OTHER
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p


class Seen:
    """A test listener: remembers the events the core received."""

    def __init__(self, bot: TrellisClient, *types: type[Event]) -> None:
        self.events: list[Any] = []
        self.changed = asyncio.Event()
        for event_type in types:
            bot.trellis.registry.listen(event_type, self.listener)

    async def listener(self, ctx: Context[Any]) -> list[Outgoing]:
        self.events.append(ctx.event)
        self.changed.set()
        return []

    async def wait(self, count: int, timeout: float = 5.0) -> list[Any]:
        async def until() -> None:
            while len(self.events) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), timeout)
        return self.events


def chat(message_id: str, text: str, **kw: Any) -> dict[str, Any]:
    return dict(p.message(message_id, MEMBER["user"], text, author_member=MEMBER, **kw))


async def test_a_reply_reaches_the_core_with_reply_to(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    seen = Seen(bot, MessagePosted)
    original = p.message("980000000000000001", OTHER["user"], "Anyone tried peer review?")
    await fake.dispatch(
        "MESSAGE_CREATE",
        chat("980000000000000002", "Yes, it worked", reply_to=original, mentions=[OTHER["user"]]),
    )
    (event,) = await seen.wait(1)
    assert event.reply_to.external_id == p.OTHER_ID
    assert event.actor.ref.external_id == p.MEMBER_ID
    assert event.mentioned[0].external_id == p.OTHER_ID
    assert event.text == "Yes, it worked" and event.channel.external_id == p.CHANNEL_ID
    assert event.event_id == "message:980000000000000002"


async def test_reactions_joins_and_leaves(bot: TrellisClient, fake: FakeDiscord) -> None:
    seen = Seen(bot, ReactionAdded, MemberJoined, MemberLeft)
    await fake.dispatch(
        "MESSAGE_REACTION_ADD", p.reaction_add(OTHER, "980000000000000009", p.MEMBER_ID)
    )
    newcomer = p.member(p.user("920000000000000050", "nia"))
    await fake.dispatch("GUILD_MEMBER_ADD", p.member_add(newcomer))
    await fake.dispatch("GUILD_MEMBER_REMOVE", p.member_remove(newcomer["user"]))
    events = await seen.wait(3)  # handled concurrently: order is not guaranteed
    (reaction,) = [e for e in events if isinstance(e, ReactionAdded)]
    (joined,) = [e for e in events if isinstance(e, MemberJoined)]
    (left,) = [e for e in events if isinstance(e, MemberLeft)]
    assert reaction.message_author.external_id == p.MEMBER_ID
    assert reaction.actor.ref.external_id == p.OTHER_ID and reaction.emoji == "👍"
    assert joined.actor.ref.external_id == "920000000000000050"
    assert left.actor.ref.external_id == "920000000000000050"


async def test_reconnect_then_resume_loses_no_events(bot: TrellisClient, fake: FakeDiscord) -> None:
    seen = Seen(bot, MessagePosted)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000101", "before"))
    await seen.wait(1)
    await fake.reconnect()
    # Sent while the client is away: the fake replays them on RESUME.
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000102", "during 1"))
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000103", "during 2"))
    await fake.wait_for(lambda: fake.resumes)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000104", "after"))
    events = await seen.wait(4)
    assert sorted(e.text for e in events) == ["after", "before", "during 1", "during 2"]
    assert fake.resumes[0]["session_id"] == "session-1"
    assert len(fake.identifies) == 1, "a RESUME, not a new IDENTIFY"


async def test_invalid_session_identifies_again(bot: TrellisClient, fake: FakeDiscord) -> None:
    seen = Seen(bot, MessagePosted)
    await fake.invalidate(resumable=False)
    await fake.wait_for(lambda: len(fake.identifies) == 2 and fake.ready_sockets == 2)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000201", "new session"))
    (event,) = await seen.wait(1)
    assert event.text == "new session"


async def test_a_redelivered_message_is_processed_once(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    seen = Seen(bot, MessagePosted)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000301", "once"))
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000301", "once"))
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000302", "twice"))
    events = await seen.wait(2)
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000303", "thrice"))
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000304", "four"))
    events = await seen.wait(4)
    assert sorted(e.text for e in events) == ["four", "once", "thrice", "twice"]


async def test_bots_own_messages_are_ignored(bot: TrellisClient, fake: FakeDiscord) -> None:
    seen = Seen(bot, MessagePosted)
    await fake.dispatch(
        "MESSAGE_CREATE",
        dict(p.message("980000000000000401", p.user(p.BOT_ID, "trellis", bot=True), "me")),
    )
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000402", "member"))
    events = await seen.wait(1)
    assert [e.text for e in events] == ["member"]
