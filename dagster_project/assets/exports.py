"""What analysts take away from the published warehouse: the marts as files, and a page of charts.

Both read the PUBLISHED file (read-only: analysts may hold it open) after `published_warehouse`,
so a run whose gates failed refreshes neither. They cover the whole warehouse, not a year, yet
share its yearly partitions and single-run backfill policy: that puts them in the same run as the
publish step, whether the run is `make run` (every year), a job run for a year or a range, the
schedule, the sensor or a backfill launched in the UI. The work is `ingest.export` and
`ingest.charts`.
"""

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, MaterializeResult, MetadataValue, asset

from ingest.charts import write_report
from ingest.export import export_marts
from ingest.lock import build_lock

from ..partitions import yearly_partitions
from ..resources import OgiPaths
from .publish import PUBLISHED_WAREHOUSE

EXPORTS = AssetKey("exports")
CHARTS = AssetKey("charts")


@asset(
    key=EXPORTS,
    deps=[PUBLISHED_WAREHOUSE],
    group_name="published",
    kinds={"parquet", "csv"},
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    description=(
        "Every table of the published warehouse's marts schema as data/export/<table>.parquet and "
        "<table>.csv (UTF-8 with a byte-order mark, for Excel), each renamed into place when complete, "
        "and data/export/manifest.json (build id, parser version, rows and columns of each table)."
    ),
)
def exports(context: AssetExecutionContext, paths: OgiPaths) -> MaterializeResult:
    warehouse, out_dir = paths.warehouse_path(), paths.export_dir()
    if not warehouse.exists():
        context.log.info(f"no published warehouse at {warehouse}: nothing to export")
        return MaterializeResult(metadata={"exported": MetadataValue.bool(False)})
    with build_lock(paths.root(), f"exports, run {context.run.run_id[:8]}", log=context.log.info):
        manifest = export_marts(warehouse, out_dir)
    tables = manifest["tables"]
    rows = "\n".join(f"| {name} | {entry['rows']:,} |" for name, entry in tables.items())
    context.log.info(f"exported {len(tables)} tables of build {manifest['build_id']} to {out_dir}")
    return MaterializeResult(
        metadata={
            "exported": MetadataValue.bool(True),
            "path": MetadataValue.path(str(out_dir)),
            "build_id": MetadataValue.text(str(manifest["build_id"])),
            "parser_version": MetadataValue.text(str(manifest["parser_version"])),
            "tables": MetadataValue.int(len(tables)),
            "rows": MetadataValue.md("| table | rows |\n|---|---|\n" + rows),
        }
    )


@asset(
    key=CHARTS,
    deps=[PUBLISHED_WAREHOUSE],
    group_name="published",
    kinds={"html"},
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    description=(
        "data/docs/report/index.html: requests and pooled rates by year, the spread of disclosure rates, "
        "the top agencies, findings by code, provinces by year and by province, drawn from the published "
        "marts with altair and rendered to SVG at build time (no script, no network when opened)."
    ),
)
def charts(context: AssetExecutionContext, paths: OgiPaths) -> MaterializeResult:
    warehouse, out_file = paths.warehouse_path(), paths.report_path()
    if not warehouse.exists():
        context.log.info(f"no published warehouse at {warehouse}: nothing to draw")
        return MaterializeResult(metadata={"written": MetadataValue.bool(False)})
    with build_lock(paths.root(), f"charts, run {context.run.run_id[:8]}", log=context.log.info):
        figures = write_report(warehouse, out_file)
    context.log.info(f"wrote {out_file} ({len(figures)} figures)")
    return MaterializeResult(
        metadata={
            "written": MetadataValue.bool(True),
            "path": MetadataValue.path(str(out_file)),
            "bytes": MetadataValue.int(out_file.stat().st_size),
            "figures": MetadataValue.md("\n".join(f"- {f.title}: {'; '.join(f.coverage)}" for f in figures)),
        }
    )
