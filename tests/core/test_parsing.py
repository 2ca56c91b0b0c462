from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.commands import CommandSpec, OptionSpec
from bot.core.parsing import (
    CommandError,
    Mentions,
    UnknownCommand,
    UsageError,
    find_command,
    parse_arguments,
    tokenize,
)
from bot.core.refs import MemberRef

CREATE = CommandSpec(
    ("container", "create"),
    "Create.",
    (
        OptionSpec("name", positional=True, required=True),
        OptionSpec("purpose", required=True),
    ),
)
SCHEDULE = CommandSpec(
    ("checkin", "schedule"),
    "Schedule.",
    (
        OptionSpec("every", kind="choice", choices=("week", "fortnight", "month"), required=True),
        OptionSpec("at", kind="time"),
        OptionSpec("size", kind="int", min_value=2, max_value=5),
        OptionSpec("until", kind="date"),
        OptionSpec("after", kind="duration"),
    ),
)
ADD = CommandSpec(
    ("facilitator", "add"),
    "Add.",
    (OptionSpec("member", kind="member", positional=True, required=True),),
)
SPECS = [
    CREATE,
    SCHEDULE,
    ADD,
    CommandSpec(("help",), "Help.", (OptionSpec("command", positional=True),)),
]


def parse(text: str, mentions: Mentions | None = None) -> tuple[CommandSpec, dict[str, object]]:
    tokens = tokenize(text)
    spec, used = find_command(SPECS, tokens)
    return spec, parse_arguments(spec, tokens[used:], mentions or Mentions()).values


def test_positional_name_takes_several_words_and_quoted_option() -> None:
    spec, values = parse('container create Maths leads --purpose "Teach fractions, well"')
    assert spec is CREATE
    assert values == {"name": "Maths leads", "purpose": "Teach fractions, well"}


def test_unquoted_text_option_runs_to_the_next_option() -> None:
    _, values = parse("container create Pod --purpose learn from what did not work")
    assert values["purpose"] == "learn from what did not work"


def test_smart_quotes_unicode_and_emoji_survive() -> None:
    _, values = parse("container create “Équipe 🌱” --purpose ‘Apprendre ensemble’")
    assert values == {"name": "Équipe 🌱", "purpose": "Apprendre ensemble"}


def test_typed_options_are_converted() -> None:
    _, values = parse(
        "checkin schedule --every WEEK --at 9:30 --size 3 --until 2026-04-01 --after 36h"
    )
    assert values == {
        "every": "week",
        "at": time(9, 30),
        "size": 3,
        "until": date(2026, 4, 1),
        "after": timedelta(hours=36),
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("container create Pod", "--purpose is required"),
        ("container create --purpose x", "NAME is required"),
        ("container create Pod --purpose", "--purpose needs a value"),
        ("container create Pod --colour red --purpose x", "Unknown option `--colour`"),
        ("checkin schedule --every year", "must be one of week, fortnight, month"),
        ("checkin schedule --every week --at 25:00", "time of day such as 09:30"),
        ("checkin schedule --every week --size 9", "at most 5"),
        ("checkin schedule --every week --size two", "whole number"),
        ("checkin schedule --every week --after soon", "duration such as 90m"),
        ("facilitator add sam", "member mention such as @name"),
    ],
)
def test_bad_options_answer_with_the_problem_and_the_usage_line(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert problem in str(caught.value)
    assert f"Usage: {caught.value.spec.usage()}" in str(caught.value)


def test_member_mentions_resolve_through_what_the_adapter_recognised() -> None:
    ref = MemberRef("slack", "U123")
    _, values = parse("facilitator add <@U123|sam>", Mentions(members={"<@U123|sam>": ref}))
    assert values == {"member": ref}


def test_unknown_command_suggests_the_closest() -> None:
    with pytest.raises(UnknownCommand) as caught:
        parse("contaner create x")
    assert "Did you mean `/trellis container create`?" in str(caught.value)
    assert "/trellis help" in str(caught.value)


def test_group_without_subcommand_lists_the_subcommands() -> None:
    with pytest.raises(CommandError, match="`container create`"):
        parse("container")


def test_ten_kilobyte_argument_is_handled() -> None:
    purpose = "ä" * 10_000
    _, values = parse(f'container create Big --purpose "{purpose}"')
    assert values["purpose"] == purpose


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_crashes_the_parser(text: str) -> None:
    try:
        parse(text)
    except CommandError as problem:
        assert str(problem)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20))
)
def test_quoted_words_come_back_whole(words: list[str]) -> None:
    cleaned = [w.replace('"', "") for w in words if w.replace('"', "").strip()]
    text = " ".join(f'"{w}"' for w in cleaned)
    assert [t.text for t in tokenize(text)] == cleaned


def test_a_quoted_value_after_an_equals_sign_stays_whole() -> None:
    assert [t.text for t in tokenize('take_away="Ask for failures" share=me')] == [
        "take_away=Ask for failures",
        "share=me",
    ]


def test_apostrophes_inside_words_are_letters() -> None:
    _, values = parse("container create Pod --purpose learn from each other's attempts, don't hide")
    assert values["purpose"] == "learn from each other's attempts, don't hide"
