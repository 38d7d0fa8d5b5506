"""marts.fct_requests: report_id x applicant_type x stage (LAYERS.md, "Schema marts")."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import SuiteSpec
from expectations.schemas import DbtContract
from ingest.parser import labels

TABLE = "fct_requests"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "applicant_type", "stage")
    s.report_id()
    s.agency_id()
    s.not_null("report_year")
    s.year()
    s.in_set("applicant_type", labels.T3_COLS, rule="applicant_type_known")
    s.in_set("stage", labels.T3_STAGE_ROWS, rule="stage_known")
    s.non_negative("requests")
    s.provenance()
    return s.build()
