"""Shared fixtures. The dbt manifest is parsed before any test module imports the Dagster
definitions (dagster-dbt reads dbt/target/manifest.json at import; `make test` parses too)."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import synth

ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = ROOT / "dbt"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
MANIFEST = DBT_DIR / "target" / "manifest.json"

# Nothing reaches the network: no dbt or Dagster usage statistics.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

PIPELINE_YEARS = ("2020", "2022")  # the session warehouse: one run over 2020-2022
NO_YEAR_REPORT = """某某市某某局政府信息公开工作年度报告

一、总体情况
本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息若干条。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
"""


def _dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def ensure_dbt_manifest() -> None:
    newest = max(
        p.stat().st_mtime
        for p in DBT_DIR.rglob("*")
        if p.is_file() and "target" not in p.parts and "logs" not in p.parts
    )
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest:
        return
    subprocess.run([_dbt_executable(), "parse", "--profiles-dir", ".", "--quiet"], cwd=DBT_DIR, check=True)


def pytest_configure(config):
    if DBT_DIR.joinpath("dbt_project.yml").exists():
        ensure_dbt_manifest()


@contextlib.contextmanager
def data_env(data_root: Path, dagster_home: Path | None = None):
    """Point OGI_DATA_DIR (and DAGSTER_HOME) at a test folder for the duration."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGI_DATA_DIR", str(data_root))
        mp.delenv("OGI_WAREHOUSE", raising=False)
        if dagster_home is not None:
            mp.setenv("DAGSTER_HOME", str(dagster_home))
        yield


def make_instance(home: Path):
    """A Dagster instance with local storage in `home` (telemetry off)."""
    from dagster import DagsterInstance

    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "scripts" / "dagster.yaml", home / "dagster.yaml")
    return DagsterInstance.from_config(str(home))


def write_landing(data_root: Path, n_generated: int = 24, seed: int = 7, years: str = "2020-2022") -> None:
    """Seeds + generated reports + the broken files the reconciliation must account for."""
    synth.write_sample(data_root, n_generated, seed, years, seeds=SEEDS)
    landing = data_root / "landing"
    (landing / "broken").mkdir(parents=True, exist_ok=True)
    (landing / "broken" / "garbage.bin").write_bytes(random.Random(0).randbytes(4096))
    (landing / "broken" / "no_year.txt").write_text(NO_YEAR_REPORT, encoding="utf-8")
    (landing / "copies").mkdir(exist_ok=True)
    shutil.copyfile(SEEDS / "001_14e0d869ad77c16d.txt", landing / "copies" / "again.txt")


class Pipeline:
    """The session warehouse: data root, Dagster instance and the result of the build run."""

    def __init__(self, root: Path, home: Path):
        self.root, self.home = root, home
        self.instance = None
        self.result = None

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def env(self):
        return data_env(self.root, self.home)

    def run(self, first: str, last: str, job_name: str = "warehouse_job", **kwargs):
        from dagster_project.definitions import defs
        from dagster_project.jobs import range_tags

        with self.env():
            return defs.resolve_job_def(job_name).execute_in_process(
                instance=self.instance, tags=range_tags(first, last), raise_on_error=False, **kwargs
            )

    def query(self, sql: str, params=None):
        import duckdb

        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> Pipeline:
    """The whole graph materialized once, in process, for 2020-2022 (one single-run backfill)."""
    base = tmp_path_factory.mktemp("pipeline")
    p = Pipeline(base / "data", base / "dagster_home")
    write_landing(p.root)
    p.instance = make_instance(p.home)
    p.result = p.run(*PIPELINE_YEARS)
    return p
