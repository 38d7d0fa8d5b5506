"""parsed/narrative: numbers stated in a report's prose, one row per key.

Columns and types: ingest.flatten.SCHEMAS["narrative"] (LAYERS.md, "parsed layer").
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import NARRATIVE_KEYS, SuiteSpec
from expectations.schemas import ParquetSchema

TABLE = "parsed_narrative"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the prose figures: one value per report and known key, never negative"
SCHEMA = ParquetSchema("narrative")


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "key")
    s.report_id()
    s.not_null("report_year")
    s.year()
    s.in_set("key", NARRATIVE_KEYS, rule="key_known")
    s.not_null("value")
    s.non_negative("value")
    return s.build()
