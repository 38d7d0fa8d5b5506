"""Resources: where the data lives, and the dbt project / CLI.

Both follow the same environment as dbt's profiles.yml: `OGI_DATA_DIR` (default `data/` in the
repository), `OGI_WAREHOUSE` (default `<data dir>/warehouse.duckdb`) and `OGI_LAKE_URL`, where the
raw store and the parsed layers live (default the data dir; may be `s3://...`, ingest/storage.py).
They are read when a step runs, not when the definitions load, so a test or `make run` can point
them elsewhere.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject

from ingest import storage
from ingest.landing import default_data_root

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Parses the project under `dagster dev` only; `make` and the tests run `dbt parse` first.
dbt_project.prepare_if_dev()


class OgiPaths(ConfigurableResource):
    """The data root and the warehouse file, from the same environment variables dbt reads
    (one source of truth: a path configured here but not in the environment would split them)."""

    def root(self) -> Path:
        return default_data_root()

    def lake(self) -> storage.Location:
        """The raw store and the parsed layers: OGI_LAKE_URL (a folder or s3://...), else the root."""
        return storage.lake_root(self.root())

    def warehouse_path(self) -> Path:
        env = os.environ.get("OGI_WAREHOUSE")
        return Path(env) if env else self.root() / "warehouse.duckdb"

    def docs_dir(self) -> Path:
        return self.root() / "docs" / "gx"

    def export_dir(self) -> Path:
        """Every mart as Parquet and CSV, and manifest.json (data/export/)."""
        return self.root() / "export"

    def report_path(self) -> Path:
        """The charts page (data/docs/report/index.html)."""
        return self.root() / "docs" / "report" / "index.html"

    def build_dir(self) -> Path:
        """Where runs build their copy of the warehouse before publishing it (data/.build/)."""
        return self.root() / ".build"

    def build_path(self, run_id: str) -> Path:
        """The warehouse file a run builds (same file name as the published one: the DuckDB
        catalog is named after it, and dbt's views refer to it)."""
        return self.build_dir() / run_id / self.warehouse_path().name

    def run_warehouse(self, run_id: str) -> Path:
        """The file a run's steps read: the run's build when it has one, else the published file."""
        build = self.build_path(run_id)
        return build if build.exists() else self.warehouse_path()


def dbt_executable() -> str:
    """The dbt of this Python's environment (the project's venv), so nothing depends on PATH."""
    for folder in (Path(sys.prefix) / "bin", Path(sys.executable).parent):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


# dbt runs through a wrapper that dies with its parent (bin/dbt): a killed run leaves no orphan.
GUARDED_DBT = Path(__file__).resolve().parent / "bin" / "dbt"
os.environ.setdefault("OGI_DBT_EXECUTABLE", dbt_executable())

RESOURCES = {
    "paths": OgiPaths(),
    "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(GUARDED_DBT)),
}
