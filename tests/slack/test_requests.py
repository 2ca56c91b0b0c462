"""Requests Slack would never send, or that someone else sends: refused with a 4xx, logged."""

from __future__ import annotations

import json
import logging
import time

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.storage.models import Community, ProcessedEvent
from tests.slack.conftest import Slack, fixture


async def stored_rows(slack: Slack) -> int:
    async with slack.trellis.db.session() as session:
        events = (await session.exec(select(func.count()).select_from(ProcessedEvent))).one()
        communities = (await session.exec(select(func.count()).select_from(Community))).one()
        return int(events) + int(communities)


async def test_stale_timestamp_is_refused_and_nothing_stored(slack: Slack) -> None:
    body = json.dumps(fixture("event_message")).encode()
    status, _ = await slack.post(body, "application/json", timestamp=int(time.time()) - 600)
    assert status == 401
    assert await stored_rows(slack) == 0
    assert slack.fake.calls == []


async def test_bad_signature_is_refused_and_nothing_stored(slack: Slack) -> None:
    body = json.dumps(fixture("event_message")).encode()
    status, _ = await slack.post(body, "application/json", signature="v0=" + "0" * 64)
    assert status == 401
    assert await stored_rows(slack) == 0
    assert slack.fake.of("response_url") == []


async def test_signature_over_other_bytes_is_refused(slack: Slack) -> None:
    good = json.dumps(fixture("event_message")).encode()
    slack.secret = "not-the-secret"
    status, _ = await slack.post(good, "application/json")
    assert status == 401
    assert await stored_rows(slack) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"type": "event_callback", "event": ', b"[1, 2, 3]"],
    ids=["garbage", "truncated", "array"],
)
async def test_malformed_json_gets_400_and_a_log_line(
    slack: Slack, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        status, _ = await slack.post(body, "application/json")
    assert status == 400
    assert "refused a Slack request" in caplog.text


async def test_unknown_workspace_gets_403_and_a_log_line(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    body = fixture("event_message")
    body["team_id"] = "T0STRANGER"
    with caplog.at_level(logging.WARNING):
        status, _ = await slack.event(body)
    assert status == 403
    assert "unknown workspace" in caplog.text
    assert slack.fake.of("users.info") == []


async def test_slash_command_from_unknown_workspace_is_refused(slack: Slack) -> None:
    status, _ = await slack.command("help", team_id="T0STRANGER")
    assert status == 403
    assert slack.fake.of("response_url") == []


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["event"].pop("channel"),
        lambda b: b.pop("team_id"),
        lambda b: b.pop("event"),
        lambda b: b["event"].pop("ts"),
    ],
    ids=["no-channel", "no-team", "no-event", "no-ts"],
)
async def test_event_missing_fields_gets_400(
    slack: Slack, change: object, caplog: pytest.LogCaptureFixture
) -> None:
    body = fixture("event_message")
    change(body)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING):
        status, _ = await slack.event(body)
    assert status == 400
    assert "refused a Slack request" in caplog.text
    assert await stored_rows(slack) == 0


async def test_interaction_missing_actions_gets_400(slack: Slack) -> None:
    payload = fixture("block_actions")
    payload["actions"] = []
    status, _ = await slack.interact(payload)
    assert status == 400


async def test_url_verification_answers_the_challenge(slack: Slack) -> None:
    body = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    status, text = await slack.event(body)
    assert status == 200 and "3eZbrw1aBm2rZg" in text


async def test_misshapen_and_unsigned_is_still_401(slack: Slack) -> None:
    payload = fixture("block_actions")
    payload["actions"] = []
    slack.secret = "forger"
    status, _ = await slack.interact(payload)
    assert status == 401
