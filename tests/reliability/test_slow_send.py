"""A send slower than its lease is never repeated by another process, and a process whose
claim was taken over cannot overwrite what the new holder recorded.

Two "processes" share one database (each its own engine and outbox) on both backends; time
is a simulated clock the test moves; the platform is a transport the test holds open."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.messages import Message, Outgoing, ToChannel, ToGroup, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.delivery.in_flight import Bounds
from bot.delivery.outbox import Outbox
from bot.delivery.transport import DeliveryError, delivery_key
from bot.storage.db import Database
from bot.storage.models import OutboxMessage
from bot.storage.repositories import OutboxRepository

KEY = "pulse:7:ben"
# Production bounds; only how often the in-flight watcher looks (real time) is quicker.
BOUNDS = Bounds(poll_seconds=0.001)
BOUND_SECONDS = 30.0


@dataclass
class Platform:
    """What members received, whichever process sent it (a repeat would show twice)."""

    received: list[str] = field(default_factory=list)


class HeldTransport:
    """A platform whose answer the test holds back: `entered` once a send started; the send
    is accepted when `release` is set, or refused when `refuse` is set first."""

    platform = "memory"

    def __init__(self, platform: Platform) -> None:
        self.shared = platform
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.refuse = False

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember | ToGroup, message: Message
    ) -> None:
        self.entered.set()
        await self.release.wait()
        if self.refuse:
            raise DeliveryError("400 channel_not_found")
        self.shared.received.append(str(delivery_key.get()))


class QuickTransport(HeldTransport):
    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.release.set()


@pytest.fixture
async def first(database_url: str, clock: SimulatedClock) -> AsyncIterator[Trellis]:
    async with lifespan(load_settings({"DATABASE_URL": database_url}), clock) as trellis:
        community = await trellis.directory.community(CommunityRef("memory", "test"))
        message = Message.text("This week's pulse is open.")
        await trellis.outbox.put(
            community, Outgoing(message, ToMember(MemberRef("memory", "ben")), KEY)
        )
        yield trellis


@pytest.fixture
async def second_db(database_url: str, first: Trellis) -> AsyncIterator[Database]:
    """Another process's connection to the same database."""
    db = Database(database_url)
    yield db
    await db.dispose()


def outbox(db: Database, clock: SimulatedClock, bounds: Bounds = BOUNDS) -> Outbox:
    return Outbox(OutboxRepository(db, clock), clock, bounds=bounds)


async def row(trellis: Trellis) -> OutboxMessage:
    async with trellis.db.session() as session:
        return (await session.exec(select(OutboxMessage))).one()


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    async def poll() -> None:
        while not await condition():
            await asyncio.sleep(0.001)

    try:
        await asyncio.wait_for(poll(), BOUND_SECONDS)
    except TimeoutError:
        pytest.fail(f"timed out waiting until {what}")


async def lease_renewed(trellis: Trellis, clock: SimulatedClock) -> None:
    """The heartbeat has moved the lease to a full lease from now."""
    target = clock.now() + BOUNDS.lease

    async def renewed() -> bool:
        return (await row(trellis)).next_attempt_at == target

    await until(renewed, "the sender renewed its lease")


async def test_a_send_slower_than_the_lease_is_delivered_exactly_once(
    first: Trellis, second_db: Database, clock: SimulatedClock
) -> None:
    platform = Platform()
    pacing, paced = asyncio.Event(), asyncio.Event()

    async def pacer() -> None:  # a long queue for the platform's pace before the send
        pacing.set()
        await paced.wait()

    sender = outbox(first.db, clock)
    held = HeldTransport(platform)
    sender.attach(held, pacer)
    other = outbox(second_db, clock)
    other.attach(QuickTransport(platform))

    sending = asyncio.create_task(sender.drain())
    await until(lambda: _is_set(pacing), "the sender claimed the message")
    started = clock.now()
    for _ in range(4):  # four minutes waiting for the pace
        clock.advance(timedelta(minutes=1))
        await lease_renewed(first, clock)
        assert await other.drain() == 0
    paced.set()
    await until(lambda: _is_set(held.entered), "the send started")
    # Then a send of 80 seconds: 5 min 20 s in all, past the first lease. The heartbeat
    # renews every 30 s of the clock, so each 30-second step is waited for: a loaded machine
    # may look only after the next step, and then the renewal would land elsewhere.
    for seconds in (30, 30, 20):
        clock.advance(timedelta(seconds=seconds))
        if seconds == 30:
            await lease_renewed(first, clock)
        assert await other.drain() == 0
    assert clock.now() - started > BOUNDS.lease
    assert (await row(first)).next_attempt_at > started + BOUNDS.lease  # still ours
    held.release.set()
    assert await finished(sending) == 1

    clock.advance(timedelta(minutes=10))
    assert await other.drain() == 0
    assert platform.received == [KEY]
    assert (await row(first)).status == "sent"


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


