"""The console community driven as a person would: a piped script into `trellis run`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The checkout under test, ahead of any installed copy of `bot` (an editable install may point
# at another checkout).
ROOT = Path(__file__).resolve().parents[2]


def run_console(script: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/console.db",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=script,
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def test_help_is_printed_and_the_console_exits_zero_at_end_of_input(tmp_path: Path) -> None:
    result = run_console("/trellis help\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[#general] Trellis (only @you sees this):" in result.stdout
    assert "/trellis container create NAME --purpose TEXT" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_facilitator_session_through_directives_and_commands(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":as Ana --org Riverside --type school --tz Europe/Lisbon",
            ":channel maths",
            '/trellis container create Maths leads --purpose "Teach fractions well"',
            ":as ben",
            "/trellis container create Other --purpose nope",
            "/trellis container show",
            ":facilitator ben",
            "/trellis container create Other --purpose nope",
            "hello everyone @channel",
            ":advance 7d",
            ":teleport",
            ":click nothing",
            "/trellis contaner show",
            "/trellis container create",
        ]
    )
    out = run_console(script + "\n", tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "-- you are now @ana (facilitator) in #general" in text
    assert "-- now in #maths" in text
    assert "[#maths] Trellis:\n  *New container: Maths leads*" in text
    assert "[#maths] Trellis (only @ben sees this):\n  Only facilitators can run" in text
    assert "Facilitators: Ana" in text
    assert "-- @ben is now a facilitator" in text
    assert "already holds the container “Maths leads”" in text
    assert "-- clock is now" in text and "scheduled runs)" in text
    assert "Unknown directive `:teleport`. Directives: :as NAME" in text
    assert "No button `nothing` shown to you here" in text
    assert "Did you mean `/trellis container show`?" in text
    assert "Usage: /trellis container create NAME --purpose TEXT" in text
    assert "Traceback" not in text + out.stderr


def test_the_community_persists_between_runs(tmp_path: Path) -> None:
    run_console(':as ana\n/trellis container create Pod --purpose "Keep going"\n', tmp_path)
    again = run_console("/trellis container show\n", tmp_path)
    assert "Container: Pod" in again.stdout


def test_a_database_that_cannot_be_opened_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_console(
        "/trellis help\n", tmp_path, DATABASE_URL="sqlite+aiosqlite:////nonexistent/dir/x.db"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("trellis: DATABASE_URL: cannot open the database")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_invalid_setting_names_the_variable_and_exits_2(tmp_path: Path) -> None:
    result = run_console("", tmp_path, TRELLIS_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("trellis: TRELLIS_TIMEZONE: expected an IANA time zone")
    assert len(result.stderr.strip().splitlines()) == 1
