"""marts.fct_report_findings: one row per finding, finding_id = report_id-finding_no (LAYERS.md).

A finding's provenance is its `cells` list (JSON), not one cell: no cell provenance columns.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import (
    FINDING_CODES,
    FINDING_ID_RE,
    FINDING_SEVERITIES,
    JSON_LIST_RE,
    TABLE_NAMES,
    SuiteSpec,
)
from expectations.schemas import DbtContract

TABLE = "fct_report_findings"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("finding_id")
    s.regex("finding_id", FINDING_ID_RE, rule="finding_id_format")
    s.not_null("report_id", "finding_no", "code", "severity", "path", "parser_version")
    s.between("finding_no", 1, None, rule="finding_no_positive")
    s.report_id()
    s.agency_id()
    s.not_null("report_year")
    s.year()
    s.in_set("severity", FINDING_SEVERITIES, rule="severity_known")
    s.in_set("code", FINDING_CODES, rule="code_known")
    s.in_set("table_name", TABLE_NAMES, rule="table_name_known")
    s.regex("cells", JSON_LIST_RE, rule="cells_json_list")
    return s.build()
