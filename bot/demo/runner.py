"""Runs the demo: a temporary SQLite file, the real core, a simulated clock, W weeks.

Output (digests, report, alerts) goes to `out`; the progress bar goes to stderr, so the
text output of one seed is the same on every run.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.adapters.console import COMMUNITY
from bot.app import lifespan
from bot.community import trust
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.demo import analysis, charts
from bot.demo.behaviour import REASONS, TALK_CHUNK, answer, set_up, talk
from bot.demo.console_driver import DemoConsole, Driver, Post
from bot.demo.population import TYPES, Options, people
from bot.storage.demo_repository import DemoRepository

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday morning
# A week in three steps (Mon-Wed, Wed-Fri, Fri-Mon): members talk, the clock moves, members
# answer what arrived. Check-ins (open Mon-Thu) and pulses (open 3 days) get answered in time.
STEPS = (2, 2, 3)


@contextmanager
def progress(total: int, enabled: bool, unit: str, desc: str) -> Iterator[Callable[[int], object]]:
    """A tqdm bar on stderr for long runs, as a function moving it on; a no-op (and no tqdm
    import) when disabled."""
    if not enabled:
        yield lambda _: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, desc=desc, file=sys.stderr) as bar:
        yield bar.update


def scratch() -> str | None:
    """Memory-backed when the system has one (/dev/shm): the same SQLite code, without
    waiting on a disk flush for every commit of a throw-away database."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


LIST_KEPT = 10  # items of a digest's list printed; the rest are counted
PART = re.compile(r"^· Part (\d+) of (\d+)$")


def digests(posts: list[Post]) -> list[str]:
    """The network digests among `posts`, each with the parts a long digest was split into
    (they follow it in #general, marked "Part i of n"), printed as one text."""
    found: list[list[str]] = []
    expected = 0  # parts still to come for the digest being read
    for post in posts:
        if post.channel != "general":
            continue
        if post.text.startswith("*Learning exchange"):
            found.append([])
        elif not expected:
            continue
        marker = PART.match(post.lines[-1]) if post.lines else None
        found[-1] += post.lines[:-1] if marker else post.lines
        expected = int(marker.group(2)) - int(marker.group(1)) if marker else 0
    return ["\n".join(summarised(lines)) for lines in found]


def summarised(lines: list[str], keep: int = LIST_KEPT) -> list[str]:
    """Long lists (a learning per line, for a big network) cut to their first `keep` items
    and a count: a thousand members' digest stays readable; the transcript has it all."""
    result: list[str] = []
    run = 0
    for line in lines:
        if line.startswith("• "):
            run += 1
            if run <= keep:
                result.append(line)
            continue
        result += [f"… and {run - keep} more (in the transcript)"] if run > keep else []
        run = 0
        result.append(line)
    return result + ([f"… and {run - keep} more (in the transcript)"] if run > keep else [])


async def run_demo(
    options: Options,
    out_dir: Path,
    out: TextIO = sys.stdout,
    *,
    show_progress: bool = False,
    talk_chunk: int = TALK_CHUNK,
) -> int:
    rng = random.Random(options.seed)
    everyone = people(options, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trellis-demo-", dir=scratch()) as folder:
        settings = load_settings(
            {"DATABASE_URL": f"sqlite+aiosqlite:///{folder}/demo.db", "TRELLIS_TIMEZONE": "UTC"}
        )
        clock = SimulatedClock(START)
        async with lifespan(settings, clock, inline_sqlite=True) as trellis:
            console = DemoConsole(trellis, clock)
            driver = Driver(console)
            out.write(
                f"Trellis demo: {len(everyone)} members of {options.organisations} organisations "
                f"({', '.join(TYPES)}), {options.weeks} weeks from {START:%a %d %b %Y}, "
                f"seed {options.seed}, same-type bias {options.same_type_bias:.2f}\n\n"
            )
            with progress(len(everyone), show_progress, "member", "joining") as joined:
                await set_up(driver, everyone, rng, joined)
            trust_by_week: list[float | None] = []
            repository = DemoRepository(trellis.db)
            with progress(options.weeks * 7, show_progress, "day", "simulating") as simulated:
                for week in range(options.weeks):
                    seen_posts = len(console.posts)
                    for days in STEPS:
                        await talk(driver, everyone, days, options.same_type_bias, rng, talk_chunk)
                        await driver.line(f":advance {days}d")
                        for person in everyone:
                            await answer(driver, person, rng)
                        simulated(days)
                    out.write(f"=== Week {week + 1}: the network digest in #general ===\n")
                    for text in digests(console.posts[seen_posts:]) or ["(no digest posted)"]:
                        out.write(text + "\n")
                    out.write("\n")
                    trust_by_week.append(await weekly_trust(repository, clock.now()))
            community = await trellis.directory.community(COMMUNITY)
            health = await analysis.measure(
                repository, community.id, START, clock.now(), options.seed, TYPES
            )
            for line in analysis.report_lines(health):
                out.write(line + "\n")
            written = await draw(repository, community.id, health, trust_by_week, options, out_dir)
            (out_dir / "transcript.txt").write_text(console.transcript.getvalue())
        out.write("\nCharts: " + ", ".join(p.name for p in written) + f" in {out_dir}\n")
        out.write(f"Full console transcript: {out_dir / 'transcript.txt'}\n")
    return 0


async def weekly_trust(repository: DemoRepository, now: datetime) -> float | None:
    reverse = {item.code: item.reverse for item in trust.items()}
    week = [
        trust.scored(score, reverse.get(item, False))
        for item, score in await repository.trust_scores(since=now - timedelta(7))
    ]
    return sum(week) / len(week) if week else None


async def draw(
    repository: DemoRepository,
    community_id: int,
    health: analysis.Health,
    trust_by_week: list[float | None],
    options: Options,
    out_dir: Path,
) -> list[Path]:
    weeks = [f"wk {i + 1}" for i in range(len(trust_by_week))]
    totals: Counter[str] = Counter()
    motivations = await repository.latest_motivations()
    for m in motivations:
        for reason in REASONS:
            totals[reason] += getattr(m, reason)
    report = health.report
    members = max(1, report.members)
    trusts = [t for t in trust_by_week if t is not None]
    learnings = await repository.learning_count(community_id)
    reciprocity = report.reciprocity
    scores = {
        "purpose\n(stated why)": min(1.0, len(motivations) / members),
        "co-operative\nstructure\n(reciprocity)": 0.0
        if isinstance(reciprocity, analysis.CannotCompute)
        else reciprocity,
        "critical mass\n(active share)": report.active_members / members,
        "collective\nintelligence\n(learnings)": min(1.0, learnings / members),
        "sense of\ncommunity\n(trust)": (sum(trusts) / len(trusts) - 1) / 6 if trusts else 0.0,
    }
    return [
        charts.trust_trend(weeks, trust_by_week, out_dir / "trust-trend.png"),
        charts.network_map(health.graph, options.seed, out_dir / "network-map.png"),
        charts.motivation_mix(dict(totals), out_dir / "motivation-mix.png"),
        charts.radar(scores, out_dir / "self-assessment.png"),
    ]
