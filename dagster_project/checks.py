"""Asset checks: Great Expectations gates (blocking) and the quarantine reconciliation.

GX: each gated table's rows for the run's years go into a pandas DataFrame (Parquet for the parsed
layer, a read-only DuckDB query for the facts and marts) and through `expectations.runner.validate`,
once per run. A failed ERROR rule fails the check with ERROR severity, which stops every downstream
asset of the run; a failed WARN rule only marks the check WARN. Data Docs go to data/docs/gx/.

One result per year. A range run (a single-run backfill, `make run`) validates its years together,
then records one evaluation per year partition (`partition_evaluations`): a rule that found rows
fails the years of those rows, a rule on the whole table (a column, a type, a distribution) every
year of the run. Each evaluation's metadata names its offending rows (report year, report_id,
file path, agency, cell, value; at most OFFENDING_ROWS) and links the Data Docs page over http
(`docs_server`). Dagster's AssetCheckResult records no partition in a range run (the UI would show
every gate skipped), so the checks yield AssetCheckEvaluations themselves, each pointing at the
latest materialization of its partition as AssetCheckResult does for a single partition.

Which table a gate reads and which asset it sits on come from the suite's schema home: a parsed-layer
suite names its flatten table, a warehouse suite its dbt model, whose relation (schema, table) is read
from the dbt manifest and whose asset key from the dbt assets, so renamed model folders change nothing.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import duckdb
import pandas as pd
import pyarrow as pa
from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetRecordsFilter,
    AssetsDefinition,
    DagsterInstance,
    MetadataValue,
    Output,
    TableColumn,
    TableRecord,
    TableSchema,
    asset_check,
)
from dagster_dbt import get_asset_key_for_model

from expectations import MODULES, SCHEMAS
from expectations._common import ERROR
from expectations.runner import OFFENDING_COLUMNS, Outcome, failures_by_partition, offending_rows, validate
from expectations.schemas import DbtContract, ParquetSchema
from ingest import flatten, landing, storage

from . import docs_server
from .assets import dbt as dbt_assets_module
from .assets.ingest import PARSED_KEYS, RAW_REPORTS
from .partitions import yearly_partitions, years_in_range
from .resources import OgiPaths

# Every @dbt_assets definition, whatever its name: the asset key of a model is the translator's.
DBT_ASSETS = [v for v in vars(dbt_assets_module).values() if isinstance(v, AssetsDefinition)]

# GX suite -> what it gates: the parsed table (flatten name) or the dbt model.
PARSED_GATES_BY_SUITE: dict[str, str] = {t: s.table for t, s in SCHEMAS.items() if isinstance(s, ParquetSchema)}
WAREHOUSE_GATES: dict[str, DbtContract] = {t: s for t, s in SCHEMAS.items() if isinstance(s, DbtContract)}
OFFENDING_ROWS = 50  # offending rows listed in one partition's evaluation


def dbt_asset_key(model: str) -> AssetKey:
    """The asset key of a dbt model, from the dbt assets definition that builds it."""
    for assets in DBT_ASSETS:
        key = get_asset_key_for_model([assets], model)
        if key in assets.keys:
            return key
    raise KeyError(f"no dbt asset builds the model {model!r}")


def gate_description(suite: str) -> str:
    """One line: what the gate protects (its suite module's PROTECTS) and how it acts."""
    protects = MODULES[suite].PROTECTS.rstrip(".")
    return f"Protects {protects}. Great Expectations: an ERROR rule blocks downstream, a WARN rule only warns."


def run_years(context: AssetCheckExecutionContext) -> list[int]:
    return years_in_range(context.partition_key_range)


# --- one evaluation per partition --------------------------------------------------------------
@dataclass
class PartitionResult:
    """A check's verdict on one partition."""

    passed: bool
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR
    metadata: dict[str, Any] = field(default_factory=dict)
    description: str | None = None


def _latest_materialization(instance: DagsterInstance, asset_key: AssetKey, partition: str):
    """The latest materialization of one partition, as the check's target (the UI counts a check
    result as current only when it targets the partition's latest materialization)."""
    # AssetCheckResult builds this record itself for a single-partition step; dagster 1.13 has no
    # public way to build it for one partition of a range, hence the one internal import here.
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluationTargetMaterializationData,
    )

    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=asset_key, asset_partitions=[partition]), limit=1
    ).records
    if not records:
        return None
    record = records[0]
    return AssetCheckEvaluationTargetMaterializationData(
        storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
    )


def partition_evaluations(
    context: AssetCheckExecutionContext, results: Mapping[str, PartitionResult]
) -> Iterator[Output | AssetCheckEvaluation]:
    """The check step's output, then one AssetCheckEvaluation per partition key. A failed blocking
    ERROR evaluation fails the step after all of them are recorded, stopping what is downstream."""
    (spec,) = context.check_specs
    yield Output(None)
    for partition, result in results.items():
        yield AssetCheckEvaluation(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=result.passed,
            severity=result.severity,
            metadata=result.metadata,
            description=result.description,
            blocking=spec.blocking,
            partition=partition,
            target_materialization_data=_latest_materialization(context.instance, spec.asset_key, partition),
        )


