"""Parser records -> the four `parsed` Parquet tables of one year partition (docs/LAYERS.md).

Pure Python (pyarrow only, no Dagster). The functions here turn records (RECORD.md) into rows with the
explicit schemas in `SCHEMAS`, and `write_partition` writes the four files of one year. A `reports`
row also says who published the report and where (`region_fields`, from `ingest.regions`): the agency
key as `agency_id`, and the GB/T 2260 region of the report's year or `unknown`.

    data/parsed/{reports,cells,findings,narrative}/year=YYYY/part.parquet

Each file is written to a temporary name beside it and renamed, so a reader never sees half a file;
a partition with no report still gets four files with zero rows (dbt sources read a glob that must
never be empty). Rows are sorted (report_id, then the canonical order of the keys), so a rerun on the
same records gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa

from . import regions, storage
from .parser import labels
from .record import Record

TABLES = ("reports", "cells", "findings", "narrative")

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("path", pa.string()),
            ("agency_name", pa.string()),
            ("agency_id", pa.string()),
            ("agency_canonical_name", pa.string()),
            ("agency_type", pa.string()),
            ("agency_level", pa.string()),
            ("region_key", pa.string()),
            ("region_code", pa.string()),
            ("region_name", pa.string()),
            ("region_level", pa.string()),
            ("region_method", pa.string()),
            ("region_reason", pa.string()),
            ("region_valid_in_year", pa.bool_()),
            ("region_conflicts", pa.string()),
            ("region_changes", pa.string()),
            ("province_code", pa.string()),
            ("province_name", pa.string()),
            ("prefecture_code", pa.string()),
            ("prefecture_name", pa.string()),
            ("county_code", pa.string()),
            ("county_name", pa.string()),
            ("url", pa.string()),
            ("format_version", pa.string()),
            ("published_date", pa.date32()),
            ("encoding", pa.string()),
            ("traditional", pa.bool_()),
            ("layout", pa.string()),
            ("has_table2", pa.bool_()),
            ("has_table3", pa.bool_()),
            ("has_table4", pa.bool_()),
            ("n_errors", pa.int32()),
            ("n_warnings", pa.int32()),
            ("n_infos", pa.int32()),
            ("parser_version", pa.string()),
        ]
    ),
    "cells": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("table_name", pa.string()),
            ("row_key", pa.string()),
            ("column_key", pa.string()),
            ("value", pa.float64()),
            ("raw_text", pa.string()),
            ("was_empty", pa.bool_()),
            ("src", pa.string()),
            ("src_table", pa.int32()),
            ("src_row", pa.int32()),
            ("src_col", pa.int32()),
            ("src_line", pa.int32()),
            ("parser_version", pa.string()),
        ]
    ),
    "findings": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("finding_no", pa.int32()),
            ("code", pa.string()),
            ("severity", pa.string()),
            ("message", pa.string()),
            ("table_name", pa.string()),
            ("cells", pa.string()),
            ("parser_version", pa.string()),
        ]
    ),
    "narrative": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("key", pa.string()),
            ("value", pa.float64()),
        ]
    ),
}

# Canonical order of row and column keys per table (sorting follows the printed tables).
_ROW_ORDER = {
    "table2": {k: i for i, k in enumerate(labels.TABLE2_ITEMS)},
    "table3": {k: i for i, k in enumerate(labels.T3_ROWS)},
    "table4": {k: i for i, k in enumerate(labels.T4_PROCS)},
}
_COL_ORDER = {
    "table2": {k: i for i, k in enumerate(labels.TABLE2_MEASURES)},
    "table3": {k: i for i, k in enumerate(labels.T3_COLS)},
    "table4": {k: i for i, k in enumerate(labels.T4_RESULTS)},
}
_WS = re.compile(r"\s+")


# --- small helpers ------------------------------------------------------------------------------
def has_name(name: str | None) -> bool:
    """The report names an agency: something is left after NFKC and removing white space. (Who
    the agency is, is `ingest.regions.agency_key`.)"""
    return name is not None and bool(_WS.sub("", unicodedata.normalize("NFKC", str(name))))


def _joined(parts: Iterable[str]) -> str | None:
    """Sentences joined with '; ' (None when there is none)."""
    text = "; ".join(p for p in parts if p)
    return text or None


def region_fields(
    name: str | None,
    year: int | None,
    *,
    manifest_region: str | None = None,
    manifest_code: str | None = None,
    url: str | None = None,
    text: str | Callable[[], str | None] | None = None,
) -> dict[str, Any]:
    """Who published the report and where (`ingest.regions.resolve`), as `reports` columns.

    `agency_id` is the agency key (`regions.agency_key`: the canonical, alias-resolved name and its
    division, so a renamed body keeps one id); None when the report names no agency. `region_code`
    is the GB/T 2260 code, or `unknown` (the explicit dim_region member) with the reason why;
    `region_key` is the dim_region member (the code's run valid in `year`). `text`, the document
    text or a function giving it, is read only when the name fits several divisions and nothing
    else tells which (朝阳区: the province or city the text names settles it)."""
    res = regions.resolve(name, year, manifest_region=manifest_region, manifest_code=manifest_code, url=url)
    if res.code is None and len(res.candidates) > 1 and text is not None:
        body = text() if callable(text) else text
        if body:
            res = regions.resolve(
                name, year, manifest_region=manifest_region, manifest_code=manifest_code, url=url, text=body
            )
    named = has_name(name)
    return {
        "agency_id": res.agency_key if named else None,
        "agency_canonical_name": res.agency_name if named else None,
        "agency_type": res.agency_type if named else None,
        "agency_level": res.agency_level if named else None,
        "region_key": regions.region_key(res.code, year),
        "region_code": res.code or regions.UNKNOWN,
        "region_name": res.name,
        "region_level": res.level,
        "region_method": res.method,
        "region_reason": res.reason,
        "region_valid_in_year": res.valid_in_year,
        "region_conflicts": _joined(res.conflicts),
        "region_changes": _joined(res.changes),
        "province_code": res.province_code,
        "province_name": res.province_name,
        "prefecture_code": res.prefecture_code,
        "prefecture_name": res.prefecture_name,
        "county_code": res.county_code,
        "county_name": res.county_name,
    }


def _date(value: str | None) -> dt.date | None:
    """The record's ISO `published_date` as a date (None when absent or not a real date)."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _manifest_get(manifest: Mapping[str, Any] | None, *keys: str) -> str | None:
    """The first non-blank of `keys` in a manifest.csv / raw-index row (untrusted text)."""
    for key in keys:
        value = (manifest or {}).get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _report_year(record: Record, manifest: Mapping[str, Any] | None, year: int | None) -> int | None:
    """The partition year when given, else the manifest's year, else the parsed one."""
    if year is not None:
        return year
    text = _manifest_get(manifest, "report_year", "year")
    if text is not None and text.isdigit() and len(text) == 4:
        return int(text)
    return record["report_year"]


# --- rows ---------------------------------------------------------------------------------------
def report_rows(
    record: Record,
    path: str,
    manifest: Mapping[str, Any] | None = None,
    *,
    year: int | None = None,
    text: str | Callable[[], str | None] | None = None,
) -> dict:
    """The `reports` row of one record.

    `path` is the landing path (`/`-separated). `manifest` (a manifest.csv row or raw-index row) may
    give `url`, `agency`/`manifest_agency`, `region`/`manifest_region`/`region_name`, `region_code`.
    The partition `year`, when given, wins over the record's (it is the year the raw index
    assigned, from the manifest or the parser). Agency: the parsed name, else the manifest's.
    Region and agency identity: `region_fields` (the manifest's region and code, then the URL, then
    the name; `text` only for a name that fits several divisions).
    """
    source = record["source"]
    severities = [i["severity"] for i in record["issues"]]
    name = record["agency_name"] or _manifest_get(manifest, "agency", "manifest_agency", "agency_name")
    report_year = _report_year(record, manifest, year)
    url = _manifest_get(manifest, "url")
    return {
        "report_id": record["report_id"],
        "report_year": report_year,
        "path": str(path).replace(os.sep, "/"),
        "agency_name": name,
        **region_fields(
            name,
            report_year,
            manifest_region=_manifest_get(manifest, "region", "manifest_region", "region_name"),
            manifest_code=record.get("region_code") or _manifest_get(manifest, "region_code"),
            url=url,
            text=text,
        ),
        "url": url,
        "format_version": record["format_version"],
        "published_date": _date(record["published_date"]),
        "encoding": source["encoding"],
        "traditional": source["traditional"],
        "layout": source["layout"],
        "has_table2": record["table2"] is not None,
        "has_table3": record["table3"] is not None,
        "has_table4": record["table4"] is not None,
        "n_errors": severities.count("error"),
        "n_warnings": severities.count("warning"),
        "n_infos": severities.count("info"),
        "parser_version": record["parser_version"],
    }


def raw_text(data_root: str | os.PathLike, record: Record) -> Callable[[], str | None]:
    """A function giving the report's text from the raw store, for `region_fields`: the stored bytes
    decoded with the codec the parser used (text and HTML documents; None for PDF and Word files,
    or when the object is missing)."""

    def read() -> str | None:
        source = record.get("source") or {}
        sha256 = record.get("report_id")
        if not sha256 or source.get("kind") not in ("text", "html"):
            return None
        from .landing import object_path  # landing imports this module

        try:
            data = storage.read_bytes(object_path(data_root, sha256))
        except OSError:
            return None
        # the parser's codec name comes first ("gb18030 (declared gb2312)": what it used, what the page said)
        codec = (source.get("encoding") or "utf-8").split()[0]
        try:
            return data.decode(codec, errors="replace")
        except LookupError:
            return data.decode("utf-8", errors="replace")

    return read


def cell_rows(record: Record, *, year: int | None = None) -> list[dict]:
    """One row per entry of the record's `cells` (first entry wins for a repeated table.row.column).

    A value present in table2/3/4 without a cell entry (the parser promises there is none) still
    gets a row, with the value and no provenance, so the facts always match the record's tables.
    """
    base = {
        "report_id": record["report_id"],
        "report_year": record["report_year"] if year is None else year,
        "parser_version": record["parser_version"],
    }
    rows: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    for cell in record["cells"]:
        key = (cell["table"], cell["row"], cell["column"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                **base,
                "table_name": key[0],
                "row_key": key[1],
                "column_key": key[2],
                "value": cell["value"],
                "raw_text": cell["raw"],
                "was_empty": cell["empty"],
                "src": cell["src"],
                "src_table": cell["src_table"],
                "src_row": cell["src_row"],
                "src_col": cell["src_col"],
                "src_line": cell["src_line"],
            }
        )
    for table in ("table2", "table3", "table4"):
        for row_key, columns in (record[table] or {}).items():
            for column_key, value in columns.items():
                key = (table, row_key, column_key)
                if value is None or key in seen:
                    continue
                seen.add(key)
                rows.append(
                    {
                        **base,
                        "table_name": table,
                        "row_key": row_key,
                        "column_key": column_key,
                        "value": value,
                        "raw_text": None,
                        "was_empty": False,
                        "src": None,
                        "src_table": None,
                        "src_row": None,
                        "src_col": None,
                        "src_line": None,
                    }
                )
    rows.sort(key=_cell_sort_key)
    return rows


def _cell_sort_key(row: dict) -> tuple:
    table = row["table_name"]
    r, c = row["row_key"], row["column_key"]
    return (
        row["report_id"] or "",
        table,
        _ROW_ORDER.get(table, {}).get(r, 10_000),
        r,
        _COL_ORDER.get(table, {}).get(c, 10_000),
        c,
    )


def finding_rows(record: Record, *, year: int | None = None) -> list[dict]:
    """One row per finding, numbered in record order (finding_no from 1)."""
    return [
        {
            "report_id": record["report_id"],
            "report_year": record["report_year"] if year is None else year,
            "finding_no": no,
            "code": issue["code"],
            "severity": issue["severity"],
            "message": issue["message"],
            "table_name": issue["table"],
            "cells": None if issue["cells"] is None else json.dumps(issue["cells"], ensure_ascii=False),
            "parser_version": record["parser_version"],
        }
        for no, issue in enumerate(record["issues"], start=1)
    ]


def narrative_rows(record: Record, *, year: int | None = None) -> list[dict]:
    """One row per narrative key, sorted by key."""
    ryear = record["report_year"] if year is None else year
    return [
        {"report_id": record["report_id"], "report_year": ryear, "key": k, "value": float(v)}
        for k, v in sorted(record["narrative"].items())
    ]


# --- partitions ---------------------------------------------------------------------------------
def partition_path(data_root: str | os.PathLike, table: str, year: int) -> storage.Location:
    """In the lake (ingest.storage: OGI_LAKE_URL, default the data root): a Path, or a URL."""
    return storage.join(storage.lake_root(data_root), "parsed", table, f"year={int(year)}", "part.parquet")


BATCH_REPORTS = 500  # reports per Parquet row group: what a partition write holds in memory at once


def _ordered(records_with_paths: Iterable[tuple]) -> Iterable[tuple]:
    """Items in (report_id, path) order: a list is sorted here; an iterator must come sorted
    (`landing.partition_inputs` yields in that order, one stored record at a time)."""
    if isinstance(records_with_paths, (list, tuple)):
        return sorted(records_with_paths, key=lambda item: (item[0]["report_id"] or "", str(item[1])))
    return records_with_paths


def partition_batches(
    records_with_paths: Iterable[tuple],
    year: int,
    data_root: str | os.PathLike | None = None,
    batch_reports: int = BATCH_REPORTS,
) -> Iterable[dict[str, pa.Table]]:
    """The four Arrow tables of one partition, `batch_reports` reports at a time.

    `records_with_paths` yields `(record, path)` or `(record, path, manifest)`, in (report_id, path)
    order (a list is sorted here). Every row gets the partition `year` as report_year. A report_id
    seen twice (same bytes under two paths) is kept once, under the first path in sort order. With
    `data_root`, a report whose agency name fits several divisions has its text read from the raw
    store to settle which (`raw_text`).
    """
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    seen: set[str] = set()
    in_batch = 0
    for item in _ordered(records_with_paths):
        record, path = item[0], str(item[1])
        manifest = item[2] if len(item) > 2 else None
        rid = record["report_id"] or ""
        if rid in seen:
            continue
        seen.add(rid)
        text = raw_text(data_root, record) if data_root is not None else None
        rows["reports"].append(report_rows(record, path, manifest, year=year, text=text))
        rows["cells"].extend(cell_rows(record, year=year))
        rows["findings"].extend(finding_rows(record, year=year))
        rows["narrative"].extend(narrative_rows(record, year=year))
        in_batch += 1
        if in_batch >= batch_reports:
            yield {t: pa.Table.from_pylist(rows[t], schema=SCHEMAS[t]) for t in TABLES}
            rows, in_batch = {t: [] for t in TABLES}, 0
    if in_batch or not seen:
        yield {t: pa.Table.from_pylist(rows[t], schema=SCHEMAS[t]) for t in TABLES}


def partition_tables(
    records_with_paths: Iterable[tuple], year: int, data_root: str | os.PathLike | None = None
) -> dict[str, pa.Table]:
    """The four Arrow tables of one partition, whole (`partition_batches` concatenated)."""
    batches = list(partition_batches(records_with_paths, year, data_root))
    return {t: pa.concat_tables([b[t] for b in batches]) for t in TABLES}


def write_table(table: pa.Table, target: storage.Location) -> None:
    """Write one Parquet file atomically (locally a temporary file in the same folder, then rename;
    on S3 one PUT): `ingest.storage.write_table`."""
    storage.write_table(table, target)


FINGERPRINT_KEY = b"ogi.inputs"


def partition_fingerprint(data_root: str | os.PathLike, table: str, year: int) -> str | None:
    """The inputs fingerprint a partition file was written from (None: no file, or written without)."""
    value = storage.parquet_key_value(partition_path(data_root, table, year), FINGERPRINT_KEY)
    return value.decode() if value else None


def write_partition(
    records_with_paths: Iterable[tuple],
    data_root: str | os.PathLike,
    year: int,
    fingerprint: str | None = None,
) -> dict[str, int]:
    """Replace the four `year=YYYY` files under `data_root/parsed/`; returns rows per table.

    The rows are written a batch of reports at a time (`partition_batches`), so memory does not grow
    with the year's size. `fingerprint` (what the files were made from: `landing.year_fingerprint`) is
    kept in each file's Parquet metadata, so an unchanged year need not be written again. Any other
    `.parquet` file left in those partition folders is removed, so the partition holds exactly what
    this call wrote.
    """
    targets = {t: partition_path(data_root, t, year) for t in TABLES}
    metadata = {FINGERPRINT_KEY: fingerprint.encode()} if fingerprint else None
    counts = dict.fromkeys(TABLES, 0)
    with contextlib.ExitStack() as stack:
        writers = {
            t: stack.enter_context(storage.parquet_writer(targets[t], SCHEMAS[t].with_metadata(metadata)))
            for t in TABLES
        }
        for batch in partition_batches(records_with_paths, year, data_root):
            for t in TABLES:
                writers[t].write_table(batch[t])
                counts[t] += batch[t].num_rows
    for target in targets.values():
        for stray in storage.siblings(target, "*.parquet"):
            storage.remove(stray)
    return counts
