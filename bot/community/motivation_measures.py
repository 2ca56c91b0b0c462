"""The motivation measure, adapted from the domain notes: 10 points over six reasons, the
task and social shares they add up to, three 1-7 need items, and the plain words for them.

Pure functions only: the service and the digests share them, and tests can hold them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

POINTS = 10
MAX_STATEMENT = 1000


@dataclass(frozen=True, slots=True)
class Reason:
    field: str
    label: str  # as asked in the form
    phrase: str  # as said in a sentence: "you came mostly …"


REASONS: tuple[Reason, ...] = (
    Reason("topic", "Learn about the topic", "to learn about the topic"),
    Reason("practice", "Solve a problem in my own practice", "to solve a problem in your practice"),
    Reason("people", "Meet peers and belong", "for the people"),
    Reason("career", "Recognition and career", "for recognition and your career"),
    Reason("contribute", "Contribute to learners and the wider system", "to contribute"),
    Reason("other", "Something else", "for other reasons"),
)
REASON_FIELDS = tuple(r.field for r in REASONS)
TASK_FIELDS = ("topic", "practice", "contribute")
SOCIAL_FIELDS = ("people",)


@dataclass(frozen=True, slots=True)
class Need:
    field: str
    name: str
    statement: str


NEEDS: tuple[Need, ...] = (
    Need("autonomy", "Autonomy", "I can shape what we work on"),
    Need("competence", "Competence", "I am getting better at my practice here"),
    Need("relatedness", "Relatedness", "I feel connected to people here"),
)
NEED_FIELDS = tuple(n.field for n in NEEDS)

Visibility = Literal["me", "facilitators", "container"]
VISIBILITY_LABELS: dict[str, str] = {
    "me": "only me",
    "facilitators": "facilitators",
    "container": "my container (its members and facilitators)",
}
# How the viewer stands to the author of a statement, from closest to furthest.
Relation = Literal["self", "facilitator", "container", "other"]


def allowed(visibility: str, relation: Relation) -> bool:
    """The circles nest: only me ⊂ facilitators ⊂ my container. Unknown values show nothing."""
    if relation == "self":
        return True
    if relation == "facilitator":
        return visibility in ("facilitators", "container")
    if relation == "container":
        return visibility == "container"
    return False


def task_share(points: Mapping[str, int]) -> float:
    total = sum(points.get(f, 0) for f in REASON_FIELDS) or POINTS
    return sum(points.get(f, 0) for f in TASK_FIELDS) / total


def social_share(points: Mapping[str, int]) -> float:
    total = sum(points.get(f, 0) for f in REASON_FIELDS) or POINTS
    return sum(points.get(f, 0) for f in SOCIAL_FIELDS) / total


def leaning(points: Mapping[str, int]) -> Literal["task", "social", "mixed"]:
    """Task-heavy, social-heavy or mixed: which kind of prompt fits this member."""
    task, social = task_share(points), social_share(points)
    if task >= 0.6 and task > social:
        return "task"
    if social >= 0.5 and social > task:
        return "social"
    return "mixed"


def top_reasons(points: Mapping[str, int], limit: int = 2) -> list[Reason]:
    ranked = sorted(REASONS, key=lambda r: -points.get(r.field, 0))
    return [r for r in ranked[:limit] if points.get(r.field, 0) > 0]


def points_line(points: Mapping[str, int]) -> str:
    """`topic 5 · own practice 3 · …`, zeros left out."""
    shown = [f"{r.label.lower()} {points.get(r.field, 0)}" for r in REASONS]
    return " · ".join(s for s, r in zip(shown, REASONS, strict=True) if points.get(r.field, 0))


def _mostly(points: Mapping[str, int]) -> str:
    best = max(points.get(f, 0) for f in REASON_FIELDS)
    leaders = [r.phrase for r in REASONS if points.get(r.field, 0) == best]
    if len(leaders) > 2:
        return "for a mix of reasons"
    return "mostly " + " and ".join(leaders)


def _when(moment: datetime, now: datetime) -> str:
    return f"{moment:%B}" if moment.year == now.year else f"{moment:%B %Y}"


def change_line(history: Sequence[tuple[datetime, Mapping[str, int]]], now: datetime) -> str:
    """How a member's reasons moved, in plain words: first statement against the current one."""
    if not history:
        return "You have not said why you are here yet."
    first_at, first = history[0]
    current = history[-1][1]
    if len(history) == 1:
        return f"In {_when(first_at, now)} you came {_mostly(first)}."
    before, after = _mostly(first), _mostly(current)
    shift = (
        f" (task share {task_share(first):.0%} → {task_share(current):.0%}, "
        f"social share {social_share(first):.0%} → {social_share(current):.0%})"
    )
    if before == after:
        return f"Since {_when(first_at, now)} you have come {before}, as you still do{shift}."
    return f"In {_when(first_at, now)} you came {before}; now {after}{shift}."


class AnswerProblem(ValueError):
    """What was wrong with a submitted statement, in words for the member."""


@dataclass(frozen=True, slots=True)
class Answers:
    text: str
    points: dict[str, int]
    visibility: Visibility
    needs: dict[str, int | None]


def parse_answers(values: Mapping[str, str], *, needs_required: bool) -> Answers:
    """Check a submitted form; raises AnswerProblem with what to fix."""
    text = values.get("statement", "").strip()
    if not text:
        raise AnswerProblem(
            "Your statement is empty. Write a sentence or two in your own words about why "
            "you are here."
        )
    if len(text) > MAX_STATEMENT:
        raise AnswerProblem(
            f"Your statement is {len(text):,} characters; the limit is {MAX_STATEMENT:,}. "
            "Here it is, so you can shorten it:"
        )
    points: dict[str, int] = {}
    for reason in REASONS:
        raw = values.get(reason.field, "").strip() or "0"
        try:
            number = int(raw)
        except ValueError:
            number = -1
        if not 0 <= number <= POINTS:
            raise AnswerProblem(
                f"Points are whole numbers from 0 to {POINTS}; “{reason.label}” was `{raw[:20]}`."
            )
        points[reason.field] = number
    total = sum(points.values())
    if total != POINTS:
        given = points_line(points) or "no points"
        raise AnswerProblem(
            f"Your points add up to {total}, not {POINTS} ({given}). "
            f"Please share them again so that they add up to {POINTS}."
        )
    visibility = values.get("visibility", "").strip().lower()
    if visibility not in ("me", "facilitators", "container"):
        raise AnswerProblem("Choose who may see your statement: me, facilitators or container.")
    needs: dict[str, int | None] = {}
    for need in NEEDS:
        raw = values.get(need.field, "").strip()
        if not raw:
            if needs_required:
                raise AnswerProblem(f"Rate “{need.statement}” from 1 to 7.")
            needs[need.field] = None
            continue
        if raw not in {str(i) for i in range(1, 8)}:
            raise AnswerProblem(f"Rate “{need.statement}” from 1 to 7, not `{raw[:20]}`.")
        needs[need.field] = int(raw)
    return Answers(text, points, cast(Visibility, visibility), needs)
