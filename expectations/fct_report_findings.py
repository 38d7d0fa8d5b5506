"""marts.fct_report_findings: one row per finding, finding_id = report_id-finding_no (LAYERS.md).

A finding's provenance is its `cells` list (JSON), not one cell: no cell provenance columns.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import (
    CODE_RE,
    FINDING_ID_RE,
    FINDING_SEVERITIES,
    TABLE_NAMES,
    SuiteSpec,
    finding_codes,
)

TABLE = "fct_report_findings"
SCHEMA: dict[str, str] = {
    "finding_id": "str",
    "report_id": "str",
    "agency_id": "str",
    "report_year": "int",
    "finding_no": "int",
    "code": "str",
    "severity": "str",
    "message": "str",
    "table_name": "str",
    "cells": "str",
    "path": "str",
    "parser_version": "str",
}


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("finding_id")
    s.regex("finding_id", FINDING_ID_RE, rule="finding_id_format")
    s.not_null("report_id", "finding_no", "code", "severity", "path", "parser_version")
    s.between("finding_no", 1, None, rule="finding_no_positive")
    s.report_id()
    s.agency_id()
    s.year()
    s.in_set("severity", FINDING_SEVERITIES, rule="severity_known")
    codes = finding_codes()
    if codes:
        s.in_set("code", codes, rule="code_known")
    else:
        s.regex("code", CODE_RE, rule="code_format")
    s.in_set("table_name", TABLE_NAMES, rule="table_name_known")
    s.regex("cells", r"^\[.*\]$", rule="cells_json_list")
    return s.build()
