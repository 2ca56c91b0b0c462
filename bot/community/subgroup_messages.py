"""What subgroup rounds say: kickoff in the space, nudges, "did you meet?", the trust items,
round stats and notes for facilitators. Builders only; the rounds service decides when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.community import trust
from bot.core.messages import Button, Buttons, Choice, Message, Option, Text
from bot.core.messages import Context as ContextLine
from bot.dialogue.bank import load

MET_ACTION = "subgroups.met"
TRUST_ACTION = "subgroups.trust"
OPT_IN_ACTION = "subgroups.optin"


@dataclass(frozen=True, slots=True)
class Introduction:
    name: str
    organisation: str | None
    organisation_type: str | None
    # The member's stated motivation, only when every other member of the group may see it.
    motivation: str | None


@dataclass(frozen=True, slots=True)
class RoundStats:
    participants: int
    met: int
    pairs: int
    repeated_pairs: int
    typed_pairs: int
    cross_type_pairs: int
    paused: int

    @staticmethod
    def rate(part: int, whole: int) -> str:
        return f"{round(100 * part / whole)}%" if whole else "–"

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("Participants", str(self.participants)),
            ("Met", f"{self.rate(self.met, self.participants)} ({self.met} said yes)"),
            ("Repeat rate", f"{self.rate(self.repeated_pairs, self.pairs)} of {self.pairs} pairs"),
            (
                "Cross-type rate",
                f"{self.rate(self.cross_type_pairs, self.typed_pairs)}"
                f" of {self.typed_pairs} pairs with both types known",
            ),
            ("Paused or opted out", str(self.paused)),
        ]


def bank(locale: str) -> dict[str, object]:
    data = load("subgroups", locale)
    assert isinstance(data, dict)
    return data


def pick(locale: str, key: str, index: int) -> str:
    choices = [str(c) for c in bank(locale).get(key, [])]  # type: ignore[attr-defined]
    return choices[index % len(choices)]


def introduction_line(intro: Introduction) -> str:
    where = intro.organisation or "organisation not given"
    if intro.organisation_type:
        where += f" ({intro.organisation_type})"
    line = f"• {intro.name}, {where}"
    if intro.motivation:
        line += f". Here because: “{intro.motivation}”"
    return line


def kickoff(
    container: str,
    number: int,
    intros: Sequence[Introduction],
    ends: datetime,
    locale: str,
    seed: int,
) -> Message:
    """The opener in the space: who is here, two agreements of their own, a first question."""
    order = ", ".join(i.name for i in intros)
    turns = str(bank(locale).get("turns", "Take turns: {order}.")).format(order=order)
    return Message(
        (
            Text(f"Your subgroup for round {number} of {container}", style="heading"),
            Text("Who is here:\n" + "\n".join(introduction_line(i) for i in intros)),
            Text(pick(locale, "openers", seed)),
            Text("A first question: " + pick(locale, "ladder", seed), style="quote"),
            Text(turns),
            ContextLine(
                f"This round runs until {ends:%a %d %b}. Only you and Trellis are here; Trellis "
                "counts messages to notice a quiet group but never keeps what you write."
            ),
        )
    )


def nudge(container: str, locale: str, seed: int) -> Message:
    return Message(
        (
            Text(pick(locale, "nudge", seed)),
            ContextLine(f"Subgroup of {container}. No reply needed if you already met elsewhere."),
        )
    )


def met_question(subgroup_id: int, container: str, others: Sequence[str], locale: str) -> Message:
    question = str(bank(locale).get("met_question", "Did your subgroup meet?"))
    with_whom = ", ".join(others) or "your subgroup"
    return Message(
        (
            Text(f"{question} ({container}, with {with_whom})"),
            Buttons(
                (
                    Button("Yes, we met", MET_ACTION, f"{subgroup_id}:yes", style="primary"),
                    Button("Not yet", MET_ACTION, f"{subgroup_id}:no"),
                )
            ),
        )
    )


def trust_items(subgroup_id: int, container: str, locale: str) -> Message:
    """The three past-tense items about "this group", answered 1-7 from the message."""
    intro = str(bank(locale).get("trust_intro", "Looking back on this round's subgroup:"))
    blocks: list[Text | Choice | ContextLine] = [Text(f"{intro} ({container})")]
    for item in trust.items(locale, "subgroup_items"):
        blocks.append(Text(item.text))
        blocks.append(
            Choice(
                TRUST_ACTION,
                tuple(
                    Option(str(score), f"{subgroup_id}:{item.code}:{score}")
                    for score in range(trust.SCALE_MIN, trust.SCALE_MAX + 1)
                ),
                placeholder="1 strongly disagree … 7 strongly agree",
            )
        )
    blocks.append(ContextLine("1 = strongly disagree, 7 = strongly agree."))
    return Message(tuple(blocks))


def come_back(container: str) -> Message:
    return Message(
        (
            Text(
                f"You have not taken part in your last three subgroup rounds of {container}, so I "
                "paused subgroups for you. No hard feelings: one click brings you back."
            ),
            Buttons((Button("Put me back in subgroups", OPT_IN_ACTION, "on", style="primary"),)),
        )
    )


def left_alone(container: str, who: str) -> Message:
    return Message(
        (
            Text(
                f"{who} left {container}, so your subgroup this round is just you. You are "
                "first in line for the next round."
            ),
            Buttons((Button("Yes, include me next round", OPT_IN_ACTION, "on"),)),
        )
    )


def microclimate(
    container: str, group: str, members: Sequence[str], mean: float, container_mean: float
) -> Message:
    return Message(
        (
            Text("Microclimate note", style="heading"),
            Text(
                f"Subgroup {group} of {container} ({', '.join(members)}) rated trust in their "
                f"group {mean:.1f} of 7, {container_mean - mean:.1f} below the container's latest "
                f"pulse ({container_mean:.1f})."
            ),
            Text(
                "Trust built in the whole group does not always carry into a small one. "
                "Consider a light check-in with the group, or a different mix next round."
            ),
            ContextLine(
                "An aggregate of at least three members; individual answers are never shown."
            ),
        )
    )


def space_note(
    who: str, group_number: int, group: str, container: str, remain: int, back: bool
) -> Message:
    """For facilitators only: a member left (or came back to) their subgroup's space."""
    members = f"{remain} member{'' if remain == 1 else 's'}"
    if back:
        text = f"{who} is back in the space of pod {group_number} ({group}); {members} now."
        why = f"Subgroups of {container}: they get this pod's prompts again this round."
    else:
        text = f"{who} left the space of pod {group_number} ({group}); {members} remain."
        why = (
            f"Subgroups of {container}: they get no more of this pod's prompts, and its trust "
            "aggregate leaves them out, for the rest of the round. Adding them back undoes it; "
            "nobody else was told."
        )
    return Message((Text(text), ContextLine(why)))
