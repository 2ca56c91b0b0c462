"""Many workspaces, one deployment: Bolt's OAuth flow installs the app into any workspace,
the installation is stored in Trellis's database, and each workspace is served with its own
bot token (and only one that installed the app is served at all)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.core.messages import Message, ToChannel
from bot.core.refs import ChannelRef, CommunityRef
from bot.storage.slack_installations_repository import SlackInstallationRepository
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, serve

AUTHORIZE = "https://slack.example/oauth/v2/authorize"
OAUTH = {
    "SLACK_BOT_TOKEN": "",
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SLACK_OAUTH_URL": AUTHORIZE,
}


@pytest.fixture
async def oauth_slack(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Slack]:
    async with serve(tmp_path, fake, **OAUTH) as served:
        yield served


async def install(slack: Slack, team: str, code_prefix: str = "code-") -> tuple[int, str]:
    """An admin of `team` opens the install page, goes to Slack, and comes back with a code."""
    base = slack.url.removesuffix("/slack/events")
    async with aiohttp.ClientSession() as browser:
        async with browser.get(base + "/slack/install") as page:
            assert page.status == 200
            html = await page.text()
            # Bolt's cookie is `Secure` (https in production); a browser sends it back.
            cookie = page.cookies["slack-app-oauth-state"]
        link = re.search(r'<a href="([^"]+)"', html)
        assert link is not None and link.group(1).startswith(AUTHORIZE), html
        assert "client_id=111.222" in link.group(1)
        state = re.search(r"state=([^&\"]+)", link.group(1))
        assert state is not None
        code = f"{code_prefix}{team}"
        callback = f"{base}/slack/oauth_redirect?code={code}&state={state.group(1)}"
        headers = {"Cookie": f"{cookie.key}={cookie.value}"}
        async with browser.get(callback, headers=headers) as back:
            return back.status, await back.text()


async def test_two_workspaces_install_and_are_served_with_their_own_tokens(
    oauth_slack: Slack,
) -> None:
    slack = oauth_slack
    for team in ("T0AAA", "T0BBB"):
        status, _ = await install(slack, team)
        assert status == 200
    assert [c.body.get("code") for c in slack.fake.of_calls("oauth.v2.access")] == [
        "code-T0AAA",
        "code-T0BBB",
    ]
    repository = SlackInstallationRepository(slack.trellis.db)
    assert await repository.count() == 2
    stored = await repository.find(None, "T0AAA")
    assert stored is not None and stored.bot_token == "xoxb-T0AAA"
    assert stored.installer_user_id == "UT0AAAADMIN"

    for team in ("T0AAA", "T0BBB"):
        status, _ = await slack.command("help", team_id=team, user=f"U{team}X")
        assert status == 200
    looked_up = {c.body["user"]: c.token for c in slack.fake.calls if c.method == "users.info"}
    assert looked_up == {"UT0AAAX": "xoxb-T0AAA", "UT0BBBX": "xoxb-T0BBB"}

    for team in ("T0AAA", "T0BBB"):
        channel = ToChannel(ChannelRef("slack", f"C{team}"))
        await slack.adapter.sender.deliver(
            CommunityRef("slack", team), channel, Message.text(f"Hello {team}")
        )
    posted = {c.body["channel"]: c.token for c in slack.fake.of_calls("chat.postMessage")}
    assert posted == {"CT0AAA": "xoxb-T0AAA", "CT0BBB": "xoxb-T0BBB"}


async def test_whoever_installed_is_a_facilitator_of_that_workspace_only(
    oauth_slack: Slack,
) -> None:
    slack = oauth_slack
    await install(slack, "T0AAA")
    await install(slack, "T0BBB")
    create = 'container create "Maths" --purpose "Teach fractions well"'
    await slack.command(create, team_id="T0AAA", user="UT0AAAADMIN")
    assert "Created" in slack.answer_text() or "created" in slack.answer_text()
    before = len(slack.answers())
    await slack.command(create, team_id="T0BBB", user="UT0AAAADMIN")  # not B's installer
    refused = "\n".join(t for c in slack.fake.calls[-3:] for t in slack.fake.texts_of(c))
    assert len(slack.answers()) > before and "facilitator" in refused.lower()


async def test_a_workspace_that_never_installed_is_not_served(oauth_slack: Slack) -> None:
    slack = oauth_slack
    await install(slack, "T0AAA")
    await slack.command("help", team_id="T0NOPE", user="UX")  # Bolt stops it: not installed
    assert not [c for c in slack.fake.calls if c.token.endswith("T0NOPE")]
    assert not slack.fake.of_calls("users.info")  # Trellis never handled it
    (told,) = [c.body["text"] for c in slack.fake.of_calls("response_url")]
    assert "reinstall" in told  # Bolt's own answer to the member


async def test_a_forged_or_replayed_install_state_stores_nothing(oauth_slack: Slack) -> None:
    slack = oauth_slack
    base = slack.url.removesuffix("/slack/events")
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(f"{base}/slack/oauth_redirect?code=code-T0EVIL&state=made-up") as back,
    ):
        assert back.status != 200
    assert slack.fake.of_calls("oauth.v2.access") == []
    assert await SlackInstallationRepository(slack.trellis.db).count() == 0
