"""What Trellis says about motivations: the asking DMs, the form, a member's history and the
container's mix. Neutral messages only, so every adapter can show them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from bot.community.motivation_measures import (
    NEEDS,
    REASON_FIELDS,
    REASONS,
    VISIBILITY_LABELS,
    change_line,
    points_line,
    social_share,
    task_share,
)
from bot.community.motivation_mix import CROWDING_ACTIONS, LOW_COMPETENCE, MotivationMix
from bot.core.messages import (
    Button,
    Buttons,
    ChoiceInput,
    Context,
    Fields,
    Form,
    FormField,
    Message,
    Option,
    Text,
    TextInput,
)
from bot.storage.models import MotivationStatement

OPEN = "motivation.open"
DELETE = "motivation.delete"
FORM = "motivation.statement"
ADAPTED = "Adapted from the domain notes' motivation measure (10 points; three 1-7 need items)."
NeedsAsked = Literal["required", "optional", "none"]


def points_of(statement: MotivationStatement) -> dict[str, int]:
    return {field: int(getattr(statement, field)) for field in REASON_FIELDS}


def initial_values(statement: MotivationStatement | None) -> dict[str, str]:
    if statement is None:
        return {}
    values = {field: str(n) for field, n in points_of(statement).items()}
    return {**values, "statement": statement.text, "visibility": statement.visibility}


def statement_form(
    context: str, initial: Mapping[str, str], needs: NeedsAsked, title: str = "Why I am here"
) -> Form:
    fields: list[FormField] = [
        TextInput(
            "statement",
            "In your own words: why are you here? (at most 1,000 characters)",
            multiline=True,
            initial=initial.get("statement", ""),
        )
    ]
    fields += [
        TextInput(
            r.field,
            f"Points for: {r.label}",
            required=False,
            max_length=2,
            initial=initial.get(r.field, ""),
            placeholder="0",
        )
        for r in REASONS
    ]
    fields.append(
        ChoiceInput(
            "visibility",
            "Who may see your statement?",
            tuple(Option(label.capitalize(), value) for value, label in VISIBILITY_LABELS.items()),
            initial=initial.get("visibility", "facilitators"),
        )
    )
    if needs != "none":
        scale = tuple(Option(str(i), str(i)) for i in range(1, 8))
        fields += [
            ChoiceInput(
                n.field,
                f"{n.statement} (1 = strongly disagree, 7 = strongly agree)",
                scale,
                required=needs == "required",
                initial=initial.get(n.field, ""),
            )
            for n in NEEDS
        ]
    return Form(
        FORM,
        title,
        tuple(fields),
        submit_label="Save",
        context=context,
    )


FORM_HINT = (
    "Share 10 points over the six reasons (blank counts as 0). Your statement is shown only "
    "to the circle you choose; your points and ratings count, without your name, in your "
    "container's totals once at least {minimum} people have answered."
)


def form_message(form: Form, minimum: int, lead: str = "") -> Message:
    blocks: list[Text | Context] = [Text(lead)] if lead else []
    blocks.append(Context(FORM_HINT.format(minimum=minimum)))
    return Message(tuple(blocks), form=form)


def ask_on_join(container: str, context: str) -> Message:
    return Message(
        (
            Text(f"Why are you in {container}?", style="heading"),
            Text(
                "A short statement in your own words and 10 points over "
                "six reasons help the group keep its motivations clear. It takes a minute, "
                "and you choose who may see it."
            ),
            Buttons((Button("Say why I am here", OPEN, context, style="primary"),)),
            Context("Any time later: `/trellis me motivation`."),
        )
    )


def ask_to_restate(
    container: str, previous: MotivationStatement | None, weeks: int, context: str
) -> Message:
    blocks: list[Text | Buttons | Context] = [
        Text(f"Time to restate why you are in {container}", style="heading"),
        Text(
            f"Every {weeks} weeks we ask again: motivations move, and saying so keeps the "
            "group honest about why it meets. There are also three quick 1-7 ratings."
        ),
    ]
    if previous is not None:
        blocks += [
            Text(f"Last time ({previous.created_at:%Y-%m-%d}) you wrote:"),
            Text(previous.text, style="quote"),
            Context(f"Points: {points_line(points_of(previous))}."),
        ]
    else:
        blocks.append(Text("You have not said yet why you are here; now is a good moment."))
    blocks.append(Buttons((Button("Restate", OPEN, context, style="primary"),)))
    return Message(tuple(blocks))


def history_view(history: Sequence[MotivationStatement], now: datetime) -> Message:
    if not history:
        return Message(
            (
                Text("You have not said why you are here yet."),
                Buttons((Button("Say why I am here", OPEN, "update:"),)),
            )
        )
    current = history[-1]
    points = points_of(current)
    blocks: list[Text | Fields | Buttons | Context] = [
        Text("Why you are here", style="heading"),
        Text(current.text, style="quote"),
        Fields(
            (
                ("Reasons", points_line(points)),
                ("Task / social", f"{task_share(points):.0%} / {social_share(points):.0%}"),
                ("Shown to", VISIBILITY_LABELS.get(current.visibility, current.visibility)),
            )
        ),
        Text(change_line([(s.created_at, points_of(s)) for s in history], now)),
        Text("History", style="heading"),
    ]
    for number, statement in enumerate(history, start=1):
        blocks.append(
            Text(
                f"{number}. {statement.created_at:%Y-%m-%d} ({statement.occasion}): "
                f"{_short(statement.text)} — {points_line(points_of(statement))}"
            )
        )
    buttons = [Button("Update", OPEN, "update:", style="primary")]
    buttons += [
        Button(f"Delete {n}", DELETE, str(s.id), style="danger")
        for n, s in enumerate(history, start=1)
    ]
    blocks.append(Buttons(tuple(buttons)))
    blocks.append(Context("Delete one with its button or `/trellis me motivation delete N`."))
    return Message(tuple(blocks))


def _short(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return f"“{line}”" if len(line) <= limit else f"“{line[: limit - 1]}…”"


def not_enough(container: str, answered: int, members: int, minimum: int) -> Message:
    return Message(
        (
            Text(f"Why we are here: {container}", style="heading"),
            Text(
                f"Not enough answers to show yet: {answered} of {members} members have said "
                f"why they are here, and the mix needs at least {minimum}."
            ),
            Context("No individual answer is ever shown here."),
        )
    )


def _trend(now: float, before: float | None) -> str:
    if before is None:
        return f"{now:.0%}"
    arrow = "↑" if now > before + 0.005 else "↓" if now < before - 0.005 else "→"
    return f"{now:.0%} {arrow} (was {before:.0%})"


def mix_view(container: str, mix: MotivationMix, weeks: int, minimum: int) -> Message:
    before = mix.previous
    pairs = [
        ("Answered", f"{mix.current.respondents} of {mix.members} members"),
        ("Task share", _trend(mix.current.task, before.task if before else None)),
        ("Social share", _trend(mix.current.social, before.social if before else None)),
    ]
    for need in NEEDS:
        value = mix.needs.get(need.field)
        shown = f"{value:.1f} of 7" if value is not None else f"fewer than {minimum} ratings yet"
        pairs.append((f"{need.name} ({need.statement})", shown))
    blocks: list[Text | Fields | Context] = [
        Text(f"Why we are here: {container}", style="heading"),
        Fields(tuple(pairs)),
    ]
    if before is None:
        blocks.append(Context(f"A trend appears once enough members answered {weeks} weeks ago."))
    if mix.crowding:
        competence = mix.needs.get("competence") or 0.0
        rising = " and is still rising" if mix.social_rising else ""
        blocks.append(Text("Alert: camaraderie crowding", style="heading"))
        blocks.append(
            Text(
                f"The social share ({mix.current.social:.0%}) has overtaken the task share "
                f"({mix.current.task:.0%}){rising}, while competence is low "
                f"({competence:.1f} of 7, below {LOW_COMPETENCE:.0f}). People like being "
                "here, but the subject matter is slipping into the background."
            )
        )
        blocks.append(Text("Suggested actions:"))
        blocks += [Text(f"• {action}") for action in CROWDING_ACTIONS]
    blocks.append(
        Context(
            f"Aggregates of at least {minimum} answers; no individual answer is shown. {ADAPTED}"
        )
    )
    return Message(tuple(blocks))
