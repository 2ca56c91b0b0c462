"""Socket Mode through a loopback fake socket: hello, an envelope, Trellis's ack and answer."""

from __future__ import annotations

import asyncio

from bot.adapters.slack.run import socket_mode
from tests.slack.conftest import Slack, fixture


async def test_slash_command_over_socket_mode(slack: Slack) -> None:
    handler = socket_mode(slack.adapter, "xapp-1-test")
    await handler.connect_async()
    try:
        payload = fixture("slash_command")
        payload["response_url"] = slack.fake.response_url_for("socket")
        await slack.fake.send_envelope(
            {
                "envelope_id": "57d6a792-4d35-4d0b-b6aa-3361493e1caf",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        ack = await asyncio.wait_for(slack.fake.acks.get(), 5)
        assert ack["envelope_id"] == "57d6a792-4d35-4d0b-b6aa-3361493e1caf"
        await slack.fake.wait_for(lambda fake: bool(fake.of("response_url")))
        await slack.settle()
        assert "Trellis commands" in " ".join(slack.fake.texts("response_url"))
        assert slack.fake.of("apps.connections.open")
    finally:
        await handler.close_async()


async def test_event_envelopes_over_socket_mode_are_acked_and_handled(slack: Slack) -> None:
    handler = socket_mode(slack.adapter, "xapp-1-test")
    await handler.connect_async()
    try:
        body = fixture("event_app_home_opened")
        for attempt, envelope in enumerate(("env-1", "env-2")):
            await slack.fake.send_envelope(
                {
                    "envelope_id": envelope,
                    "type": "events_api",
                    "accepts_response_payload": False,
                    "retry_attempt": attempt,
                    "retry_reason": "timeout" if attempt else "",
                    "payload": body,
                }
            )
            ack = await asyncio.wait_for(slack.fake.acks.get(), 5)
            assert ack["envelope_id"] == envelope
        await slack.fake.wait_for(lambda fake: len(fake.of("views.publish")) >= 1)
        await slack.settle()
    finally:
        await handler.close_async()
