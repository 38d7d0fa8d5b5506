"""marts.fct_proactive_disclosure: values per report, item and measure (table 2).

Columns and types: the model's dbt contract (LAYERS.md, "Schema marts").

Keys, items and measures are dbt's tests on the model; here: the year, the values, and whether an
item's measure is one its format generation prints.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import TABLE2_ITEM_MEASURES, WARN, SuiteSpec, not_signed_measure
from expectations.schemas import DbtContract

TABLE = "fct_proactive_disclosure"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the reporting marts and the published file from table-2 values that are negative outside the change measure"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.year()
    # amounts and counts are non-negative; 本年增/减 (change) may be negative
    s.non_negative("value", row_condition=not_signed_measure("measure"))
    # WARN: an item printed with a measure neither format generation gives it
    s.in_set_by("measure", "item", TABLE2_ITEM_MEASURES, rule="item_measure_in_layout", severity=WARN)
    return s.build()
