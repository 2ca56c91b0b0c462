"""Answers to the event being handled, sent where Slack users expect them.

Ephemeral answers go through the `response_url` when there is one, else `chat.postEphemeral`
(falling back to a DM when the bot is not in the channel). A form opens as a modal while
the click's trigger is fresh; when it cannot, the message is posted with its buttons and
one more that opens the form with a new trigger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.adapters.slack.forms import modal
from bot.adapters.slack.outbound import SlackSender
from bot.adapters.slack.pacing import SendFailed
from bot.core import codec
from bot.core.messages import Button, Buttons, Message, Outgoing, Reply

log = logging.getLogger(__name__)
OPEN_FORM = "trellis.open_form"
MAX_BUTTON_VALUE = 2000


@dataclass(slots=True)
class Origin:
    """Where an event came from, and the handles Slack gave for answering it."""

    team: str
    user: str
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None

    @property
    def in_dm(self) -> bool:
        return bool(self.channel_id and self.channel_id.startswith("D"))


def with_form_button(message: Message) -> Message:
    """The message without its form, plus a button that opens the form later."""
    assert message.form is not None
    value = codec.dumps(Message(form=message.form))
    blocks = message.blocks
    if len(value) <= MAX_BUTTON_VALUE:
        opener = Button(f"Open: {message.form.title}", OPEN_FORM, value, style="primary")
        blocks = (*blocks, Buttons((opener,)))
    return Message(blocks)


async def open_form(sender: SlackSender, origin: Origin, message: Message) -> bool:
    """Open the message's form as a modal; False when Slack refused (e.g. expired trigger)."""
    assert message.form is not None
    if not origin.trigger_id:
        return False
    trigger, origin.trigger_id = origin.trigger_id, None  # a trigger opens one view only
    intro = Message(message.blocks) if message.blocks else None
    try:
        view = modal(message.form, origin.channel_id, intro)
        await sender.open_view(origin.team, trigger, view)
    except (SendFailed, ValueError) as problem:
        log.info("could not open form %s as a modal: %s", message.form.form_id, problem)
        return False
    return True


async def send_reply(sender: SlackSender, origin: Origin, outgoing: Outgoing) -> None:
    assert isinstance(outgoing.target, Reply)
    message = outgoing.message
    if message.form is not None:
        if await open_form(sender, origin, message):
            return
        message = with_form_button(message)
    ephemeral = outgoing.target.ephemeral
    if origin.response_url:
        await sender.respond(origin.team, origin.response_url, message, ephemeral=ephemeral)
    elif origin.channel_id and ephemeral and not origin.in_dm:
        try:
            await sender.post_ephemeral(origin.team, origin.channel_id, origin.user, message)
        except SendFailed as problem:
            log.info("ephemeral answer failed (%s); sending it as a DM", problem)
            await sender.post(origin.team, origin.user, message)
    else:
        await sender.post(origin.team, origin.channel_id or origin.user, message)


async def send_replies(sender: SlackSender, origin: Origin, replies: list[Outgoing]) -> None:
    for outgoing in replies:
        try:
            await send_reply(sender, origin, outgoing)
        except SendFailed as problem:
            log.warning("could not answer %s in %s: %s", origin.user, origin.team, problem)
