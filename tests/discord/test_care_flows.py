"""The core's care flows through the real discord.py client and the fake Discord: trust
pulse, purpose agreement, check-ins and motivations, from button to modal to answer."""

from __future__ import annotations

from typing import Any

from bot.adapters.discord.client import TrellisClient
from tests.discord.care import (
    advance,
    as_message,
    click,
    components,
    container,
    dms,
    fields_of,
    modal_of,
    run,
    shown_text,
    submit,
)
from tests.discord.conftest import MEMBER, OTHER, Harness, ephemeral, text_of
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p


async def test_trust_pulse_rating_and_improve_form(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    await harness.answers(await run(harness, ("pulse", "now")))
    await bot.trellis.outbox.drain()
    mine = dms(fake, p.MEMBER_ID)
    # Each question's 1-7 scale is one select (a row holds only 5 buttons): one per row.
    rates = components(mine, "t:s:pulse.rate")
    assert rates and components(mine, "t:b:pulse.rate") == []
    source, rate = rates[0]
    assert [o["label"] for o in rate["options"]] == [str(n) for n in range(1, 8)]
    assert rate["placeholder"].startswith("1. ")
    token = await click(harness, source, rate["custom_id"], values=[rate["options"][4]["value"]])
    (answer,) = await harness.answers(token)
    assert "Recorded 5" in text_of(answer), text_of(answer)

    ((source, improve),) = components(mine, "t:b:pulse.improve")
    modal = await modal_of(fake, await click(harness, source, improve["custom_id"]))
    assert "without your name" in shown_text(modal)
    token = await submit(harness, modal, {"note": "More time to talk"})
    (answer,) = await harness.answers(token)
    assert text_of(answer)
    assert "without your name" in text_of(answer)


async def test_purpose_agree_and_comment(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    token = await run(harness, ("container", "purpose"), text="Learn from each other")
    (proposal,) = await harness.answers(token)
    assert not ephemeral(proposal), "a proposal is for the whole channel"
    source = as_message(proposal)
    ((_, agree),) = components([source], "t:b:purpose.agree")
    (answer,) = await harness.answers(await click(harness, source, agree["custom_id"]))
    assert "You agreed" in text_of(answer) and ephemeral(answer)

    ((_, comment),) = components([source], "t:b:purpose.comment")
    modal = await modal_of(fake, await click(harness, source, comment["custom_id"], by=OTHER))
    assert "Learn from each other" in shown_text(modal)
    token = await submit(harness, modal, {"comment": "Name @everyone we learn with"}, by=OTHER)
    (answer,) = await harness.answers(token)
    assert "comment is posted" in text_of(answer)
    await bot.trellis.outbox.drain()

    def comments() -> list[dict[str, Any]]:
        return [m for m in fake.messages[p.CHANNEL_ID] if "we learn with" in m["content"]]

    # The drain the adapter runs after each interaction may hold the comment (and the agree
    # click's "agreed" post) in flight: wait for it, and look for it rather than take the last.
    await fake.wait_for(comments)
    (posted,) = comments()
    assert "@\u200beveryone" in posted["content"]
    assert posted["_request"]["allowed_mentions"] == {"parse": []}


async def test_checkin_reflect_form_and_sharing(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    await harness.answers(await run(harness, ("checkin", "now")))
    await advance(bot, minutes=5)
    ((source, reflect), *_) = components(dms(fake, p.MEMBER_ID), "t:b:checkin.reflect")
    modal = await modal_of(fake, await click(harness, source, reflect["custom_id"]))
    names = list(fields_of(modal))
    assert names and all(n.startswith("q") for n in names)
    token = await submit(harness, modal, {names[0]: "We tried *pairs*"})
    (saved,) = await harness.answers(token)
    assert "Saved 1 answer" in text_of(saved) and ephemeral(saved)

    ((_, share),) = components([saved], "t:s:checkin.share")[:1]
    option = share["options"][-1]["value"]
    answer_source = as_message(saved)
    token = await click(harness, answer_source, share["custom_id"], values=[option])
    (answer,) = await harness.answers(token)
    assert "who sees it" in text_of(answer).lower() or "shared" in text_of(answer).lower()


async def test_motivation_form_longer_than_a_modal(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    token = await run(harness, ("me", "motivation-update"), invoker=MEMBER)
    first = await modal_of(fake, token)
    pages = [first]
    answers = {"statement": "To learn how others teach fractions", "topic": "6", "people": "4"}
    token = await submit(harness, first, answers)
    while True:
        (answer,) = await harness.answers(token)
        found = components([answer], "t:f:")
        if not found:
            break
        assert ephemeral(answer) and "Continue" in found[0][1]["label"]
        source = as_message(answer)
        page = await modal_of(fake, await click(harness, source, found[0][1]["custom_id"]))
        pages.append(page)
        for name, row in fields_of(page).items():
            if row["component"]["type"] == 3 and name not in answers:
                answers[name] = row["component"]["options"][0]["value"]
        token = await submit(harness, page, answers)
    assert len(pages) == 3, [list(fields_of(m)) for m in pages]
    assert all(len(m["components"]) <= 5 for m in pages)
    asked = [name for m in pages for name in fields_of(m)]
    assert len(asked) == len(set(asked)) == 11
    assert "Thank you, saved" in text_of(answer), text_of(answer)
