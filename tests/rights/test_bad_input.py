"""Every command, fed property-generated arguments, answers clearly and never crashes.

"Something went wrong" is the router's error boundary catching an unhandled exception: here it
counts as a failure like any traceback would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.memory import MemoryCommunity
from bot.app import build, lifespan
from bot.config import load_settings
from bot.core.commands import CommandSpec
from bot.core.events import Actor, CommandInvoked
from bot.core.ports import SimulatedClock
from bot.core.refs import MemberRef

CRASH = "Something went wrong"
NASTY = [
    "\ud800", "\udfff", "\x00", "\x1b[31mred", "\u202eevil", "\u200b", "\u200f", "\ufeff",
    "@ana", "@bea", "#general", "--text", "--", "-1", "0", "999999999999999999999", "3",
    "2026-02-30", "2026-03-02", "25:61", "09:00", "1d", "2w", "-5m", "’", "“x”", "\n", "\t",
    "x" * 100_000, "é" * 50_000, "🙂" * 1000, "<@U123>", "<#C1|x>", "*bold*", "`code`",
]  # fmt: skip
TOKEN = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
    st.text(max_size=12),
)


def specs() -> list[CommandSpec]:
    """The live registry's commands (building the app opens no database)."""
    settings_ = load_settings({"DATABASE_URL": "sqlite+aiosqlite:///:memory:"})
    return list(build(settings_, _clock()).router.registry.specs)


def _clock() -> SimulatedClock:
    return SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


SPECS = specs()


class Harness:
    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = _clock()
        self._cm = lifespan(
            load_settings(
                {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bad.db", "TRELLIS_COMMAND_RATE": "0"}
            ),
            self.clock,
        )
        app = self.loop.run_until_complete(self._cm.__aenter__())
        self.community = MemoryCommunity(app)
        self.run(self.community.command("container create Maths", by="ana", admin=True))

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        self.run(self._cm.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    h = Harness(tmp_path_factory.mktemp("bad"))
    yield h
    h.close()


def check(harness: Harness, text: str, *, by: str = "ana", name: str | None = None) -> None:
    community = harness.community
    ref = MemberRef("memory", by)
    event = CommandInvoked(
        community=community.community,
        actor=Actor(ref, name or by, platform_admin=by == "ana"),
        channel=community.channel("general"),
        text=text,
        mentions={"@ana": MemberRef("memory", "ana"), "@bea": MemberRef("memory", "bea")},
    )
    harness.clock.advance(timedelta(minutes=7))
    replies = harness.run(community.send(event))
    said = [r.message.plain_text() for r in replies] + [d.text for d in community.delivered]
    community.delivered.clear()
    assert replies, f"no answer to {text[:200]!r}"
    for line in said:
        assert CRASH not in line, f"crash on {text[:200]!r}"
        assert len(line) < 60_000 or text.count("x") > 1000, "answer echoes a huge input"


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    spec=st.sampled_from(SPECS),
    tokens=st.lists(TOKEN, max_size=6),
    options=st.lists(st.tuples(st.sampled_from(["--"]), TOKEN), max_size=2),
    by=st.sampled_from(["ana", "bea"]),
)
def test_every_command_answers_any_arguments(
    harness: Harness,
    spec: CommandSpec,
    tokens: list[str],
    options: list[tuple[str, str]],
    by: str,
) -> None:
    names = [o.name for o in spec.options if not o.positional]
    extra = [f"--{names[i % len(names)]} {v}" for i, (_, v) in enumerate(options)] if names else []
    check(harness, " ".join([spec.name, *tokens, *extra]), by=by)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.one_of(st.sampled_from(NASTY), st.text(st.characters(codec=None), max_size=40)))
def test_display_names_from_platforms_are_stored_sanely(harness: Harness, name: str) -> None:
    check(harness, "me show", by="carl", name=name)
    stored = harness.run(
        harness.community.trellis.directory.member(
            harness.run(harness.community.trellis.directory.community(harness.community.community)),
            Actor(MemberRef("memory", "carl"), name),
        )
    )
    shown = stored.display_name
    assert shown and len(shown) <= 80
    assert all(ch.isprintable() for ch in shown), repr(shown)
    assert not any(ch in shown for ch in "\u202e\u200b\u200f\ufeff")
