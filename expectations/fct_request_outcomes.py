"""marts.fct_request_outcomes: report_id x applicant_type x outcome (LAYERS.md, "Schema marts")."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import OUTCOMES_BY_GROUP, T3_OUTCOMES, SuiteSpec
from expectations.schemas import DbtContract
from ingest.parser import labels

TABLE = "fct_request_outcomes"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "applicant_type", "outcome")
    s.report_id()
    s.agency_id()
    s.not_null("report_year")
    s.year()
    s.in_set("applicant_type", labels.T3_COLS, rule="applicant_type_known")
    s.in_set("outcome", T3_OUTCOMES, rule="outcome_known")
    s.not_null("outcome_group")
    s.in_set("outcome_group", labels.OUTCOME_GROUPS, rule="outcome_group_known")
    s.in_set_by("outcome", "outcome_group", OUTCOMES_BY_GROUP, rule="outcome_group_matches_outcome")
    s.non_negative("requests")
    s.provenance()
    return s.build()
