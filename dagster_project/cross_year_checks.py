"""The cross-year check: Great Expectations WARN rules on what an agency printed in consecutive years.

Sits on mart_agency_year (the report each agency-year uses), non-blocking: a mismatch is the reports'
own inconsistency, also a finding in fct_report_findings, never a reason to stop the warehouse. A run
for years Y1..Y2 checks the agency-years Y1..Y2 and the year after them, whose cross-year findings the
run refreshed too (fct_report_findings rebuilds the year after its window), each against the year
before. Rules and SQL: expectations/cross_year.py.
"""

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from expectations import cross_year

from .checks import dbt_asset_key
from .partitions import yearly_partitions, years_after, years_in_range
from .resources import OgiPaths

# the years after a run's window whose cross-year findings the run rebuilt (dbt_project.yml:
# fct_report_findings' meta refreshes_years_after)
YEARS_AFTER_WINDOW = 1
PREVIEW_ROWS = 50


def checked_years(context: AssetCheckExecutionContext) -> tuple[int, int]:
    """First and last agency-year the check compares with the year before."""
    key_range = context.partition_key_range
    years = years_in_range(key_range) + years_after(key_range, YEARS_AFTER_WINDOW)
    return years[0], years[-1]


@asset_check(
    asset=dbt_asset_key("mart_agency_year"),
    name="gx_cross_year",
    blocking=False,
    partitions_def=yearly_partitions,
    description=(
        "Great Expectations WARN rules across years (expectations/cross_year.py): table 3's carried_over "
        "equals last year's carried_forward, table 2's in_force equals last year's in_force + made - repealed."
    ),
)
def gx_cross_year(context: AssetCheckExecutionContext, paths: OgiPaths) -> AssetCheckResult:
    first, last = checked_years(context)
    with duckdb.connect(str(paths.run_warehouse(context.run.run_id)), read_only=True) as con:
        df = cross_year.comparisons(con, first, last)
    outcome = cross_year.validate(df)
    bad = cross_year.mismatches(df)
    metadata = {k: v for k, v in outcome.to_metadata().items() if v is not None}
    metadata.update(
        {
            "years": f"{first}-{last}",
            "cells_compared": MetadataValue.int(len(df)),
            "cells_mismatched": MetadataValue.int(len(bad)),
            "mismatches": MetadataValue.md(bad.head(PREVIEW_ROWS).to_markdown(index=False) if len(bad) else "_none_"),
        }
    )
    return AssetCheckResult(passed=outcome.success_all, severity=AssetCheckSeverity.WARN, metadata=metadata)


CROSS_YEAR_CHECKS = [gx_cross_year]
