"""`trellis demo`: what a person reads after a small run, and that a seed names one run."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.demo.charts import network_map
from bot.demo.console_driver import Post
from bot.demo.population import Options
from bot.demo.runner import digests, run_demo
from bot.network.graph import Interaction, MemberProfile, build_graph

SMALL = Options(members=20, weeks=2, seed=3, same_type_bias=0.9)
PNG = b"\x89PNG\r\n\x1a\n"
CHARTS = ("trust-trend", "network-map", "motivation-mix", "self-assessment")


async def demo_text(out_dir: Path, options: Options = SMALL) -> str:
    out = io.StringIO()
    assert await run_demo(options, out_dir, out) == 0
    return out.getvalue().replace(str(out_dir), "DIR")


async def test_a_small_demo_prints_digests_health_and_alerts_the_same_for_one_seed(
    tmp_path: Path,
) -> None:
    text = await demo_text(tmp_path / "a")

    weeks = text.split("=== Week ")[1:]
    assert [w.partition(":")[0] for w in weeks] == ["1", "2"]
    assert all("*Learning exchange: the whole network*" in week for week in weeks)
    assert "messages" in weeks[0]
    assert "Network health, 2026-01-05 to 2026-01-19" in text
    # Members of one type mostly answering each other is what this alert is for.
    assert "[secondary_networking]" in text
    assert "next step:" in text
    for name in CHARTS:
        assert (tmp_path / "a" / f"{name}.png").read_bytes().startswith(PNG), name
    transcript = (tmp_path / "a" / "transcript.txt").read_text()
    assert "> /trellis join" in transcript
    assert "Points are whole numbers" not in transcript  # every questionnaire was accepted

    again = await demo_text(tmp_path / "b")
    assert again == text
    assert (tmp_path / "b" / "transcript.txt").read_text() == transcript


async def test_members_who_mix_across_types_raise_no_secondary_networking_alert(
    tmp_path: Path,
) -> None:
    text = await demo_text(tmp_path, replace(SMALL, same_type_bias=0.0))

    assert "Network health" in text
    assert "[secondary_networking]" not in text


async def test_talk_posted_concurrently_reads_the_same_as_one_message_at_a_time(
    tmp_path: Path,
) -> None:
    one_at_a_time = io.StringIO()
    assert await run_demo(SMALL, tmp_path / "one", one_at_a_time, talk_chunk=1) == 0
    together = io.StringIO()
    assert await run_demo(SMALL, tmp_path / "all", together, talk_chunk=50) == 0

    def text(out: io.StringIO, folder: str) -> str:
        return out.getvalue().replace(str(tmp_path / folder), "DIR")

    assert text(together, "all") == text(one_at_a_time, "one")
    assert "[secondary_networking]" in text(together, "all")
    # The same ties, so the same network map.
    map_png = "network-map.png"
    assert (tmp_path / "all" / map_png).read_bytes() == (tmp_path / "one" / map_png).read_bytes()


def test_a_digest_split_into_parts_is_printed_whole_without_the_part_markers() -> None:
    posts = [
        Post(
            "general", ("*Learning exchange: the whole network*", "185 messages", "· Part 1 of 2")
        ),
        Post("fractions", ("*Trust pulse: Fractions*",)),
        Post("general", ("*Across boundaries*", "69 of 185 exchanges crossed", "· Part 2 of 2")),
        Post("general", ("Someone else's post",)),
    ]

    assert digests(posts) == [
        "*Learning exchange: the whole network*\n185 messages\n"
        "*Across boundaries*\n69 of 185 exchanges crossed"
    ]


def test_a_big_networks_digest_lists_ten_learnings_and_counts_the_rest() -> None:
    learnings = tuple(f"• “Learning {n}” — member{n}" for n in range(40))
    posts = [Post("general", ("*Learning exchange: the whole network*", *learnings, "*End*"))]

    (text,) = digests(posts)

    assert "Learning 9”" in text
    assert "Learning 10”" not in text
    assert "… and 30 more (in the transcript)\n*End*" in text


def test_the_network_map_of_a_thousand_members_is_drawn(tmp_path: Path) -> None:
    # networkx's spring layout needs scipy from 500 nodes; the demo must not crash there.
    start = datetime(2026, 1, 5, tzinfo=UTC)
    kinds = ("school", "university", "charity", "council")
    members = [MemberProfile(n, f"org{n % 12}", kinds[n % 4]) for n in range(1000)]
    ties = [Interaction(n, (n * 7 + 1) % 1000, "message", start) for n in range(1000)]
    graph = build_graph(ties, members, start=start, end=start + timedelta(days=7))

    path = network_map(graph, 7, tmp_path / "network-map.png")

    assert path.read_bytes().startswith(PNG)
