"""The messages of a check-in, as neutral blocks every adapter can render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.community.checkin_calendar import local
from bot.community.privacy import LABELS, Sharing
from bot.core.messages import (
    Block,
    Button,
    Buttons,
    Choice,
    Context,
    Fields,
    Form,
    Message,
    Option,
    Text,
    TextInput,
)
from bot.dialogue.prompt_bank import Question
from bot.storage.models.checkins import CheckinAnswer, CheckinRound

REFLECT = "checkin.reflect"
ANSWER_FORM = "checkin.answer"
SHARE = "checkin.share."  # + question number (1-5): unique per message on every platform
MAX_ANSWER = 4000
PRIVATE_BY_DEFAULT = "Only you see your answers unless you choose to share one."


def share_action(number: int) -> str:
    return f"{SHARE}{number}"


def reflect_button(round_id: int) -> Buttons:
    return Buttons((Button("Reflect now", REFLECT, str(round_id), style="primary"),))


def checkin_dm(
    container: str,
    round_: CheckinRound,
    questions: Sequence[Question],
    zone: str,
    opening: str | None = None,
) -> Message:
    """`opening`: a prompt that fits why this member is here, when they have said so."""
    assert round_.id is not None
    listed = "\n".join(f"{n}. {q.text}" for n, q in enumerate(questions, 1))
    start = [Text(f"To start you off: {opening}")] if opening else []
    return Message(
        (
            Text(f"Check-in: {container}", style="heading"),
            *start,
            Text(f"Time to reflect ({round_.label}). A few minutes is enough:\n{listed}"),
            reflect_button(round_.id),
            Context(
                f"Open until {local(round_.closes_at, zone)}; you can change your answers "
                f"until then. {PRIVATE_BY_DEFAULT}"
            ),
        )
    )


def reminder_dm(container: str, round_: CheckinRound, zone: str) -> Message:
    assert round_.id is not None
    return Message(
        (
            Text(
                f"A gentle reminder: the {container} check-in ({round_.label}) is open "
                f"until {local(round_.closes_at, zone)}. Even one line helps."
            ),
            reflect_button(round_.id),
            Context("This is the only reminder for this round."),
        )
    )


def reflect_form(
    round_: CheckinRound, questions: Sequence[Question], existing: dict[int, str]
) -> Form:
    assert round_.id is not None
    return Form(
        form_id=ANSWER_FORM,
        title="Your check-in",
        fields=tuple(
            TextInput(
                name=f"q{n}",
                label=q.label,
                multiline=True,
                required=False,
                max_length=MAX_ANSWER,
                initial=existing.get(n - 1, ""),
                placeholder=q.text[:100],
            )
            for n, q in enumerate(questions, 1)
        ),
        submit_label="Save",
        context=str(round_.id),
    )


READER_LABELS: dict[Sharing, str] = {
    Sharing.ME: "private",
    Sharing.FACILITATORS: "shared with facilitators",
    Sharing.SUBGROUP: "shared with the subgroup",
    Sharing.ANONYMOUS: "shared anonymously",
    Sharing.NAMED: "shared with the container",
}


def label_of(questions: Sequence[Question], answer: CheckinAnswer) -> str:
    index = answer.question_index
    return questions[index].label if index < len(questions) else answer.question[:45]


def sharing_blocks(
    round_id: int, questions: Sequence[Question], answers: Sequence[CheckinAnswer]
) -> list[Block]:
    """For each answer: its question, its current circle, and a choice to change it."""
    blocks: list[Block] = []
    for answer in answers:
        number = answer.question_index + 1
        current = LABELS[Sharing(answer.sharing)]
        blocks += [
            Text(f"{number}. {label_of(questions, answer)} — who sees it: {current}"),
            Choice(
                action_id=share_action(number),
                options=tuple(
                    Option(label, f"{round_id}:{level.value}") for level, label in LABELS.items()
                ),
                placeholder=f"Who may see answer {number}? Now: {current}",
            ),
        ]
    return blocks


def saved(
    container: str,
    round_: CheckinRound,
    questions: Sequence[Question],
    answers: Sequence[CheckinAnswer],
    zone: str,
) -> Message:
    assert round_.id is not None
    return Message(
        (
            Text(f"Saved {len(answers)} answer(s) to the {container} check-in. Thank you."),
            *sharing_blocks(round_.id, questions, answers),
            Context(
                f"{PRIVATE_BY_DEFAULT} You can edit until {local(round_.closes_at, zone)} "
                "(press Reflect now again). Anonymous answers reach the container only when "
                "enough people answer for nobody to be singled out."
            ),
        )
    )


def shown_back(problem: str, questions: Sequence[Question], texts: dict[int, str]) -> Message:
    """A refusal that hands the member's text back, so nothing they wrote is lost."""
    blocks: list[Block] = [Text(problem)]
    for index, text in sorted(texts.items()):
        if text:
            blocks += [Text(questions[index].label, style="heading"), Text(text, style="quote")]
    return Message(tuple(blocks))


