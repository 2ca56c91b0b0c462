"""Runs the 20,000-member health report in a fresh process so its peak memory is its own."""

from __future__ import annotations

import json
import random
import resource
import time

from bench import synthetic
from bot.network.alerts import raise_alerts
from bot.network.graph import build_graph
from bot.network.health import compute_health


def main() -> None:
    rng = random.Random(20_000)
    profiles = synthetic.members(20_000, rng)
    records = synthetic.interactions(profiles, 500_000, rng)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cpu_started = time.process_time()
    graph = build_graph(records, profiles, start=synthetic.START, end=synthetic.END)
    built = time.perf_counter()
    report = compute_health(graph, rng=random.Random(1), expected_types=synthetic.TYPES)
    alerts = raise_alerts(report)
    done = time.perf_counter()
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "interactions": len(records),
                "ties": graph.undirected.number_of_edges(),
                "build_seconds": built - started,
                "report_seconds": done - built,
                "total_seconds": done - started,
                "cpu_seconds": cpu,
                "peak_rss_mb": peak / 1024,
                "rss_before_mb": before / 1024,
                "pivots": getattr(report.path_length, "sources", None),
                "alerts": [alert.code for alert in alerts],
            }
        )
    )


if __name__ == "__main__":
    main()
