"""A member who floods commands is slowed down, with a short message; others are not."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlmodel import func, select

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.storage.models import CommandUse

LIMITED = "commands in the last minute"


async def texts(community: MemoryCommunity, by: str) -> str:
    return " ".join(r.message.plain_text() for r in await community.command("help", by=by))


async def test_twenty_per_minute_then_a_clear_message(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    for _ in range(20):
        assert LIMITED not in await texts(community, "ana")
    refused = await texts(community, "ana")
    assert "You have run 20 commands in the last minute; please wait" in refused
    assert LIMITED not in await texts(community, "bea")  # per member
    clock.advance(timedelta(seconds=59))
    assert LIMITED in await texts(community, "ana")
    clock.advance(timedelta(seconds=2))
    assert LIMITED not in await texts(community, "ana")


async def test_a_burst_sent_at_once_still_gets_only_twenty(community: MemoryCommunity) -> None:
    """Commands arriving together are counted together: the batch counts its own earlier
    commands too, so 25 at once from one member run 20 and refuse 5; another member's
    commands in the same burst are unaffected."""
    burst = [texts(community, "ana") for _ in range(25)] + [texts(community, "bea")]
    answers = await asyncio.gather(*burst)
    assert sum(LIMITED in answer for answer in answers[:25]) == 5
    assert LIMITED not in answers[25]


async def test_buttons_are_not_limited(community: MemoryCommunity) -> None:
    for _ in range(20):
        await texts(community, "ana")
    from bot.core.events import ActionChosen

    replies = await community.send(
        ActionChosen(
            community=community.community, actor=community.actor("ana"), action_id="home.pause"
        )
    )
    assert all(LIMITED not in r.message.plain_text() for r in replies)


async def test_rate_is_configurable(tmp_path: Path, clock: SimulatedClock) -> None:
    settings = load_settings(
        {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db", "TRELLIS_COMMAND_RATE": "3"}
    )
    async with lifespan(settings, clock) as app:
        community = MemoryCommunity(app)
        for _ in range(3):
            assert LIMITED not in await texts(community, "ana")
        assert "You have run 3 commands" in await texts(community, "ana")


def test_the_console_is_not_limited_unless_asked(tmp_path: Path) -> None:
    """Its clock moves only with `:advance`, so a long scripted run must not lock itself out."""
    from tests.adapters.test_console import run_console

    script = "/trellis help\n" * 25
    assert LIMITED not in run_console(script, tmp_path).stdout
    (tmp_path / "console.db").unlink()
    limited = run_console(script, tmp_path, TRELLIS_COMMAND_RATE="20").stdout
    assert limited.count(LIMITED) == 5


async def test_the_limit_holds_across_processes_sharing_one_database(
    database_url: str, clock: SimulatedClock
) -> None:
    """Two Trellis instances on one database (as two processes behind a load balancer): a
    member alternating between them still gets only `per_minute` commands."""
    settings = load_settings({"DATABASE_URL": database_url, "TRELLIS_COMMAND_RATE": "4"})
    async with lifespan(settings, clock) as first, lifespan(settings, clock) as second:
        one, two = MemoryCommunity(first), MemoryCommunity(second)
        for community in (one, two, one, two):
            assert LIMITED not in await texts(community, "ana")
        assert "You have run 4 commands" in await texts(two, "ana")
        assert "You have run 4 commands" in await texts(one, "ana")
        assert LIMITED not in await texts(one, "bea")  # still per member
        clock.advance(timedelta(seconds=61))
        assert LIMITED not in await texts(two, "ana")


async def test_the_count_keeps_only_about_a_minute_of_rows(
    community: MemoryCommunity, clock: SimulatedClock, trellis: Trellis
) -> None:
    """A busy member over a long day does not grow the table without end."""
    for _ in range(70):
        assert LIMITED not in await texts(community, "ana")
        clock.advance(timedelta(seconds=10))
    async with trellis.db.session() as session:
        rows = (await session.exec(select(func.count()).select_from(CommandUse))).one()
    assert rows < 20
