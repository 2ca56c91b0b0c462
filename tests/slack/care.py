"""Helpers for driving the core's care flows (pulses, purpose, check-ins, motivations)
through Slack: find the buttons Trellis sent, click them, fill in the modals they open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.ports import SimulatedClock
from tests.slack.conftest import Slack, fixture

ADA, BOB, CAT, DAN = "U0ADA", "U0BOB", "U0CAT", "U0DAN"
CHANNEL = "C0MATHS"


async def container(slack: Slack, members: tuple[str, ...] = (BOB, CAT, DAN)) -> None:
    """Ada (a workspace admin) opens a container in #maths-leads; the others join it."""
    slack.fake.users[ADA] = {
        "id": ADA,
        "name": "ada",
        "tz": "Europe/London",
        "is_admin": True,
        "profile": {"display_name": "Ada"},
    }
    await slack.command('container create "Maths leads" --purpose "Teach fractions well"')
    for user in members:
        await slack.command("join", user=user)


async def advance(slack: Slack, **delta: float) -> None:
    clock = slack.trellis.clock
    assert isinstance(clock, SimulatedClock)
    await slack.trellis.scheduler.advance(clock, timedelta(**delta))
    await slack.trellis.outbox.drain()


def posted_to(slack: Slack, channel: str) -> list[dict[str, Any]]:
    return [b for b in slack.fake.of("chat.postMessage") if b.get("channel") == channel]


def elements(bodies: list[dict[str, Any]], action_prefix: str) -> list[dict[str, Any]]:
    """Interactive elements (buttons, selects) whose action id starts with the prefix."""
    found = []
    for body in bodies:
        for block in body.get("blocks") or []:
            for element in block.get("elements") or []:
                if str(element.get("action_id", "")).startswith(action_prefix):
                    found.append(element)
            accessory = block.get("accessory")
            if accessory and str(accessory.get("action_id", "")).startswith(action_prefix):
                found.append(accessory)
    return found


def press(
    slack: Slack,
    user: str,
    element: dict[str, Any],
    *,
    channel: str | None = None,
    selected: str | None = None,
) -> dict[str, Any]:
    """The block_actions payload of `user` clicking `element` (or picking `selected`)."""
    payload = fixture("block_actions")
    slack.sent += 1
    payload["user"] = {"id": user, "username": user.lower(), "team_id": "T0TRELLIS"}
    payload["response_url"] = slack.fake.response_url_for(f"click{slack.sent}")
    payload["trigger_id"] = f"trigger-click-{slack.sent}"
    where = channel or user
    payload["channel"] = {"id": where, "name": "directmessage" if where == user else "x"}
    payload["container"]["channel_id"] = where
    action: dict[str, Any] = {"action_id": element["action_id"], "block_id": "b1"}
    if selected is not None:
        action.update(type=element["type"], selected_option={"value": selected})
    else:
        action.update(type="button", value=element.get("value", ""))
    payload["actions"] = [action]
    return payload


def state_for(view: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """A view's submitted state: each answered input with the value Slack would send."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input" or block["block_id"] not in answers:
            continue
        element, value = block["element"], answers[block["block_id"]]
        if element["type"] == "plain_text_input":
            state[block["block_id"]] = {"value": {"type": element["type"], "value": value}}
        else:
            state[block["block_id"]] = {
                "value": {"type": element["type"], "selected_option": {"value": value}}
            }
    return state


def submit(slack: Slack, user: str, view: dict[str, Any], answers: dict[str, str]) -> Any:
    payload = fixture("view_submission")
    payload["user"] = {"id": user, "username": user.lower(), "team_id": "T0TRELLIS"}
    payload["view"] = {"id": "V1", **view, "state": {"values": state_for(view, answers)}}
    return payload


def last_view(slack: Slack) -> dict[str, Any]:
    view: dict[str, Any] = slack.fake.of("views.open")[-1]["view"]
    return view


def said(slack: Slack, since: int = 0) -> str:
    """Every text Trellis sent after call number `since`."""
    return "\n".join(t for c in slack.fake.calls[since:] for t in slack.fake.texts_of(c))
