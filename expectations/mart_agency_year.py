"""marts.mart_agency_year: one row per agency and report year, from the report chosen for the pair.

Columns and types: the model's dbt contract (LAYERS.md, "Schema marts").

The key, report_id and the not-null counts are dbt's tests on the model; here: the year, the ranges
of the counts and rates (columns read from the contract), and how complete the names are.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import WARN, SuiteSpec
from expectations.schemas import DbtContract

TABLE = "mart_agency_year"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the published mart_agency_year from negative counts and years outside the calendar (rates outside [0, 1] and missing agency names only warn)"
SCHEMA = DbtContract(TABLE)
NOT_COUNTS = ("report_year", "n_reports")


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    kinds = s.schema
    s.year()
    s.between("n_reports", 1, None, rule="n_reports_positive")
    # every other integer column is a count: requests, outcomes, reconsideration, litigation, findings
    s.non_negative(*(c for c, k in kinds.items() if k == "int" and c not in NOT_COUNTS))
    # rates lie in [0, 1] or are null (no denominator)
    s.unit_interval(*(c for c in kinds if c.endswith("_rate")))
    s.not_null("agency_name", severity=WARN)
    s.rows_present()
    return s.build()
