"""Messages arriving together are stored together (group commit): every one of them is kept,
a redelivery is still skipped exactly once, thread ties see earlier posts of the same group,
and one message that fails does not lose the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import func, select

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.context import Context
from bot.core.events import MessagePosted
from bot.core.messages import Outgoing
from bot.core.ports import SimulatedClock
from bot.core.refs import MemberRef
from bot.storage.models.exchange import Activity
from bot.storage.models.health import NetworkInteraction


@pytest.fixture
async def app(database_url: str, clock: SimulatedClock) -> AsyncIterator[Trellis]:
    async with lifespan(load_settings({"DATABASE_URL": database_url}), clock) as trellis:
        yield trellis


def posted(
    community: MemoryCommunity, by: str, n: int, *, to: str = "bo", thread: str | None = None
) -> MessagePosted:
    return MessagePosted(
        community=community.community,
        actor=community.actor(by),
        channel=community.channel("general"),
        text="words",
        message_id=f"m{n}",
        event_id=f"ev{n}",
        reply_to=MemberRef("memory", to),
        thread_id=thread,
    )


async def count(app: Trellis, model: type[Activity] | type[NetworkInteraction]) -> int:
    async with app.db.session() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_concurrent_messages_are_all_stored_and_redeliveries_skipped(app: Trellis) -> None:
    community = MemoryCommunity(app)
    await community.send(posted(community, "bo", 0, to="al"))  # bo and al exist
    events = [posted(community, f"p{n % 7}", n) for n in range(1, 41)]
    # Each event twice in one burst (a platform retrying at once), and again afterwards.
    await asyncio.gather(*(app.handle(e) for e in events + events))
    await asyncio.gather(*(app.handle(e) for e in events[:10]))
    assert await count(app, Activity) == 41
    assert await count(app, NetworkInteraction) == 41


async def test_a_thread_tie_sees_earlier_posts_of_the_same_group(app: Trellis) -> None:
    community = MemoryCommunity(app)
    await community.send(posted(community, "bo", 0, to="al"))
    await asyncio.gather(
        *(app.handle(posted(community, n, i, to="al", thread="t1")) for i, n in enumerate("xyz", 1))
    )
    async with app.db.session() as session:
        kinds = (await session.exec(select(NetworkInteraction.kind))).all()
    # y is tied to x, z to x and y: posts stored a moment earlier in the same transaction.
    assert kinds.count("thread") == 3


async def test_one_failing_message_does_not_lose_the_others(app: Trellis) -> None:
    community = MemoryCommunity(app)
    await community.send(posted(community, "bo", 0, to="al"))

    async def breaks_on_m13(ctx: Context[MessagePosted]) -> list[Outgoing]:
        if ctx.event.message_id == "m13":
            raise RuntimeError("a bug in one listener")
        return []

    app.registry.listen(MessagePosted, breaks_on_m13)
    replies = await asyncio.gather(
        *(app.handle(posted(community, f"p{n % 5}", n)) for n in range(10, 20))
    )
    failed = [r for r in replies if r]
    assert len(failed) == 1 and "Something went wrong" in failed[0][0].message.plain_text()
    # All ten ties are kept: the group was rolled back and each message stored on its own
    # (the failing one's earlier listeners, as before group commit, had stored its tie).
    assert await count(app, NetworkInteraction) == 1 + 10
    assert await count(app, Activity) == 1 + 10
    await app.handle(posted(community, "p0", 10))  # a redelivery of a stored one: skipped
    assert await count(app, Activity) == 1 + 10
