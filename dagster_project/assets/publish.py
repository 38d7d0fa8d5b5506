"""Publish: the run's build of the warehouse replaces the published file, once every gate passed.

Downstream of every model of the `marts` schema, which is what the published file holds (the
working layers are dropped), so a blocking gate or dbt test that fails on the parsed layer, the
facts or the marts stops it and the published warehouse stays as it was: a gate upstream of the
marts stops the marts, and with them this step. Depending on the marts only (not on the seeds,
staging and intermediate models too) also keeps the lineage readable: 21 edges into it, not 40.
The work is `ingest.publish`.
"""

import json

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, MaterializeResult, MetadataValue, asset

from ingest import PARSER_VERSION
from ingest.lock import build_lock
from ingest.publish import PUBLISHED_SCHEMA, publish

from ..partitions import yearly_partitions
from ..resources import OgiPaths
from .dbt import build_stamp, dbt_core_models, dbt_reporting_models

PUBLISHED_WAREHOUSE = AssetKey("published_warehouse")


@asset(
    key=PUBLISHED_WAREHOUSE,
    deps=sorted(
        (k for k in dbt_core_models.keys | dbt_reporting_models.keys if k.path[0] == PUBLISHED_SCHEMA),
        key=lambda k: k.to_user_string(),
    ),
    group_name="published",
    kinds={"duckdb"},
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    description=(
        "The warehouse analysts open (data/warehouse.duckdb): the run's build, compacted and renamed over "
        "the published file in one atomic step after every blocking gate passed. Open connections keep "
        "the version they opened; new ones see this one."
    ),
)
def published_warehouse(context: AssetExecutionContext, paths: OgiPaths) -> MaterializeResult:
    build = paths.build_path(context.run.run_id)
    target = paths.warehouse_path()
    if not build.exists():
        context.log.info("this run built no warehouse: nothing to publish")
        return MaterializeResult(metadata={"published": MetadataValue.bool(False)})
    key_range = context.partition_key_range
    with build_lock(paths.root(), f"publish, run {context.run.run_id[:8]}", log=context.log.info):
        stamp = build_stamp(paths, context.run.run_id)
        out = publish(
            build,
            target,
            context.run.run_id,
            (int(key_range.start), int(key_range.end)),
            PARSER_VERSION,
            json.dumps(stamp, sort_keys=True) if stamp is not None else None,
        )
    context.log.info(f"published {target} ({out.bytes_after:,} bytes; the build was {out.bytes_build:,})")
    return MaterializeResult(
        metadata={
            "published": MetadataValue.bool(True),
            "path": MetadataValue.path(str(target)),
            "build_id": MetadataValue.text(out.build_id),
            "bytes_before": MetadataValue.int(out.bytes_before),
            "bytes_build": MetadataValue.int(out.bytes_build),
            "bytes_after": MetadataValue.int(out.bytes_after),
            "inputs_recorded": MetadataValue.bool(stamp is not None),
        }
    )
