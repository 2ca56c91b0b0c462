"""docs/exchange.md's console script, run as a person would: a week of captures, the digest
as posted in the channel, and the facilitator digest with its chart saved as a PNG."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_console import ROOT, run_console

SCRIPT = ROOT / "docs" / "exchange-demo.txt"


def test_the_documented_week_reads_as_the_docs_say(tmp_path: Path) -> None:
    result = run_console(SCRIPT.read_text(encoding="utf-8"), tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert "`--day someday` is not a day of the week; use mon … sun. Example:" in out
    assert "will be posted in #maths every Fri at 16:00" in out
    assert "[@ben] Trellis (direct message):\n  *May we quote your message?*" in out
    assert "[Quote me by name]  :click exchange.consent 1:named" in out
    assert "Understood. It will not be quoted, and its text has been deleted." in out
    assert "Write what you learned after the command, in at most 2,000 characters." in out
    assert "Names are shared only if you both say yes." in out
    assert "*You are introduced*\n  Ben offers:" in out
    posted = out.split("> :advance 7d\n", 1)[1]
    assert posted.startswith("[#maths] Trellis:\n  *Learning exchange: Maths leads*")
    assert "• “We tried bar models with year 4 and the number line finally made sense" in posted
    assert "— Ben" in posted
    assert "• “Pupils explain fractions better when they draw them first” — Cleo (Pupil" in posted
    assert "• “The EEF guidance on fractions recommends number lines” — a member" in posted
    assert "1 offer matched to needs; 1 introduction made." in posted
    assert "paper strips" not in posted  # Cleo declined
    assert "[@ana] Trellis (direct message):\n  *Facilitator digest: Maths leads*" in posted
    assert "*Quiet this week*\n  1 member posted nothing: Ana." in posted
    assert "scheduled runs)" in posted
    assert "A quiet week in Maths leads: nothing new to report" in posted
    charts = sorted(tmp_path.glob("digest-container-1-*.png"))
    assert len(charts) == 2
    assert all(c.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for c in charts)
