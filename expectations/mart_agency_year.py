"""marts.mart_agency_year: agency_id x report_year, one report used per pair (LAYERS.md)."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import WARN, SuiteSpec

TABLE = "mart_agency_year"
COUNTS = [
    "requests_new",
    "requests_carried_over",
    "requests_total_processed",
    "requests_carried_forward",
    "granted",
    "partially_granted",
    "denied",
    "unable",
    "rejected",
    "other_processed",
    "reconsideration_total",
    "reconsideration_corrected",
    "litigation_total",
    "litigation_corrected",
]
RATES = ["disclosure_rate", "denial_rate", "reconsideration_correction_rate", "litigation_correction_rate"]
FINDING_COUNTS = ["n_findings_error", "n_findings_warning", "n_findings_info"]
SCHEMA: dict[str, str] = {
    "agency_id": "str",
    "report_year": "int",
    "agency_name": "str",
    "report_id": "str",
    "n_reports": "int",
    **{c: "int" for c in COUNTS},
    **{c: "float" for c in RATES},
    **{c: "int" for c in FINDING_COUNTS},
}


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("agency_id", "report_year")
    s.agency_id()
    s.year()
    s.not_null("report_id", "n_reports")
    s.report_id()
    s.between("n_reports", 1, None, rule="n_reports_positive")
    s.non_negative(*COUNTS, *FINDING_COUNTS)
    s.not_null(*FINDING_COUNTS)  # 0 when the report has none
    # rates lie in [0, 1] or are null (no denominator)
    s.unit_interval(*RATES)
    s.not_null("agency_name", severity=WARN)
    s.rows_present()
    return s.build()
