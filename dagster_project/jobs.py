"""The one job: the whole graph (raw, parsed, dbt, checks) for a year or a range of years.

Its partitions are the yearly ones every asset shares (raw_reports too, which scans the whole landing
folder in every run), and so is its single-run backfill policy: a backfill of a range of years from
the job's page is one run, as it is from the asset graph."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

# Single-run backfills (every asset has BackfillPolicy.single_run) turn a range of years into one run
# with these tags; the same tags run a range in process (tests, `make run`) or queue one run for a
# range on the instance (`dagster job launch --tags`, README "Backfilling years").
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"

warehouse_job = define_asset_job(
    name="warehouse_job",
    selection=AssetSelection.all(),
    description="Landing -> raw -> parsed -> dbt staging/intermediate/core (dims, facts) -> reporting marts, with every gate.",
)


def range_tags(first: int | str, last: int | str) -> dict[str, str]:
    """Run tags that make one run cover the years first..last (as a single-run backfill does)."""
    return {PARTITION_RANGE_START_TAG: str(first), PARTITION_RANGE_END_TAG: str(last)}
