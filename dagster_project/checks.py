"""Asset checks: Great Expectations gates (blocking) and the quarantine reconciliation.

GX: each gated table's rows for the run's years go into a pandas DataFrame (Parquet for the parsed
layer, a read-only DuckDB query for the facts and marts) and through `expectations.runner.validate`.
A failed ERROR rule fails the check with ERROR severity, which stops every downstream asset of the
run; a failed WARN rule only marks the check WARN. Data Docs go to data/docs/gx/.

Which table a gate reads and which asset it sits on come from the suite's schema home: a parsed-layer
suite names its flatten table, a warehouse suite its dbt model, whose relation (schema, table) is read
from the dbt manifest and whose asset key from the dbt assets, so renamed model folders change nothing.
"""

import inspect
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetsDefinition,
    MetadataValue,
    asset_check,
)
from dagster_dbt import get_asset_key_for_model

from expectations import MODULES, SCHEMAS
from expectations.runner import validate
from expectations.schemas import DbtContract, ParquetSchema
from ingest import flatten, landing

from .assets import dbt as dbt_assets_module
from .assets.ingest import PARSED_KEYS, RAW_REPORTS
from .partitions import yearly_partitions, years_in_range
from .resources import OgiPaths

# Every @dbt_assets definition, whatever its name: the asset key of a model is the translator's.
DBT_ASSETS = [v for v in vars(dbt_assets_module).values() if isinstance(v, AssetsDefinition)]

# GX suite -> what it gates: the parsed table (flatten name) or the dbt model.
PARSED_GATES_BY_SUITE: dict[str, str] = {t: s.table for t, s in SCHEMAS.items() if isinstance(s, ParquetSchema)}
WAREHOUSE_GATES: dict[str, DbtContract] = {t: s for t, s in SCHEMAS.items() if isinstance(s, DbtContract)}


def dbt_asset_key(model: str) -> AssetKey:
    """The asset key of a dbt model, from the dbt assets definition that builds it."""
    for assets in DBT_ASSETS:
        key = get_asset_key_for_model([assets], model)
        if key in assets.keys:
            return key
    raise KeyError(f"no dbt asset builds the model {model!r}")


def gate_description(suite: str) -> str:
    """One line: what the table is (its suite's first docstring line) and how the gate acts."""
    what = (inspect.getdoc(MODULES[suite]) or suite).splitlines()[0].rstrip(".")
    return f"Great Expectations suite on {what}; a failed ERROR rule blocks downstream, a WARN rule only warns."


def run_years(context: AssetCheckExecutionContext) -> list[int]:
    return years_in_range(context.partition_key_range)


def gx_result(table: str, df: pd.DataFrame, docs_dir: Path, run_name: str) -> AssetCheckResult:
    outcome = validate(table, df, docs_dir=str(docs_dir), run_name=run_name)
    if not outcome.success_error:
        passed, severity = False, AssetCheckSeverity.ERROR
    elif not outcome.success_all:
        passed, severity = False, AssetCheckSeverity.WARN
    else:
        passed, severity = True, AssetCheckSeverity.ERROR
    metadata: dict[str, Any] = {k: v for k, v in outcome.to_metadata().items() if v is not None}
    metadata["rows"] = MetadataValue.int(len(df))
    return AssetCheckResult(passed=passed, severity=severity, metadata=metadata)


def read_parsed(root: Path, table: str, years: list[int]) -> pd.DataFrame:
    """The parsed table's rows of these years (missing partition files count as empty)."""
    files = [flatten.partition_path(root, table, y) for y in years]
    tables = [pq.read_table(f) for f in files if f.exists()]
    if not tables:
        return flatten.SCHEMAS[table].empty_table().to_pandas()
    return pa.concat_tables(tables).to_pandas()


def read_warehouse(warehouse: Path, contract: DbtContract, years: list[int]) -> pd.DataFrame:
    schema, name = contract.relation()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            f'select * from "{schema}"."{name}" where report_year between ? and ?',
            [min(years), max(years)],
        ).df()


