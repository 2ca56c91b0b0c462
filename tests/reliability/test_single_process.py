"""SQLite serves one process: a second `trellis` on the same file refuses, in one line."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.reliability.helpers import environment, set_time, start_worker, stop


def test_a_second_process_on_the_same_sqlite_file_exits_2_with_one_line(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/trellis.db"
    clock_file = tmp_path / "now.txt"
    set_time(clock_file, datetime(2026, 3, 2, tzinfo=UTC))
    env = environment(url, clock_file, None)
    first = start_worker(env, tmp_path)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "bot", "work"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        logs = stop(first)
    assert second.returncode == 2
    assert second.stderr.startswith(
        f"trellis: DATABASE_URL: another Trellis process is using {tmp_path}/trellis.db;"
    )
    assert len(second.stderr.strip().splitlines()) == 1
    assert first.process.returncode == 0 and "Traceback" not in logs

    # Once the first has stopped, the file is free again.
    third = start_worker(env, tmp_path)
    assert "Traceback" not in stop(third)