def table_metadata(df: pd.DataFrame) -> MetadataValue:
    """A DataFrame as a metadata table (values as text, None stays empty)."""
    schema = TableSchema(columns=[TableColumn(name=str(c), type="string") for c in df.columns])
    records = [
        TableRecord(data={str(k): (None if _missing(v) else str(v)) for k, v in row.items()})
        for row in df.to_dict(orient="records")
    ]
    return MetadataValue.table(records=records, schema=schema)


def _missing(v: Any) -> bool:
    return v is None or (not isinstance(v, (list, dict, str)) and bool(pd.isna(v)))


def report_info(root: Path, years: list[int]) -> pd.DataFrame:
    """report_id -> path and agency_name of the parsed reports of these years (to name a row's file
    and agency when its own table lacks them)."""
    df = read_parsed(root, "reports", years)[["report_id", "path", "agency_name"]]
    return df.drop_duplicates("report_id").set_index("report_id")


def name_reports(rows: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Fill each offending row's path and agency from its report where its table had none."""
    if rows.empty or reports.empty:
        return rows
    known = reports.reindex(rows["report_id"])
    rows = rows.copy()
    rows["path"] = rows["path"].where(rows["path"].notna(), known["path"].to_numpy())
    rows["agency"] = rows["agency"].where(rows["agency"].notna(), known["agency_name"].to_numpy())
    return rows


def gx_partition_results(
    outcome: Outcome,
    frame: pd.DataFrame,
    year_of_row: pd.Series,
    years: list[int],
    reports: pd.DataFrame,
    data_root: Path,
) -> dict[str, PartitionResult]:
    """One PartitionResult per year from one validation of the run's years (see the module doc)."""
    shares = failures_by_partition(outcome, year_of_row, years, frame)
    rows_by_year = year_of_row.value_counts().to_dict()
    docs = docs_server.http_url(outcome.data_docs, data_root)
    window = f"{years[0]}-{years[-1]}"
    out: dict[str, PartitionResult] = {}
    for year in years:
        failures = shares[year]
        errors = [f for f in failures if f["severity"] == ERROR]
        severity = AssetCheckSeverity.ERROR if errors or not failures else AssetCheckSeverity.WARN
        metadata: dict[str, Any] = {
            "year": MetadataValue.text(str(year)),
            "run_years": MetadataValue.text(window),
            "rows": MetadataValue.int(int(rows_by_year.get(year, 0))),
            "failed_rules": MetadataValue.text(", ".join(_rule_label(f) for f in failures) or "none"),
            "n_error_failures": MetadataValue.int(len(errors)),
            "n_warn_failures": MetadataValue.int(len(failures) - len(errors)),
            "failures": MetadataValue.json([{k: v for k, v in f.items() if k != "rows"} for f in failures]),
            "evaluated_expectations": MetadataValue.int(int(outcome.statistics.get("evaluated_expectations") or 0)),
        }
        offending = name_reports(offending_rows(failures, frame, OFFENDING_ROWS), reports)
        if len(offending):
            metadata["offending_rows"] = table_metadata(offending[OFFENDING_COLUMNS])
        if docs:
            metadata["data_docs"] = MetadataValue.url(docs)
        if outcome.data_docs:
            metadata["data_docs_file"] = MetadataValue.path(unquote(urlparse(outcome.data_docs).path))
        description = (
            f"{year}: every rule passed on {metadata['rows'].value:,} rows ({window} validated together)"
            if not failures
            else f"{year}: " + "; ".join(_rule_label(f) for f in failures)
        )
        out[str(year)] = PartitionResult(
            passed=not failures, severity=severity, metadata=metadata, description=description
        )
    return out


def _rule_label(f: dict) -> str:
    count = f" {f['unexpected_count']} rows" if f.get("rows") is not None else ""
    return f"{f['rule']} ({f['severity']}{',' if count else ''}{count})"


def read_parsed(root: Path, table: str, years: list[int]) -> pd.DataFrame:
    """The parsed table's rows of these years (missing partition files count as empty)."""
    return read_parsed_by_year(root, table, years)[0]


def read_parsed_by_year(root: Path, table: str, years: list[int]) -> tuple[pd.DataFrame, pd.Series]:
    """The parsed table's rows of these years, and the year of each row's partition file."""
    tables, file_years = [], []
    for year in years:
        path = flatten.partition_path(root, table, year)
        if storage.exists(path):
            t = storage.read_table(path)
            tables.append(t)
            file_years += [year] * t.num_rows
    if not tables:
        return flatten.SCHEMAS[table].empty_table().to_pandas(), pd.Series([], dtype="int64")
    return pa.concat_tables(tables).to_pandas(), pd.Series(file_years, dtype="int64")


def read_warehouse(warehouse: Path, contract: DbtContract, years: list[int]) -> pd.DataFrame:
    schema, name = contract.relation()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            f'select * from "{schema}"."{name}" where report_year between ? and ?',
            [min(years), max(years)],
        ).df()