async def finished(sending: asyncio.Task[int]) -> int:
    try:
        return await asyncio.wait_for(sending, BOUND_SECONDS)
    except TimeoutError:
        pytest.fail("the send was never stopped")


async def test_a_send_that_never_answers_is_stopped_well_before_the_lease_and_retried(
    first: Trellis, second_db: Database, clock: SimulatedClock
) -> None:
    platform = Platform()
    sender = outbox(first.db, clock)
    hung = HeldTransport(platform)  # never released: the platform never answers
    sender.attach(hung)
    sending = asyncio.create_task(sender.drain())
    await until(lambda: _is_set(hung.entered), "the send started")
    clock.advance(BOUNDS.send_timeout)
    assert await finished(sending) == 0  # given up on well before the 5-minute lease ran out
    stored = await row(first)
    assert stored.status == "pending" and stored.attempts == 1
    assert stored.last_error is not None and "send timed out" in stored.last_error

    other = outbox(second_db, clock)
    other.attach(QuickTransport(platform))
    clock.advance(timedelta(seconds=2))  # the retry falls due (backoff), not the lease
    assert await other.drain() == 1
    assert await sender.drain() == 0
    assert platform.received == [KEY]
    assert (await row(first)).status == "sent"


async def test_a_sender_that_cannot_renew_stops_before_another_takes_over(
    first: Trellis, second_db: Database, clock: SimulatedClock
) -> None:
    platform = Platform()
    repository = OutboxRepository(first.db, clock)

    async def database_away(*_args: object) -> None:
        raise ConnectionError("connection refused")

    repository.renew = database_away  # type: ignore[method-assign, assignment]
    pacing, paced = asyncio.Event(), asyncio.Event()

    async def pacer() -> None:
        pacing.set()
        await paced.wait()

    sender = Outbox(repository, clock, bounds=BOUNDS)
    sender.attach(HeldTransport(platform), pacer)
    sending = asyncio.create_task(sender.drain())
    await until(lambda: _is_set(pacing), "the sender claimed the message")
    clock.advance(BOUNDS.lease - BOUNDS.margin)
    assert await finished(sending) == 0  # stopped without sending: its lease could not be kept
    paced.set()

    other = outbox(second_db, clock)
    other.attach(QuickTransport(platform))
    assert await other.drain() == 0  # the lease still runs…
    clock.advance(BOUNDS.margin)
    assert await other.drain() == 1  # …and once it ends, another process sends, once
    assert platform.received == [KEY]


async def test_a_process_whose_claim_was_taken_over_cannot_overwrite_the_new_holder(
    first: Trellis, second_db: Database, clock: SimulatedClock
) -> None:
    """A frozen process (no heartbeat: it cannot even look) wakes after another process
    delivered its message; its late failure must not mark a delivered message failed, nor
    tell facilitators it was given up."""
    platform = Platform()
    frozen = outbox(first.db, clock, Bounds(poll_seconds=3600))
    stuck = HeldTransport(platform)
    stuck.refuse = True
    frozen.attach(stuck)
    gave_up: list[str] = []

    async def report(message: OutboxMessage) -> None:
        gave_up.append(message.idempotency_key)

    frozen.on_give_up.append(report)
    sending = asyncio.create_task(frozen.drain())
    await until(lambda: _is_set(stuck.entered), "the send started")

    clock.advance(BOUNDS.lease + timedelta(seconds=1))
    other = outbox(second_db, clock)
    other.attach(QuickTransport(platform))
    assert await other.drain() == 1
    delivered = await row(first)

    stuck.release.set()  # the frozen process wakes up to a refusal
    assert await finished(sending) == 0
    after = await row(first)
    assert (after.status, after.sent_at, after.attempts) == ("sent", delivered.sent_at, 0)
    assert gave_up == []
    assert platform.received == [KEY]


async def test_claims_are_fenced(
    first: Trellis, second_db: Database, clock: SimulatedClock
) -> None:
    """The store's side of it: only the current holder's token records anything."""
    mine = OutboxRepository(first.db, clock)
    theirs = OutboxRepository(second_db, clock)
    message_id = (await row(first)).id
    assert message_id is not None
    token = await mine.claim(message_id, BOUNDS.lease)
    assert token is not None
    assert await theirs.claim(message_id, BOUNDS.lease) is None  # held
    clock.advance(BOUNDS.lease)
    taken: datetime | None = await theirs.claim(message_id, BOUNDS.lease)
    assert taken is not None and taken > token
    assert await mine.renew(message_id, token, BOUNDS.lease) is None
    assert not await mine.mark_sent(message_id, token)
    assert not await mine.mark_failed(message_id, token, "late", None)
    assert await theirs.mark_sent(message_id, taken)
    assert (await row(first)).status == "sent"
