"""SQLite is the single-process default: an exclusive lock file next to the database makes a
second `trellis` process on the same file refuse to start instead of racing the first one.

The lock is `fcntl.flock` on `<database>.lock`: the kernel releases it when the process ends,
even on SIGKILL, so a crash never leaves a stale lock behind. It is about processes: two
Trellis instances inside one process (a test simulating a restart) share it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.storage.db import DatabaseUnavailable, sqlite_path

# Lock file -> (descriptor, how many instances in this process hold it).
_held: dict[Path, tuple[int, int]] = {}


class ProcessLock:
    def __init__(self, url: str) -> None:
        path = sqlite_path(url)
        self.path = Path(f"{path}.lock").resolve() if path is not None else None
        self.holding = False

    def acquire(self) -> None:
        """Take the lock, or raise DatabaseUnavailable (one line) when another process has it."""
        if self.path is None or self.holding:
            return
        if self.path in _held:
            fd, count = _held[self.path]
            _held[self.path] = (fd, count + 1)
            self.holding = True
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseUnavailable(
                f"DATABASE_URL: another Trellis process is using {self.path.with_suffix('')}; "
                "SQLite serves one process (stop the other, or use PostgreSQL to run several)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held[self.path] = (fd, 1)
        self.holding = True

    def release(self) -> None:
        if self.path is None or not self.holding:
            return
        self.holding = False
        fd, count = _held.pop(self.path)
        if count > 1:
            _held[self.path] = (fd, count - 1)
            return
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
