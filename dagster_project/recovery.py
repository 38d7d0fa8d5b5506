"""Runs whose process died: mark them failed so nothing waits on them.

`make dev` runs launch in their own processes and the daemon's run monitoring (scripts/dagster.yaml)
fails those whose worker died. A build started by `scripts/build_warehouse.py` runs in process, with
no daemon watching: it tags its run with its pid, and the next build marks any such run whose
process is gone as failed before it starts, so the UI and the one-run-at-a-time queue never show a
run STARTED for good.
"""

from __future__ import annotations

import os
import socket

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

PID_TAG = "ogi/pid"
HOST_TAG = "ogi/host"


def process_tags() -> dict[str, str]:
    """Tags that let a later build tell whether this run's process is still alive."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_orphaned_runs(instance: DagsterInstance) -> list[str]:
    """Mark failed every in-progress run of this host whose process no longer exists; their ids."""
    host = socket.gethostname()
    runs = instance.get_runs(
        filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING], tags={HOST_TAG: host})
    )
    failed = []
    for run in runs:
        pid = run.tags.get(PID_TAG)
        if pid is None or not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the process running this build (pid {pid}) died; marked failed")
        failed.append(run.run_id)
    return failed
