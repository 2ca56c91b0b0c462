"""What the simulated members do: join, talk, answer pulses, check-ins and questionnaires,
and share what they learned, some of it average or failed practice.

Members only act on buttons and forms the console actually showed them, as a person would.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bot.community import trust
from bot.core.messages import ChoiceInput, Form, TextInput
from bot.demo.console_driver import Driver, Said
from bot.demo.population import CONTAINERS, Person, partner

TOPICS = ("fractions", "feedback", "transitions", "reading", "attendance", "wellbeing")
SAID = (
    "We tried {t} with year {y} and it went better than expected",
    "Has anyone found a way to make {t} stick with year {y}?",
    "Our {t} session with year {y} fell flat; the pupils lost interest halfway",
    "Sharing the plan we use for {t}; happy to hear what you would change",
    "I spoke to our year {y} team about {t} and they want to try it too",
)
LEARNED = (
    ("Short daily practice on {t} beat one long weekly lesson", "worked"),
    ("Pairing older and younger pupils on {t} helped some, not all", "partly"),
    ("A worksheet-only approach to {t} did not work for us", "didnt"),
    ("Asking pupils to explain {t} aloud showed us their misconceptions", "worked"),
    ("Moving {t} to the afternoon made no difference", "partly"),
)
PLURAL = {
    "school": "other schools",
    "university": "universities",
    "charity": "charities",
    "council": "councils",
}
# Messages submitted together: each simulated day's talk arrives as a burst, as on a busy
# platform, so concurrent handling (one transaction for many events) gets to work. It needs
# the core's group commit / SQLite write queue: without it, 50 concurrent transactions on a
# loaded machine can wait past SQLite's busy timeout ("database is locked").
TALK_CHUNK = 50
REASONS = ("topic", "practice", "people", "career", "contribute", "other")
# Which reasons each organisation type leans to: the motivation mix differs by type.
LEANING = {
    "school": ("practice", "topic"),
    "university": ("topic", "contribute"),
    "charity": ("contribute", "people"),
    "council": ("career", "practice"),
}


def sentence(rng: random.Random, templates: tuple[str, ...]) -> str:
    return rng.choice(templates).format(t=rng.choice(TOPICS), y=rng.randint(3, 9))


def points(person: Person, rng: random.Random) -> dict[str, str]:
    """Ten points over the six reasons, most of them on the person's type's leanings."""
    lean = LEANING.get(person.organisation_type, ("topic", "people"))
    spread = dict.fromkeys(REASONS, 0)
    for _ in range(10):
        reason = rng.choice(lean) if rng.random() < 0.7 else rng.choice(REASONS)
        spread[reason] += 1
    return {k: str(v) for k, v in spread.items() if v}


def fill(form: Form, person: Person, rng: random.Random) -> dict[str, str]:
    """Answers to a form the member was shown: required text, scales near their mood."""
    values: dict[str, str] = {}
    is_motivation = any(f.name == "statement" for f in form.fields)
    if is_motivation:
        values["statement"] = f"I want to learn from {PLURAL[person.organisation_type]}"
        values.update(points(person, rng))
    for item in form.fields:
        if item.name in values or (is_motivation and item.name in REASONS):
            continue  # a reason left blank counts 0 points
        if isinstance(item, ChoiceInput):
            options = [o.value for o in item.options]
            if item.name == "visibility":
                values[item.name] = "facilitators" if "facilitators" in options else options[0]
            elif item.required or rng.random() < 0.7:
                index = round((person.trust - 1) / 6 * (len(options) - 1))
                index = max(0, min(len(options) - 1, index + rng.choice((-1, 0, 0, 1))))
                values[item.name] = options[index]
        elif isinstance(item, TextInput) and (item.required or rng.random() < 0.5):
            values[item.name] = sentence(rng, SAID)[: item.max_length]
    return values


async def set_up(
    driver: Driver,
    everyone: list[Person],
    rng: random.Random,
    joined: Callable[[int], object] = lambda _: None,
) -> None:
    """The facilitator opens the containers and schedules check-ins and the network digest;
    then every member joins their container and answers the joining questionnaire
    (`joined` hears of each, for a progress bar)."""
    facilitator = everyone[0]
    for channel, name, purpose in CONTAINERS:
        await driver.command(facilitator, channel, f'container create {name} --purpose "{purpose}"')
        await driver.command(
            facilitator, channel, "checkin schedule --every fortnight --day mon --at 09:00"
        )
    await driver.command(facilitator, "general", "digest schedule --day fri --at 16:00")
    for person in everyone[1:]:
        await driver.command(person, person.channel, "join")
        await answer(driver, person, rng, always=True)
        joined(1)


async def answer(
    driver: Driver, person: Person, rng: random.Random, *, always: bool = False
) -> None:
    """Answer what the member was shown and has not answered yet: the purpose, questionnaires
    (motivation), check-ins, introductions and trust pulses."""
    shown = driver.shown(person)
    if shown is None:
        return
    # Only what was shown since the last look: the lists only grow, and rereading every
    # button ever shown on every step made each step slower than the last.
    fresh: dict[str, list[str]] = {}
    for action, values in shown.actions.items():
        start = driver.looked.get((person.name, action), 0)
        fresh[action] = [v for v in values[start:] if (person.name, action, v) not in driver.seen]
        driver.looked[(person.name, action)] = len(values)
    driver.seen.update((person.name, a, v) for a, values in fresh.items() for v in values)
    if not always and rng.random() > person.diligence:
        return
    for value in fresh.get("purpose.agree", [])[-1:]:
        await driver.click(person, "purpose.agree", value)
    for value in [v for v in fresh.get("exchange.intro", []) if v.endswith(":yes")]:
        await driver.click(person, "exchange.intro", value)
    for action in ("motivation.open", "checkin.reflect"):
        for value in fresh.get(action, [])[-1:]:
            shown.form = None
            await driver.click(person, action, value)
            form = shown.form
            if form is not None:
                await driver.submit(person, fill(form, person, rng))
    await rate_pulses(driver, person, fresh.get("pulse.rate", []), rng)


async def rate_pulses(
    driver: Driver, person: Person, values: list[str], rng: random.Random
) -> None:
    """Values look like `PULSE:ITEM:SCORE`; pick one score per item, near the member's trust."""
    items: dict[str, list[int]] = {}
    for value in values:
        head, _, score = value.rpartition(":")
        if score.isdigit():
            items.setdefault(head, []).append(int(score))
    reverse = {item.code for item in trust.items() if item.reverse}
    for head, scores in items.items():
        wanted = round(person.trust + rng.uniform(-1, 1))
        if head.rpartition(":")[2] in reverse:  # "a mistake is held against you": agree = low
            wanted = trust.scored(wanted, True)
        chosen = min(scores, key=lambda s: (abs(s - wanted), s))
        await driver.click(person, "pulse.rate", f"{head}:{chosen}")


