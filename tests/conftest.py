"""Shared fixtures. The dbt manifest is parsed before any test module imports the Dagster
definitions (dagster-dbt reads dbt/target/manifest.json at import; `make test` parses too)."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import synth

ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = ROOT / "dbt"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
EXPECTED = FIXTURES / "expected"
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


# --- helpers shared by the test modules (import them: `from conftest import ...`) -----------------
def dbt_executable() -> str:
    """The dbt beside this Python (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def nfkc(s):
    """Names compare after NFKC (full-width and ASCII brackets are the same name)."""
    return unicodedata.normalize("NFKC", s) if isinstance(s, str) else s


def limit_memory(max_bytes: int):
    """A preexec_fn capping a child process's address space."""

    def _limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))

    return _limit


def put_landing(root: Path, rel: str, data: bytes | str) -> Path:
    """Write a file under <root>/landing/."""
    path = root / "landing" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def fake_parse(data: bytes, file: str) -> dict:
    """A stand-in parser for the raw step: 'year=YYYY' gives the year; 'boom' raises; 'bin' is fatal."""
    text = data.decode("utf-8", "replace")
    if "boom" in text:
        raise RuntimeError("boom")
    if text.startswith("bin"):
        return {
            "report_year": None,
            "issues": [{"code": "NOT_TEXT", "severity": "error", "message": f"{file}: binary"}],
        }
    year = int(text.split("year=")[1][:4]) if "year=" in text else None
    return {"report_year": year, "issues": []}


def ensure_dbt_manifest() -> None:
    newest = max(
        p.stat().st_mtime
        for p in DBT_DIR.rglob("*")
        if p.is_file() and "target" not in p.parts and "logs" not in p.parts
    )
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest:
        return
    subprocess.run([dbt_executable(), "parse", "--profiles-dir", ".", "--quiet"], cwd=DBT_DIR, check=True)


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


def year_before(text: str, forward: int = 0, in_force: int = 6) -> str:
    """Seed 001 (2021) as the same bureau's 2020 report: carrying `forward` natural-person requests
    into 2021 (2021 carries over 0) and `in_force` normative documents in force (2021 prints 8 in
    force after making 2 and repealing 0: in_force 6 agrees)."""
    lines = text.replace("2021", "2020").replace("2022", "2021").split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith("四、結轉下年度"))
    values = [k for k in range(i + 1, len(lines)) if lines[k].strip().isdigit()][:7]
    lines[values[0]] = lines[values[6]] = str(forward)
    j = next(k for k, line in enumerate(lines) if line.strip() == "行政規範性文件")
    numbers = [k for k in range(j + 1, len(lines)) if lines[k].strip().isdigit()][:3]
    lines[numbers[2]] = str(in_force)
    return "\n".join(lines)


def write_landing(data_root: Path, n_generated: int = 24, seed: int = 7, years: str = "2020-2022") -> None:
    """Seeds + generated reports + the broken files the reconciliation must account for, and the
    Hangzhou emergency bureau's 2020 report (seed 001 the year before, agreeing with it) so one agency
    reports on consecutive years."""
    synth.write_sample(data_root, n_generated, seed, years, seeds=SEEDS)
    landing = data_root / "landing"
    (landing / "earlier").mkdir(parents=True, exist_ok=True)
    seed001 = (SEEDS / "001_14e0d869ad77c16d.txt").read_text(encoding="utf-8")
    (landing / "earlier" / "hz_emergency_2020.txt").write_text(year_before(seed001), encoding="utf-8")
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


# Debian's headless Chromium, driven by Playwright (its own browser download is not used): the
# charts page and the Dagster UI tests. Nothing but local pages is loaded.
CHROMIUM = Path(os.environ.get("OGI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
