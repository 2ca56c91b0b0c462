"""The README's container run, driven through the console as a person would."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_console import run_console

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "containers-script.txt"


def test_a_container_from_creation_through_two_pulses_to_closing(tmp_path: Path) -> None:
    result = run_console(SCRIPT.read_text(encoding="utf-8"), tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "*Purpose agreed for Maths leads*" in out
    assert "*Working agreement in force*" in out
    assert "trust 6.4 (spread 0.4); 5 of 6 answered (83%)" in out
    assert "*Trust hygiene: trust dropped in Maths leads*" in out
    assert "Measured: trust fell from 6.4 to 4.0 (a drop of 2.4; alert at 0.5)." in out
    assert "Period 2: trust 4.0" in out
    assert "Saved. Thank you for being part of this group." in out
    assert "1 member wrote a closing reflection" in out
    assert "its history is kept" in out
    # A member's own answers are confirmed to them only; no one else's are ever printed.
    assert (
        out.count("Recorded 2 for") == 3
        and "[@ben] Trellis (only @ben sees this):\n  Recorded" in out
    )
    assert "Traceback" not in out + result.stderr
