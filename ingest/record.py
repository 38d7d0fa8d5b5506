"""The parser's record, typed: what `ingest.parse_bytes` returns and everything downstream reads.

RECORD.md describes the meaning of each field; these TypedDicts are the same contract checked by
mypy, so the flattening into Parquet (ingest/flatten.py) reads fields directly instead of coercing
whatever it is given. JSON Lines from `python -m ingest parse` are these dicts serialised.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Severity = Literal["error", "warning", "info"]
TableName = Literal["table2", "table3", "table4"]
Number = int | float

# {row_key: {column_key: value}}; table 2 is {item: {measure: value}}, table 4 {proceeding: {result: value}}
Table = dict[str, dict[str, Number | None]]


class Source(TypedDict):
    bytes: int | None
    encoding: str | None  # the codec the text was decoded with
    traditional: bool | None  # the page was in traditional characters (converted with OpenCC t2s)
    kind: str | None  # html | text | pdf | docx | doc
    layout: str  # how table 3 was read: html_table | pipe | cell_per_line | space | glued | ... | none


class Cell(TypedDict):
    """The provenance of one number in table 2, 3 or 4."""

    table: str
    row: str
    column: str
    value: Number | None
    raw: str  # as printed, after decoding
    empty: bool  # printed empty and read as 0
    src: str | None  # html | text | pdf | docx
    src_table: int | None  # index of the data table on the page (innermost tables), 0-based
    src_row: int | None  # row in the expanded grid of that table
    src_col: int | None  # column in the expanded grid
    src_line: int | None  # 1-based line of the decoded text (text forms)


class Finding(TypedDict):
    code: str  # a key of ingest.parser.findings.CODES
    severity: Severity  # always CODES[code]'s
    message: str
    table: str | None
    cells: list[str]  # "row.column" keys concerned
    candidates: NotRequired[dict[str, list]]  # GLUED_AMBIGUOUS: each undecided cell's candidate values


class Record(TypedDict):
    file: str
    report_id: str | None  # sha256 of the raw bytes
    parser_version: str
    agency_name: str | None
    report_year: int | None
    format_version: str | None  # 2021 | 2019 | pre2019
    published_date: str | None  # ISO date
    region_name: str | None  # the place-name prefix of the agency name
    region_code: NotRequired[str | None]  # GB/T 2260 code, when the parser resolves one
    source: Source
    table2: Table | None
    table3: Table | None
    table4: Table | None
    narrative: dict[str, Number]
    cells: list[Cell]
    issues: list[Finding]
