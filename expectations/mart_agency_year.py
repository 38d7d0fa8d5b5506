"""marts.mart_agency_year: agency_id x report_year, one report used per pair (LAYERS.md)."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import WARN, SuiteSpec
from expectations.schemas import DbtContract

TABLE = "mart_agency_year"
SCHEMA = DbtContract(TABLE)
NOT_COUNTS = ("report_year", "n_reports")


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    kinds = s.schema
    s.key("agency_id", "report_year")
    s.agency_id()
    s.year()
    s.not_null("report_id", "n_reports")
    s.report_id()
    s.between("n_reports", 1, None, rule="n_reports_positive")
    # every other integer column is a count: requests, outcomes, reconsideration, litigation, findings
    counts = [c for c, k in kinds.items() if k == "int" and c not in NOT_COUNTS]
    s.non_negative(*counts)
    s.not_null(*(c for c in counts if c.startswith("n_findings_")))  # 0 when the report has none
    # rates lie in [0, 1] or are null (no denominator)
    s.unit_interval(*(c for c in kinds if c.endswith("_rate")))
    s.not_null("agency_name", severity=WARN)
    s.rows_present()
    return s.build()
