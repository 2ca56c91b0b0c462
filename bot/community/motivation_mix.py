"""A container's motivation mix: aggregate shares, their trend, the need items, and the
camaraderie-crowding signal. Nothing here is shown for fewer than the minimum of answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

from bot.community.motivation_measures import NEED_FIELDS, social_share, task_share

# Below this mean (1-7) competence counts as low; "neither agree nor disagree" is 4.
LOW_COMPETENCE = 4.0

CROWDING_ACTIONS = (
    "Post a subject-matter enquiry prompt: ask each member for one problem of practice they "
    "want the group's help with this month, and work on two of them next time.",
    "Invite an outside expert on the container's purpose to a session, with questions the "
    "members prepare.",
    "Open the next meeting by re-reading the purpose and asking what each person wants to "
    "be better at by the end of the term.",
)


@dataclass(frozen=True, slots=True)
class Shares:
    task: float
    social: float
    respondents: int


@dataclass(frozen=True, slots=True)
class MotivationMix:
    """What facilitators and the digest see of a container: aggregates only."""

    members: int
    current: Shares
    previous: Shares | None  # one cadence period ago, when enough had answered then
    needs: dict[str, float | None]  # mean per item, None below the minimum
    need_respondents: int

    @property
    def crowding(self) -> bool:
        """The social share overtook the task share while competence is low."""
        competence = self.needs.get("competence")
        overtook = self.current.social > self.current.task
        return overtook and competence is not None and competence < LOW_COMPETENCE

    @property
    def social_rising(self) -> bool:
        return self.previous is not None and self.current.social > self.previous.social


def shares(statements: Sequence[Mapping[str, int]], minimum: int) -> Shares | None:
    if len(statements) < minimum:
        return None
    return Shares(
        task=mean(task_share(s) for s in statements),
        social=mean(social_share(s) for s in statements),
        respondents=len(statements),
    )


def need_means(
    answers: Sequence[Mapping[str, int | None]], minimum: int
) -> tuple[dict[str, float | None], int]:
    """Mean of each need item over those who rated it; None when fewer than the minimum did."""
    result: dict[str, float | None] = {}
    most = 0
    for field in NEED_FIELDS:
        given = [a[field] for a in answers if a.get(field) is not None]
        most = max(most, len(given))
        result[field] = mean(v for v in given if v is not None) if len(given) >= minimum else None
    return result, most


def build_mix(
    members: int,
    current: Sequence[Mapping[str, int]],
    previous: Sequence[Mapping[str, int]],
    needs: Sequence[Mapping[str, int | None]],
    minimum: int,
) -> MotivationMix | None:
    now = shares(current, minimum)
    if now is None:
        return None
    means, rated = need_means(needs, minimum)
    return MotivationMix(members, now, shares(previous, minimum), means, rated)
