"""parsed/findings: one row per finding of a report (LAYERS.md, "parsed layer")."""

from __future__ import annotations

import great_expectations as gx

from expectations._common import (
    CODE_RE,
    FINDING_SEVERITIES,
    TABLE_NAMES,
    SuiteSpec,
    finding_codes,
)

TABLE = "parsed_findings"
SCHEMA: dict[str, str] = {
    "report_id": "str",
    "report_year": "int",
    "finding_no": "int",
    "code": "str",
    "severity": "str",
    "message": "str",
    "table_name": "str",
    "cells": "str",
    "parser_version": "str",
}


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "finding_no")
    s.report_id()
    s.year()
    s.between("finding_no", 1, None, rule="finding_no_positive")  # numbered from 1
    s.not_null("code", "severity", "message", "parser_version")
    s.in_set("severity", FINDING_SEVERITIES, rule="severity_known")
    codes = finding_codes()
    if codes:
        s.in_set("code", codes, rule="code_known")
    else:  # ingest.findings not there yet: at least the shape of a stable code
        s.regex("code", CODE_RE, rule="code_format")
    s.in_set("table_name", TABLE_NAMES, rule="table_name_known")
    s.regex("cells", r"^\[.*\]$", rule="cells_json_list")
    return s.build()
