"""Cross-year rules: what one agency printed in two consecutive years must agree (WARN only).

    t3_carryover  table 3: carried_over of year Y = carried_forward of year Y-1, per applicant column
    t2_in_force   table 2 (2021 template): in_force of Y = in_force of Y-1 + made of Y - repealed of Y,
                  per item

Both compare the reports `marts.mart_agency_year` uses for the agency (the agency key, so a renamed
body is compared with itself) in Y-1 and Y; cells printed empty are not compared. The warehouse
derives the same rules as findings (T3_CARRYOVER_MISMATCH, T2_IN_FORCE_MISMATCH in
`fct_report_findings`, dbt `int_findings_derived`); here they are computed again, from the facts,
and validated by Great Expectations at WARN: a mismatch is the reports' own inconsistency, shown on
the Dagster check, never a reason to stop the warehouse. Not a registered suite (no table of its
own): `comparisons` builds the frame, `validate` runs the suite on it.

    python -m expectations.cross_year data/warehouse.duckdb 2021 2022
"""

from __future__ import annotations

import functools
import os
import sys
import time

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.expectations.row_conditions import Column

from expectations._common import WARN
from expectations.runner import RESULT_FORMAT, Outcome, _outcome

TABLE = "cross_year"
RULES = {
    "t3_carryover": "table 3: carried_over = the same agency's carried_forward of the year before",
    "t2_in_force": "table 2: in_force = the same agency's in_force of the year before + made - repealed",
}
COLUMNS = [
    "rule",
    "agency_id",
    "report_year",
    "report_id",
    "prior_report_id",
    "table_name",
    "row_key",
    "column_key",
    "printed",
    "expected",
    "difference",
]

# One row per compared cell of an agency-year in [first, last] and the agency's report of the year
# before. Reads the marts (the run's own build of the warehouse): the picked report of each
# agency-year from mart_agency_year, the values from fct_requests and fct_proactive_disclosure.
SQL = """
with picked as (
    select agency_id, report_year, report_id
    from marts.mart_agency_year
    where report_year between $first - 1 and $last
),
pairs as (
    select y.agency_id, y.report_year, y.report_id, b.report_id as prior_report_id
    from picked as y
    inner join picked as b on y.agency_id = b.agency_id and y.report_year = b.report_year + 1
    where y.report_year between $first and $last
),
t3 as (
    select
        'carried_over' as row_key, r.applicant_type as column_key, p.*,
        cast(r.requests as double) as printed, cast(f.requests as double) as expected
    from pairs as p
    inner join marts.fct_requests as r on r.report_id = p.report_id and r.stage = 'carried_over'
    inner join marts.fct_requests as f
        on f.report_id = p.prior_report_id and f.stage = 'carried_forward' and f.applicant_type = r.applicant_type
    where r.requests is not null and f.requests is not null
),
t2_values as (
    select
        report_id, item,
        max(case when measure = 'made' then value end) as made,
        max(case when measure = 'repealed' then value end) as repealed,
        max(case when measure = 'in_force' then value end) as in_force
    from marts.fct_proactive_disclosure
    where measure in ('made', 'repealed', 'in_force') and report_year between $first - 1 and $last
    group by report_id, item
),
t2 as (
    select
        y.item as row_key, 'in_force' as column_key, p.*,
        y.in_force as printed, b.in_force + y.made - y.repealed as expected
    from pairs as p
    inner join t2_values as y on y.report_id = p.report_id
    inner join t2_values as b on b.report_id = p.prior_report_id and b.item = y.item
    where y.in_force is not null and y.made is not null and y.repealed is not null and b.in_force is not null
)
select 't3_carryover' as rule, agency_id, report_year, report_id, prior_report_id, 'table3' as table_name,
       row_key, column_key, printed, expected, printed - expected as difference
from t3
union all
select 't2_in_force' as rule, agency_id, report_year, report_id, prior_report_id, 'table2' as table_name,
       row_key, column_key, printed, expected, printed - expected as difference
from t2
order by rule, agency_id, report_year, row_key, column_key
"""


def comparisons(con: duckdb.DuckDBPyConnection, first: int, last: int) -> pd.DataFrame:
    """Every compared cell of the agency-years first..last (each with the year before)."""
    df = con.execute(SQL, {"first": int(first), "last": int(last)}).df()
    return df[COLUMNS]


def build_suite() -> gx.ExpectationSuite:
    """One WARN expectation per rule: the difference is 0 on that rule's rows."""
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="difference",
                min_value=0,
                max_value=0,
                row_condition=Column("rule") == rule,
                meta={"rule": f"{rule}_matches", "severity": WARN, "what": what},
            )
            for rule, what in RULES.items()
        ],
    )


@functools.cache
def _batch_and_suite():
    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("ogi_cross_year").add_dataframe_asset(TABLE)
    return asset.add_batch_definition_whole_dataframe(TABLE), context.suites.add(build_suite())


def validate(df: pd.DataFrame) -> Outcome:
    """Run the suite on a comparisons frame (every rule WARN: success_error is always True)."""
    t0 = time.perf_counter()
    batch_definition, suite = _batch_and_suite()
    frame = df.astype({"difference": "float64"}) if len(df) else df
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format=RESULT_FORMAT
    )
    return _outcome(TABLE, frame, result, time.perf_counter() - t0, None)


def mismatches(df: pd.DataFrame) -> pd.DataFrame:
    """The compared cells that disagree."""
    return df[df["difference"] != 0]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3:
        print("usage: python -m expectations.cross_year WAREHOUSE FIRST_YEAR LAST_YEAR", file=sys.stderr)
        return 2
    with duckdb.connect(argv[0], read_only=True) as con:
        df = comparisons(con, int(argv[1]), int(argv[2]))
    print(validate(df))
    print(mismatches(df).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
