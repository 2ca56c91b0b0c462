"""Trust pulse arithmetic: items, scoring, aggregates and hygiene checks. Pure functions."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.dialogue.bank import load

SPARKS = "▁▂▃▄▅▆▇█"
SCALE_MIN, SCALE_MAX = 1, 7
# Every FULL_EVERY-th pulse asks all seven items (every 6-8 weeks at a two-week cadence).
FULL_EVERY = 4
DROP_ALERT = 0.5
SPREAD_ALERT = 1.3
RESPONSE_ALERT = 0.4


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    text: str
    reverse: bool


def items(locale: str = "en", kind: str = "items") -> list[Item]:
    data = load("trust_items", locale)
    return [Item(i["code"], i["text"], bool(i["reverse"])) for i in data[kind]]


def items_for_period(period: int, locale: str = "en") -> list[Item]:
    """Two rotating items, or the full set every FULL_EVERY-th period (period counts from 1)."""
    every = items(locale)
    if period % FULL_EVERY == 0:
        return every
    start = (2 * (period - 1)) % len(every)
    return [every[start], every[(start + 1) % len(every)]]


def scored(score: int, reverse: bool) -> int:
    """Reverse-scored items count the other way up, so higher always means safer."""
    return SCALE_MAX + SCALE_MIN - score if reverse else score


@dataclass(frozen=True, slots=True)
class PeriodTrust:
    period: int
    members: int
    respondents: int
    # None when fewer than the minimum answered: individual answers are never shown.
    mean: float | None
    spread: float | None

    @property
    def response_rate(self) -> float:
        return self.respondents / self.members if self.members else 0.0

    @property
    def shown(self) -> bool:
        return self.mean is not None


def aggregate(
    period: int,
    members: int,
    answers: Mapping[int, Sequence[tuple[int, bool]]],
    minimum: int,
) -> PeriodTrust:
    """`answers`: member id -> [(score, reverse), …]. Mean and SD across members' means."""
    per_member = [
        statistics.fmean(scored(s, r) for s, r in given) for given in answers.values() if given
    ]
    if len(per_member) < max(minimum, 3):
        return PeriodTrust(period, members, len(per_member), None, None)
    spread = statistics.pstdev(per_member) if len(per_member) > 1 else 0.0
    return PeriodTrust(period, members, len(per_member), statistics.fmean(per_member), spread)


def sparkline(values: Sequence[float | None]) -> str:
    """One character per period on the 1-7 scale; a gap where too few answered."""
    return "".join(
        " " if v is None else SPARKS[round((v - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 7)]
        for v in values
    )


@dataclass(frozen=True, slots=True)
class Alert:
    code: str
    measured: str


def hygiene_alerts(history: Sequence[PeriodTrust]) -> list[Alert]:
    """Alerts about the latest period, compared with the last one that was shown."""
    if not history:
        return []
    latest = history[-1]
    alerts: list[Alert] = []
    if latest.members and latest.response_rate < RESPONSE_ALERT:
        alerts.append(
            Alert(
                "response",
                f"{latest.respondents} of {latest.members} members answered "
                f"({latest.response_rate:.0%}; below {RESPONSE_ALERT:.0%})",
            )
        )
    if latest.mean is None or latest.spread is None:
        return alerts
    earlier = [p for p in history[:-1] if p.mean is not None]
    if earlier and earlier[-1].mean is not None and earlier[-1].mean - latest.mean >= DROP_ALERT:
        alerts.append(
            Alert(
                "drop",
                f"trust fell from {earlier[-1].mean:.1f} to {latest.mean:.1f} "
                f"(a drop of {earlier[-1].mean - latest.mean:.1f}; alert at {DROP_ALERT})",
            )
        )
    if latest.spread > SPREAD_ALERT:
        alerts.append(
            Alert(
                "spread",
                f"answers spread widely (SD {latest.spread:.1f}; alert above {SPREAD_ALERT})",
            )
        )
    return alerts
