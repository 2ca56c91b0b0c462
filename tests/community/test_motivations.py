"""Motivations through the router, as members and facilitators meet them."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.messages import ChoiceInput, Text, TextInput, ToMember
from bot.core.ports import SimulatedClock
from tests.community.motivation_helpers import (
    SAYS,
    answer_join,
    buttons,
    click,
    form_in,
    join,
    motivation_dms,
    submit,
    text_of,
)


async def start(trellis: Trellis, community: MemoryCommunity) -> None:
    await community.command(
        'container create "Maths leads" --purpose "Teach fractions well"',
        by="fay",
        admin=True,
        channel="maths",
    )


async def test_joining_sends_a_dm_whose_button_opens_the_form(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await start(trellis, community)
    await join(trellis, community, "ana", "maths")
    [dm] = motivation_dms(community, "ana")
    assert isinstance(dm.target, ToMember)
    assert "Why are you in Maths leads?" in dm.text
    assert "A short statement in your own words" in dm.text
    form = form_in(await click(community, "ana", buttons(dm.message)["Say why I am here"]))
    names = [f.name for f in form.fields]
    assert names[:7] == [
        "statement",
        "topic",
        "practice",
        "people",
        "career",
        "contribute",
        "other",
    ]
    visibility = next(f for f in form.fields if f.name == "visibility")
    assert isinstance(visibility, ChoiceInput)
    assert [o.value for o in visibility.options] == ["me", "facilitators", "container"]
    assert "autonomy" not in names  # the need items come with restating

    saved = text_of(
        await submit(
            community,
            "ana",
            form,
            statement="Fractions!",
            visibility="facilitators",
            **SAYS["topic"],
        )
    )
    assert "saved" in saved and "shown to: facilitators" in saved
    mine = text_of(await community.command("me motivation", by="ana", channel=None))
    assert "Fractions!" in mine
    assert "Reasons: learn about the topic 6 · solve a problem in my own practice 3" in mine
    assert "Task / social: 90% / 10%" in mine
    assert "In March you came mostly to learn about the topic." in mine
    assert "1. 2026-03-02 (join)" in mine


async def test_a_second_join_dm_is_not_sent_twice(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await start(trellis, community)
    await join(trellis, community, "ana", "maths")
    await join(trellis, community, "ana", "maths")
    assert len(motivation_dms(community, "ana")) == 1


async def test_points_that_do_not_add_up_are_shown_back_and_asked_again(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await start(trellis, community)
    await join(trellis, community, "ana", "maths")
    replies = await answer_join(community, "ana", "Here to learn", "me", topic="4", practice="3")
    said = text_of(replies)
    assert "Your points add up to 7, not 10" in said
    assert "learn about the topic 4 · solve a problem in my own practice 3" in said
    again = form_in(replies)
    initial = {f.name: f.initial for f in again.fields}
    assert initial["statement"] == "Here to learn" and initial["topic"] == "4"
    assert "not said why you are here yet" in text_of(
        await community.command("me motivation", by="ana")
    )
    fixed = await submit(
        community, "ana", again, statement="Here to learn", visibility="me", topic="7", practice="3"
    )
    assert "saved" in text_of(fixed)


async def test_empty_long_and_odd_answers_are_refused_and_nothing_is_stored(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await start(trellis, community)
    await join(trellis, community, "ana", "maths")
    empty = text_of(await answer_join(community, "ana", "   ", "me", topic="10"))
    assert "Your statement is empty" in empty
    long_text = "I came for the fractions. " * 40 + "THE END"
    replies = await answer_join(community, "ana", long_text, "me", topic="10")
    said = text_of(replies)
    assert f"Your statement is {len(long_text):,} characters; the limit is 1,000" in said
    assert any(
        isinstance(b, Text) and b.style == "quote" and b.text.endswith("THE END")
        for r in replies
        for b in r.message.blocks
    )
    statement = next(f for f in form_in(replies).fields if f.name == "statement")
    assert isinstance(statement, TextInput) and statement.initial == long_text
    odd = text_of(await answer_join(community, "ana", "Hi", "me", topic="ten"))
    assert "Points are whole numbers from 0 to 10" in odd and "`ten`" in odd
    negative = text_of(await answer_join(community, "ana", "Hi", "me", topic="12", other="-2"))
    assert "Points are whole numbers" in negative
    nobody = text_of(await answer_join(community, "ana", "Hi", "everyone", topic="10"))
    assert "Choose who may see your statement" in nobody
    assert "not said why you are here yet" in text_of(
        await community.command("me motivation", by="ana")
    )


async def test_history_says_in_plain_words_how_reasons_changed(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await start(trellis, community)
    await join(trellis, community, "ana", "maths")
    await answer_join(community, "ana", "The topic", "me", **SAYS["topic"])
    clock.advance(timedelta(days=60))
    form = form_in(await community.command("me motivation update", by="ana", channel=None))
    initial = {f.name: f.initial for f in form.fields}
    assert initial["statement"] == "The topic" and initial["topic"] == "6"
    await submit(community, "ana", form, statement="The people", visibility="me", **SAYS["people"])
    mine = text_of(await community.command("me motivation", by="ana"))
    assert (
        "In March you came mostly to learn about the topic; now mostly for the people "
        "(task share 90% → 20%, social share 10% → 70%)."
    ) in mine
    assert "1. 2026-03-02 (join)" in mine and "2. 2026-05-01 (update)" in mine


async def test_members_delete_their_own_statements_and_only_their_own(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await start(trellis, community)
    for name in ("ana", "ben"):
        await join(trellis, community, name, "maths")
        await answer_join(community, name, f"{name} first", "me", topic="10")
    form = form_in(await community.command("me motivation update", by="ana"))
    await submit(community, "ana", form, statement="ana second", visibility="me", people="10")

    shown = await community.command("me motivation", by="ana")
    delete_first = buttons(shown[0].message)["Delete 1"]
    refused = text_of(await click(community, "ben", delete_first))
    assert "already gone" in refused
    assert "ana first" in text_of(await community.command("me motivation", by="ana"))

    assert "Deleted" in text_of(await click(community, "ana", delete_first))
    left = text_of(await community.command("me motivation", by="ana"))
    assert "ana first" not in left and "ana second" in left

    too_far = text_of(await community.command("me motivation delete 3", by="ana"))
    assert "pick a number from 1 to 1" in too_far
    assert "Deleted statement 1" in text_of(
        await community.command("me motivation delete 1", by="ana")
    )
    assert "not said why you are here yet" in text_of(
        await community.command("me motivation", by="ana")
    )
    assert "ben first" in text_of(await community.command("me motivation", by="ben"))
