"""marts.fct_litigation: cases per report, proceeding and result (table 4).

Columns and types: the model's dbt contract (LAYERS.md, "Schema marts").

Keys, proceedings and results are dbt's tests on the model; here: the year and the counts.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import SuiteSpec
from expectations.schemas import DbtContract

TABLE = "fct_litigation"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the reporting marts and the published file from table-4 case counts that are negative or not whole numbers"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.year()
    s.non_negative("cases")
    return s.build()
