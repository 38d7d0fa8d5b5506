"""parsed/cells: one row per table cell of a report, long format.

Columns and types: ingest.flatten.SCHEMAS["cells"] (LAYERS.md, "parsed layer").
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import (
    CELL_SOURCES,
    COLUMN_KEYS,
    ROW_KEYS,
    TABLE_NAMES,
    WARN,
    SuiteSpec,
    not_signed_measure,
)
from expectations.schemas import ParquetSchema

TABLE = "parsed_cells"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the facts dbt builds from the cells: each cell once per report, on a known table, row and column key, with a count that is not negative (only table 2's change may be)"
SCHEMA = ParquetSchema("cells")


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.key("report_id", "table_name", "row_key", "column_key")
    s.report_id()
    s.not_null("report_year")
    s.year()
    s.in_set("table_name", TABLE_NAMES, rule="table_name_known")
    # every cell is mapped to a canonical key of its table (ingest.labels)
    s.in_set_by("row_key", "table_name", ROW_KEYS, rule="row_key_known")
    s.in_set_by("column_key", "table_name", COLUMN_KEYS, rule="column_key_known")
    # counts and amounts are non-negative; only table 2's 本年增/减 (change) may be negative
    s.non_negative("value", row_condition=not_signed_measure("column_key"))
    # provenance: the facts copy these columns as they are, so they are checked here only
    s.not_null("was_empty", "parser_version")
    # flatten gives a value the parser listed without a cell entry a row with no provenance
    s.not_null("src", severity=WARN)
    s.in_set("src", CELL_SOURCES, rule="src_known")
    s.non_negative("src_table", "src_row", "src_col")
    s.between("src_line", 1, None, rule="src_line_positive")
    s.rows_present()
    return s.build()
