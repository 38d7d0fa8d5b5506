"""What analysts take away from the published warehouse: the marts as files.

Reads the PUBLISHED file (read-only: analysts may hold it open) after `published_warehouse`, so a
run whose gates failed does not refresh it. It covers the whole warehouse, not a year, yet shares
the publish step's yearly partitions and single-run backfill policy: that puts it in the same run
as the publish step, whether the run is `make run` (every year), a job run for a year or a range,
the schedule, the sensor or a backfill launched in the UI. The work is `ingest.export`.
"""

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, MaterializeResult, MetadataValue, asset

from ingest.export import export_marts
from ingest.lock import build_lock

from ..partitions import yearly_partitions
from ..resources import OgiPaths
from .publish import PUBLISHED_WAREHOUSE

EXPORTS = AssetKey("exports")


@asset(
    key=EXPORTS,
    deps=[PUBLISHED_WAREHOUSE],
    group_name="marts",
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
