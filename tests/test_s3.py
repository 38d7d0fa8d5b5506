"""The lake on an S3-compatible server: moto in server mode, bound to 127.0.0.1, in a child process.

`ingest.storage` first, on the server and on a local folder alike; then the whole graph, a real
in-process Dagster run of the test sample (tests/conftest.py `write_landing`, 2020-2022) with
OGI_LAKE_URL=s3://<bucket>/lake: the raw objects, the records, the index, the quarantine list and
the parsed Parquet files are in the bucket and not under the local data root, and the published
warehouse holds what the local-root session warehouse (`pipeline`) holds. The server's access log
shows every request came from 127.0.0.1; the server is stopped when the module's tests are done
(and dies with the test process if that is killed first).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import Pipeline, make_instance, write_landing
from dagster import AssetKey

from ingest import flatten, storage

BUCKET = "ogi-lake-test"
ACCESS_LOG = re.compile(r'^(\S+) - - \[[^\]]+\] "([A-Z]+) ')
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """preexec_fn: the kernel kills the server when the test process dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Server:
    """A moto server on 127.0.0.1 and the clients that see it."""

    def __init__(self, log: Path):
        self.log = log
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto server exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.2)
        raise RuntimeError(f"moto server on {self.endpoint} did not start within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def keys(self, prefix: str = "") -> list[str]:
        out: list[str] = []
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return sorted(out)

    def clients_seen(self) -> dict[str, int]:
        """Client address -> requests, from the server's access log."""
        seen: dict[str, int] = {}
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            m = ACCESS_LOG.match(line)
            if m:
                seen[m.group(1)] = seen.get(m.group(1), 0) + 1
        return seen


@pytest.fixture(scope="module")
def s3(tmp_path_factory) -> Iterator[S3Server]:
    server = S3Server(tmp_path_factory.mktemp("moto") / "access.log")
    server.start()
    try:
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        server.stop()
    assert server.proc is not None and server.proc.poll() is not None  # stopped


@contextlib.contextmanager
def lake_env(server: S3Server, prefix: str):
    """The lake at s3://BUCKET/<prefix>, reached at the local server only (dummy keys, no instance
    metadata lookups, no AWS configuration files)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
            mp.delenv(name, raising=False)
        mp.setenv(storage.LAKE_ENV, f"s3://{BUCKET}/{prefix}")
        mp.setenv(storage.ENDPOINT_ENV, server.endpoint)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_REGION", "us-east-1")
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        yield


# --- ingest.storage -------------------------------------------------------------------------------
def _exercise(lake: storage.Location) -> dict:
    """Every storage operation on one lake; what it saw, to compare a local lake with a remote one."""
    target = storage.join(lake, "parsed", "cells", "year=2021", "part.parquet")
    assert not storage.exists(target)
    storage.write_table(pa.table({"a": [1, 2, 3]}), target)
    storage.write_table(pa.table({"a": [4]}), storage.join(lake, "parsed", "cells", "year=2022", "part.parquet"))
    stray = storage.join(lake, "parsed", "cells", "year=2021", "old.parquet")
    storage.write_bytes(stray, b"not parquet")
    seen = {
        "exists": storage.exists(target),
        "rows": storage.read_table(target).column("a").to_pylist(),
        "footer_rows": storage.parquet_rows(target),
        "files": [str(p)[len(str(lake)) :] for p in storage.glob(storage.join(lake, "parsed", "cells"), "year=*/*")],
        "siblings": [str(p)[len(str(lake)) :] for p in storage.siblings(target, "*.parquet")],
        "folders": storage.list_folders(storage.join(lake, "parsed", "cells")),
        "no_folders": storage.list_folders(storage.join(lake, "missing")),
        "nothing": storage.glob(storage.join(lake, "missing"), "*"),
    }
    storage.remove(stray)
    seen["after_remove"] = [str(p)[len(str(lake)) :] for p in storage.glob(lake, "parsed/cells/*/*")]
    with pytest.raises(FileNotFoundError, match="nothing-here"):
        storage.read_bytes(storage.join(lake, "raw", "nothing-here"))
    return seen


def test_storage_is_the_same_on_s3_and_on_a_local_folder(s3: S3Server, tmp_path):
    local = _exercise(tmp_path / "lake")
    with lake_env(s3, "unit"):
        lake = storage.lake_root(tmp_path / "ignored")
        assert lake == f"s3://{BUCKET}/unit"
        remote = _exercise(lake)
        assert not (tmp_path / "ignored").exists()
    assert remote == local
    assert local["files"] == ["/parsed/cells/year=2021/old.parquet", *local["after_remove"]]
    assert local["siblings"] == ["/parsed/cells/year=2021/old.parquet"]
    assert s3.keys("unit/") == ["unit/parsed/cells/year=2021/part.parquet", "unit/parsed/cells/year=2022/part.parquet"]


def test_duckdb_reads_the_bucket_through_httpfs_from_the_wheel(s3: S3Server):
    with lake_env(s3, "duck"):
        for year, values in ((2021, [1, 2]), (2022, [3])):
            storage.write_table(pa.table({"a": values}), f"s3://{BUCKET}/duck/t/year={year}/part.parquet")
        with duckdb.connect() as con:
            storage.configure_duckdb(con)
            assert con.execute("select current_setting('autoinstall_known_extensions')").fetchone() == (False,)
            (loaded,) = con.execute(
                "select loaded, installed from duckdb_extensions() where extension_name = 'httpfs'"
            ).fetchall()
            assert loaded == (True, False)  # loaded from the package's file, never installed
            rows = con.execute(
                f"select year, sum(a) from read_parquet('s3://{BUCKET}/duck/t/*/*.parquet', hive_partitioning = true) "
                "group by all order by all"
            ).fetchall()
    assert rows == [(2021, 3), (2022, 3)]


def test_a_local_lake_loads_no_extension(tmp_path, monkeypatch):
    monkeypatch.delenv(storage.LAKE_ENV, raising=False)
    assert storage.lake_root(tmp_path) == tmp_path
    with duckdb.connect() as con:
        storage.configure_duckdb(con)
        assert con.execute("select current_setting('autoinstall_known_extensions')").fetchone() == (False,)
        assert con.execute("select loaded from duckdb_extensions() where extension_name = 'httpfs'").fetchone() == (
            False,
        )


# --- the whole pipeline ---------------------------------------------------------------------------
def _marts(warehouse: Path) -> dict[str, list]:
    """Every table of the published file's marts (build_info aside) with its rows, wall-clock
    first_seen left out."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        for (name,) in tables:
            if name == "build_info":
                continue
            columns = {r[0] for r in con.execute(f'describe "marts"."{name}"').fetchall()}
            exclude = " exclude (first_seen)" if "first_seen" in columns else ""
            out[name] = sorted(con.execute(f'select *{exclude} from "marts"."{name}"').fetchall(), key=repr)
    return out


@pytest.mark.slow
def test_the_whole_pipeline_runs_with_the_lake_on_s3(s3: S3Server, pipeline: Pipeline, tmp_path):
    run = Pipeline(tmp_path / "data", tmp_path / "dagster_home")
    write_landing(run.root)
    run.instance = make_instance(run.home)
    before = sum(s3.clients_seen().values())
    with lake_env(s3, "lake"):
        run.result = run.run("2020", "2022")
        assert run.result.success
        index = storage.read_table(f"s3://{BUCKET}/lake/raw/index.parquet").to_pandas()

    keys = s3.keys("lake/")
    # the raw store: one object per distinct file read, one record per object, the index, the quarantine
    shas = set(index["sha256"].dropna())
    objects = {k.rsplit("/", 1)[1] for k in keys if k.startswith("lake/raw/objects/")}
    assert objects == shas and len(shas) == len(index) - 1  # one landing file is a copy of another
    summaries = [k for k in keys if k.startswith("lake/raw/records/") and k.endswith("/summaries.parquet")]
    assert len(summaries) == 1  # what the next run classifies known objects from
    records = [k for k in keys if k.startswith("lake/raw/records/") and k not in summaries]
    assert records and all(
        re.fullmatch(r"lake/raw/records/[^/]+/[0-9a-f]{2}/[0-9a-f]{64}\.json\.gz", k) for k in records
    )
    assert {"lake/raw/index.parquet", "lake/raw/quarantine.parquet"} <= set(keys)
    parsed = {k for k in keys if k.startswith("lake/parsed/")}
    assert parsed == {f"lake/parsed/{t}/year={y}/part.parquet" for t in flatten.TABLES for y in (2020, 2021, 2022)}

    # nothing of the lake under the local data root; what must be local is there
    assert not (run.root / "raw").exists() and not (run.root / "parsed").exists()
    assert run.warehouse.is_file() and (run.root / "landing").is_dir() and (run.root / "export").is_dir()
    metadata = run.instance.get_latest_materialization_event(AssetKey("raw_reports")).asset_materialization.metadata
    assert metadata["index_path"].value == f"s3://{BUCKET}/lake/raw/index.parquet"

    # the same files and the same warehouse as the local-root run of the same sample
    client = s3.client()
    for key in sorted(parsed):
        body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        local = pipeline.root / key.removeprefix("lake/")
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(local.read_bytes()).hexdigest(), key
    on_s3, on_disk = _marts(run.warehouse), _marts(pipeline.warehouse)
    assert on_s3.keys() == on_disk.keys() and "mart_agency_year" in on_s3
    assert {t: len(r) for t, r in on_s3.items()} == {t: len(r) for t, r in on_disk.items()}
    for table in on_disk:
        assert on_s3[table] == on_disk[table], table

    # every request the server saw came from 127.0.0.1
    seen = s3.clients_seen()
    assert set(seen) == {"127.0.0.1"} and sum(seen.values()) > before + len(keys)
