"""parsed/narrative: numbers stated in a report's prose, one row per key (LAYERS.md)."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import SNAKE_RE, SuiteSpec, narrative_keys

TABLE = "parsed_narrative"
SCHEMA: dict[str, str] = {
    "report_id": "str",
    "report_year": "int",
    "key": "str",
    "value": "float",
}


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "key")
    s.report_id()
    s.year()
    keys = narrative_keys()
    if keys:
        s.in_set("key", keys, rule="key_known")
    else:  # ingest.narrative not there yet: at least a snake_case key
        s.regex("key", SNAKE_RE, rule="key_format")
    s.not_null("value")
    s.non_negative("value")
    return s.build()
