"""`trellis slack …` on the command line; cli.py only wires these two functions in."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    slack = commands.add_parser("slack", help="Slack app setup: manifest")
    actions = slack.add_subparsers(dest="slack_command", metavar="ACTION", required=True)
    manifest = actions.add_parser(
        "manifest",
        help="print a Slack app manifest (JSON) to paste into 'Create app from manifest'",
    )
    manifest.add_argument("--name", default="Trellis", help="app and bot name (default Trellis)")
    manifest.add_argument(
        "--request-url",
        help="HTTP mode: your public https://…/slack/events URL (default: Socket Mode)",
    )


def run(args: argparse.Namespace) -> int:
    from bot.adapters.slack.manifest import manifest_json

    print(manifest_json(args.name, args.request_url))
    return 0
