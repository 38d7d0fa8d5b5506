"""parsed/findings: one row per finding of a report.

Columns and types: ingest.flatten.SCHEMAS["findings"] (LAYERS.md, "parsed layer").
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import FINDING_CODES, FINDING_SEVERITIES, JSON_LIST_RE, TABLE_NAMES, SuiteSpec
from expectations.schemas import ParquetSchema

TABLE = "parsed_findings"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "fct_report_findings from findings with an unknown code or severity, a duplicate number or a cells field that is not a JSON list"
SCHEMA = ParquetSchema("findings")


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "finding_no")
    s.report_id()
    s.not_null("report_year")
    s.year()
    s.between("finding_no", 1, None, rule="finding_no_positive")  # numbered from 1
    s.not_null("code", "severity", "message", "parser_version")
    s.in_set("severity", FINDING_SEVERITIES, rule="severity_known")
    s.in_set("code", FINDING_CODES, rule="code_known")
    s.in_set("table_name", TABLE_NAMES, rule="table_name_known")
    s.regex("cells", JSON_LIST_RE, rule="cells_json_list")
    return s.build()
