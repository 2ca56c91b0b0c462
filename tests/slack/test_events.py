"""Events API deliveries: messages, reactions, joins, Home; retries never do the work twice."""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.core.events import MemberJoined, MessagePosted, ReactionAdded
from bot.core.messages import Message, Outgoing, ToChannel
from bot.core.refs import ChannelRef
from tests.slack.conftest import Slack, fixture


def record(slack: Slack, kind: type[Any]) -> list[Any]:
    seen: list[Any] = []

    async def listener(ctx: Context[Any]) -> list[Outgoing]:
        seen.append(ctx.event)
        return []

    slack.trellis.registry.listen(kind, listener)
    return seen


async def test_message_becomes_message_posted_with_mentions(slack: Slack) -> None:
    seen = record(slack, MessagePosted)
    status, _ = await slack.event(fixture("event_message"))
    assert status == 200
    (event,) = seen
    assert event.text == "Has anyone tried <@U0BOB|bob>'s fractions game?"
    assert [m.external_id for m in event.mentioned] == ["U0BOB"]
    assert event.channel.external_id == "C0MATHS"
    assert event.actor.display_name == "member-u0ada"
    assert event.actor.timezone == "Europe/Lisbon"
    assert event.event_id == "Ev0MESSAGE1"
    assert event.direct is False and event.reply_to is None


async def test_thread_reply_and_dm_are_recognised(slack: Slack) -> None:
    seen = record(slack, MessagePosted)
    body = fixture("event_message")
    body["event"].update(thread_ts="1700000000.000100", parent_user_id="U0BOB")
    await slack.event(body)
    dm = fixture("event_message")
    dm["event_id"] = "Ev0DM"
    dm["event"].update(channel="D0ADA", channel_type="im", text="hello &lt;3")
    await slack.event(dm)
    thread, direct = seen
    assert thread.reply_to.external_id == "U0BOB"
    assert thread.thread_id == "1700000000.000100"
    assert direct.direct is True and direct.channel is None and direct.text == "hello <3"


async def test_bot_messages_and_edits_are_ignored(slack: Slack) -> None:
    seen = record(slack, MessagePosted)
    mine = fixture("event_message")
    mine["event"].update(user="UBOT", bot_id="B0BOT")
    edit = fixture("event_message")
    edit["event_id"] = "Ev0EDIT"
    edit["event"]["subtype"] = "message_changed"
    for body in (mine, edit):
        status, _ = await slack.event(body)
        assert status == 200
    assert seen == []


async def test_retried_delivery_does_the_work_once(slack: Slack) -> None:
    async def announce(ctx: Context[MessagePosted]) -> list[Outgoing]:
        target = ToChannel(ChannelRef("slack", "C0MATHS"))
        key = f"echo:{ctx.event.message_id}:{len(slack.fake.of('chat.postMessage'))}"
        return [Outgoing(Message.text("Noted."), target, idempotency_key=key)]

    slack.trellis.registry.listen(MessagePosted, announce)
    body = fixture("event_message")
    assert (await slack.event(body))[0] == 200
    assert (await slack.event(body, retry_num=1))[0] == 200
    assert (await slack.event(body, retry_num=2))[0] == 200
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_reaction_and_join_reach_the_core(slack: Slack) -> None:
    reactions = record(slack, ReactionAdded)
    joins = record(slack, MemberJoined)
    await slack.event(fixture("event_reaction_added"))
    await slack.event(fixture("event_member_joined_channel"))
    (reaction,) = reactions
    assert reaction.emoji == "thumbsup"
    assert reaction.message_id == "C0MATHS:1700000100.000200"
    assert reaction.message_author.external_id == "U0ADA"
    (join,) = joins
    assert join.actor.ref.external_id == "U0CAROL" and join.channel.external_id == "C0MATHS"


async def test_channel_post_from_the_core_goes_out_through_the_outbox(slack: Slack) -> None:
    async def welcome(ctx: Context[MemberJoined]) -> list[Outgoing]:
        assert ctx.event.channel is not None
        text = f"Welcome {ctx.member.display_name} <!channel>"
        return [Outgoing(Message.text(text), ToChannel(ctx.event.channel), "welcome:1")]

    slack.trellis.registry.listen(MemberJoined, welcome)
    await slack.event(fixture("event_member_joined_channel"))
    (post,) = slack.fake.of("chat.postMessage")
    assert post["channel"] == "C0MATHS"
    assert "&lt;!channel&gt;" in post["blocks"][0]["text"]["text"]


async def test_app_home_shows_the_members_containers(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {
        "id": "U0ADA",
        "is_admin": True,
        "profile": {"display_name": "Ada"},
    }
    await slack.command('container create Maths leads --purpose "Fractions"')
    await slack.event(fixture("event_app_home_opened"))
    (published,) = slack.fake.of("views.publish")
    assert published["user_id"] == "U0ADA"
    assert published["view"]["type"] == "home"
    texts = " ".join(slack.fake.texts("views.publish"))
    assert "Maths leads" in texts and "#maths-leads" in texts
    assert "Containers you look after" in texts  # Ada facilitates, so she sees their status


async def test_app_home_of_a_member_hides_facilitator_part_and_refreshes(slack: Slack) -> None:
    await slack.event(fixture("event_app_home_opened"))
    texts = " ".join(slack.fake.texts("views.publish"))
    assert "You are not in a container yet" in texts
    assert "Containers you look after" not in texts
    await slack.command("help")
    # Worked out again after the command, but unchanged: not published again.
    assert len(slack.fake.of("views.publish")) == 1
