"""`trellis demo`: its options, and running it (no configuration or database needed)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from pathlib import Path
from typing import Any

from bot.demo.population import Options

DEFAULTS = Options()


def add_parser(commands: Any) -> None:
    demo = commands.add_parser(
        "demo",
        help="simulate a learning network for some weeks through the real core, then report",
        description="Build a synthetic learning network and run it week by week on a temporary "
        "SQLite database: each week's digest, then the health report, facilitator alerts and "
        "PNG charts. The same seed gives the same output.",
    )
    demo.add_argument("--members", type=positive, default=DEFAULTS.members, metavar="N")
    demo.add_argument("--organisations", type=positive, default=DEFAULTS.organisations, metavar="M")
    demo.add_argument("--weeks", type=positive, default=DEFAULTS.weeks, metavar="W")
    demo.add_argument("--seed", type=int, default=DEFAULTS.seed, metavar="S")
    demo.add_argument("--out", type=Path, default=Path("demo-out"), metavar="DIR",
                      help="where the PNG charts and the console transcript go (default: demo-out)")  # fmt: skip
    demo.add_argument(
        "--same-type-bias",
        type=share,
        default=DEFAULTS.same_type_bias,
        metavar="X",
        help="0-1: how often members answer someone of their own organisation type "
        f"(default {DEFAULTS.same_type_bias})",
    )
    demo.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def run(args: argparse.Namespace) -> int:
    from bot.demo.runner import run_demo

    options = Options(
        members=args.members,
        organisations=args.organisations,
        weeks=args.weeks,
        seed=args.seed,
        same_type_bias=args.same_type_bias,
    )
    if options.members < 4:
        print("trellis: the demo needs at least 4 members (--members 4)", file=sys.stderr)
        return 2
    # A simulation allocates millions of short-lived objects: with Python's default (a young
    # collection every 700 net allocations) a 1,000-member run spent 9% of its time in the
    # cycle collector; every 50,000 it spends under 2%. Restored after, for an in-process caller.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        return asyncio.run(
            run_demo(options, args.out, show_progress=not args.no_progress and sys.stderr.isatty())
        )
    except OSError as problem:
        print(f"trellis: cannot write to {args.out}: {problem.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a long run stopped with Ctrl-C: its temporary files are gone
        print("\ntrellis: demo stopped", file=sys.stderr)
        return 130
    finally:
        gc.set_threshold(*thresholds)
