"""Issue 12: `trellis demo --members 1000 --weeks 12` in <= 60 s wall, run as a user runs it.

Each run is a fresh `python -m bot demo …` subprocess with a fixed seed (the same entry point
as the `trellis` script). Side by side: the default demo (60 members, 8 weeks). CPU time of
the child is reported too: on shared cores the wall time includes waiting for them. A run
that exceeds `LIMIT` is stopped and reported as such, so `make bench` stays bounded.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

from bench.result import Result

TARGET = 60.0
LIMIT = 600.0  # stop a run that takes ten times the target
SEED = "7"


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(*options: str) -> tuple[float | None, float]:
    """Wall and CPU seconds of one demo run; wall is None when it was stopped at LIMIT."""
    with tempfile.TemporaryDirectory(prefix="trellis-demo-bench-") as out:
        command = [sys.executable, "-m", "bot", "demo", "--seed", SEED, "--out", out]
        command += ["--no-progress", *options]
        cpu, started = child_cpu(), time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.DEVNULL) as child:
            try:
                if child.wait(timeout=LIMIT) != 0:
                    raise subprocess.CalledProcessError(child.returncode, command)
            except subprocess.TimeoutExpired:
                # Ctrl-C, not a kill: the demo then removes its temporary database (in
                # /dev/shm, which is memory) on the way out.
                child.send_signal(signal.SIGINT)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                return None, child_cpu() - cpu
        return time.perf_counter() - started, child_cpu() - cpu


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def run() -> list[Result]:
    default_wall, default_cpu = timed()
    wall, cpu = timed("--members", "1000", "--weeks", "12")
    measured = (
        f"stopped after {LIMIT:.0f} s (CPU {cpu:.0f} s)"
        if wall is None
        else f"{wall:.1f} s wall, CPU {cpu:.1f} s"
    )
    return [
        Result(
            "demo: `trellis demo --members 1000 --weeks 12` (seed 7), wall",
            f"<= {TARGET:.0f} s",
            f"{measured}; load {load()}",
            wall is not None and wall <= TARGET,
        ),
        Result(
            "demo: default `trellis demo` (60 members, 8 weeks), side by side",
            "-",
            f"{default_wall:.1f} s wall, CPU {default_cpu:.1f} s"
            if default_wall is not None
            else f"stopped after {LIMIT:.0f} s",
            None,
        ),
    ]
