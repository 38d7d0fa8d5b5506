"""marts.fct_report_findings: one row per finding about a report.

Columns and types: the model's dbt contract (LAYERS.md, "Schema marts"); finding_id = report_id-finding_no.

Parser findings come from parsed/findings (checked there); findings dbt derives (cross-year and
region: ingest.warehouse_findings.CODES) are built in SQL and first seen here. The key, report_id, finding_no and
severity are dbt's tests on the model; the rules below marked "until dbt" are dbt's to carry.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import FINDING_ID_RE, JSON_LIST_RE, TABLE_NAMES, WAREHOUSE_FINDING_CODES, SuiteSpec
from expectations.schemas import DbtContract

TABLE = "fct_report_findings"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the reporting marts and the published file from findings with an unknown code, a malformed finding_id or a missing path"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.year()
    s.between("finding_no", 1, None, rule="finding_no_positive")
    s.regex("cells", JSON_LIST_RE, rule="cells_json_list")
    # until dbt: not_null on code, severity, path, parser_version; accepted_values on code and
    # table_name; a format test on finding_id
    s.not_null("code", "severity", "path", "parser_version")
    s.in_set("code", WAREHOUSE_FINDING_CODES, rule="code_known")
    s.in_set("table_name", TABLE_NAMES, rule="table_name_known")
    s.regex("finding_id", FINDING_ID_RE, rule="finding_id_format")
    return s.build()
