"""A process SIGKILLed in the middle of a 500-member fan-out loses nothing and, with the
platform dropping repeated keys, delivers nothing twice once it is restarted."""

from __future__ import annotations

import signal
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import Message, Outgoing, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.storage.models import OutboxMessage
from tests.reliability.helpers import (
    Sink,
    environment,
    running_sink,
    set_time,
    start_worker,
    stop,
    wait_until,
)

MEMBERS = 500
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def queue_fan_out(url: str) -> None:
    """What a fan-out job does: one DM per member, each stored with its own key."""
    settings = load_settings({"DATABASE_URL": url})
    async with lifespan(settings, SimulatedClock(START)) as trellis:
        community = await trellis.directory.community(CommunityRef("memory", "test"))
        for n in range(MEMBERS):
            member = MemberRef("memory", f"member{n}")
            message = Message.text(f"Member {n}: this week's pulse is open.")
            await trellis.outbox.put(
                community, Outgoing(message, ToMember(member), f"pulse:1:member{n}")
            )


def sent_count(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "trellis.db")) as db:
        row = db.execute("SELECT count(*) FROM outboxmessage WHERE status = 'sent'").fetchone()
    return int(row[0])


async def outbox_statuses(url: str) -> dict[str, int]:
    settings = load_settings({"DATABASE_URL": url})
    async with lifespan(settings, SimulatedClock(START)) as trellis, trellis.db.session() as s:
        rows = (await s.exec(select(OutboxMessage))).all()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


async def test_sigkill_mid_fan_out_then_restart_delivers_every_message_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/trellis.db"
    clock_file = tmp_path / "now.txt"
    set_time(clock_file, START)
    await queue_fan_out(url)

    sink = Sink(stall_at=200)
    with running_sink(sink) as sink_url:
        env = environment(url, clock_file, sink_url)
        first = start_worker(env, tmp_path)
        # Message 200 reached the platform, but its sender never hears back: kill it there.
        wait_until(sink.stalled.is_set, "the fan-out to reach member 200")
        first.process.send_signal(signal.SIGKILL)
        assert first.process.wait(timeout=30) == -signal.SIGKILL
        assert len(sink.delivered()) == 200

        second = start_worker(env, tmp_path)  # the SQLite lock died with the first process
        wait_until(lambda: len(sink.counts()) >= MEMBERS, "the rest of the fan-out")
        # The message held when the process died is leased; once the lease ends, it is
        # sent again, and the platform drops the repeat by its key.
        set_time(clock_file, START + timedelta(minutes=6))
        wait_until(lambda: sent_count(tmp_path) == MEMBERS, "every message marked sent")
        logs = stop(second)

    delivered = sink.delivered()
    assert sorted(delivered) == sorted(f"pulse:1:member{n}" for n in range(MEMBERS))
    for n in range(MEMBERS):
        post = delivered[f"pulse:1:member{n}"]
        assert post["target"]["member"]["external_id"] == f"member{n}"
    repeats = {key: count for key, count in sink.counts().items() if count > 1}
    assert repeats == {"pulse:1:member199": 2}  # only the one in flight at the kill
    assert await outbox_statuses(url) == {"sent": MEMBERS}
    assert "Traceback" not in logs
