"""Real `trellis work` processes, a file clock they all read, and an HTTP sink that counts.

The sink stands in for a platform: it records every POST (raw, duplicates included) and,
like a platform honouring a nonce, delivers each idempotency key once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.scheduling.file_clock import write_time

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60.0


class Sink:
    def __init__(self, stall_at: int | None = None) -> None:
        self.posts: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        # The POST numbered `stall_at` is recorded, then never answered until `release`:
        # the sender dies holding a message the platform already has.
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self.release = threading.Event()

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(post["key"] for post in self.posts)

    def delivered(self) -> dict[str, dict[str, Any]]:
        """What members saw: one message per key (the sink drops repeats, as a nonce would)."""
        with self.lock:
            return {post["key"]: post for post in self.posts}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with sink.lock:
                    sink.posts.append(body)
                    number = len(sink.posts)
                if number == sink.stall_at:
                    sink.stalled.set()
                    sink.release.wait(DEADLINE_SECONDS)
                try:
                    self.send_response(200)
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


@contextmanager
def running_sink(sink: Sink) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), sink.handler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/deliver"
    finally:
        sink.release.set()
        server.shutdown()
        server.server_close()


def environment(database_url: str, clock_file: Path, sink_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        TRELLIS_CLOCK_FILE=str(clock_file),
        TRELLIS_TICK_SECONDS="0.1",
        TRELLIS_LOOPBACK_PLATFORM="memory",
        TRELLIS_LOG_LEVEL="WARNING",
    )
    if sink_url:
        env["TRELLIS_LOOPBACK_URL"] = sink_url
    return env


class Worker:
    """A `trellis work` process; its logs go to a file (a pipe nobody reads would fill up)."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.log = cwd / f"worker-{uuid.uuid4().hex[:8]}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "work"],
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        # "trellis: working …" once the schema is up to date.
        wait_until(lambda: "working" in self.logs() or self.process.poll() is not None, "start")
        assert "trellis: working" in self.logs(), self.logs()

    def logs(self) -> str:
        return self.log.read_text()


def start_worker(env: dict[str, str], cwd: Path) -> Worker:
    return Worker(env, cwd)


def stop(worker: Worker) -> str:
    """SIGTERM, wait, and return what it wrote to stderr (its logs)."""
    process = worker.process
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return worker.logs()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait (bounded) for other processes to do something; fails with `what`."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def set_time(clock_file: Path, moment: datetime) -> None:
    write_time(clock_file, moment)
