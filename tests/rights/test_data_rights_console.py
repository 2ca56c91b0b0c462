"""The scripted console run of docs/data-rights.md, piped into `trellis run`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "data-rights.script"


def test_the_documented_console_run(tmp_path: Path) -> None:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/console.db",
        "PYTHONPATH": str(ROOT),
        "TRELLIS_CONSOLE_START": "2026-03-02T09:00:00",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=SCRIPT.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    first = out[out.index("> /trellis me export") :]
    assert "(file trellis-export.json: Everything Trellis stores about you)" in first
    assert "(saved trellis-export.json, " in first
    assert "[Erase my data]  :click rights.erase confirm" in out
    assert "Done: everything Trellis stored about you is erased." in out
    # The file left in the working directory is the second export: a fresh, empty member.
    data = json.loads((tmp_path / "trellis-export.json").read_text(encoding="utf-8"))
    assert data["member"]["platform_user_id"] == "ben"
    assert "learning" not in data and "exchangelisting" not in data
    # The container ben joined keeps working without him.
    assert "Members: 1" in out and "Facilitators: ana" in out
    # Console names are checked before they reach anything.
    assert "Usage: :as NAME" in out
    # The documented output is this run's output.
    documented = (ROOT / "docs" / "data-rights.md").read_text(encoding="utf-8")
    assert out.strip() in documented
