"""docs/exchange.md's console script, run as a person would: a week of captures and shared
reflections, the digest as posted in the channel, and the facilitator digest (reflections,
non-responders, open alerts, quiet members, microclimates) with its chart saved as a PNG."""

from __future__ import annotations

import re
from pathlib import Path

from tests.adapters.test_console import ROOT, run_console

SCRIPT = ROOT / "docs" / "exchange-demo.txt"
DOC = ROOT / "docs" / "exchange.md"
START = "2026-11-23T09:00Z"


def documented_output() -> str:
    """The transcript docs/exchange.md shows, PNG sizes aside (they vary with fonts)."""
    after = DOC.read_text(encoding="utf-8").split("docs/exchange-demo.txt` prints", 1)[1]
    return after.split("```text\n", 1)[1].split("\n```", 1)[0]


def without_sizes(text: str) -> str:
    return re.sub(r"\d[\d,]* bytes\)", "N bytes)", text)


def test_the_documented_week_reads_as_the_docs_say(tmp_path: Path) -> None:
    result = run_console(SCRIPT.read_text(encoding="utf-8"), tmp_path, TRELLIS_CONSOLE_START=START)
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
    week = out.split("> :advance 7d\n", 1)[1]
    posted = week.split("[#maths] Trellis:\n  *Learning exchange: Maths leads*", 1)[1]
    assert "Shared from the check-in" in week.split(posted)[0]  # the round closed first
    assert "• “We tried bar models with year 4 and the number line finally made sense" in posted
    assert "— Ben" in posted
    assert "• “Pupils explain fractions better when they draw them first” — Cleo (Pupil" in posted
    assert "• “The EEF guidance on fractions recommends number lines” — a member" in posted
    assert "1 offer matched to needs; 1 introduction made." in posted
    assert "paper strips" not in posted  # Cleo declined
    assert "[@ana] Trellis (direct message):\n  *Facilitator digest: Maths leads*" in posted
    assert "*Quiet this week*\n  2 members posted nothing: Ana, Dev." in posted
    # Shared reflections: Ben's named answer in the channel; Cleo's, shared with
    # facilitators, only in the facilitator digest; Ben's private one nowhere.
    channel = posted.split("[@ana] Trellis (direct message):\n  *Facilitator digest", 1)[0]
    assert "• “Number lines before symbols” — Ben (reflection: What?)" in channel
    assert "Pair strips" not in channel
    assert "Pupils could explain it to each other" not in out.split(":click checkin.share.2")[1]
    assert "• “Pair strips with a worked example” — Cleo (reflection: Now what?; shared " in posted
    assert "*Check-in non-responders*\n  • round “Mon 23 Nov 09:00, started by hand”: 2 of 4 " in (
        posted
    )
    assert "not yet heard from Ana, Dev." in posted
    assert "*Open alerts*\n  • " in posted and "(Who: Dev.)" in posted
    assert "*Subgroup microclimates*\n  subgroup round 1; the container:" in posted
    assert "scheduled runs)" in posted
    # The page shows exactly what the console prints.
    assert without_sizes(out.rstrip("\n")) == without_sizes(documented_output())
    charts = sorted(tmp_path.glob("digest-container-1-*.png"))
    assert len(charts) == 2
    assert all(c.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for c in charts)
