"""marts.fct_litigation: report_id x proceeding x result (LAYERS.md, "Schema marts")."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import SuiteSpec
from expectations.schemas import DbtContract
from ingest.parser import labels

TABLE = "fct_litigation"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "proceeding", "result")
    s.report_id()
    s.agency_id()
    s.not_null("report_year")
    s.year()
    s.in_set("proceeding", labels.T4_PROCS, rule="proceeding_known")
    s.in_set("result", labels.T4_RESULTS, rule="result_known")
    s.non_negative("cases")
    s.provenance()
    return s.build()
