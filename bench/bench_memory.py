"""Issue 12: resident size of a running Trellis with 10,000 members loaded (<= 300 MB).

The database is seeded in one process; a fresh one then opens it as the bot would and loads
every member and the network graph (`bench.memory_worker`), so the peak RSS
(VmHWM of the fresh process) is the loaded bot's own. Side by side: the same fresh process before
it loaded anything (interpreter, imports, open database).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from bench.result import Result

MEMBERS = 10_000
PER_MEMBER = 10  # interactions per member: a month of a lively network
TARGET_MB = 300


def worker(*arguments: str) -> str:
    command = [sys.executable, "-m", "bench.memory_worker", *arguments]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="trellis-memory-") as folder:
        worker("seed", folder, str(MEMBERS), str(PER_MEMBER))
        figures = json.loads(worker("load", folder))
    peak, before = figures["peak_rss_mb"], figures["rss_before_mb"]
    return [
        Result(
            f"memory: peak RSS, {MEMBERS:,} members loaded (directory objects + network graph "
            f"of {MEMBERS * PER_MEMBER:,} interactions + health report)",
            f"<= {TARGET_MB} MB",
            f"{peak:.0f} MB (fresh process before loading: {before:.0f} MB; "
            f"{figures['ties']:,} ties; loaded in {figures['load_seconds']:.1f} s wall)",
            peak <= TARGET_MB,
        )
    ]
