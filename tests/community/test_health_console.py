"""The scripted console run of docs/health.md, piped into `trellis run` as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "health.script"


def run_script(tmp_path: Path) -> str:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/console.db",
        "PYTHONPATH": str(ROOT),
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
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def test_the_documented_console_run(tmp_path: Path) -> None:
    out = run_script(tmp_path)
    report = out[out.index("> /trellis health") : out.index("> /trellis weave")]
    # One organisation type dominates: the secondary-networking alert, with what to do.
    assert "Alert: The network is gathering more of the same kind of organisation" in report
    assert "school holds 75% of members" in report
    assert "Suggested: Partnership needs partners who differ." in report
    # Names stay hidden unless asked; the map is saved as a PNG.
    assert "ask with `--names shown` to see who" in report and "Cai 42%" not in report
    assert "(saved network-map.png" in report
    assert (tmp_path / "network-map.png").read_bytes().startswith(b"\x89PNG")
    # A weaving suggestion is sent: both members get the why; a second click sends nothing.
    woven = out[out.index("> :click weave.send") :]
    assert "Introduction sent to Ben and Gus." in woven
    assert (
        "[@ben] Trellis (direct message):" in woven and "[@gus] Trellis (direct message):" in woven
    )
    assert "Why: You work in different kinds of organisation (school and university)" in woven
    assert "Ben and Gus were already introduced this fortnight." in woven
    # Members cannot see the report; facilitators can ask for names.
    assert "Only facilitators can run `/trellis health`." in out
    assert "brokers: Cai 42%" in out[out.index("--names shown") :]
    # The weekly alerts reach the facilitator on schedule.
    weekly = out[out.index("> :advance 8d") :]
    assert "*Network health alerts: the whole network, last 30 days*" in weekly
