"""The walls of the house plan that a test can hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
NEUTRAL = ["core", "community", "network", "dialogue"]
SDKS = ("slack_bolt", "slack_sdk", "discord")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("room", NEUTRAL)
def test_neutral_rooms_import_no_platform_sdk(room: str) -> None:
    for path in (BOT / room).rglob("*.py"):
        leaks = {m for m in imported_modules(path) if m.split(".")[0] in SDKS}
        assert not leaks, f"{path.relative_to(BOT)} imports {leaks}"


def test_importing_the_neutral_rooms_loads_no_sdk_at_run_time() -> None:
    code = (
        "import sys, bot.core.router, bot.community.containers, bot.app;"
        "print([m for m in sys.modules if m.split('.')[0] in ('slack_bolt','slack_sdk','discord')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("room", ["core", "community", "network"])
def test_time_comes_from_the_clock_port_only(room: str) -> None:
    for path in (BOT / room).rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("datetime.now(", "datetime.utcnow(", "time.time("):
            assert forbidden not in source, f"{path.relative_to(BOT)} reads the wall clock"


def test_only_the_system_clock_reads_the_wall_clock() -> None:
    readers = [
        p.relative_to(BOT)
        for p in BOT.rglob("*.py")
        if "datetime.now(" in p.read_text(encoding="utf-8") and "adapters" not in p.parts
    ]
    assert {str(r) for r in readers} <= {
        "system_clock.py",
        "demo/cli.py",
        "ops/health_server.py",
    }, readers


def test_queries_live_in_storage_only() -> None:
    for path in BOT.rglob("*.py"):
        if "storage" in path.parts:
            continue
        modules = imported_modules(path)
        assert not any(m.startswith(("sqlmodel", "sqlalchemy")) for m in modules), path
