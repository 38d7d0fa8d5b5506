"""marts.fct_proactive_disclosure: report_id x item x measure (table 2; LAYERS.md)."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import (
    TABLE2_ITEM_MEASURES,
    WARN,
    SuiteSpec,
    not_signed_measure,
)
from expectations.schemas import DbtContract
from ingest.parser import labels

TABLE = "fct_proactive_disclosure"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "item", "measure")
    s.report_id()
    s.agency_id()
    s.not_null("report_year")
    s.year()
    s.in_set("item", labels.TABLE2_ITEMS, rule="item_known")
    s.in_set("measure", labels.TABLE2_MEASURES, rule="measure_known")
    # amounts and counts are non-negative; 本年增/减 (change) may be negative
    s.non_negative("value", row_condition=not_signed_measure("measure"))
    s.provenance()
    # WARN: an item printed with a measure neither format generation gives it
    s.in_set_by("measure", "item", TABLE2_ITEM_MEASURES, rule="item_measure_in_layout", severity=WARN)
    return s.build()
