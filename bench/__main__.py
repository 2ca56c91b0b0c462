"""`python -m bench`: run every `bench/bench_*.py` module's `run()` and print one table.

To add a benchmark, drop a `bench_<name>.py` module exposing `run() -> list[Result]`.
Results are also written to bench/results/latest.json.

`python -m bench` runs every module; naming modules (`python -m bench health matching`) runs
just those (`--all` is still accepted and means the same as no names). Each row says its time
base (wall or simulated).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench import report
from bench.result import Result

HERE = Path(__file__).resolve().parent


def main(arguments: list[str]) -> int:
    selected = [a for a in arguments if a != "--all"]
    rows: list[tuple[str, Result]] = []
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(HERE)]) if info.name.startswith("bench_")
    )
    for name in names:
        short = name.removeprefix("bench_")
        if selected and short not in selected:
            continue
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += [(name, result) for result in module.run()]
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print_table(rows)
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    data = [{"module": name, **asdict(result)} for name, result in rows]
    out.write_text(json.dumps(data, indent=2) + "\n")
    if not selected:
        print(f"wrote {report.write(data)}", file=sys.stderr)
    return 0 if all(result.passed is not False for _, result in rows) else 1


def print_table(rows: list[tuple[str, Result]]) -> None:
    header = ("figure", "target", "measured", "result")
    lines = [
        (r.figure, r.target, r.measured, {True: "pass", False: "FAIL", None: "-"}[r.passed])
        for _, r in rows
    ]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(4)]
    for line in [header, tuple("-" * w for w in widths), *lines]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
