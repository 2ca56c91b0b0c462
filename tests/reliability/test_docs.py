"""docs/reliability.md's console script, run as a person would."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_console import run_console

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_console_run(tmp_path: Path) -> None:
    script = (ROOT / "docs" / "reliability.script").read_text(encoding="utf-8")
    result = run_console(script, tmp_path, TRELLIS_CONSOLE_START="2026-03-02T09:00")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    fay, ben = result.stdout.split(":as ben")
    assert "Nothing was given up: every message was delivered or is on its way." in fay
    assert "Only facilitators can run `/trellis outbox failed`." in ben
    documented = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert result.stdout.strip() in documented
