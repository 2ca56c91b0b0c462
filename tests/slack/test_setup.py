"""`trellis slack manifest` and the start-up checks of `trellis run` on Slack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.adapters.slack.manifest import BOT_SCOPES, manifest
from bot.adapters.slack.run import SlackSetupError, check_settings
from bot.cli import main
from bot.config import load_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import serve


def test_manifest_is_json_with_command_events_and_socket_mode(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["slack", "manifest"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["features"]["slash_commands"][0]["command"] == "/trellis"
    assert data["features"]["slash_commands"][0]["should_escape"] is True
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in data["settings"]["event_subscriptions"]["bot_events"]
    assert data["oauth_config"]["scopes"]["bot"] == sorted(BOT_SCOPES)


def test_manifest_for_http_mode_sets_request_urls() -> None:
    data = manifest(request_url="https://trellis.example.org/slack/events")
    assert data["settings"]["socket_mode_enabled"] is False
    assert data["features"]["slash_commands"][0]["url"].endswith("/slack/events")


def test_every_scope_is_justified_in_the_docs() -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "slack.md").read_text()
    for scope in BOT_SCOPES:
        assert f"`{scope}`" in docs, scope


def test_http_mode_refuses_to_start_without_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(SlackSetupError, match="SLACK_SIGNING_SECRET"):
        check_settings(settings)


def test_modes() -> None:
    assert check_settings(load_settings({"SLACK_BOT_TOKEN": "x", "SLACK_APP_TOKEN": "xapp-1"})) == (
        "socket"
    )
    assert check_settings(load_settings({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "s"})) == (
        "http"
    )


def test_run_without_secret_prints_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/t.db")
    monkeypatch.chdir(str(tmp_path))
    assert main(["run", "--platform", "slack"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("trellis: SLACK_SIGNING_SECRET is required")


async def test_the_installer_is_a_facilitator_from_the_start(
    tmp_path: Path, fake: FakeSlack
) -> None:
    async with serve(tmp_path, fake, SLACK_INSTALLER_USER_ID="U0INS") as slack:
        await slack.command('container create "Maths leads" --purpose "Fractions"', user="U0INS")
        assert "Only facilitators" not in slack.answer_text()
        await slack.command('container create "Art" --purpose "Colour"', user="U0BOB")
        assert "Only facilitators" in slack.answer_text()
