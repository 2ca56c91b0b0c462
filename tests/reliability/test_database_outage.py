"""PostgreSQL restarted mid-run: Trellis keeps running, logs the outage, and afterwards runs
the scheduled work that fell due during it and delivers its messages, once each.

The shared server cannot be restarted from a test, so Trellis reaches a database of this
test's own through a loopback TCP proxy that the test cuts (every connection dropped, new
ones refused) and restores: what a restart looks like from the client's side."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.adapters.memory import MemoryCommunity
from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import Message, Outbound, Outgoing, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef
from bot.delivery.transport import delivery_key
from bot.scheduling.live import wake_up
from tests.community.helpers import Network
from tests.reliability.tcp_proxy import TcpProxy
from tests.reliability.test_postgres_workers import START, own_database

__all__ = ["own_database"]  # the fixture: a database of this test's own, dropped after
TICK = 0.02
BOUND = 30.0


async def until(condition: Callable[[], bool], what: str) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(TICK)

    try:
        await asyncio.wait_for(poll(), BOUND)
    except TimeoutError:
        pytest.fail(f"timed out waiting until {what}")


def pairing(network: Network) -> list[str]:
    return [d.text for d in network.dms("ben") if "Your pairing is ready." in d.text]


async def test_a_database_restart_loses_no_scheduled_work_and_no_message(
    own_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    real = make_url(own_database)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    through_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    clock = SimulatedClock(START)  # Monday 09:00
    caplog.set_level(logging.INFO, logger="bot.scheduling.live")
    async with lifespan(load_settings({"DATABASE_URL": through_proxy}), clock) as trellis:
        network = Network(trellis, MemoryCommunity(trellis), clock)
        await network.container_with(["ben", "cleo"])
        await network.run(
            "prompt schedule --every week --day tue --at 09:00 --purpose practice", by="ana"
        )
        before = len(network.posts())
        # A DM waiting in the outbox when the database goes away.
        community = await trellis.directory.community(network.community.community)
        waiting = Outgoing(
            Message.text("Your pairing is ready."),
            ToMember(network.community.actor("ben").ref),
            idempotency_key="outage-test-dm",
        )
        await trellis.outbox.put(community, waiting)
        await proxy.cut()
        async with wake_up(trellis, TICK):
            clock.advance(timedelta(days=1, minutes=1))  # the prompt falls due in the outage
            await until(
                lambda: any("still failing" in r.getMessage() for r in caplog.records),
                "the live loop has failed at least two ticks",
            )
            assert len(network.posts()) == before  # nothing could run without the database
            assert not pairing(network)
            await proxy.restore()
            await until(lambda: len(network.posts()) > before, "the due prompt was posted")
            await until(lambda: bool(pairing(network)), "the waiting DM was delivered")
            clock.advance(timedelta(minutes=5))
            await until(
                lambda: any("recovered" in r.getMessage() for r in caplog.records),
                "the loop logged its recovery",
            )
        assert len(network.posts()) - before == 1  # run once, delivered once
        assert len(pairing(network)) == 1
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.scheduling.live"]
    assert messages[0].startswith("scheduled work or outbox retry failed")
    assert caplog.records[0].exc_info is not None  # the first failure carries its traceback
    assert any("recovered after" in m for m in messages)
    await proxy.cut()


class HeldDm:
    """The platform, with one DM (`key`) answered only once the test says so."""

    platform = "memory"

    def __init__(self, inner: MemoryCommunity, key: str) -> None:
        self.inner, self.key = inner, key
        self.entered, self.release = asyncio.Event(), asyncio.Event()

    async def deliver(self, community: CommunityRef, target: Outbound, message: Message) -> None:
        if delivery_key.get() == self.key:
            self.entered.set()
            await self.release.wait()
        await self.inner.deliver(community, target, message)  # type: ignore[arg-type]


async def test_a_database_restart_in_the_middle_of_a_send_and_of_a_run_repeats_neither(
    own_database: str,
) -> None:
    real = make_url(own_database)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    through_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    clock = SimulatedClock(START)
    async with lifespan(load_settings({"DATABASE_URL": through_proxy}), clock) as trellis:
        network = Network(trellis, MemoryCommunity(trellis), clock)
        await network.container_with(["ben", "cleo"])
        community = await trellis.directory.community(network.community.community)
        ben = ToMember(network.community.actor("ben").ref)

        # A send in flight when the database goes: the platform has the DM, the row is not
        # yet marked sent. Once the database is back, the send is recorded, not repeated.
        held = HeldDm(network.community, "outage-send")
        trellis.outbox.attach(held)
        await trellis.outbox.put(
            community, Outgoing(Message.text("Your pairing is ready."), ben, "outage-send")
        )
        sending = asyncio.create_task(trellis.outbox.drain())
        await until(held.entered.is_set, "the DM is being sent")
        await proxy.cut()
        held.release.set()
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
            await asyncio.wait_for(sending, BOUND)
        assert len(pairing(network)) == 1
        await proxy.restore()
        await trellis.outbox.drain()
        clock.advance(timedelta(minutes=10))  # long past the send's lease
        await trellis.outbox.drain()
        assert len(pairing(network)) == 1

        # A scheduled run in the middle of its transaction when the database goes: nothing
        # of it is kept, and it runs once when its lease has ended.
        entered, gate = asyncio.Event(), asyncio.Event()

        async def weekly(payload: dict[str, Any], due: datetime) -> None:
            await trellis.outbox.put(
                community, Outgoing(Message.text(f"Weekly note {due:%d %b}"), ben, f"note:{due}")
            )
            entered.set()
            await gate.wait()
            following = due + timedelta(weeks=1)
            await trellis.scheduler.plan(f"note:{following}", "test.note", following, {})

        trellis.scheduler.job("test.note", weekly)
        due = clock.now() + timedelta(minutes=1)
        await trellis.scheduler.plan(f"note:{due}", "test.note", due, {})
        clock.advance(timedelta(minutes=2))
        running = asyncio.create_task(trellis.scheduler.run_due())
        await until(entered.is_set, "the weekly run is under way")
        await proxy.cut()
        gate.set()
        with pytest.raises(Exception):  # noqa: B017
            await asyncio.wait_for(running, BOUND)
        await proxy.restore()
        clock.advance(timedelta(minutes=6))
        assert await trellis.scheduler.run_due() == 1
        await trellis.scheduler.advance(clock, timedelta(weeks=1))
        notes = [d.text for d in network.dms("ben") if "Weekly note" in d.text]
        assert notes == [
            f"Weekly note {due:%d %b}",
            f"Weekly note {due + timedelta(weeks=1):%d %b}",
        ]
    await proxy.cut()
