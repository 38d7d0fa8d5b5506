"""marts.fct_requests: requests per report, applicant type and stage (table 3).

Columns and types: the model's dbt contract (LAYERS.md, "Schema marts").

Keys, stages and applicant types are dbt's tests on the model; here: the year and the counts.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import SuiteSpec
from expectations.schemas import DbtContract

TABLE = "fct_requests"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the reporting marts and the published file from table-3 stage counts that are negative or of a year outside the calendar"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.year()
    s.non_negative("requests")
    return s.build()
