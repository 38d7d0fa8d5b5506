"""One writer at a time on a data folder.

Every writer (the raw step, the parse step, the dbt build and its swap, `make run`'s script) holds
an exclusive lock on `<data root>/.build.lock` while it writes. A second writer waits, saying once
who holds the lock, and gives up with a clear error after `timeout` seconds. Readers (analysts on
the published DuckDB file) never take it.

The lock is re-entrant within a process: a Dagster run whose steps each take it, inside a script
that already holds it, does not wait on itself. flock(2) locks die with their process, so a killed
build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".build.lock"
DEFAULT_TIMEOUT = float(os.environ.get("OGI_LOCK_TIMEOUT", 3600))

_held: dict[str, tuple[int, int]] = {}  # resolved lock path -> (fd, depth)
_guard = threading.Lock()


class BuildLockTimeout(RuntimeError):
    """Another writer held the data folder's lock for longer than we would wait."""


def lock_path(data_root: str | os.PathLike) -> Path:
    return Path(data_root) / LOCK_NAME


def holder(data_root: str | os.PathLike) -> str:
    """Who holds (or last held) the lock, as written by the holder."""
    try:
        return lock_path(data_root).read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


@contextlib.contextmanager
def build_lock(
    data_root: str | os.PathLike, what: str = "build", timeout: float | None = None, log=None
) -> Iterator[None]:
    """Hold the data folder's writer lock for the duration (see the module docstring)."""
    path = lock_path(data_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    start = time.monotonic()
    said = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    raise BuildLockTimeout(
                        f"{path}: another writer holds the data folder ({holder(data_root)}); gave up after "
                        f"{waited:.0f} s. Wait for it to finish, or set OGI_LOCK_TIMEOUT."
                    ) from None
                if not said:
                    message = f"waiting for the data folder's lock, held by {holder(data_root)} ({path})"
                    (log or (lambda m: print(m, file=sys.stderr, flush=True)))(message)
                    said = True
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} ({what}) since {stamp}\n".encode())
        with _guard:
            _held[key] = (fd, 1)
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