async def talk(
    driver: Driver,
    everyone: list[Person],
    days: int,
    bias: float,
    rng: random.Random,
    chunk: int = TALK_CHUNK,
) -> None:
    """A few days of talk and learning: each member speaks about chattiness * days / 7 times,
    answering someone; some capture a learning and share how a practice went.

    The talk is decided first (the same random draws, in the same order, as one seed
    demands), then posted `chunk` messages at a time concurrently; the commands follow."""
    said: list[Said] = []
    commands: list[tuple[Person, str]] = []
    for person in everyone:
        for _ in range(talks(person.chattiness * days / 7, rng)):
            other = partner(person, everyone, bias, rng)
            channel = person.channel if other and other.channel == person.channel else "general"
            said.append((person, channel, sentence(rng, SAID), other))
        if rng.random() < 0.1 * days / 7:
            text, outcome = rng.choice(LEARNED)
            topic = rng.choice(TOPICS)
            commands.append((person, f'learned "{text.format(t=topic)}"'))
            commands.append((person, f'share "{text.format(t=topic)}" --outcome {outcome}'))
        if rng.random() < 0.03 * days / 7:
            kind = rng.choice(("offer", "need"))
            what = f"{'Coaching on' if kind == 'offer' else 'Ideas for'} {rng.choice(TOPICS)}"
            commands.append((person, f'{kind} "{what}"'))
    await driver.say_all(said, chunk)
    for person, text in commands:
        await driver.command(person, person.channel, text)


def talks(mean: float, rng: random.Random) -> int:
    """A small Poisson-like count without numpy: whole part plus a chance for the rest."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)
