"""docs/subgroups.script through the console: a round from configuration to stats."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_console import ROOT, run_console


def test_the_documented_subgroup_round_runs_in_the_console(tmp_path: Path) -> None:
    script = (ROOT / "docs" / "subgroups.script").read_text(encoding="utf-8")
    result = run_console(script, tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert "Subgroups have 2 to 5 members; 7 is outside that." in out
    assert "[group: maths-leads-1-r1-g1 (@ana, @dan)] Trellis:" in out
    assert "[group: maths-leads-1-r1-g2 (@ben, @cleo)] Trellis:" in out
    assert "Relayed to 2 subgroup(s)." in out
    # Only the silent group is nudged; Dan's yes counts in the stats.
    assert out.count("It has been quiet here for two days") == 1
    assert "Your subgroup: Ana, Dan (1 message)" in out
    assert "Met: 25% (1 said yes)" in out
    assert "Looking back on this round's subgroup" in out
    assert "Subgroup round 1 of Maths leads ended" in out
    # Dan asked privately never to meet Ben: round 2 keeps them apart too.
    assert "[group: maths-leads-1-r2-g" in out
    assert "(@ben, @dan)" not in out and "(@dan, @ben)" not in out
