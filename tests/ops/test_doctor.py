"""`trellis doctor`: every check says what is wrong and what to do; non-zero exit on a problem."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ops import doctor
from bot.storage import migrate
from bot.storage.db import Database
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


async def migrated(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/doctor.db"
    db = Database(url)
    await migrate.upgrade(db)
    await db.dispose()
    return url


def env(url: str, slack: FakeSlack, discord: FakeDiscord) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slack.url + "/api/",
        "DISCORD_TOKEN": "discord-token",
        "DISCORD_API_BASE": discord.api_base,
    }


def problems(checks: list[doctor.Check]) -> dict[str, str]:
    return {check.name: check.detail for check in checks if not check.ok}


async def test_a_healthy_deployment_passes_every_check(
    tmp_path: Path, fake_slack: FakeSlack, fake_discord: FakeDiscord
) -> None:
    checks = await doctor.run(env(await migrated(tmp_path), fake_slack, fake_discord))
    assert [c.name for c in checks] == [
        "configuration",
        "database",
        "migrations",
        "slack",
        "discord",
    ]
    assert problems(checks) == {}
    assert [c.method for c in fake_slack.calls] == ["auth.test"]


async def test_refused_platform_tokens_name_the_variable_to_fix(
    tmp_path: Path, fake_slack: FakeSlack, fake_discord: FakeDiscord
) -> None:
    fake_slack.fail("auth.test", 200, "invalid_auth")
    fake_discord.fail_next("GET", r"/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    found = problems(await doctor.run(env(await migrated(tmp_path), fake_slack, fake_discord)))
    assert set(found) == {"slack", "discord"}
    assert "invalid_auth" in found["slack"] and "SLACK_BOT_TOKEN" in found["slack"]
    assert "DISCORD_TOKEN" in found["discord"]


async def test_an_unreachable_platform_is_a_problem(
    tmp_path: Path, fake_slack: FakeSlack, fake_discord: FakeDiscord
) -> None:
    environ = env(await migrated(tmp_path), fake_slack, fake_discord)
    await fake_discord.stop()
    found = problems(await doctor.run(environ))
    assert set(found) == {"discord"}
    assert "cannot reach" in found["discord"]


async def test_a_schema_behind_head_says_to_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/behind.db"
    db = Database(url)
    await migrate.upgrade(db, "0001")
    await db.dispose()
    found = problems(await doctor.run({"DATABASE_URL": url}))
    assert "trellis db upgrade" in found["migrations"]
    assert "at 0001" in found["migrations"]


async def test_configuration_and_database_problems_say_what_to_fix(tmp_path: Path) -> None:
    found = problems(await doctor.run({"TRELLIS_TIMEZONE": "Mars/Olympus"}))
    assert "TRELLIS_TIMEZONE" in found["configuration"]
    found = problems(await doctor.run({"SLACK_BOT_TOKEN": "xoxb-x"}))
    assert "SLACK_SIGNING_SECRET" in found["configuration"]
    missing = f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/t.db"
    found = problems(await doctor.run({"DATABASE_URL": missing}))
    assert "DATABASE_URL" in found["database"]


def doctor_process(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "TRELLIS_"))
        },
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def test_the_command_exits_non_zero_until_the_problem_is_fixed(tmp_path: Path) -> None:
    before = doctor_process(tmp_path)
    assert before.returncode == 1, before.stdout + before.stderr
    assert "PROBLEM migrations" in before.stdout and "trellis db upgrade" in before.stdout
    upgrade = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
            "PYTHONPATH": str(ROOT),
        },
        cwd=tmp_path,
        timeout=60,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    after = doctor_process(tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "PROBLEM" not in after.stdout
    assert "Traceback" not in before.stderr + after.stderr


async def test_oauth_mode_reports_how_many_workspaces_installed(tmp_path: Path) -> None:
    environ = {
        "DATABASE_URL": await migrated(tmp_path),
        "SLACK_CLIENT_ID": "1.2",
        "SLACK_CLIENT_SECRET": "s",
        "SLACK_SIGNING_SECRET": "x",
    }
    checks = await doctor.run(environ)
    assert problems(checks) == {}
    assert "no workspace installed yet" in checks[-1].detail
    found = problems(await doctor.run({**environ, "SLACK_SIGNING_SECRET": ""}))
    assert "SLACK_SIGNING_SECRET" in found["configuration"]
