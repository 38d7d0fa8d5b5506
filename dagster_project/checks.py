"""Asset checks: Great Expectations gates (blocking) and the quarantine reconciliation.

GX: a gated table is validated one year at a time, and each year a chunk at a time (Parquet row
groups for the parsed layer, DuckDB's chunked fetch of a read-only query for the facts and marts;
`expectations.runner.validate_chunks`, about CHUNK_ROWS rows each), so a gate's memory is bounded by
the chunk whatever the size of the year or of the run. A failed ERROR rule fails the check with ERROR
severity, which stops every downstream asset of the run; a failed WARN rule only marks the check WARN.
Data Docs go to data/docs/gx/.

One result per year (`partition_evaluations`). Each evaluation's metadata names its offending rows
(report year, report_id, file path, agency, cell, value; at most OFFENDING_ROWS) and links the Data
Docs page over http (`docs_server`). Dagster's AssetCheckResult records no partition in a range run
(the UI would show every gate skipped), so the checks yield AssetCheckEvaluations themselves, each
pointing at the latest materialization of its partition as AssetCheckResult does for a single
partition. The cross-year check validates several years together (`gx_partition_results`).

Which table a gate reads and which asset it sits on come from the suite's schema home: a parsed-layer
suite names its flatten table, a warehouse suite its dbt model, whose relation (schema, table) is read
from the dbt manifest and whose asset key from the dbt assets, so renamed model folders change nothing.
"""

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import duckdb
import pandas as pd
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
    deserialize_value,
    serialize_value,
)
from dagster_dbt import get_asset_key_for_model

from expectations import MODULES, SCHEMAS, verdicts
from expectations._common import ERROR
from expectations.runner import (
    CHUNK_ROWS,
    OFFENDING_COLUMNS,
    Outcome,
    failures_by_partition,
    offending_rows,
    validate_chunks,
)
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
    """One PartitionResult per year from one validation of several years' rows (the cross-year
    check): a rule that found rows fails the years of those rows, a rule on the whole table every year."""
    shares = failures_by_partition(outcome, year_of_row, years, frame)
    rows_by_year = year_of_row.value_counts().to_dict()
    window = f"{years[0]}-{years[-1]}"
    return {
        str(year): partition_result(
            year,
            shares[year],
            int(rows_by_year.get(year, 0)),
            outcome,
            name_reports(offending_rows(shares[year], frame, OFFENDING_ROWS), reports),
            data_root,
            f"{window} validated together",
        )
        for year in years
    }


def partition_result(
    year: int,
    failures: list[dict],
    rows: int,
    outcome: Outcome,
    offending: pd.DataFrame,
    data_root: Path,
    how: str,
) -> PartitionResult:
    """A gate's verdict on one year: its failures, offending rows (with their reports) and Data Docs."""
    errors = [f for f in failures if f["severity"] == ERROR]
    severity = AssetCheckSeverity.ERROR if errors or not failures else AssetCheckSeverity.WARN
    metadata: dict[str, Any] = {
        "year": MetadataValue.text(str(year)),
        "rows": MetadataValue.int(rows),
        "validated": MetadataValue.text(how),
        "failed_rules": MetadataValue.text(", ".join(_rule_label(f) for f in failures) or "none"),
        "n_error_failures": MetadataValue.int(len(errors)),
        "n_warn_failures": MetadataValue.int(len(failures) - len(errors)),
        "failures": MetadataValue.json([{k: v for k, v in f.items() if k != "rows"} for f in failures]),
        "evaluated_expectations": MetadataValue.int(int(outcome.statistics.get("evaluated_expectations") or 0)),
    }
    if len(offending):
        metadata["offending_rows"] = table_metadata(offending[OFFENDING_COLUMNS])
    docs = docs_server.http_url(outcome.data_docs, data_root)
    if docs:
        metadata["data_docs"] = MetadataValue.url(docs)
    if outcome.data_docs:
        metadata["data_docs_file"] = MetadataValue.path(unquote(urlparse(outcome.data_docs).path))
    description = (
        f"{year}: every rule passed on {rows:,} rows ({how})"
        if not failures
        else f"{year}: " + "; ".join(_rule_label(f) for f in failures)
    )
    return PartitionResult(passed=not failures, severity=severity, metadata=metadata, description=description)


