"""The measure itself: points, shares, the change line, and what a form may contain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.community.motivation_measures import (
    REASON_FIELDS,
    AnswerProblem,
    change_line,
    leaning,
    parse_answers,
    social_share,
    task_share,
)
from bot.community.motivation_mix import build_mix

MARCH = datetime(2026, 3, 2, tzinfo=UTC)
JUNE = datetime(2026, 6, 2, tzinfo=UTC)
points = st.fixed_dictionaries({f: st.integers(0, 10) for f in REASON_FIELDS})


@given(points)
def test_only_points_adding_up_to_ten_are_accepted(given_points: dict[str, int]) -> None:
    values = {
        "statement": "why",
        "visibility": "me",
        **{k: str(v) for k, v in given_points.items()},
    }
    total = sum(given_points.values())
    if total == 10:
        answers = parse_answers(values, needs_required=False)
        assert answers.points == given_points
        assert task_share(answers.points) + social_share(answers.points) <= 1
    else:
        with pytest.raises(AnswerProblem, match=f"add up to {total}, not 10"):
            parse_answers(values, needs_required=False)


def test_ratings_are_one_to_seven_and_required_when_restating() -> None:
    values = {"statement": "why", "visibility": "me", "topic": "10"}
    with pytest.raises(AnswerProblem, match="from 1 to 7"):
        parse_answers(values, needs_required=True)
    with pytest.raises(AnswerProblem, match="not `8`"):
        parse_answers({**values, "competence": "8"}, needs_required=False)
    fine = parse_answers(
        {**values, "autonomy": "1", "competence": "7", "relatedness": "4"}, needs_required=True
    )
    assert fine.needs == {"autonomy": 1, "competence": 7, "relatedness": 4}


def test_the_change_line_in_plain_words() -> None:
    topic = {"topic": 6, "practice": 3, "people": 1}
    people = {"topic": 1, "people": 9}
    assert change_line([], JUNE) == "You have not said why you are here yet."
    assert change_line([(MARCH, topic)], JUNE) == (
        "In March you came mostly to learn about the topic."
    )
    assert change_line([(MARCH, topic), (JUNE, people)], JUNE).startswith(
        "In March you came mostly to learn about the topic; now mostly for the people"
    )
    assert "Since March 2025 you have come mostly to learn about the topic, as you still do" in (
        change_line([(MARCH.replace(year=2025), topic), (JUNE, topic)], JUNE)
    )
    tied = {"topic": 5, "people": 5}
    assert "mostly to learn about the topic and for the people" in change_line(
        [(MARCH, tied)], JUNE
    )


def test_leaning_picks_the_prompt_that_fits() -> None:
    assert leaning({"topic": 5, "practice": 4, "people": 1}) == "task"
    assert leaning({"people": 8, "topic": 2}) == "social"
    assert leaning({"people": 3, "topic": 3, "career": 4}) == "mixed"


def test_the_mix_is_none_below_the_minimum_and_crowding_needs_low_competence() -> None:
    social = {"people": 7, "topic": 3}
    assert build_mix(9, [social] * 4, [], [], minimum=5) is None
    low = [{"autonomy": 4, "competence": 2, "relatedness": 7}] * 5
    mix = build_mix(9, [social] * 5, [], low, minimum=5)
    assert mix is not None and mix.crowding and mix.previous is None
    high = [{"autonomy": 4, "competence": 6, "relatedness": 7}] * 5
    calm = build_mix(9, [social] * 5, [], high, minimum=5)
    assert calm is not None and not calm.crowding
    unknown = build_mix(9, [social] * 5, [], low[:4], minimum=5)
    assert unknown is not None and unknown.needs["competence"] is None and not unknown.crowding
