"""parsed/reports: one row per report (LAYERS.md, "parsed layer")."""

from __future__ import annotations

import datetime as _dt

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations._common import FORMAT_VERSIONS, LAYOUTS, WARN, SuiteSpec

TABLE = "parsed_reports"
SCHEMA: dict[str, str] = {
    "report_id": "str",
    "report_year": "int",
    "path": "str",
    "agency_name": "str",
    "agency_id": "str",
    "region_code": "str",
    "region_name": "str",
    "url": "str",
    "format_version": "str",
    "published_date": "date",
    "encoding": "str",
    "traditional": "bool",
    "layout": "str",
    "has_table2": "bool",
    "has_table3": "bool",
    "has_table4": "bool",
    "n_errors": "int",
    "n_warnings": "int",
    "n_infos": "int",
    "parser_version": "str",
}


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id")
    s.report_id()
    s.year()
    s.not_null(
        "path",
        "traditional",
        "has_table2",
        "has_table3",
        "has_table4",
        "n_errors",
        "n_warnings",
        "n_infos",
        "parser_version",
    )
    s.agency_id()
    s.in_set("format_version", FORMAT_VERSIONS, rule="format_version_known")
    s.non_negative("n_errors", "n_warnings", "n_infos")
    # WARN: descriptive, never blocking
    s.rows_present()
    s.in_set("layout", LAYOUTS, rule="layout_known", severity=WARN)
    s.not_null("agency_name", severity=WARN)
    s.not_null("format_version", severity=WARN)
    s.between(
        "published_date",
        _dt.datetime(2008, 1, 1),
        _dt.datetime(_dt.date.today().year + 1, 12, 31),
        rule="published_date_plausible",
        severity=WARN,
    )
    # share of reports with error findings: at least half of a partition should parse cleanly
    s.add(
        gxe.ExpectColumnValuesToBeBetween,
        "most_reports_without_errors",
        WARN,
        column="n_errors",
        max_value=0,
        mostly=0.5,
    )
    return s.build()
