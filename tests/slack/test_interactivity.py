"""Buttons and modals: clicks reach the core, forms open as modals, field errors stay on them."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.forms import modal
from bot.core.context import Context
from bot.core.events import ActionChosen, FormSubmitted
from bot.core.messages import (
    Button,
    Buttons,
    ChoiceInput,
    Form,
    Message,
    Option,
    Outgoing,
    Reply,
    Text,
    TextInput,
    reply,
)
from bot.core.parsing import CommandError
from tests.slack.conftest import Slack, fixture

FORM = Form(
    form_id="demo.reflect",
    title="Reflection",
    fields=(
        TextInput("what", "What happened?", multiline=True),
        ChoiceInput("mood", "How did it go?", (Option("Well", "well"), Option("Badly", "badly"))),
    ),
    context="container:7",
)


def register(slack: Slack) -> list[Any]:
    seen: list[Any] = []

    async def vote(ctx: Context[ActionChosen]) -> list[Outgoing]:
        seen.append(ctx.event)
        return [reply(f"You chose {ctx.event.value}.")]

    async def ask(ctx: Context[ActionChosen]) -> list[Outgoing]:
        seen.append(ctx.event)
        return [Outgoing(Message((Text("Tell us <b>"),), form=FORM), Reply())]

    async def reflect(ctx: Context[FormSubmitted]) -> list[Outgoing]:
        seen.append(ctx.event)
        if ctx.event.values.get("mood") == "badly" and "clash" in ctx.event.values["what"]:
            raise CommandError("Another check-in already uses that slot; pick another time.")
        if len(ctx.event.values.get("what", "")) < 5:
            raise CommandError("what: please write at least 5 characters.")
        return [reply("Thanks, saved.")]

    registry = slack.trellis.registry
    registry.action("demo.vote", vote)
    registry.action("demo.ask", ask)
    registry.form("demo.reflect", reflect)
    return seen


def click(slack: Slack, action_id: str, value: str = "yes") -> dict[str, Any]:
    payload = fixture("block_actions")
    payload["response_url"] = slack.fake.response_url_for("click")
    payload["actions"][0].update(action_id=action_id, value=value)
    return payload


def submission(values: dict[str, Any], view: dict[str, Any] | None = None) -> dict[str, Any]:
    payload = fixture("view_submission")
    payload["view"] = {
        "id": "V1",
        "type": "modal",
        **(view or modal(FORM, "C0MATHS")),
        "state": {"values": values},
    }
    return payload


async def test_button_click_reaches_the_core_and_answers_ephemerally(slack: Slack) -> None:
    seen = register(slack)
    status, _ = await slack.interact(click(slack, "demo.vote~2", "maybe"))
    assert status == 200
    (event,) = seen
    assert event.action_id == "demo.vote" and event.value == "maybe"
    assert event.channel.external_id == "C0MATHS"
    (answer,) = slack.fake.of("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "You chose maybe." in " ".join(slack.fake.texts("response_url"))


async def test_select_sends_every_chosen_value(slack: Slack) -> None:
    seen = register(slack)
    payload = click(slack, "demo.vote")
    action = payload["actions"][0]
    action.pop("value")
    action.update(type="multi_static_select", selected_options=[{"value": "a"}, {"value": "b"}])
    await slack.interact(payload)
    assert seen[0].values == ("a", "b") and seen[0].value == "a"


async def test_unknown_button_answers_kindly(slack: Slack) -> None:
    await slack.interact(click(slack, "gone.away"))
    assert "no longer in use" in " ".join(slack.fake.texts("response_url"))


async def test_form_opens_as_modal_with_context_in_metadata(slack: Slack) -> None:
    register(slack)
    await slack.interact(click(slack, "demo.ask"))
    (opened,) = slack.fake.of("views.open")
    view = opened["view"]
    assert opened["trigger_id"] == fixture("block_actions")["trigger_id"]
    assert view["callback_id"] == "trellis:demo.reflect"
    assert json.loads(view["private_metadata"]) == {
        "form": "demo.reflect",
        "context": "container:7",
        "channel": "C0MATHS",
    }
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["what", "mood"]
    assert "Tell us &lt;b&gt;" in " ".join(slack.fake.texts("views.open"))
    assert slack.fake.of("response_url") == []


async def test_expired_trigger_falls_back_to_a_message_with_buttons(slack: Slack) -> None:
    register(slack)
    slack.fake.fail("views.open", 200, "expired_trigger_id")
    await slack.interact(click(slack, "demo.ask"))
    (fallback,) = slack.fake.of("response_url")
    (actions,) = [b for b in fallback["blocks"] if b["type"] == "actions"]
    button = actions["elements"][0]
    assert button["action_id"] == "trellis.open_form"
    # Clicking it (a fresh trigger) opens the modal this time.
    await slack.interact(click(slack, "trellis.open_form", button["value"]))
    assert len(slack.fake.of("views.open")) == 2
    assert slack.fake.of("views.open")[-1]["view"]["callback_id"] == "trellis:demo.reflect"


async def test_modal_submission_reaches_the_core(slack: Slack) -> None:
    seen = register(slack)
    values = {
        "what": {"value": {"type": "plain_text_input", "value": "We tried pairs"}},
        "mood": {"value": {"type": "static_select", "selected_option": {"value": "well"}}},
    }
    status, body = await slack.interact(submission(values))
    assert status == 200 and body == ""
    (event,) = seen
    assert event.form_id == "demo.reflect" and event.context == "container:7"
    assert event.values == {"what": "We tried pairs", "mood": "well"}
    (answer,) = slack.fake.of("chat.postEphemeral")
    assert answer["channel"] == "C0MATHS" and answer["user"] == "U0ADA"


async def test_field_error_is_shown_on_the_modal(slack: Slack) -> None:
    register(slack)
    values = {
        "what": {"value": {"type": "plain_text_input", "value": "meh"}},
        "mood": {"value": {"type": "static_select", "selected_option": {"value": "badly"}}},
    }
    status, body = await slack.interact(submission(values))
    assert status == 200
    assert json.loads(body) == {
        "response_action": "errors",
        "errors": {"what": "please write at least 5 characters."},
    }
    assert slack.fake.of("chat.postEphemeral") == []


async def test_a_problem_naming_no_field_stays_on_the_modal_with_answers_kept(
    slack: Slack,
) -> None:
    register(slack)
    values = {
        "what": {"value": {"type": "plain_text_input", "value": "A clash with <!here> & co"}},
        "mood": {"value": {"type": "static_select", "selected_option": {"value": "badly"}}},
    }
    status, body = await slack.interact(submission(values))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    view = answer["view"]
    assert view["callback_id"] == "trellis:demo.reflect"
    assert json.loads(view["private_metadata"])["context"] == "container:7"
    notice = view["blocks"][0]["text"]["text"]
    assert "Another check-in already uses that slot" in notice
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["what"]["initial_value"] == "A clash with <!here> & co"  # kept, as typed
    assert inputs["mood"]["initial_option"] == {"value": "badly"}
    assert "id" not in view and "state" not in view  # Slack refuses those in an update
    assert slack.fake.of("chat.postEphemeral") == [] and slack.fake.of("response_url") == []

    # Submitted again, corrected: the notice is not stacked, and the modal closes.
    values["what"]["value"]["value"] = "We tried pairs"
    status, body = await slack.interact(submission(values, {**view}))
    assert status == 200 and body == ""
    assert "Thanks, saved." in " ".join(slack.fake.texts("chat.postEphemeral"))


async def test_a_second_refusal_replaces_the_notice(slack: Slack) -> None:
    register(slack)
    values = {
        "what": {"value": {"type": "plain_text_input", "value": "clash"}},
        "mood": {"value": {"type": "static_select", "selected_option": {"value": "badly"}}},
    }
    _, body = await slack.interact(submission(values))
    _, body = await slack.interact(submission(values, json.loads(body)["view"]))
    blocks = json.loads(body)["view"]["blocks"]
    assert sum(b.get("block_id") == "trellis.problem" for b in blocks) == 1


async def test_unknown_form_is_answered_not_crashed(slack: Slack) -> None:
    other = Form("gone.form", "Old", (TextInput("x", "X"),))
    values = {"x": {"value": {"type": "plain_text_input", "value": "1"}}}
    status, body = await slack.interact(submission(values, modal(other, "C0MATHS")))
    assert status == 200
    assert "no longer in use" in json.loads(body)["view"]["blocks"][0]["text"]["text"]


async def test_buttons_render_with_unique_action_ids(slack: Slack) -> None:
    from bot.adapters.slack.render import render

    message = Message((Buttons((Button("A", "x", "1"), Button("B", "x", "2"))),))
    ids = [e["action_id"] for e in render(message).posts[0][1][0]["elements"]]
    assert ids == ["x", "x~1"]
