"""docs/operations.md shows real `trellis doctor` runs; they must still read the same."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "operations.md").read_text()


def block(name: str) -> str:
    found = re.search(rf"<!-- doctor: {name} -->\n```\n(.*?)```", DOC, re.S)
    assert found is not None, name
    return found.group(1)


def trellis(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "TRELLIS_"))
        },
        "DATABASE_URL": "sqlite+aiosqlite:///./trellis.db",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def transcript(result: subprocess.CompletedProcess[str]) -> str:
    return f"$ trellis doctor\n{result.stdout}$ echo $?\n{result.returncode}\n"


def revisions_aside(text: str) -> str:
    return re.sub(r"\b\d{4}\b", "REV", text)


def test_the_documented_doctor_runs_are_what_doctor_prints(tmp_path: Path) -> None:
    fresh = trellis(tmp_path, "doctor")
    assert revisions_aside(transcript(fresh)) == revisions_aside(block("fresh"))
    assert trellis(tmp_path, "db", "upgrade").returncode == 0
    upgraded = trellis(tmp_path, "doctor")
    assert revisions_aside(transcript(upgraded)) == revisions_aside(block("upgraded"))