def year_gate(
    suite: str, chunks: Iterable[pd.DataFrame], year: int, paths: OgiPaths, docs_on_pass: bool
) -> PartitionResult:
    """One year of a gated table, validated a chunk at a time (`validate_chunks`): memory stays
    bounded by the chunk, not the year. The parsed tables' keys start with report_id, whose rows
    are written together, so a report_id met again in a later chunk fails the key. A year that
    failed gets its Data Docs page; a year that passed only with `docs_on_pass` (each page costs a
    rebuild of the site's index)."""
    whole_by = "report_id" if isinstance(SCHEMAS[suite], ParquetSchema) else None
    outcome, offending = validate_chunks(
        suite,
        chunks,
        docs_dir=str(paths.docs_dir()),
        run_name=str(year),
        whole_by=whole_by,
        limit=OFFENDING_ROWS,
        docs_on_pass=docs_on_pass,
    )
    if len(offending):
        offending = name_reports(offending, report_info(paths.root(), [year]))
    n = outcome.statistics.get("chunks", 1)
    how = f"{year} alone" + (f", in {n} chunks of at most {CHUNK_ROWS:,} rows" if n > 1 else "")
    return partition_result(
        year, outcome.failures, int(outcome.statistics.get("rows") or 0), outcome, offending, paths.root(), how
    )


def gate_years(
    suite: str,
    chunks_of: Callable[[int], Iterable[pd.DataFrame]],
    years: list[int],
    paths: OgiPaths,
    fingerprint_of: Callable[[int], str | None] | None = None,
    run_id: str = "",
) -> dict[str, PartitionResult]:
    """Every year of a run through `year_gate`. A year without rows and without any report in the
    raw index passes: nothing landed for it, so there is nothing to check (a run over every year has
    many such years). A year without rows whose reports did land gets what an empty frame gives (the
    `has_rows` warning), validated once per gate and run, each validation costing seconds of fixed
    work. The last year with rows gets the Data Docs page of a pass.

    With `fingerprint_of` (the year's rows -> a fingerprint), a year whose rows and rules are those
    of a stored verdict reuses it instead of validating again (`expectations.verdicts`); a year that
    passes or only warns now is stored, one that fails an ERROR rule is forgotten."""
    results: dict[str, PartitionResult] = {}
    empty: Outcome | None = None
    landed = landing.years_with_reports(paths.root())
    docs_pending = True
    store = verdicts.VerdictStore(paths.root(), suite)
    reuse = fingerprint_of is not None and verdicts.reuse_enabled()
    rules = verdicts.rules_fingerprint(suite) if fingerprint_of is not None else ""
    for year in sorted(years, reverse=True):
        data = fingerprint_of(year) if fingerprint_of is not None and year in landed else None
        stored = store.get(year, data, rules) if reuse and data else None
        if stored is not None:
            results[str(year)] = reused_result(stored)
            continue
        chunks = iter(chunks_of(year))
        first = next(chunks)
        if len(first) == 0 and next(chunks, None) is None:
            if year not in landed:
                results[str(year)] = PartitionResult(
                    passed=True,
                    metadata={
                        "year": MetadataValue.text(str(year)),
                        "rows": MetadataValue.int(0),
                        "validated": MetadataValue.text(f"{year}: no report landed for this year"),
                    },
                    description=f"{year}: no report landed for this year, nothing to check",
                )
                continue
            if empty is None:
                empty, _ = validate_chunks(suite, [first], limit=OFFENDING_ROWS)
            none = pd.DataFrame(columns=OFFENDING_COLUMNS)
            results[str(year)] = partition_result(
                year, empty.failures, 0, empty, none, paths.root(), f"{year}: no rows"
            )
            continue
        result = results[str(year)] = year_gate(suite, itertools.chain([first], chunks), year, paths, docs_pending)
        docs_pending = False
        if data and (result.passed or result.severity == AssetCheckSeverity.WARN):
            store.put(year, reached_verdict(result, data, rules, run_id))
        elif data:
            store.forget(year)
    store.save()
    return {str(year): results[str(year)] for year in years}


