"""Runs the digest benchmark (`bench/digest.py`, issue 9) in the table, WALL time."""

from __future__ import annotations

from bench import digest
from bench.result import Result


def run() -> list[Result]:
    rows = []
    for row in digest.run():
        target = row["target"]
        rows.append(
            Result(
                str(row["figure"]),
                f"<= {target} s" if isinstance(target, float) else "-",
                str(row["measured"]),
                bool(row["passed"]) if target is not None else None,
            )
        )
    return rows
