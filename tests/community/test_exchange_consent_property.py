"""Property: whatever each author chooses, a learning whose author declined (or has not
answered) never appears in any digest, and an anonymous one never carries a name."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import Buttons
from bot.core.ports import SimulatedClock
from bot.storage import migrate
from bot.storage.db import Database
from tests.community.exchange_helpers import click, pod, react, text_of

CHOICES = st.lists(
    st.sampled_from(["named", "anonymous", "declined", None]), min_size=1, max_size=6
)


TEMPLATE = Path(tempfile.mkdtemp()) / "template.db"


async def migrated_template() -> None:
    """Migrate once; every example starts from a copy (migrating is the slow part)."""
    if TEMPLATE.exists():
        return
    database = Database(f"sqlite+aiosqlite:///{TEMPLATE}")
    try:
        await migrate.upgrade(database)
    finally:
        await database.dispose()


async def scenario(choices: list[str | None], folder: str) -> None:
    await migrated_template()
    shutil.copy(TEMPLATE, f"{folder}/p.db")
    clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{folder}/p.db"})
    async with lifespan(settings, clock) as trellis:
        community = MemoryCommunity(trellis)
        await pod(community)
        authors = [f"author{i}" for i in range(len(choices))]
        for i, (author, choice) in enumerate(zip(authors, choices, strict=True)):
            await react(community, "ana", author, f"LEARNING-{i}-TEXT", message_id=f"m{i}")
            if choice is None:
                continue
            (asked,) = community.dms_to(author)
            buttons = next(b for b in asked.message.blocks if isinstance(b, Buttons))
            value = next(b.value for b in buttons.buttons if b.value.endswith(choice))
            await click(community, author, "exchange.consent", value)
        clock.advance(timedelta(hours=1))
        container = text_of(await community.command("digest preview", by="ana", channel="maths"))
        network = text_of(
            await community.command("digest preview --for network", by="ana", channel="maths")
        )
        for digest in (container, network):
            public = digest.split("Facilitator digest")[0]
            for i, (author, choice) in enumerate(zip(authors, choices, strict=True)):
                line = next((x for x in public.splitlines() if f"LEARNING-{i}-TEXT" in x), None)
                if choice in (None, "declined"):
                    assert line is None, (choices, digest)
                elif choice == "anonymous":
                    assert line is not None and author not in line and "a member" in line
                else:
                    assert line is not None and line.endswith(f"— {author}")
            # No quoted name for anyone who did not choose to be named.
            for author, choice in zip(authors, choices, strict=True):
                if choice != "named":
                    assert author not in public


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHOICES)
def test_declined_or_unanswered_learnings_never_appear(choices: list[str | None]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(choices, folder))
