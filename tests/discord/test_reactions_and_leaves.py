"""Reactions carry the reacted message's text (from the cache, else one REST fetch), so a
💡 becomes a learning; a replayed member-leave does nothing twice."""

from __future__ import annotations

from bot.adapters.discord.client import TrellisClient
from bot.core.events import MemberLeft, ReactionAdded
from tests.discord.care import as_message, click, components, container, dms, run
from tests.discord.conftest import MEMBER, OTHER, Harness, text_of
from tests.discord.test_gateway import Seen
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p


def chat(message_id: str, text: str) -> dict[str, object]:
    return dict(p.message(message_id, MEMBER["user"], text, author_member=MEMBER))


async def test_a_bulb_on_a_cached_message_becomes_a_learning_with_consent(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    await fake.dispatch("MESSAGE_CREATE", chat("980000000000000101", "Bar models @everyone work"))
    before = len(fake.requests)
    await fake.dispatch(
        "MESSAGE_REACTION_ADD", p.reaction_add(OTHER, "980000000000000101", p.MEMBER_ID, "💡")
    )
    asked = await fake.wait_for(lambda: components(dms(fake, p.MEMBER_ID), "t:b:exchange.consent"))
    assert not [r for r in fake.requests[before:] if "/messages/98" in r.path]  # from the cache
    source, consent = asked[0]
    assert "Bar models @\u200beveryone work" in source["content"]
    token = await click(harness, as_message(source, source["channel_id"]), consent["custom_id"])
    (answer,) = await harness.answers(token)
    assert "with your name" in text_of(answer)
    (preview,) = await harness.answers(await run(harness, ("digest", "preview")))
    assert "Bar models" in text_of(preview)


async def test_a_reaction_on_an_older_message_fetches_it_once(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    seen = Seen(bot, ReactionAdded)
    fake.remember(p.CHANNEL_ID, chat("980000000000000202", "Older idea"))
    for reactor in (OTHER, p.member(p.user(p.OWNER_ID, "olive"))):
        await fake.dispatch(
            "MESSAGE_REACTION_ADD", p.reaction_add(reactor, "980000000000000202", p.MEMBER_ID)
        )
    events = await seen.wait(2)
    assert [e.message_text for e in events] == ["Older idea", "Older idea"]
    fetches = [r for r in fake.requests if r.path.endswith("/messages/980000000000000202")]
    assert len(fetches) == 1


async def test_a_reaction_on_a_message_that_is_gone_still_counts(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    seen = Seen(bot, ReactionAdded)
    await fake.dispatch(
        "MESSAGE_REACTION_ADD", p.reaction_add(OTHER, "980000000000000303", p.MEMBER_ID)
    )
    (event,) = await seen.wait(1)
    assert event.message_text == "" and event.message_author.external_id == p.MEMBER_ID


async def test_a_replayed_leave_is_handled_once(bot: TrellisClient, fake: FakeDiscord) -> None:
    seen = Seen(bot, MemberLeft)
    gone = p.member(p.user("920000000000000060", "ola"))
    await fake.dispatch("GUILD_MEMBER_ADD", p.member_add(gone))
    for _ in range(2):  # Discord replays dispatches after a RESUME
        await fake.dispatch("GUILD_MEMBER_REMOVE", p.member_remove(gone["user"]))
    await seen.wait(1)
    await bot.trellis.outbox.drain()
    import asyncio

    await asyncio.sleep(0.2)  # let a second (wrongly repeated) dispatch reach the core
    assert len(seen.events) == 1
    assert seen.events[0].event_id.startswith(f"leave:{p.GUILD_ID}:920000000000000060:")
