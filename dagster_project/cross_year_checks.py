"""The cross-year check: Great Expectations WARN rules on what an agency printed in consecutive years.

Sits on mart_agency_year (the report each agency-year uses), non-blocking: a mismatch is the reports'
own inconsistency, also a finding in fct_report_findings, never a reason to stop the warehouse. A run
for years Y1..Y2 checks the agency-years Y1..Y2 and the year after them, whose cross-year findings the
run refreshed too (fct_report_findings rebuilds the year after its window), each against the year
before, and records one result per year (`checks.partition_evaluations`), whose metadata lists the
mismatched cells with the files and agency of both reports. Rules and SQL: expectations/cross_year.py.
"""

import duckdb
import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from expectations import cross_year
from expectations.runner import failures_by_partition

from .checks import OFFENDING_ROWS, PartitionResult, dbt_asset_key, partition_evaluations, report_info, table_metadata
from .partitions import yearly_partitions, years_after, years_in_range
from .resources import OgiPaths

# the years after a run's window whose cross-year findings the run rebuilt (dbt_project.yml:
# fct_report_findings' meta refreshes_years_after)
YEARS_AFTER_WINDOW = 1
MISMATCH_COLUMNS = [
    "rule",
    "report_year",
    "agency",
    "path",
    "report_id",
    "prior_path",
    "prior_report_id",
    "cell",
    "printed",
    "expected",
]


def checked_years(context: AssetCheckExecutionContext) -> tuple[int, int]:
    """First and last agency-year the check compares with the year before."""
    key_range = context.partition_key_range
    years = years_in_range(key_range) + years_after(key_range, YEARS_AFTER_WINDOW)
    return years[0], years[-1]


def mismatch_rows(bad: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """The mismatched cells with the files and agency of both reports (at most OFFENDING_ROWS)."""
    bad = bad.head(OFFENDING_ROWS)
    known = reports.reindex(bad["report_id"])
    prior = reports.reindex(bad["prior_report_id"])
    return pd.DataFrame(
        {
            "rule": bad["rule"].to_numpy(),
            "report_year": bad["report_year"].to_numpy(),
            "agency": known["agency_name"].to_numpy(),
            "path": known["path"].to_numpy(),
            "report_id": bad["report_id"].to_numpy(),
            "prior_path": prior["path"].to_numpy(),
            "prior_report_id": bad["prior_report_id"].to_numpy(),
            "cell": (bad["table_name"] + " " + bad["row_key"] + "." + bad["column_key"]).to_numpy(),
            "printed": bad["printed"].to_numpy(),
            "expected": bad["expected"].to_numpy(),
        },
        columns=MISMATCH_COLUMNS,
    )


@asset_check(
    asset=dbt_asset_key("mart_agency_year"),
    name="gx_cross_year",
    blocking=False,
    partitions_def=yearly_partitions,
    description=(
        "Protects the year-on-year continuity of what one agency prints (WARN only): table 3's carried_over "
        "equals last year's carried_forward, table 2's in_force equals last year's in_force + made - repealed."
    ),
)
def gx_cross_year(context: AssetCheckExecutionContext, paths: OgiPaths):
    first, last = checked_years(context)
    with duckdb.connect(str(paths.run_warehouse(context.run.run_id)), read_only=True) as con:
        df = cross_year.comparisons(con, first, last).reset_index(drop=True)
    outcome = cross_year.validate(df)
    years = list(range(first, last + 1))
    shares = failures_by_partition(outcome, df["report_year"], years, df)
    bad = cross_year.mismatches(df)
    reports = report_info(paths.root(), list(range(first - 1, last + 1))) if len(bad) else pd.DataFrame()
    results = {}
    for year in years:
        failures = shares[year]
        compared = df[df["report_year"] == year]
        mine = bad[bad["report_year"] == year]
        metadata = {
            "year": MetadataValue.text(str(year)),
            "run_years": MetadataValue.text(f"{first}-{last}"),
            "failed_rules": MetadataValue.text(", ".join(f"{f['rule']} ({f['severity']})" for f in failures) or "none"),
            "cells_compared": MetadataValue.int(len(compared)),
            "cells_mismatched": MetadataValue.int(len(mine)),
        }
        if len(mine):
            metadata["offending_rows"] = table_metadata(mismatch_rows(mine, reports))
        results[str(year)] = PartitionResult(
            passed=not failures,
            severity=AssetCheckSeverity.WARN,
            metadata=metadata,
            description=f"{year}: {len(mine)} of {len(compared)} cells disagree with the year before",
        )
    yield from partition_evaluations(context, results)


CROSS_YEAR_CHECKS = [gx_cross_year]
