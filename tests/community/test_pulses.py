"""Trust pulses from sending to closing to trend to alerts, on a simulated clock."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.community import trust
from tests.community.helpers import Network, buttons

MEMBERS = ["ben", "cai", "dee", "eve", "fay", "gus"]


async def rate_all(network: Network, pulse: int, scores: dict[str, int]) -> None:
    """Each member answers every item of the pulse with their score (reverse items flipped
    so that `score` is what they mean: higher is safer)."""
    for name, score in scores.items():
        [message] = [d for d in network.dms(name) if "Trust pulse" in d.text][pulse - 1 : pulse]
        for button in buttons(message, "pulse.rate"):
            _, code, value = button.value.split(":")
            reverse = {i.code: i.reverse for i in trust.items()}[code]
            wanted = trust.scored(score, reverse)
            if int(value) == wanted:
                await network.click(name, "pulse.rate", button.value)


async def test_a_pulse_goes_to_members_by_dm_and_answers_can_change(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.advance(days=14, minutes=1)
    [pulse] = [d for d in network.dms("ben") if "Trust pulse" in d.text]
    assert "nobody sees them, facilitators included" in pulse.text
    rate = buttons(pulse, "pulse.rate")
    assert len(rate) == 14  # two items, seven points each
    first = await network.click("ben", "pulse.rate", rate[2].value)
    assert first.startswith("Recorded 3 for")
    assert "Recorded 6 for" in await network.click("ben", "pulse.rate", rate[5].value)
    assert "outside the scale" in await network.click(
        "ben", "pulse.rate", rate[0].value.rsplit(":", 1)[0] + ":9"
    )
    assert "could not be read" in await network.click("ben", "pulse.rate", "nonsense")


async def test_a_closed_pulse_reports_aggregates_and_refuses_late_answers(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, dict.fromkeys(MEMBERS, 6))
    await network.advance(days=3)
    [summary] = [d for d in network.dms("ana") if "Trust pulse 1 of Maths leads closed" in d.text]
    assert "trust 6.0 (spread 0.0); 6 of 7 answered (86%)" in summary.text
    [pulse] = [d for d in network.dms("ben") if "Trust pulse" in d.text]
    late = await network.click("ben", "pulse.rate", buttons(pulse, "pulse.rate")[0].value)
    assert "This pulse closed on" in late and "not recorded" in late
    trend = await network.run("container trust", by="ana")
    assert "Period 1: trust 6.0" in trend
    assert "Only facilitators" in await network.run("container trust", by="ben")


async def test_fewer_than_five_answers_are_never_shown(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, {"ben": 2, "cai": 7})
    await network.advance(days=3)
    [summary] = [d for d in network.dms("ana") if "closed" in d.text and "Trust pulse 1" in d.text]
    assert "not enough answers to show yet (2 of 7 answered (29%); shown from 5)" in summary.text
    assert not re.search(r"\d\.\d", summary.text)
    alerts = [d for d in network.dms("ana") if "Trust hygiene: few members answered" in d.text]
    assert alerts and "2 of 7 members answered (29%; below 40%)" in alerts[0].text


async def test_a_drop_and_a_spread_raise_alerts_with_suggested_actions(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, dict.fromkeys(MEMBERS, 6))
    await network.advance(days=14)
    await rate_all(network, 2, {"ben": 7, "cai": 7, "dee": 1, "eve": 1, "fay": 6, "gus": 2})
    await network.advance(days=3)
    texts = [d.text for d in network.dms("ana")]
    drop = [t for t in texts if "Trust hygiene: trust dropped in Maths leads" in t]
    spread = [t for t in texts if "Trust hygiene: trust is spread apart" in t]
    assert drop and "trust fell from 6.0 to 4.0 (a drop of 2.0; alert at 0.5)" in drop[0]
    assert "Suggested:" in drop[0]
    assert spread and "SD 2.7; alert above 1.3" in spread[0]
    trend = await network.run("container trust", by="ana")
    assert "Period 2: trust 4.0" in trend and "Trend: ▇▅" in trend


async def test_one_reminder_goes_to_those_who_have_not_answered(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, {"ben": 5})
    await network.advance(days=3)
    reminded = [
        n for n in MEMBERS if any("A reminder: the trust pulse" in d.text for d in network.dms(n))
    ]
    assert reminded == ["cai", "dee", "eve", "fay", "gus"]


async def test_paused_members_are_skipped(network: Network) -> None:
    await network.container_with(MEMBERS)
    assert "Paused until 2026-04-01" in await network.run("me pause --until 2026-04-01", by="ben")
    await network.advance(days=14, minutes=1)
    assert not [d for d in network.dms("ben") if "Trust pulse" in d.text]
    assert [d for d in network.dms("cai") if "Trust pulse" in d.text]
    await network.advance(days=20)
    assert any("Your pause is over" in d.text for d in network.dms("ben"))


async def test_a_facilitator_can_send_a_pulse_now_and_no_pulse_for_8_weeks_alerts(
    network: Network,
) -> None:
    await network.container_with(MEMBERS)
    await network.run("container settings --pulse-days 0", by="ana")
    await network.advance(weeks=9)
    stale = [d for d in network.dms("ana") if "trust has not been checked" in d.text]
    assert len(stale) == 1 and "no trust pulse for 9 weeks (alert after 8)" in stale[0].text
    assert "Pulse 1 sent to 7 members" in await network.run("pulse now", by="ana")
    assert "still open" in await network.run("pulse now", by="ana")


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.dictionaries(st.sampled_from(MEMBERS), st.integers(1, 7), max_size=len(MEMBERS)),
    with_notes=st.booleans(),
)
async def test_no_message_ever_carries_an_individual_answer(
    tmp_path_factory: object, answers: dict[str, int], with_notes: bool
) -> None:
    """Whatever the answers, every message to anyone holds only aggregates of >= 5 people."""
    import tempfile
    from datetime import UTC, datetime

    from bot.adapters.memory import MemoryCommunity
    from bot.app import lifespan
    from bot.config import load_settings
    from bot.core.ports import SimulatedClock

    with tempfile.TemporaryDirectory() as folder:
        clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        config = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{folder}/p.db"})
        async with lifespan(config, clock) as app:
            network = Network(app, MemoryCommunity(app), clock)
            await network.container_with(MEMBERS)
            await network.advance(days=14, minutes=1)
            await rate_all(network, 1, answers)
            if with_notes:
                for name in answers:
                    await network.submit(name, "pulse.improve", "1", note=f"secret note of {name}")
            await network.advance(days=3)
            trend = await network.run("container trust", by="ana")
            everything = [d.text for d in app.outbox.transports["memory"].delivered] + [trend]  # type: ignore[attr-defined]
            figures = [float(x) for t in everything for x in re.findall(r"trust (\d\.\d)", t)]
            if len(answers) < 5:
                assert figures == []
                assert not any("secret note" in t for t in everything)
            else:
                expected = round(sum(answers.values()) / len(answers), 1)
                assert set(figures) == {expected}
            for name in MEMBERS:
                received = [d.text for d in network.dms(name)]
                assert not any(
                    "Recorded" in t for t in received
                )  # confirmations are replies, not DMs


async def test_the_weekly_digest_carries_the_trust_trend_in_aggregate(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.advance(days=14, minutes=1)
    await rate_all(network, 1, dict.fromkeys(MEMBERS, 6))
    await network.advance(days=3)
    preview = await network.run("digest preview", by="ana")
    assert "Container check" in preview
    assert "Latest pulse: trust 6.0 (spread 0.0); 6 of 7 answered (86%)." in preview
