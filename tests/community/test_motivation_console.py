"""The scripted console run of docs/motivations.md, driven as a person would: piped into
`trellis run`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "motivations.script"


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


def after(text: str, marker: str) -> str:
    assert marker in text, marker
    return text[text.index(marker) :]


def test_the_documented_console_run(tmp_path: Path) -> None:
    out = run_script(tmp_path)
    # Joining: a DM asks why, and its button opens the form.
    joined = after(out, "> /trellis join")
    assert "[@ana] Trellis (direct message):\n  *Why are you in Maths leads?*" in joined
    assert "[Say why I am here]  :click motivation.open join:1" in joined
    assert "Form: Why I am here" in joined
    # Points that do not add up are shown back and asked again.
    assert "Your points add up to 11, not 10 (learn about the topic 5 · " in out
    assert out.count("Thank you, saved.") == 10
    # Before the cadence: the mix, without a trend or enough ratings.
    first_mix = after(out, "> /trellis container motivation")
    assert "Answered: 5 of 6 members\n  Task share: 88%\n  Social share: 12%" in first_mix
    assert "fewer than 5 ratings yet" in first_mix.split("> :advance")[0]
    # After 12 weeks every member is asked to restate, shown their previous statement.
    restate = after(out, "> :advance 12w")
    assert restate.count("*Time to restate why you are in Maths leads*") == 6
    assert "you wrote:\n  > I want my pupils to stop fearing fractions" in restate
    assert "Form: Restate why I am here" in restate
    assert "competence: I am getting better at my practice here" in restate
    # The member's history with its plain-language line.
    history = after(out, "> /trellis me motivation")
    assert re.search(
        r"In \w+( \d{4})? you came mostly to learn about the topic; now mostly for the people "
        r"\(task share 90% → 20%, social share 10% → 80%\)\.",
        history,
    )
    assert re.search(r"1\. \d{4}-\d\d-\d\d \(join\): “I want my pupils", history)
    # The facilitator's mix with the alert.
    mix = out[out.rindex("> /trellis container motivation") :]
    assert "Task share: 36% ↓ (was 88%)" in mix
    assert "Social share: 60% ↑ (was 12%)" in mix
    assert "Competence (I am getting better at my practice here): 3.0 of 7" in mix
    assert "*Alert: camaraderie crowding*" in mix
    assert "Post a subject-matter enquiry prompt" in mix and "outside expert" in mix
    # No member's statement shows up in the facilitator's mix.
    assert "Friends more than fractions" not in mix
    assert "I want my pupils" not in mix
