"""Test helpers for motivations: joining a container (issue 5 owns the real join flow) and
answering the buttons and the form as a member would."""

from __future__ import annotations

from bot.adapters.memory import Delivered, MemoryCommunity
from bot.app import Trellis
from bot.core.events import ActionChosen, FormSubmitted
from bot.core.messages import Buttons, Form, Message, Outgoing
from bot.core.refs import MemberRef

SAYS = {
    "topic": dict(topic="6", practice="3", people="1"),
    "people": dict(topic="1", practice="1", people="7", other="1"),
}


def text_of(replies: list[Outgoing]) -> str:
    return "\n".join(r.message.plain_text() for r in replies)


async def join(trellis: Trellis, community: MemoryCommunity, name: str, channel: str) -> None:
    """What the lead's `/trellis join` will do: membership, then the motivation DM."""
    await community.command("help", by=name, channel=channel)
    info = await trellis.directory.community(community.community)
    member = await trellis.directory.find_member(info, MemberRef(community.platform, name.lower()))
    container = await trellis.motivations.containers.open_in_channel(info.id, channel)
    assert member is not None and container is not None and container.id is not None
    await trellis.motivations.motivations.add_membership(
        container.id, member.id, trellis.clock.now()
    )
    for outgoing in await trellis.motivations.on_join(info, container, member):
        await trellis.outbox.put(info, outgoing)
    await trellis.outbox.drain()


def buttons(message: Message) -> dict[str, str]:
    """label -> "action_id value" of every button in a message."""
    return {
        b.label: f"{b.action_id} {b.value}"
        for block in message.blocks
        if isinstance(block, Buttons)
        for b in block.buttons
    }


async def click(community: MemoryCommunity, name: str, action: str) -> list[Outgoing]:
    action_id, _, value = action.partition(" ")
    return await community.send(
        ActionChosen(
            community=community.community,
            actor=community.actor(name),
            action_id=action_id,
            value=value,
        )
    )


def form_in(replies: list[Outgoing]) -> Form:
    forms = [r.message.form for r in replies if r.message.form is not None]
    assert forms, text_of(replies)
    return forms[0]


async def submit(
    community: MemoryCommunity, name: str, form: Form, **values: str
) -> list[Outgoing]:
    return await community.send(
        FormSubmitted(
            community=community.community,
            actor=community.actor(name),
            form_id=form.form_id,
            values=values,
            context=form.context,
        )
    )


async def answer_join(
    community: MemoryCommunity, name: str, statement: str, visibility: str, **points: str
) -> list[Outgoing]:
    """Click the join DM's button, then fill the form."""
    dm = motivation_dms(community, name)[-1].message
    form = form_in(await click(community, name, buttons(dm)["Say why I am here"]))
    return await submit(community, name, form, statement=statement, visibility=visibility, **points)


def motivation_dms(community: MemoryCommunity, name: str) -> list[Delivered]:
    """The direct messages about motivations (a container sends others: welcomes, pulses)."""
    from bot.community.motivation_views import OPEN
    from bot.core.messages import Buttons

    return [
        d
        for d in community.dms_to(name)
        if any(
            isinstance(b, Buttons) and any(x.action_id == OPEN for x in b.buttons)
            for b in d.message.blocks
        )
    ]
