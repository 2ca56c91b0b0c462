"""A workspace that removes the app is no longer sent to: its installation is deleted
through our installation store (Bolt's own listeners), what was queued for it is given up
with the usual record and a log line, and nothing is retried. Token rotation: expiring bot
tokens are renewed with Bolt's rotator, before a request is served and before a send."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.messages import Message, Outgoing, ToChannel, ToMember
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.storage.models import OutboxMessage
from bot.storage.slack_installations_repository import SlackInstallationRepository
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, fixture, serve
from tests.slack.test_oauth import OAUTH, install


@pytest.fixture
async def oauth_slack(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Slack]:
    async with serve(tmp_path, fake, **OAUTH) as served:
        yield served


async def queue(slack: Slack, team: str, key: str, text: str = "Weekly digest") -> None:
    community = await slack.trellis.directory.community(CommunityRef("slack", team))
    channel = ToChannel(ChannelRef("slack", f"C{team}"))
    assert await slack.trellis.outbox.put(community, Outgoing(Message.text(text), channel, key))


async def rows(slack: Slack) -> dict[str, OutboxMessage]:
    async with slack.trellis.db.session() as session:
        found = (await session.exec(select(OutboxMessage))).all()
    return {row.idempotency_key: row for row in found}


def event(name: str, team: str) -> dict[str, object]:
    body = fixture(name)
    body["team_id"] = team
    body["event_id"] = f"{body['event_id']}{team}"
    return body


async def test_uninstalled_single_workspace_gives_up_what_was_queued_and_sends_no_more(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    await queue(slack, "T0TRELLIS", "digest:1")
    await queue(slack, "T0TRELLIS", "digest:2")
    with caplog.at_level(logging.WARNING):
        status, _ = await slack.event(fixture("event_app_uninstalled"))
    assert status == 200
    stored = await rows(slack)
    assert {stored[k].status for k in ("digest:1", "digest:2")} == {"failed"}
    assert "uninstalled" in (stored["digest:1"].last_error or "")
    assert any("gave up 2 queued message(s)" in r.getMessage() for r in caplog.records)
    assert await slack.trellis.outbox.drain() == 0
    assert slack.fake.of("chat.postMessage") == []

    # Something decided later is given up at once, not retried for a day.
    await queue(slack, "T0TRELLIS", "digest:3")
    member = ToMember(MemberRef("slack", "U0BOB"))
    community = await slack.trellis.directory.community(CommunityRef("slack", "T0TRELLIS"))
    await slack.trellis.outbox.put(community, Outgoing(Message.text("Hi"), member, "dm:1"))
    assert await slack.trellis.outbox.drain() == 0
    stored = await rows(slack)
    assert stored["digest:3"].status == "failed" and stored["dm:1"].status == "failed"
    assert slack.fake.of("chat.postMessage") == [] and slack.fake.of("conversations.open") == []


async def test_uninstall_deletes_that_workspaces_installation_only(oauth_slack: Slack) -> None:
    slack = oauth_slack
    await install(slack, "T0AAA")
    await install(slack, "T0BBB")
    await queue(slack, "T0AAA", "a:1")
    await queue(slack, "T0BBB", "b:1")
    status, _ = await slack.event(event("event_app_uninstalled", "T0AAA"))
    assert status == 200
    repository = SlackInstallationRepository(slack.trellis.db)
    assert await repository.find(None, "T0AAA") is None
    assert await repository.find(None, "T0BBB") is not None
    assert (await rows(slack))["a:1"].status == "failed"
    assert await slack.trellis.outbox.drain() == 1  # B's message only
    (posted,) = slack.fake.of_calls("chat.postMessage")
    assert posted.body["channel"] == "CT0BBB" and posted.token == "xoxb-T0BBB"

    # Installed again: served again.
    await install(slack, "T0AAA")
    await queue(slack, "T0AAA", "a:2")
    assert await slack.trellis.outbox.drain() == 1


async def test_a_revoked_member_token_keeps_the_bot_a_revoked_bot_token_stops_it(
    oauth_slack: Slack,
) -> None:
    slack = oauth_slack
    await install(slack, "T0AAA")
    repository = SlackInstallationRepository(slack.trellis.db)
    revoked = event("event_tokens_revoked", "T0AAA")
    revoked["event"]["tokens"] = {"oauth": ["UT0AAAADMIN"], "bot": []}  # type: ignore[index]
    assert (await slack.event(revoked))[0] == 200
    assert await repository.find(None, "T0AAA") is not None

    await queue(slack, "T0AAA", "a:1")
    revoked = event("event_tokens_revoked", "T0AAA")
    revoked["event_id"] = "EvREVOKED2"
    revoked["event"]["tokens"] = {"oauth": [], "bot": ["UBOTT0AAA"]}  # type: ignore[index]
    assert (await slack.event(revoked))[0] == 200
    assert await repository.find(None, "T0AAA") is None
    assert (await rows(slack))["a:1"].status == "failed"
    assert await slack.trellis.outbox.drain() == 0
    assert slack.fake.of("chat.postMessage") == []


async def test_rotating_tokens_are_stored_and_renewed_before_a_request(
    oauth_slack: Slack,
) -> None:
    slack = oauth_slack
    assert (await install(slack, "T0ROT", code_prefix="rotating-"))[0] == 200
    repository = SlackInstallationRepository(slack.trellis.db)
    stored = await repository.find(None, "T0ROT")
    assert stored is not None and stored.bot_token == "xoxe.xoxb-T0ROT-1"
    assert stored.bot_refresh_token == "xoxe-1-T0ROT-1"
    assert stored.bot_token_expires_at is not None

    # The token expires within the hour: Bolt renews it before serving the command.
    status, _ = await slack.command("help", team_id="T0ROT", user="UT0ROTX")
    assert status == 200
    (renewal,) = [b for b in slack.fake.of("oauth.v2.access") if "refresh_token" in b]
    assert renewal["grant_type"] == "refresh_token"
    assert renewal["refresh_token"] == "xoxe-1-T0ROT-1"
    stored = await repository.find(None, "T0ROT")
    assert stored is not None and stored.bot_token == "xoxe.xoxb-T0ROT-2"
    assert stored.bot_refresh_token == "xoxe-1-T0ROT-2"
    assert stored.bot_token_expires_at is not None
    looked_up = [c.token for c in slack.fake.of_calls("users.info")]
    assert looked_up == ["xoxe.xoxb-T0ROT-2"]


async def test_an_expiring_token_is_renewed_before_a_send(oauth_slack: Slack) -> None:
    slack = oauth_slack
    await install(slack, "T0ROT", code_prefix="rotating-")
    await queue(slack, "T0ROT", "rot:1")
    assert await slack.trellis.outbox.drain() == 1
    (posted,) = slack.fake.of_calls("chat.postMessage")
    assert posted.token == "xoxe.xoxb-T0ROT-2"
    # Renewed once: the new token is good for hours, so the next send uses it as it is.
    await queue(slack, "T0ROT", "rot:2")
    assert await slack.trellis.outbox.drain() == 1
    assert len([b for b in slack.fake.of("oauth.v2.access") if "refresh_token" in b]) == 1
    assert slack.fake.of_calls("chat.postMessage")[-1].token == "xoxe.xoxb-T0ROT-2"


async def test_a_failed_renewal_sends_with_the_token_still_held(oauth_slack: Slack) -> None:
    slack = oauth_slack
    await install(slack, "T0ROT", code_prefix="rotating-")
    slack.fake.refresh_tokens.clear()  # e.g. spent by another process's renewal
    await queue(slack, "T0ROT", "rot:1")
    assert await slack.trellis.outbox.drain() == 1  # not given up
    (posted,) = slack.fake.of_calls("chat.postMessage")
    assert posted.token == "xoxe.xoxb-T0ROT-1"