def _gx_gate_results(
    suite: str, df: pd.DataFrame, year_of_row: pd.Series, years: list[int], paths: OgiPaths
) -> dict[str, PartitionResult]:
    df = df.reset_index(drop=True)
    year_of_row = year_of_row.reset_index(drop=True)
    outcome = validate(suite, df, docs_dir=str(paths.docs_dir()), run_name=f"{years[0]}-{years[-1]}")
    reports = report_info(paths.root(), years) if outcome.failures else pd.DataFrame()
    return gx_partition_results(outcome, df, year_of_row, years, reports, paths.root())


def _parsed_gate(suite: str, table: str):
    @asset_check(
        asset=PARSED_KEYS[table],
        name=f"gx_{suite}",
        blocking=True,
        partitions_def=yearly_partitions,
        description=gate_description(suite),
    )
    def _check(context: AssetCheckExecutionContext, paths: OgiPaths):
        years = run_years(context)
        df, year_of_row = read_parsed_by_year(paths.root(), table, years)
        yield from partition_evaluations(context, _gx_gate_results(suite, df, year_of_row, years, paths))

    return _check


def _warehouse_gate(suite: str, contract: DbtContract):
    @asset_check(
        asset=dbt_asset_key(contract.model),
        name=f"gx_{suite}",
        blocking=True,
        partitions_def=yearly_partitions,
        description=gate_description(suite),
    )
    def _check(context: AssetCheckExecutionContext, paths: OgiPaths):
        years = run_years(context)
        df = read_warehouse(paths.run_warehouse(context.run.run_id), contract, years)
        yield from partition_evaluations(context, _gx_gate_results(suite, df, df["report_year"], years, paths))

    return _check


@asset_check(
    asset=RAW_REPORTS,
    blocking=True,
    description=(
        "Protects the quarantine's completeness: every landing file is indexed once, as ok, duplicate or "
        "quarantined, and each quarantined one is listed in raw/quarantine.parquet."
    ),
)
def raw_reconciliation(paths: OgiPaths) -> AssetCheckResult:
    root = paths.root()
    on_disk = set(landing.scan_landing(landing.landing_dir(root)))
    index = landing.read_index(root)
    quarantine_path = landing.quarantine_path(root)
    quarantined_rows = storage.parquet_rows(quarantine_path) if storage.exists(quarantine_path) else 0
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
    description=(
        "Protects against lost or stray reports: each year's parsed reports are exactly the raw index's "
        "ok files of that year."
    ),
)
def parsed_reconciliation(context: AssetCheckExecutionContext, paths: OgiPaths):
    root = paths.root()
    years = run_years(context)
    expected: dict[int, dict[str, str]] = {y: {} for y in years}
    for row in landing.read_index(root):
        if row["status"] == "ok" and row["report_year"] in expected:
            expected[row["report_year"]][row["sha256"]] = row["path"]
    results = {}
    for year in years:
        got = read_parsed(root, "reports", [year])
        got_ids = set(got["report_id"])
        missing = sorted(set(expected[year]) - got_ids)
        unexpected = sorted(got_ids - set(expected[year]))
        metadata: dict[str, Any] = {
            "year": MetadataValue.text(str(year)),
            "index_ok": MetadataValue.int(len(expected[year])),
            "parsed": MetadataValue.int(len(got_ids)),
            "missing": MetadataValue.int(len(missing)),
            "unexpected": MetadataValue.int(len(unexpected)),
        }
        if missing or unexpected:
            paths_of = {**expected[year], **dict(zip(got["report_id"], got["path"], strict=True))}
            rows = [("missing from parsed", r) for r in missing] + [
                ("not an ok file of the index", r) for r in unexpected
            ]
            metadata["offending_rows"] = table_metadata(
                pd.DataFrame(
                    [{"problem": p, "report_year": year, "report_id": r, "path": paths_of.get(r)} for p, r in rows][
                        :OFFENDING_ROWS
                    ]
                )
            )
        results[str(year)] = PartitionResult(
            passed=not (missing or unexpected),
            metadata=metadata,
            description=f"{year}: {len(got_ids)} parsed reports, {len(expected[year])} ok files in the index",
        )
    yield from partition_evaluations(context, results)


PARSED_GATES = [_parsed_gate(suite, table) for suite, table in PARSED_GATES_BY_SUITE.items()]
WAREHOUSE_GX_GATES = [_warehouse_gate(suite, contract) for suite, contract in WAREHOUSE_GATES.items()]
ALL_CHECKS = [raw_reconciliation, parsed_reconciliation, *PARSED_GATES, *WAREHOUSE_GX_GATES]
