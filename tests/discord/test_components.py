"""Buttons, selects and modals: rendered from neutral messages, clicked through the fake."""

from __future__ import annotations

import asyncio

from bot.adapters.discord.client import TrellisClient
from bot.adapters.discord.translate import community
from bot.app import Trellis
from bot.core.context import Context
from bot.core.events import ActionChosen, FormSubmitted
from bot.core.messages import (
    Button,
    Buttons,
    Choice,
    ChoiceInput,
    Form,
    Message,
    Option,
    Outgoing,
    Reply,
    Text,
    TextInput,
    ToChannel,
    reply,
)
from bot.core.refs import ChannelRef
from tests.discord.conftest import MEMBER, Harness, connect, ephemeral, text_of
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

GENERAL = ChannelRef("discord", p.CHANNEL_ID, "general")
FORM = Form(
    "reflect",
    "Reflection",
    (
        TextInput("what", "What happened?", multiline=True),
        ChoiceInput("mood", "How did it go?", (Option("Well", "well"), Option("Badly", "badly"))),
    ),
    context="container-7",
)


def register(trellis: Trellis, seen: list[object]) -> None:
    async def open_form(ctx: Context[ActionChosen]) -> list[Outgoing]:
        seen.append(ctx.event)
        return [Outgoing(Message(form=FORM), Reply())]

    async def chosen(ctx: Context[ActionChosen]) -> list[Outgoing]:
        seen.append(ctx.event)
        return [reply(f"You picked {', '.join(ctx.event.values)}.")]

    async def submitted(ctx: Context[FormSubmitted]) -> list[Outgoing]:
        seen.append(ctx.event)
        values = ctx.event.values
        return [reply(f"Thanks: {values['what']} / {values['mood']} ({ctx.event.context})")]

    trellis.registry.action("reflect.open", open_form)
    trellis.registry.action("topic.pick", chosen)
    trellis.registry.form("reflect", submitted)


async def post(bot: TrellisClient, fake: FakeDiscord, message: Message) -> dict[str, object]:
    """Send a message to #general through the outbound transport; the fake's copy."""
    await bot.transport.deliver(community(int(p.GUILD_ID)), ToChannel(GENERAL), message)
    return fake.messages[p.CHANNEL_ID][-1]


async def click(harness: Harness, source: dict[str, object], custom_id: str, **kw: object) -> str:
    token = f"token-{harness.new_id()}"
    payload = p.component_interaction(harness.new_id(), token, MEMBER, custom_id, source, **kw)  # type: ignore[arg-type]
    await harness.fake.dispatch("INTERACTION_CREATE", payload)
    return token


async def test_button_opens_a_modal_and_the_submission_reaches_the_core(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    seen: list[object] = []
    register(bot.trellis, seen)
    source = await post(
        bot,
        fake,
        Message((Text("Time to reflect"), Buttons((Button("Reflect", "reflect.open", "r1"),)))),
    )
    (row,) = source["components"]  # type: ignore[misc]
    custom_id = row["components"][0]["custom_id"]
    assert custom_id == "t:b:reflect.open:r1"

    token = await click(harness, source, custom_id)
    modal = (await fake.wait_for(lambda: fake.callbacks.get(token)))[0]
    assert modal["type"] == 9
    assert modal["data"]["custom_id"] == "t:m:reflect:container-7"
    assert [c["component"]["type"] for c in modal["data"]["components"]] == [4, 3]
    assert isinstance(seen[0], ActionChosen) and seen[0].value == "r1"

    submit = f"token-{harness.new_id()}"
    await fake.dispatch(
        "INTERACTION_CREATE",
        p.modal_interaction(
            harness.new_id(),
            submit,
            MEMBER,
            "t:m:reflect:container-7",
            {"what": "Tried peer review", "mood": "well"},
        ),
    )
    (answer,) = await harness.answers(submit)
    assert text_of(answer) == "Thanks: Tried peer review / well (container-7)"
    assert ephemeral(answer)


async def test_select_sends_every_chosen_value(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    seen: list[object] = []
    register(bot.trellis, seen)
    choice = Choice("topic.pick", (Option("Maths", "maths"), Option("Art", "art")), multi=True)
    source = await post(bot, fake, Message((Text("Pick topics"), choice)))
    select = source["components"][0]["components"][0]  # type: ignore[index]
    assert select["custom_id"] == "t:s:topic.pick" and select["max_values"] == 2
    token = await click(harness, source, select["custom_id"], values=["maths", "art"])
    (answer,) = await harness.answers(token)
    assert "You picked maths, art." in text_of(answer)


async def test_buttons_keep_working_after_a_restart(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    seen: list[object] = []
    register(bot.trellis, seen)
    source = await post(bot, fake, Message((Buttons((Button("Pick", "topic.pick", "x"),)),)))
    await bot.close()
    restarted, task = await connect(bot.trellis)
    try:
        token = await click(harness, source, "t:b:topic.pick:x")
        (answer,) = await harness.answers(token)
        assert "You picked" in text_of(answer)
    finally:
        await restarted.close()
        await asyncio.wait_for(task, 5)
