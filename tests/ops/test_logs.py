"""Structured logs: `--log-format json` and TRELLIS_LOG_FORMAT give one JSON object a line."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.ops.logs import JsonFormatter, configure

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "TRELLIS_"))
        },
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/logs.db",
        "PYTHONPATH": str(ROOT),
        "TRELLIS_LOG_LEVEL": "INFO",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="/trellis help\n",
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def json_lines(stderr: str) -> list[dict[str, object]]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "expected log lines"
    return [json.loads(line) for line in lines]  # each line parses on its own


def test_the_flag_makes_every_log_line_a_json_object(tmp_path: Path) -> None:
    result = run(["--log-format", "json", "run"], tmp_path)
    assert result.returncode == 0, result.stderr
    entries = json_lines(result.stderr)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any("Running upgrade" in str(e["message"]) for e in entries)


def test_the_environment_variable_does_the_same(tmp_path: Path) -> None:
    result = run(["run"], tmp_path, TRELLIS_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    json_lines(result.stderr)


def test_text_stays_the_default(tmp_path: Path) -> None:
    result = run(["run"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert " INFO alembic" in result.stderr
    assert not result.stderr.lstrip().startswith("{")


def test_a_failure_keeps_its_traceback_and_extra_fields_inside_the_one_line() -> None:
    stream = io.StringIO()
    configure("INFO", "json", stream)
    try:
        try:
            raise RuntimeError("database went away")
        except RuntimeError:
            logging.getLogger("trellis.test").exception(
                "tick failed", extra={"community": "slack:T1"}
            )
    finally:
        configure("WARNING", "text")
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "tick failed"
    assert entry["community"] == "slack:T1"
    assert "RuntimeError: database went away" in entry["exception"]


def test_the_formatter_never_breaks_on_odd_values() -> None:
    record = logging.makeLogRecord({"msg": "line\nbreak %s", "args": (object(),), "odd": {1, 2}})
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"].startswith("line\nbreak <object")
    assert entry["odd"] == "{1, 2}"
