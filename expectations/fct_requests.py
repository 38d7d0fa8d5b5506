"""marts.fct_requests: report_id x applicant_type x stage (LAYERS.md, "Schema marts")."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import PROVENANCE_SCHEMA, SuiteSpec
from ingest.parser import labels

TABLE = "fct_requests"
SCHEMA: dict[str, str] = {
    "report_id": "str",
    "applicant_type": "str",
    "stage": "str",
    "agency_id": "str",
    "report_year": "int",
    "requests": "int",
    **PROVENANCE_SCHEMA,
}


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "applicant_type", "stage")
    s.report_id()
    s.agency_id()
    s.year()
    s.in_set("applicant_type", labels.T3_COLS, rule="applicant_type_known")
    s.in_set("stage", labels.T3_STAGE_ROWS, rule="stage_known")
    s.non_negative("requests")
    s.provenance()
    return s.build()