def _parsed_gate(suite: str, table: str):
    @asset_check(
        asset=PARSED_KEYS[table],
        name=f"gx_{suite}",
        blocking=True,
        partitions_def=yearly_partitions,
        description=gate_description(suite),
    )
    def _check(context: AssetCheckExecutionContext, paths: OgiPaths) -> AssetCheckResult:
        years = run_years(context)
        df = read_parsed(paths.root(), table, years)
        return gx_result(suite, df, paths.docs_dir(), f"{years[0]}-{years[-1]}")

    return _check


def _warehouse_gate(suite: str, contract: DbtContract):
    @asset_check(
        asset=dbt_asset_key(contract.model),
        name=f"gx_{suite}",
        blocking=True,
        partitions_def=yearly_partitions,
        description=gate_description(suite),
    )
    def _check(context: AssetCheckExecutionContext, paths: OgiPaths) -> AssetCheckResult:
        years = run_years(context)
        df = read_warehouse(paths.run_warehouse(context.run.run_id), contract, years)
        return gx_result(suite, df, paths.docs_dir(), f"{years[0]}-{years[-1]}")

    return _check


@asset_check(
    asset=RAW_REPORTS,
    blocking=True,
    description="Every landing file is indexed once, as ok, duplicate or quarantined, and each quarantined one is listed.",
)
def raw_reconciliation(paths: OgiPaths) -> AssetCheckResult:
    root = paths.root()
    on_disk = set(landing.scan_landing(landing.landing_dir(root)))
    index = landing.read_index(root)
    quarantine_path = landing.quarantine_path(root)
    quarantined_rows = pq.read_table(quarantine_path).num_rows if quarantine_path.exists() else 0
    status = pd.Series([r["status"] for r in index], dtype="object").value_counts().to_dict()
    ok, dup, quar = (int(status.get(s, 0)) for s in ("ok", "duplicate", "quarantined"))
    indexed = {r["path"] for r in index}
    passed = len(on_disk) == len(index) == ok + dup + quar and indexed == on_disk and quar == quarantined_rows
    return AssetCheckResult(
        passed=passed,
        metadata={
            "files_landed": len(on_disk),
            "index_rows": len(index),
            "files_ok": ok,
            "files_quarantined": quar,
            "quarantine_rows": quarantined_rows,
            "files_duplicate": dup,
            "not_indexed": MetadataValue.json(sorted(on_disk - indexed)[:50]),
            "indexed_but_gone": MetadataValue.json(sorted(indexed - on_disk)[:50]),
        },
    )


@asset_check(
    asset=PARSED_KEYS["reports"],
    blocking=True,
    partitions_def=yearly_partitions,
    description="Each year's parsed reports are exactly the raw index's ok files of that year.",
)
def parsed_reconciliation(context: AssetCheckExecutionContext, paths: OgiPaths) -> AssetCheckResult:
    root = paths.root()
    years = run_years(context)
    expected: dict[int, set[str]] = {y: set() for y in years}
    for row in landing.read_index(root):
        if row["status"] == "ok" and row["report_year"] in expected:
            expected[row["report_year"]].add(row["sha256"])
    mismatches = {}
    for year in years:
        got = set(read_parsed(root, "reports", [year])["report_id"])
        if got != expected[year]:
            mismatches[str(year)] = {
                "index_ok": len(expected[year]),
                "parsed": len(got),
                "missing": sorted(expected[year] - got)[:10],
                "unexpected": sorted(got - expected[year])[:10],
            }
    return AssetCheckResult(
        passed=not mismatches,
        metadata={
            "files_ok": sum(len(v) for v in expected.values()),
            "mismatches": MetadataValue.json(mismatches),
        },
    )


PARSED_GATES = [_parsed_gate(suite, table) for suite, table in PARSED_GATES_BY_SUITE.items()]
WAREHOUSE_GX_GATES = [_warehouse_gate(suite, contract) for suite, contract in WAREHOUSE_GATES.items()]
ALL_CHECKS = [raw_reconciliation, parsed_reconciliation, *PARSED_GATES, *WAREHOUSE_GX_GATES]