@dataclass(frozen=True, slots=True)
class RoundFigures:
    """What a facilitator's round summary reports."""

    container: str
    label: str
    sent: int
    answered: int
    not_answered: tuple[str, ...]
    paused: int
    late: int
    grace_hours: int
    themes: tuple[tuple[str, int], ...]
    channel: str


def summary(figures: RoundFigures) -> Message:
    rate = f"{figures.answered} of {figures.sent}"
    if figures.sent:
        rate += f" ({round(100 * figures.answered / figures.sent)}%)"
    themes = (
        ", ".join(f"{word} ({n})" for word, n in figures.themes)
        if figures.themes
        else "none yet (fewer than two answers shared with facilitators or wider have a word "
        "in common)"
    )
    pairs = [
        ("Answered", rate),
        ("Not answered", ", ".join(figures.not_answered) or "everyone answered"),
        ("Frequent themes", themes),
    ]
    if figures.paused:
        pairs.append(("Skipped (paused)", str(figures.paused)))
    if figures.late:
        pairs.append(("Not sent (Trellis was down past the grace window)", f"{figures.late}"))
    return Message(
        (
            Text(f"Check-in closed: {figures.container} ({figures.label})", style="heading"),
            Fields(tuple(pairs)),
            Context(
                "For facilitators only: names of who has not answered are never shown to "
                "members. Themes come only from answers shared with facilitators or wider. "
                f"Read what was shared with you: `/trellis checkin shared` in #{figures.channel}."
            ),
        )
    )


def late_note(container: str, label: str, names: Sequence[str], grace_hours: int) -> Message:
    return Message(
        (
            Text(
                f"Trellis was not running when {len(names)} check-in(s) of {container} "
                f"({label}) were due, and more than {grace_hours} h have passed, so they were "
                f"not sent: {', '.join(names)}. They will get the next round."
            ),
            Context("Sent to facilitators only."),
        )
    )


def welcome_back(upcoming: Sequence[str]) -> Message:
    lines = "\n".join(upcoming) if upcoming else "No container of yours has check-ins planned."
    return Message(
        (
            Text("Welcome back", style="heading"),
            Text(f"Your pause has ended, so your check-ins resume.\n{lines}"),
        )
    )


def container_post(
    container: str, label: str, shared: Sequence[tuple[str, str, str]], held: int
) -> Message:
    """Answers members chose to share with the whole container: (who, question, text)."""
    blocks: list[Block] = [
        Text(f"Shared from the check-in: {container} ({label})", style="heading")
    ]
    for who, question, text in shared:
        blocks += [Text(f"{who} — {question}"), Text(text, style="quote")]
    if held:
        blocks.append(
            Context(
                f"{held} anonymous answer(s) are held back: too few people answered this round "
                "for them to stay anonymous."
            )
        )
    return Message(tuple(blocks))
