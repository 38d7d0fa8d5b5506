"""Readers never break a build, a build never breaks readers, and a killed build leaves nothing behind.

Builds run as `scripts/build_warehouse.py` in their own process, as `make run` does; analysts are
another process reading the published DuckDB file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SEEDS, make_instance, write_landing

pytestmark = pytest.mark.slow

YEARS = ("2020", "2021")
# an analyst querying in a loop, a fresh connection each time (one process: DuckDB shares one database
# instance among the connections of a process, so a session held open elsewhere in it would pin
# the old version for all of them)
READER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb
    path, stop, out = sys.argv[1:4]
    results, errors = [], []
    while not os.path.exists(stop):
        try:
            with duckdb.connect(path, read_only=True) as con:
                build = con.execute("select build_id from marts.build_info").fetchone()[0]
                facts = con.execute("select count(*) from marts.fct_requests").fetchone()[0]
                total = con.execute("select sum(requests_new) from marts.mart_agency_year").fetchone()[0]
            results.append([build, facts, total])
        except Exception as exc:
            errors.append(repr(exc))
        time.sleep(0.02)
    json.dump({"results": results, "errors": errors}, open(out, "w"))
    """
)
# an analyst's session opened before the build and held through it
HOLDER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb
    path, stop, out = sys.argv[1:4]
    con = duckdb.connect(path, read_only=True)
    seen = []
    while not os.path.exists(stop):
        seen.append(con.execute("select build_id from marts.build_info").fetchone()[0])
        time.sleep(0.2)
    json.dump({"seen": sorted(set(seen))}, open(out, "w"))
    """
)


def _env(data: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OGI_WAREHOUSE", "OGI_DBT_TARGET_PATH")}
    env.update(OGI_DATA_DIR=str(data), DAGSTER_HOME=str(home), DAGSTER_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1")
    return env


def _start_build(data: Path, home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "build_warehouse.py"), "--first", YEARS[0], "--last", YEARS[1]],
        env=_env(data, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _build(data: Path, home: Path) -> str:
    proc = _start_build(data, home)
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out[-3000:]
    return out


def _snapshot(warehouse: Path) -> dict[str, list]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema = 'marts' and table_name <> 'build_info' order by 1, 2"
        ).fetchall()
        out = {}
        for s, n in names:
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [s, n],
                ).fetchall()
                if c != "first_seen"  # the wall-clock time a file was first seen differs between folders
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            out[f"{s}.{n}"] = sorted(con.execute(f'select {select} from "{s}"."{n}"').fetchall(), key=repr)
        return out


def _build_id(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select build_id from marts.build_info").fetchone()[0]


def _landing(base: Path) -> Path:
    data = base / "data"
    write_landing(data, n_generated=6, seed=11, years="2020-2021")
    return data


def test_analysts_read_through_a_full_build_without_an_error(tmp_path):
    data, home = _landing(tmp_path), tmp_path / "home"
    make_instance(home)
    _build(data, home)
    warehouse = data / "warehouse.duckdb"
    first = _build_id(warehouse)
    # the next build has something new to publish
    shutil.copy(SEEDS / "004_a968aa8c87558394.txt", data / "landing" / "extra_2020_copy_of_004.txt")
    (data / "landing" / "seeds" / "002_987b09836dacbc77.txt").unlink()
    stop, out, held = tmp_path / "stop", tmp_path / "reader.json", tmp_path / "holder.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop), str(out)])
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse), str(stop), str(held)])
    try:
        time.sleep(1.0)
        _build(data, home)  # the held session does not stop the build
        time.sleep(1.0)
    finally:
        stop.touch()
        reader.wait(60)
        holder.wait(60)
    got = json.loads(out.read_text())
    assert got["errors"] == []
    assert json.loads(held.read_text())["seen"] == [first]  # an open session keeps its version
    second = _build_id(warehouse)
    builds = {r[0] for r in got["results"]}
    assert second != first and builds <= {first, second} and second in builds
    for build in builds:  # every answer comes from one consistent version
        assert len({(r[1], r[2]) for r in got["results"] if r[0] == build}) == 1, build
    assert len(got["results"]) > 20


def _runs_in_progress(home: Path) -> list[str]:
    from dagster import DagsterRunStatus, RunsFilter

    with make_instance(home) as instance:
        runs = instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING]))
        return [r.run_id for r in runs]


def _processes_with(data: Path) -> list[int]:
    """pids whose environment points at this data folder (the build and any dbt it started)."""
    needle = f"OGI_DATA_DIR={data}".encode()
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if needle in (proc / "environ").read_bytes().split(b"\0"):
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def _dbt_started(home: Path, step: str) -> bool:
    from dagster import DagsterEventType, EventRecordsFilter

    with make_instance(home) as instance:
        records = instance.get_event_records(EventRecordsFilter(event_type=DagsterEventType.STEP_START), limit=200)
    return any(step in (r.event_log_entry.step_key or "") for r in records)


# a point of a running build, as the test can see it from outside
KILL_POINTS = {
    "raw": lambda data, home: (data / "raw" / "objects").is_dir(),
    "parse": lambda data, home: (data / "parsed").is_dir(),
    "dbt facts": lambda data, home: any((data / ".build").glob("*/warehouse.duckdb")),
    "dbt marts": lambda data, home: _dbt_started(home, "dbt_reporting_models"),
}


def test_a_build_killed_anywhere_is_followed_by_an_identical_warehouse(tmp_path):
    clean = _landing(tmp_path / "clean")
    make_instance(tmp_path / "clean_home")
    _build(clean, tmp_path / "clean_home")
    reference = _snapshot(clean / "warehouse.duckdb")
    for point, reached in KILL_POINTS.items():
        base = tmp_path / point.replace(" ", "_")
        data, home = base / "data", base / "home"
        shutil.copytree(clean / "landing", data / "landing")
        make_instance(home)
        build = _start_build(data, home)
        deadline = time.monotonic() + 600
        while not reached(data, home) and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert build.poll() is None, f"the build ended before reaching {point}"
        build.send_signal(signal.SIGKILL)
        build.wait()
        for _ in range(100):  # dbt dies with its parent: no orphan keeps writing
            if not _processes_with(data):
                break
            time.sleep(0.1)
        assert _processes_with(data) == [], f"processes left after a kill during {point}"
        assert not (data / "warehouse.duckdb").exists(), point  # nothing half-built was published
        out = _build(data, home)
        assert _snapshot(data / "warehouse.duckdb") == reference, point
        assert _runs_in_progress(home) == [], point
        assert "marked failed" in out, point
