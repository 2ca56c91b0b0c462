"""The scripted console run of docs/checkins.md, driven as a person would pipe it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.app import lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from tests.adapters.test_console import run_console
from tests.community.checkin_helpers import join

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "checkins.md"
# The console subprocess must run this tree's `bot`, whatever the venv has installed.
ENV = {"TRELLIS_CONSOLE_START": "2026-03-06T08:00Z", "PYTHONPATH": str(ROOT)}


def script(name: str) -> str:
    """The lines of the doc's code block marked `<!-- script: NAME -->`."""
    match = re.search(rf"<!-- script: {name} -->\n```text\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert match, f"no script {name} in {DOC}"
    return match.group(1)


async def seed_members(database: Path) -> None:
    """Stand-in for `/trellis join` (issue 5): ben and caro join the #maths container."""
    clock = SimulatedClock(datetime(2026, 3, 6, 8, 0, tzinfo=UTC))
    settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{database}"})
    async with lifespan(settings, clock) as trellis:
        community = await trellis.directory.community(CommunityRef("console", "local"))
        for name in ("ben", "caro"):
            member = await trellis.directory.find_member(community, MemberRef("console", name))
            assert member is not None
            await join(trellis, "maths", member.id, clock.now())


def test_the_documented_round_from_schedule_to_summary(tmp_path: Path) -> None:
    setup = run_console(script("setup"), tmp_path, **ENV)
    assert setup.returncode == 0, setup.stderr
    asyncio.run(seed_members(tmp_path / "console.db"))
    out = run_console(script("round"), tmp_path, **ENV)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Traceback" not in text + out.stderr
    assert "Every Monday at 09:00, in each member's own time zone." in text
    assert "Next round (your time): Mon 9 Mar 09:00 (Europe/Lisbon)" in text
    # Each member is asked at nine on their own clock.
    assert "Open until Thu 12 Mar 22:00 (Asia/Tokyo)" in text
    assert "Open until Thu 12 Mar 09:00 (America/New_York)" in text
    assert text.count("[Reflect now]  :click checkin.reflect 1") == 4  # 3 check-ins, 1 reminder
    assert "Saved 3 answer(s) to the Maths leads check-in" in text
    assert "Answer 1 — who sees it now: The container, with my name." in text
    # The summary goes to the facilitator alone, with the rate, who is missing and themes.
    summary = text[text.index("[@ana] Trellis (direct message):\n  *Check-in closed") :]
    assert "Answered: 2 of 3 (67%)" in summary and "Not answered: ana" in summary
    assert "Frequent themes: feedback (2)" in summary
    # The channel sees only what was shared with the whole container.
    post = text[text.index("[#maths] Trellis:\n  *Shared from the check-in") :]
    post = post[: post.index("-- clock is now")]
    assert "We tried fraction walls" in post
    assert "Feedback came too late" not in post and "I doubt myself" not in post
    # The facilitator reads what was shared with facilitators; ben's private answer stays his.
    shared = text[text.rindex("*Shared with you:") :]
    assert "Peer feedback on fractions worked well" in shared
    assert "I doubt myself" not in shared
    assert text.count("I doubt myself") == 2  # echoed input, and ben's own reflections
