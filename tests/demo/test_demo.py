"""`trellis demo`: what a person reads after a small run, and that a seed names one run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.demo.population import Options
from bot.demo.runner import run_demo

SMALL = Options(members=20, weeks=2, seed=3, same_type_bias=0.9)
PNG = b"\x89PNG\r\n\x1a\n"


async def demo_text(out_dir: Path, options: Options = SMALL) -> str:
    out = io.StringIO()
    assert await run_demo(options, out_dir, out) == 0
    return out.getvalue()


@pytest.mark.asyncio
async def test_a_small_demo_prints_weekly_digests_the_health_report_and_alerts(
    tmp_path: Path,
) -> None:
    text = await demo_text(tmp_path / "a")

    assert "=== Week 1: the network digest in #general ===" in text
    assert "=== Week 2: the network digest in #general ===" in text
    weeks = text.split("=== Week ")[1:]
    assert all("*Learning exchange: the whole network*" in week for week in weeks)
    assert "messages" in weeks[0]
    assert "Network health, 2026-01-05 to 2026-01-19" in text
    # Members of one type mostly answering each other is what the alert is for.
    assert "[secondary_networking]" in text
    assert "next step:" in text
    for name in ("trust-trend", "network-map", "motivation-mix", "self-assessment"):
        png = tmp_path / "a" / f"{name}.png"
        assert png.read_bytes().startswith(PNG), name
    assert "/trellis join" in (tmp_path / "a" / "transcript.txt").read_text()


@pytest.mark.asyncio
async def test_the_same_seed_gives_the_same_text(tmp_path: Path) -> None:
    first = await demo_text(tmp_path / "x")
    second = await demo_text(tmp_path / "y")

    assert first.replace(str(tmp_path / "x"), "DIR") == second.replace(str(tmp_path / "y"), "DIR")
    assert (tmp_path / "x" / "transcript.txt").read_bytes() == (
        tmp_path / "y" / "transcript.txt"
    ).read_bytes()
