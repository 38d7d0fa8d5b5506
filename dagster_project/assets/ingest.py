"""Ingest assets: landing -> raw and raw -> parsed (one year partition per report year).

Wiring only: the work is `ingest.landing` and `ingest.flatten`. Python steps write their own files;
only dbt writes the DuckDB file.

`raw_reports` scans the whole landing folder whatever the run's years (a file's year is known only
once it is read), yet it has the yearly partitions and the single-run backfill policy of every other
asset: Dagster's backfill never puts an unpartitioned asset in the same run as partitioned ones, so
an unpartitioned raw step made every backfill from the UI two runs or more, the second queued behind
the first. Its metadata counts the run's years and says the total beside them.
"""

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from ingest import flatten, landing, storage
from ingest.lock import build_lock

from ..partitions import yearly_partitions, years_in_range
from ..resources import OgiPaths

RAW_REPORTS = AssetKey("raw_reports")
PARSED_TABLES = flatten.TABLES  # reports, cells, findings, narrative
PARSED_KEYS = {table: AssetKey(f"parsed_{table}") for table in PARSED_TABLES}
PREVIEW_ROWS = 10


def row_scope(rows: int, rows_total: int | None, years: list[int] | None) -> dict[str, MetadataValue]:
    """The row-count metadata every asset of the project carries, meaning the same on every layer:
    `dagster/row_count` the rows of the run's report years (of the whole table when it has no report
    year: seeds, the static dimensions), `rows_total` the table's rows over every year, and
    `rows_counted` which of the two the count is."""
    if years is None:
        return {
            "dagster/row_count": MetadataValue.int(rows),
            "rows_counted": MetadataValue.text("every row (the table is not by report year)"),
        }
    window = f"{years[0]}" if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
    out = {
        "dagster/row_count": MetadataValue.int(rows),
        "rows_counted": MetadataValue.text(f"report years {window} (this run's partitions)"),
    }
    if rows_total is not None:
        out["rows_total"] = MetadataValue.int(rows_total)
    return out


def preview(df: pd.DataFrame, rows: int = PREVIEW_ROWS, max_chars: int = 80) -> MetadataValue:
    """A Markdown preview of the first rows (long texts cut)."""
    if df.empty:
        return MetadataValue.md("_no rows_")
    head = df.head(rows).copy()
    for column in head.columns:
        if head[column].dtype == object:
            head[column] = head[column].map(
                lambda v: v if not isinstance(v, str) or len(v) <= max_chars else v[: max_chars - 1] + "…"
            )
    return MetadataValue.md(head.to_markdown(index=False))  # tabulate comes with dagster


@asset(
    key=RAW_REPORTS,
    group_name="raw",
    kinds={"python", "parquet"},
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    description=(
        "Scans data/landing/ (any layout, optional manifest.csv), stores each file's bytes once "
        "under raw/objects/ab/<sha256>, and writes raw/index.parquet (one row per landing path: "
        "ok / duplicate / quarantined, with first_seen kept across runs) and raw/quarantine.parquet "
        "(every file that cannot enter a year partition, with the reason). Every run scans the whole "
        "folder; it is partitioned by year only to run in the same run as the years it feeds."
    ),
)
def raw_reports(context: AssetExecutionContext, paths: OgiPaths) -> MaterializeResult:
    result = landing.ingest_landing(paths.root())
    counts = result.counts()
    years = years_in_range(context.partition_key_range)
    index = result.index.to_pandas()
    in_run = index[index["report_year"].isin(years)]
    quarantine = result.quarantine.to_pandas()
    for row in quarantine.itertuples():
        context.log.warning(f"quarantined {row.code}: {row.reason}")
    for finding in result.manifest_findings:
        context.log.warning(f"manifest: {finding}")
    return MaterializeResult(
        metadata={
            **row_scope(len(in_run), counts["landed"], years),
            "files_landed": MetadataValue.int(counts["landed"]),
            "files_ok": MetadataValue.int(counts["ok"]),
            "files_duplicate": MetadataValue.int(counts["duplicate"]),
            "files_quarantined": MetadataValue.int(counts["quarantined"]),
            "reports_by_year": MetadataValue.json({str(k): v for k, v in result.years().items()}),
            "quarantine": preview(quarantine[["path", "code", "reason"]], rows=50, max_chars=200),
            "preview": preview(in_run[["path", "sha256", "report_year", "status"]]),
            "index_path": MetadataValue.path(storage.as_string(landing.index_path(paths.root()))),
            "records_parsed": MetadataValue.int(result.parse.parsed),
            "records_reused": MetadataValue.int(result.parse.reused),
            "records_reused_from_summaries": MetadataValue.int(result.parse.summarized),
            "records_parsed_why": MetadataValue.text(result.parse.why or "nothing new to parse"),
            "parse_workers": MetadataValue.int(result.parse.workers),
            "parse_seconds": MetadataValue.float(round(result.parse.seconds, 2)),
            "parse_timeouts": MetadataValue.int(result.parse.timeouts),
            "manifest_findings": MetadataValue.md(
                "\n".join(f"- {f}" for f in result.manifest_findings[:200]) or "_none_"
            ),
        }
    )


