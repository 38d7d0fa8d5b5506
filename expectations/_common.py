"""Shared vocabulary and helpers for the suites: column kinds, key sets, rule/severity tagging.

Every expectation carries ``meta={"rule": <name>, "severity": "ERROR" | "WARN"}``. A failed ERROR
rule blocks downstream assets; a failed WARN rule only marks the check. Which rules GX owns and which
dbt owns (keys, accepted values and relationships on the dbt models) is the table in README.md. A
report's own broken arithmetic is a finding carried in the data, never a GX failure.

Sets of known values are imported from their homes: canonical keys from `ingest.parser.labels`,
finding codes and severities from `ingest.parser.findings.CODES` (and, on the warehouse's findings,
the codes it derives, `ingest.warehouse_findings.CODES`), narrative keys from
`ingest.parser.narrative.KEYS`, years and format generations from `ingest.calendar`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

# GX reads this when it is imported: keep validation off the network.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.schemas import Schema
from ingest import calendar, warehouse_findings
from ingest.parser import findings, labels, narrative

ERROR = "ERROR"
WARN = "WARN"
SEVERITIES_GX = (ERROR, WARN)

# A count printed negative in a report: the parser sets the value to null (raw text kept) and adds a
# NEGATIVE_COUNT warning finding (ingest/parser/bounds.py), so a negative count reaching the parsed
# layer is the parser breaking its contract: a structural ERROR here. If a real partition is ever
# blocked by one, lower this to WARN (one line, and the README table).
NEGATIVE_COUNT_SEVERITY = ERROR
# mart_agency_year computes rates from the printed totals, so a report whose outcomes exceed its
# own printed total_processed gives a rate above 1. That is the report's broken arithmetic (a WARN
# finding in fct_report_findings), never a reason to stop the marts: rates outside [0, 1] warn.
RATE_SEVERITY = WARN

# --- domain vocabulary -----------------------------------------------------------------------
MIN_YEAR = calendar.FIRST_YEAR


def max_year() -> int:
    """Latest valid report year: the last complete year in China (evaluated when a suite is built),
    the same bound as the year partitions."""
    return calendar.last_complete_year()


FORMAT_VERSIONS = sorted({calendar.format_generation(y) for y in range(MIN_YEAR, calendar.today().year + 1)})
FINDING_SEVERITIES = sorted({severity for severity, _meaning in findings.CODES.values()})
FINDING_CODES = list(findings.CODES)
# fct_report_findings also holds the findings dbt derives (int_findings_derived)
WAREHOUSE_FINDING_CODES = FINDING_CODES + [c for c in warehouse_findings.CODES if c not in findings.CODES]
NARRATIVE_KEYS = list(narrative.KEYS)
# Documented in ingest/RECORD.md but without a constant in ingest/ yet.
TABLE_NAMES = ["table2", "table3", "table4"]
CELL_SOURCES = ["html", "text"]
LAYOUTS = ["html_table", "pipe", "cell_per_line", "glued", "none"]

# Canonical row and column keys per table (ingest.labels).
ROW_KEYS: dict[str, list[str]] = {
    "table2": list(labels.TABLE2_ITEMS),
    "table3": list(labels.TABLE3_ROWS),
    "table4": list(labels.TABLE4_PROCEEDINGS),
}
COLUMN_KEYS: dict[str, list[str]] = {
    "table2": list(labels.TABLE2_MEASURES),
    "table3": list(labels.TABLE3_COLUMNS),
    "table4": list(labels.TABLE4_RESULTS),
}
# Measures some format generation prints for each table-2 item.
TABLE2_ITEM_MEASURES: dict[str, list[str]] = {
    item: sorted({m for layout in labels.TABLE2_LAYOUT.values() for m in layout.get(item, [])})
    for item in labels.TABLE2_ITEMS
}
# Table-2 measures that may be negative (本年增/减).
SIGNED_MEASURES = ["change"]

T3_OUTCOMES = [k for k in labels.T3_ROWS if k not in labels.T3_STAGE_ROWS]
OUTCOMES_BY_GROUP: dict[str, list[str]] = {
    g: [k for k in T3_OUTCOMES if labels.TABLE3_ROWS[k][1] == g] for g in labels.OUTCOME_GROUPS
}

SHA256_RE = r"^[0-9a-f]{64}$"
MD5_RE = r"^[0-9a-f]{32}$"  # 32 hex digits: also the form of the agency key (ingest.regions.agency_key)
FINDING_ID_RE = r"^[0-9a-f]{64}-[0-9]+$"
JSON_LIST_RE = r"^\[.*\]$"


# --- column kinds ----------------------------------------------------------------------------
# Pandas dtype names GX accepts per kind, AFTER runner.normalise() (see there): strings are object
# columns whose values GX checks one by one, integers are numpy or nullable ints, and so on.
_INT = [
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "Int8Dtype",
    "Int16Dtype",
    "Int32Dtype",
    "Int64Dtype",
    "UInt8Dtype",
    "UInt16Dtype",
    "UInt32Dtype",
    "UInt64Dtype",
]
_FLOAT = ["float32", "float64"]
TYPE_LISTS: dict[str, list[str]] = {
    "str": ["str"],
    "int": _INT,
    "float": _FLOAT + _INT,
    "bool": ["bool", "BooleanDtype"],
    "date": ["datetime64[s]", "datetime64[ms]", "datetime64[us]", "datetime64[ns]"],
}
KINDS = tuple(TYPE_LISTS)


class SuiteSpec:
    """Builds one suite over the columns and kinds of `schema` (read from the table's home)."""

    def __init__(self, name: str, schema: Schema):
        kinds = schema.kinds()
        bad = {c: k for c, k in kinds.items() if k not in KINDS}
        if bad:
            raise ValueError(f"unknown column kinds {bad}")
        self.name = name
        self.schema = kinds
        self._expectations: list = []
        self._rules: set[str] = set()
        self.add(gxe.ExpectTableColumnsToMatchSet, "columns_present", column_set=list(kinds), exact_match=False)
        for col, kind in kinds.items():
            self.add(gxe.ExpectColumnValuesToBeInTypeList, f"{col}_type", column=col, type_list=TYPE_LISTS[kind])

    # every expectation goes through here ------------------------------------------------------
    def add(self, cls, rule: str, severity: str = ERROR, shared_rule: bool = False, **kwargs) -> None:
        if severity not in SEVERITIES_GX:
            raise ValueError(f"severity must be ERROR or WARN, not {severity!r}")
        if rule in self._rules and not shared_rule:
            raise ValueError(f"{self.name}: rule {rule!r} defined twice")
        self._rules.add(rule)
        self._expectations.append(cls(meta={"rule": rule, "severity": severity}, **kwargs))

    # shorthands ------------------------------------------------------------------------------
    def not_null(self, *cols: str, severity: str = ERROR) -> None:
        for c in cols:
            if f"{c}_not_null" not in self._rules:  # a key column is already covered
                self.add(gxe.ExpectColumnValuesToNotBeNull, f"{c}_not_null", severity, column=c)

    def key(self, *cols: str) -> None:
        """The table's grain: every key column not null, the combination unique (ERROR)."""
        self.not_null(*cols)
        if len(cols) == 1:
            self.add(gxe.ExpectColumnValuesToBeUnique, "key_unique", column=cols[0])
        else:
            self.add(gxe.ExpectCompoundColumnsToBeUnique, "key_unique", column_list=list(cols))

    def in_set(self, col: str, values: Iterable, rule: str | None = None, severity: str = ERROR) -> None:
        self.add(gxe.ExpectColumnValuesToBeInSet, rule or f"{col}_known", severity, column=col, value_set=list(values))

    def in_set_by(self, col: str, by: str, sets: dict[str, list], rule: str, severity: str = ERROR) -> None:
        """`col` lies in sets[v] on the rows where `by` == v, for each v (one expectation each,
        all under the same rule). Vectorised, unlike ExpectColumnPairValuesToBeInSet, whose
        pandas metric walks the rows one by one (seconds for a few thousand rows)."""
        for v, values in sets.items():
            self.add(
                gxe.ExpectColumnValuesToBeInSet,
                rule,
                severity,
                shared_rule=True,
                column=col,
                value_set=list(values),
                row_condition=Column(by) == v,
            )

    def regex(self, col: str, pattern: str, rule: str | None = None, severity: str = ERROR) -> None:
        self.add(gxe.ExpectColumnValuesToMatchRegex, rule or f"{col}_format", severity, column=col, regex=pattern)

    def between(self, col: str, lo=None, hi=None, rule: str | None = None, severity: str = ERROR, **kwargs) -> None:
        self.add(
            gxe.ExpectColumnValuesToBeBetween,
            rule or f"{col}_in_range",
            severity,
            column=col,
            min_value=lo,
            max_value=hi,
            **kwargs,
        )

    def non_negative(self, *cols: str, severity: str | None = None, **kwargs) -> None:
        severity = severity or NEGATIVE_COUNT_SEVERITY
        for c in cols:
            self.between(c, 0, None, rule=f"{c}_non_negative", severity=severity, **kwargs)

    def year(self, col: str = "report_year") -> None:
        """The report year lies in the calendar: FIRST_YEAR to the last complete year."""
        self.between(col, MIN_YEAR, max_year(), rule=f"{col}_valid")

    def report_id(self, col: str = "report_id") -> None:
        self.regex(col, SHA256_RE, rule=f"{col}_format")

    def agency_id(self, col: str = "agency_id") -> None:
        self.regex(col, MD5_RE, rule=f"{col}_format")

    def unit_interval(self, *cols: str) -> None:
        """Rates lie in [0, 1] or are NULL (no denominator)."""
        for c in cols:
            self.between(c, 0, 1, rule=f"{c}_in_unit_interval", severity=RATE_SEVERITY)

    def rows_present(self) -> None:
        self.add(gxe.ExpectTableRowCountToBeBetween, "has_rows", WARN, min_value=1)

    def build(self) -> gx.ExpectationSuite:
        # built in one go: ExpectationSuite.add_expectation wants an active context, this does not
        return gx.ExpectationSuite(name=self.name, expectations=list(self._expectations))


def not_signed_measure(col: str):
    """Row condition: the measure in `col` is not one that may be negative."""
    return Column(col).is_not_in(SIGNED_MEASURES)
