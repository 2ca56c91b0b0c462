from __future__ import annotations

import logging

import pytest

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked, MessagePosted
from bot.core.messages import Outgoing, reply
from bot.core.parsing import Args


def text_of(replies: list[Outgoing]) -> str:
    return "\n".join(r.message.plain_text() for r in replies)


async def test_a_crash_in_a_handler_becomes_a_short_message_without_traceback(
    trellis: Trellis, community: MemoryCommunity, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        raise RuntimeError("database exploded")

    trellis.registry.command(CommandSpec(("explode",), "Fails."), broken)
    with caplog.at_level(logging.ERROR):
        replies = await community.command("explode", by="ana")
    shown = text_of(replies)
    assert "Something went wrong on our side" in shown
    assert "nothing already stored was lost" in shown
    assert "Traceback" not in shown and "exploded" not in shown
    assert "database exploded" in caplog.text  # the facilitator's log has the detail


async def test_a_redelivered_event_is_handled_once(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    seen: list[str] = []

    async def listener(ctx: Context[MessagePosted]) -> list[Outgoing]:
        seen.append(ctx.event.text)
        return []

    trellis.registry.listen(MessagePosted, listener)
    event = MessagePosted(
        community=community.community,
        actor=community.actor("ana"),
        channel=community.channel("general"),
        text="hello",
        message_id="m1",
        event_id="Ev1",
    )
    await community.send(event)
    await community.send(event)
    assert seen == ["hello"]


async def test_facilitator_commands_are_refused_to_members_naming_the_role(
    community: MemoryCommunity,
) -> None:
    await community.command("help", by="ana", admin=True)  # ana runs the community
    replies = await community.command("container create Pod --purpose x", by="ben")
    assert "Only facilitators can run `/trellis container create`" in text_of(replies)
    assert "/trellis facilitator add" in text_of(replies)


async def test_platform_admins_start_as_facilitators_and_can_grant_the_role(
    community: MemoryCommunity,
) -> None:
    await community.command("help", by="ben")
    granted = await community.command("facilitator add @ben", by="ana", admin=True)
    assert "ben is now a facilitator" in text_of(granted)
    created = await community.command("container create Pod --purpose learn", by="ben")
    assert "New container: Pod" in text_of(created)


async def test_buttons_with_unknown_actions_explain_themselves(community: MemoryCommunity) -> None:
    replies = await community.send(
        ActionChosen(
            community=community.community, actor=community.actor("ana"), action_id="gone.away"
        )
    )
    assert "no longer in use" in text_of(replies)


async def test_action_handlers_receive_the_clicked_value(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    async def agree(ctx: Context[ActionChosen]) -> list[Outgoing]:
        return [reply(f"{ctx.member.display_name} agreed to {ctx.event.value}")]

    trellis.registry.action("purpose.agree", agree)
    replies = await community.send(
        ActionChosen(
            community=community.community,
            actor=community.actor("Ana"),
            action_id="purpose.agree",
            value="7",
        )
    )
    assert text_of(replies) == "Ana agreed to 7"
