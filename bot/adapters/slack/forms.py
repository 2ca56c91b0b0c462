"""Neutral forms as Slack modals, and modal submissions back into form answers.

The form id and its context ride in the view's `callback_id` and `private_metadata`, so a
submission carries everything needed to route it, whichever process receives it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.escape import escape
from bot.adapters.slack.render import (
    MAX_SECTION,
    MAX_VIEW_BLOCKS,
    SlackBlock,
    clip,
    mrkdwn,
    option,
    plain,
    render,
)
from bot.core.messages import ChoiceInput, Form, FormField, Message, Option, TextInput

CALLBACK_PREFIX = "trellis:"
MAX_TITLE = 24
MAX_METADATA = 3000
# Slack gives each input block one element; its action id is always this.
VALUE = "value"


@dataclass(frozen=True, slots=True)
class Submission:
    form_id: str
    context: str
    channel_id: str | None
    values: dict[str, str]


def initial_option(field: ChoiceInput) -> Option | None:
    return next((o for o in field.options if o.value == field.initial), None)


def element(field: FormField) -> dict[str, Any]:
    if isinstance(field, TextInput):
        text: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": VALUE,
            "multiline": field.multiline,
            "max_length": min(field.max_length, MAX_SECTION),
        }
        if field.initial:
            text["initial_value"] = field.initial[: text["max_length"]]
        if field.placeholder:
            text["placeholder"] = plain(field.placeholder, 150)
        return text
    select: dict[str, Any] = {
        "type": "multi_static_select" if field.multi else "static_select",
        "action_id": VALUE,
        "options": [option(o) for o in field.options[:100]],
    }
    chosen = initial_option(field)
    if chosen is not None:
        key = "initial_options" if field.multi else "initial_option"
        select[key] = [option(chosen)] if field.multi else option(chosen)
    return select


def input_block(field: FormField) -> SlackBlock:
    return {
        "type": "input",
        "block_id": field.name,
        "label": plain(field.label, 2000),
        "optional": not field.required,
        "element": element(field),
    }


def metadata(form: Form, channel_id: str | None) -> str:
    data = {"form": form.form_id, "context": form.context, "channel": channel_id}
    text = json.dumps(data, separators=(",", ":"))
    if len(text) > MAX_METADATA:
        raise ValueError(f"form context too long for a Slack modal ({len(text)} characters)")
    return text


def modal(form: Form, channel_id: str | None = None, intro: Message | None = None) -> SlackBlock:
    """A modal view for `form`; `intro` (the message that asked) is shown above the inputs."""
    blocks: list[SlackBlock] = []
    if intro is not None:
        blocks = [b for _, post in render(intro).posts for b in post if b["type"] != "actions"]
    inputs = [input_block(f) for f in form.fields]
    blocks = blocks[: MAX_VIEW_BLOCKS - len(inputs)] + inputs
    return {
        "type": "modal",
        "callback_id": clip(CALLBACK_PREFIX + form.form_id, 255),
        "private_metadata": metadata(form, channel_id),
        "title": plain(form.title, MAX_TITLE),
        "submit": plain(form.submit_label, MAX_TITLE),
        "close": plain("Cancel", MAX_TITLE),
        "blocks": blocks,
    }


def answer(state: dict[str, Any]) -> str:
    """One input's answer as text; several chosen options are joined with commas."""
    if state.get("selected_options") is not None:
        return ",".join(str(o.get("value", "")) for o in state["selected_options"])
    if state.get("selected_option") is not None:
        return str(state["selected_option"].get("value", ""))
    value = state.get("value")
    return "" if value is None else str(value)


def read_submission(view: dict[str, Any]) -> Submission:
    """The form answers in a `view_submission`; raises ValueError when it is not one of ours."""
    callback = str(view.get("callback_id", ""))
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        raise ValueError("private_metadata is not JSON") from None
    if not callback.startswith(CALLBACK_PREFIX) or not isinstance(meta, dict):
        raise ValueError(f"not a Trellis form: {callback[:60]!r}")
    values: dict[str, str] = {}
    state = view.get("state", {}).get("values", {})
    if not isinstance(state, dict):
        raise ValueError("view state is not an object")
    for block_id, actions in state.items():
        if isinstance(actions, dict) and isinstance(actions.get(VALUE), dict):
            values[str(block_id)] = answer(actions[VALUE])
    channel = meta.get("channel")
    return Submission(
        form_id=str(meta.get("form") or callback.removeprefix(CALLBACK_PREFIX)),
        context=str(meta.get("context") or ""),
        channel_id=str(channel) if channel else None,
        values=values,
    )


def field_names(view: dict[str, Any]) -> dict[str, str]:
    """Input block id -> its label, read back from the submitted view."""
    names: dict[str, str] = {}
    for block in view.get("blocks", []):
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            names[str(block["block_id"])] = str(block.get("label", {}).get("text", ""))
    return names


def field_error(problem: str, fields: dict[str, str]) -> tuple[str, str] | None:
    """Map a problem such as "purpose: too long" (field name or label first) to its field."""
    head, sep, rest = problem.partition(":")
    if not sep or not rest.strip():
        return None
    head = head.strip().strip("`").lower()
    for name, label in fields.items():
        if head in (name.lower(), label.lower()):
            return name, rest.strip()
    return None


PROBLEM_BLOCK = "trellis.problem"
# What a view update may carry back (the submitted view also has ids, state, hashes...).
VIEW_KEYS = ("type", "callback_id", "private_metadata", "title", "submit", "close")


def typed_back(block: SlackBlock, state: dict[str, Any]) -> SlackBlock:
    """An input block with what the member typed or chose as its initial value."""
    typed = state.get(str(block.get("block_id")), {}).get(VALUE)
    element = dict(block.get("element") or {})
    if not isinstance(typed, dict):
        return block
    for key in ("initial_value", "initial_option", "initial_options"):
        element.pop(key, None)
    if typed.get("selected_options"):
        element["initial_options"] = typed["selected_options"]
    elif typed.get("selected_option"):
        element["initial_option"] = typed["selected_option"]
    elif typed.get("value"):
        element["initial_value"] = str(typed["value"])
    return {**block, "element": element}


def with_problem(view: dict[str, Any], problem: str) -> SlackBlock:
    """The submitted modal again, a notice of `problem` on top and every answer kept, for a
    refusal that names no field (Slack's `errors` can only point at an input)."""
    state = (view.get("state") or {}).get("values") or {}
    notice: SlackBlock = {
        "type": "section",
        "block_id": PROBLEM_BLOCK,
        "text": mrkdwn(":warning: " + escape(clip(problem, MAX_SECTION - 20))),
    }
    blocks: list[SlackBlock] = [notice]
    for block in view.get("blocks") or []:
        if not isinstance(block, dict) or block.get("block_id") == PROBLEM_BLOCK:
            continue
        blocks.append(typed_back(block, state) if block.get("type") == "input" else block)
    while len(blocks) > MAX_VIEW_BLOCKS:  # make room for the notice: an intro line goes
        extra = next((b for b in blocks[1:] if b.get("type") != "input"), blocks[-1])
        blocks.remove(extra)
    updated: SlackBlock = {key: view[key] for key in VIEW_KEYS if key in view}
    updated["blocks"] = blocks
    return updated
