"""Parse files in worker processes, each file with a wall-time and a memory budget.

A pathological file (an element with 80,000 attributes, a 4 MB line of label words, a decompression
bomb) must cost the batch one quarantined file, never a hung or killed build. Each worker is a
separate process with its address space capped (RLIMIT_AS, above what it used after start-up); the
parent waits for each answer at most `timeout` seconds, then kills that worker and starts another.

    with ParsePool(workers=2, timeout=20, memory_mb=1536) as pool:
        for key, outcome in pool.parse_many([(key, path, name), ...]):
            outcome.record or (outcome.code, outcome.reason)

Outcome codes: PARSE_TIMEOUT (over the wall-time budget), PARSE_MEMORY (over the memory budget),
PARSE_CRASH (the worker died another way, e.g. a signal). Records are exactly what
`ingest.parse_bytes(data, name)` returns in-process.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from .record import Record

DEFAULT_TIMEOUT = float(os.environ.get("OGI_PARSE_TIMEOUT", 20))
DEFAULT_MEMORY_MB = int(os.environ.get("OGI_PARSE_MEMORY_MB", 1536))


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Outcome:
    record: Record | None
    code: str | None = None  # PARSE_TIMEOUT | PARSE_MEMORY | PARSE_CRASH when record is None
    reason: str | None = None
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the worker's peak resident memory so far (it parses many files)


def _vm_size_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _worker_main(conn: Connection, memory_mb: int) -> None:
    """Worker loop: receive (key, path, name), answer (key, kind, payload)."""
    import ingest
    from ingest import storage

    # warm up (imports, OpenCC's tables, the PDF library) before the clock runs: start-up is not a
    # file's cost, and it counts in the memory baseline, not the budget
    ingest.parse_bytes("二〇二一年政府信息公开工作年度报告".encode(), "warm-up.txt")
    storage.warm_up()  # s3fs, when the lake is remote
    if memory_mb > 0:
        limit = _vm_size_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        key, path, name = task
        try:
            data = storage.read_bytes(path)  # a local path or a URL in the lake (ingest.storage)
            record = ingest.parse_bytes(data, name)
            del data
            # parse_bytes turns every exception into a PARSE_ERROR record: a MemoryError there is the budget's
            if any(i["code"] == "PARSE_ERROR" and "MemoryError" in i["message"] for i in record["issues"]):
                conn.send((key, "memory", None, _peak_mb()))
            else:
                conn.send((key, "ok", record, _peak_mb()))
        except MemoryError:
            conn.send((key, "memory", None, _peak_mb()))
        except Exception as exc:  # parse_bytes never raises; reading the object may
            conn.send((key, "error", f"{type(exc).__name__}: {exc}", _peak_mb()))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class _Worker:
    def __init__(self, ctx, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple | None = None
        self.started = 0.0
        self.ready = False

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait for the worker's start-up (not part of any file's time budget)."""
        if self.ready:
            return
        if self.conn.poll(timeout):
            try:
                self.ready = self.conn.recv() == "ready"
            except (EOFError, OSError):
                self.ready = False

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class ParsePool:
    """A fixed number of parse workers; see the module docstring."""

    def __init__(
        self, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB
    ):
        self.n = workers or default_workers()
        self.timeout = timeout
        self.memory_mb = memory_mb
        # forkserver: workers start from a clean process, not a fork of a Dagster/dbt-laden parent
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(["ingest.parser"])
        self.workers: list[_Worker] = []

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            try:
                if w.task is None:
                    w.conn.send(None)
            except OSError:
                pass
            w.kill()
        self.workers = []
        _stop_helpers()

    def parse_many(self, tasks: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, Outcome]]:
        """Yield (key, Outcome) for every (key, file path, name) task, in completion order."""
        queue = deque(tasks)
        if not queue:
            return
        while len(self.workers) < min(self.n, len(queue)):
            self.workers.append(_Worker(self.ctx, self.memory_mb))
        busy = 0
        while queue or busy:
            for w in self.workers:
                if w.task is None and queue:
                    w.wait_ready()
                    w.task = queue.popleft()
                    w.started = time.monotonic()
                    with contextlib.suppress(OSError):  # a dead worker's task is answered below as a crash
                        w.conn.send(w.task)
                    busy += 1
            now = time.monotonic()
            deadline = min(w.started + self.timeout for w in self.workers if w.task is not None)
            ready = wait([w.conn for w in self.workers if w.task is not None], timeout=max(0.0, deadline - now))
            now = time.monotonic()
            for i, w in enumerate(self.workers):
                if w.task is None:
                    continue
                key, _path, name = w.task
                elapsed = now - w.started
                outcome: Outcome | None = None
                if w.conn in ready:
                    try:
                        _key, kind, payload, peak = w.conn.recv()
                        if kind == "ok":
                            outcome = Outcome(payload, seconds=elapsed, peak_rss_mb=peak)
                        elif kind == "memory":
                            outcome = Outcome(
                                None,
                                "PARSE_MEMORY",
                                f"{name}: parsing needed more than the {self.memory_mb} MB memory budget per file",
                                elapsed,
                                peak,
                            )
                        else:
                            outcome = Outcome(None, "PARSE_CRASH", f"{name}: cannot be read: {payload}", elapsed, peak)
                    except (EOFError, OSError):
                        w.proc.join(1)
                        code = w.proc.exitcode
                        outcome = Outcome(
                            None,
                            "PARSE_CRASH",
                            f"{name}: the parser process died (exit code {code}) after {elapsed:.1f} s; "
                            f"a likely cause is the {self.memory_mb} MB memory budget per file",
                            elapsed,
                        )
                        self.workers[i] = _Worker(self.ctx, self.memory_mb)
                        w.kill()
                elif elapsed >= self.timeout:
                    outcome = Outcome(
                        None,
                        "PARSE_TIMEOUT",
                        f"{name}: parsing took longer than the {self.timeout:g} s budget per file and was stopped",
                        elapsed,
                    )
                    w.kill()
                    self.workers[i] = _Worker(self.ctx, self.memory_mb)
                if outcome is not None:
                    self.workers[i].task = None
                    busy -= 1
                    yield key, outcome


def _stop_helpers() -> None:
    """Stop multiprocessing's fork server and resource tracker once the pool is done.

    Both would otherwise outlive the step (the tracker even its parent, if the build is killed
    later, e.g. during dbt), and a build must leave no process behind. They restart on demand.
    multiprocessing has no public call for this; the private ones are guarded.
    """
    from multiprocessing import forkserver, resource_tracker

    for helper in (getattr(forkserver, "_forkserver", None), getattr(resource_tracker, "_resource_tracker", None)):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            with contextlib.suppress(Exception):
                stop()