def reached_verdict(result: PartitionResult, data: str, rules: str, run_id: str) -> verdicts.Verdict:
    """A pass or a warning, to be reused while the rows and the rules stay the same."""
    return verdicts.Verdict(
        data=data,
        rules=rules,
        run_id=run_id,
        at=verdicts.now(),
        passed=result.passed,
        description=result.description or "",
        metadata=serialize_value(result.metadata),
    )


def reused_result(verdict: verdicts.Verdict) -> PartitionResult:
    """A year whose rows and rules are those of a stored verdict: that verdict, said to be reused."""
    how = verdicts.describe(verdict)
    metadata: dict[str, Any] = {
        **deserialize_value(verdict.metadata, as_type=dict),
        "validated": MetadataValue.text(how),
        "verdict_reused": MetadataValue.bool(True),
        "verdict_of_run": MetadataValue.text(verdict.run_id),
    }
    return PartitionResult(
        passed=verdict.passed,
        severity=AssetCheckSeverity.ERROR if verdict.passed else AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{verdict.description} ({how})",
    )


def _rule_label(f: dict) -> str:
    count = f" {f['unexpected_count']} rows" if f.get("rows") is not None else ""
    return f"{f['rule']} ({f['severity']}{',' if count else ''}{count})"


def read_parsed(root: Path, table: str, years: list[int]) -> pd.DataFrame:
    """The parsed table's rows of these years (missing partition files count as empty)."""
    frames = [chunk for year in years for chunk in parsed_chunks(root, table, year)]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def parsed_chunks(root: Path, table: str, year: int, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """One year's parsed file as DataFrames of whole row groups, about `rows` rows each (a row
    group holds whole reports: flatten writes them a batch of reports at a time). At least one
    frame, empty when the file is missing or has no rows."""
    rows = rows or CHUNK_ROWS
    path = flatten.partition_path(root, table, year)
    if not storage.exists(path):
        yield flatten.SCHEMAS[table].empty_table().to_pandas()
        return
    with storage.parquet_file(path) as f:
        groups: list[int] = []
        size = 0
        for i in range(f.num_row_groups):
            groups.append(i)
            size += f.metadata.row_group(i).num_rows
            if size >= rows:
                yield f.read_row_groups(groups).to_pandas()
                groups, size = [], 0
        if groups or f.num_row_groups == 0:
            yield f.read_row_groups(groups).to_pandas() if groups else f.schema_arrow.empty_table().to_pandas()


def warehouse_chunks(
    warehouse: Path, contract: DbtContract, year: int, rows: int | None = None
) -> Iterator[pd.DataFrame]:
    """One year of a dbt model, read-only from DuckDB, about `rows` rows at a time (DuckDB's own
    chunked fetch, 2,048 rows a vector). At least one frame."""
    schema, name = contract.relation()
    vectors = max(1, (rows or CHUNK_ROWS) // 2048)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = con.execute(f'select * from "{schema}"."{name}" where report_year = ?', [year])
        first = True
        while True:
            chunk = result.fetch_df_chunk(vectors)
            if len(chunk) == 0 and not first:
                return
            yield chunk
            if len(chunk) == 0:
                return
            first = False


def _parsed_gate(suite: str, table: str):
    @asset_check(
        asset=PARSED_KEYS[table],
        name=f"gx_{suite}",
        blocking=True,
        partitions_def=yearly_partitions,
        description=gate_description(suite),
    )
    def _check(context: AssetCheckExecutionContext, paths: OgiPaths):
        results = gate_years(
            suite,
            lambda year: parsed_chunks(paths.root(), table, year),
            run_years(context),
            paths,
            fingerprint_of=lambda year: verdicts.parquet_fingerprint(flatten.partition_path(paths.root(), table, year)),
            run_id=context.run.run_id,
        )
        yield from partition_evaluations(context, results)

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
        warehouse = paths.run_warehouse(context.run.run_id)
        results = gate_years(
            suite,
            lambda year: warehouse_chunks(warehouse, contract, year),
            run_years(context),
            paths,
            fingerprint_of=lambda year: verdicts.warehouse_fingerprint(warehouse, *contract.relation(), year),
            run_id=context.run.run_id,
        )
        yield from partition_evaluations(context, results)

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