@multi_asset(
    specs=[
        AssetSpec(
            key,
            deps=[RAW_REPORTS],
            group_name="parsed",
            kinds={"python", "parquet"},
            description=f"Parsed `{table}` of one report year: data/parsed/{table}/year=YYYY/part.parquet.",
        )
        for table, key in PARSED_KEYS.items()
    ],
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    can_subset=False,
)
def parsed_tables(context: AssetExecutionContext, paths: OgiPaths):
    """Writes each year's four files from the records the raw step stored, a batch of reports at a
    time; a year whose files were made from the same reports by the same code is left as it is."""
    root = paths.root()
    with build_lock(root, f"parsed {context.partition_key_range.start}-{context.partition_key_range.end}"):
        yield from _parsed_tables(context, root)


def parsed_rows_total(root, table: str) -> int:
    """Rows of a parsed table over every year's file (from the Parquet footers, no data read)."""
    folder = storage.join(storage.lake_root(root), "parsed", table)
    return sum(storage.parquet_rows(f) for f in storage.glob(folder, "year=*/*.parquet"))


def _parsed_tables(context: AssetExecutionContext, root):
    frames: dict[str, list[pd.DataFrame]] = {t: [] for t in PARSED_TABLES}
    rows_by_year: dict[str, dict[str, int]] = {t: {} for t in PARSED_TABLES}
    index = landing.read_index(root)
    written, unchanged = [], []
    for year in years_in_range(context.partition_key_range):
        rows = landing.year_rows(root, year, index)
        fingerprint = landing.year_fingerprint(rows)
        if all(flatten.partition_fingerprint(root, t, year) == fingerprint for t in PARSED_TABLES):
            # made from the same reports by the same code: the files already hold these rows
            counts = {t: storage.parquet_rows(flatten.partition_path(root, t, year)) for t in PARSED_TABLES}
            unchanged.append(year)
        else:
            inputs = landing.partition_inputs(root, year, rows=rows)
            counts = flatten.write_partition(inputs, root, year, fingerprint=fingerprint)
            written.append(year)
        for table in PARSED_TABLES:
            rows_by_year[table][str(year)] = counts[table]
            if counts[table] and sum(len(f) for f in frames[table]) < PREVIEW_ROWS:
                frames[table].append(
                    storage.read_table(flatten.partition_path(root, table, year)).slice(0, PREVIEW_ROWS).to_pandas()
                )
        context.log.info(f"{year}: {counts}{' (unchanged, not rewritten)' if year in unchanged else ''}")
    years = years_in_range(context.partition_key_range)
    years_note = {
        "years_written": MetadataValue.text(", ".join(map(str, written)) or "none"),
        "years_unchanged": MetadataValue.text(
            (", ".join(map(str, unchanged)) + ": same reports, parser version and code as their files")
            if unchanged
            else "none"
        ),
    }
    for table, key in PARSED_KEYS.items():
        df = pd.concat(frames[table]) if frames[table] else pd.DataFrame()
        yield MaterializeResult(
            asset_key=key,
            metadata={
                **row_scope(sum(rows_by_year[table].values()), parsed_rows_total(root, table), years),
                "rows_by_year": MetadataValue.json({y: n for y, n in rows_by_year[table].items() if n}),
                **years_note,
                "preview": preview(df),
            },
        )
