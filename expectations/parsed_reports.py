"""parsed/reports: one row per report.

Columns and types: ingest.flatten.SCHEMAS["reports"] (LAYERS.md, "parsed layer").
"""

from __future__ import annotations

import datetime as _dt

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations._common import FORMAT_VERSIONS, LAYOUTS, MIN_YEAR, WARN, SuiteSpec
from expectations.schemas import ParquetSchema
from ingest import calendar

TABLE = "parsed_reports"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "dbt and every later table from a parsed report without a valid id, a year in the calendar, a known format generation or an agency key of 32 hex digits"
SCHEMA = ParquetSchema("reports")


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id")
    s.report_id()
    s.not_null("report_year")
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
        _dt.datetime(MIN_YEAR, 1, 1),
        _dt.datetime(calendar.today().year + 1, 12, 31),
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
