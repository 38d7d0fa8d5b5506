"""ingest.flatten: records -> the four parsed Parquet tables of a year partition."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
from conftest import SEEDS

import ingest
from ingest import flatten, regions


def _record(**over):
    rec = {
        "file": "x.html",
        "report_id": "b" * 64,
        "parser_version": "0.1.0",
        "agency_name": "杭州市应急管理局",
        "report_year": 2021,
        "format_version": "2021",
        "published_date": "2022-01-27",
        "region_name": None,
        "source": {"bytes": 10, "encoding": "gb18030", "traditional": False, "kind": "html", "layout": "html_table"},
        "table2": None,
        "table3": {"new_received": {"natural_person": 4, "total": 6}, "granted": {"total": 2}},
        "table4": None,
        "narrative": {"requests_received": 6, "litigation_total": 0},
        "cells": [
            {
                "table": "table3",
                "row": "granted",
                "column": "total",
                "value": 2,
                "raw": "2",
                "empty": False,
                "src": "html",
                "src_table": 1,
                "src_row": 5,
                "src_col": 8,
                "src_line": None,
            },
            {
                "table": "table3",
                "row": "new_received",
                "column": "total",
                "value": 6,
                "raw": "6",
                "empty": False,
                "src": "html",
                "src_table": 1,
                "src_row": 3,
                "src_col": 8,
                "src_line": None,
            },
            {
                "table": "table3",
                "row": "new_received",
                "column": "natural_person",
                "value": 4,
                "raw": "",
                "empty": True,
                "src": "html",
                "src_table": 1,
                "src_row": 3,
                "src_col": 2,
                "src_line": None,
            },
            # a repeated cell: the first entry wins
            {
                "table": "table3",
                "row": "granted",
                "column": "total",
                "value": 99,
                "raw": "99",
                "empty": False,
                "src": "html",
                "src_table": 1,
                "src_row": 9,
                "src_col": 9,
                "src_line": None,
            },
        ],
        "issues": [
            {
                "code": "T3_COLUMN_BALANCE",
                "severity": "error",
                "message": "6 != 2",
                "table": "table3",
                "cells": ["new_received.total", "total_processed.total"],
            },
            {
                "code": "CELL_EMPTY",
                "severity": "info",
                "message": "empty",
                "table": "table3",
                "cells": ["new_received.natural_person"],
            },
            {"code": "W", "severity": "warning", "message": "w", "table": None, "cells": None},
        ],
    }
    rec.update(over)
    return rec


# --- agency identity and region -----------------------------------------------------------------
def test_agency_id_is_the_regions_agency_key():
    """agency_id is ingest.regions.agency_key: 32 hex digits, the same under any spelling of the name
    (full-width brackets, white space, traditional characters) and under a reviewed alias."""
    key = regions.agency_key("杭州高新区(滨江)行政服务中心")
    assert len(key) == 32 and int(key, 16) >= 0
    for spelling in (
        "杭州高新区（滨江）行政服务中心",
        " 杭州高新区 (滨江)\u3000行政服务中心\n",
        "杭州市滨江区行政服务中心",
    ):
        assert flatten.region_fields(spelling, 2021)["agency_id"] == key, spelling
    renamed = flatten.region_fields("杭州市国防动员办公室", 2023)
    assert renamed["agency_id"] == flatten.region_fields("杭州市人民防空办公室", 2021)["agency_id"]
    assert renamed["agency_canonical_name"] == "杭州市人民防空办公室"
    for nameless in (None, " \u3000"):
        row = flatten.region_fields(nameless, 2021)
        assert row["agency_id"] is None and row["agency_type"] is None and row["region_code"] == "unknown"


def test_region_fields():
    row = flatten.region_fields("嵊州市人民政府办公室", 2022)
    assert (row["region_code"], row["region_key"], row["region_method"]) == ("330683", "330683:1995", "name")
    assert (row["province_code"], row["prefecture_code"], row["county_code"]) == ("330000", "330600", "330683")
    assert (row["province_name"], row["prefecture_name"], row["county_name"]) == ("浙江省", "绍兴市", "嵊州市")
    assert (row["agency_type"], row["agency_level"], row["region_valid_in_year"]) == (
        "government_office",
        "county",
        True,
    )
    assert row["region_conflicts"] is None and row["region_reason"].startswith("330683 ")
    # a district two cities have: unknown, unless the text names the city (read only then)
    reads = []

    def text():
        reads.append(1)
        return "宁波市江北区应急管理局2021年政府信息公开工作年度报告"

    assert flatten.region_fields("杭州市应急管理局", 2021, text=text)["region_code"] == "330100" and not reads
    unknown = flatten.region_fields("江北区应急管理局", 2021)
    assert (unknown["region_code"], unknown["region_key"], unknown["region_method"]) == ("unknown",) * 3
    assert "330205" in unknown["region_reason"] and "500105" in unknown["region_reason"]
    settled = flatten.region_fields("江北区应急管理局", 2021, text=text)
    assert (settled["region_code"], settled["prefecture_code"]) == ("330205", "330200") and reads == [1]
    # a district that did not exist yet: kept, flagged not valid in the year
    early = flatten.region_fields("杭州市临平区财政局", 2019)
    assert (early["region_code"], early["region_valid_in_year"]) == ("330113", False)
    assert "2021-2024" in early["region_changes"]
    # the manifest wins over a URL that points elsewhere, which is kept as a conflict
    row = flatten.region_fields("某某局", 2021, manifest_region="浙江省杭州市", url="http://www.sx.gov.cn/a.html")
    assert (row["region_code"], row["region_method"]) == ("330100", "manifest")
    assert "330600" in row["region_conflicts"]


def test_raw_text_reads_the_stored_object_of_text_and_html_only(tmp_path):
    from ingest import landing

    data = "宁波市江北区".encode("gb18030")
    sha = landing.sha256_hex(data)
    landing.store_object(tmp_path, data, sha)
    rec = _record(report_id=sha)
    assert flatten.raw_text(tmp_path, rec)() == "宁波市江北区"  # gb18030, as the parser decoded it
    declared = _record(report_id=sha, source={**rec["source"], "encoding": "gb18030 (declared gb2312)"})
    assert flatten.raw_text(tmp_path, declared)() == "宁波市江北区"  # the codec used, not the page's label
    pdf = _record(report_id=sha, source={**rec["source"], "kind": "pdf"})
    assert flatten.raw_text(tmp_path, pdf)() is None
    assert flatten.raw_text(tmp_path, _record(report_id="f" * 64))() is None  # no object


# --- reports ------------------------------------------------------------------------------------
def test_report_row_fields():
    row = flatten.report_rows(_record(), "hz/2021/a.html")
    assert row["report_id"] == "b" * 64 and row["report_year"] == 2021
    assert row["path"] == "hz/2021/a.html"
    assert row["agency_name"] == "杭州市应急管理局"
    assert row["agency_id"] == regions.agency_key("杭州市应急管理局")
    assert row["published_date"] == dt.date(2022, 1, 27)
    assert (row["encoding"], row["traditional"], row["layout"]) == ("gb18030", False, "html_table")
    assert (row["has_table2"], row["has_table3"], row["has_table4"]) == (False, True, False)
    assert (row["n_errors"], row["n_warnings"], row["n_infos"]) == (1, 1, 1)
    assert (row["region_code"], row["region_name"], row["region_method"]) == ("330100", "杭州市", "name")
    assert row["url"] is None
    assert set(row) == set(flatten.SCHEMAS["reports"].names)


def test_report_row_manifest_fills_gaps_and_partition_year_wins():
    manifest = {
        "url": "http://example.org/a",
        "manifest_agency": "某某局",
        "manifest_region": "浙江省杭州市",
        "report_year": 2020,
    }
    row = flatten.report_rows(_record(agency_name=None, published_date="not a date"), "a", manifest)
    assert row["agency_name"] == "某某局" and row["agency_id"] == regions.agency_key("某某局", "330100")
    assert (row["region_code"], row["region_name"], row["region_method"]) == ("330100", "杭州市", "manifest")
    assert row["url"] == "http://example.org/a"
    assert row["report_year"] == 2020  # the manifest year (the raw index's) over the parsed one
    assert row["published_date"] is None
    assert flatten.report_rows(_record(), "a", manifest, year=2019)["report_year"] == 2019
    # the parser's own name comes first; a code the parser or manifest gives is evidence too
    rec = _record(region_name="杭州市", region_code="330108")
    row = flatten.report_rows(rec, "a", {"agency": "某某局", "region": "浙江省"})
    assert (row["agency_name"], row["region_code"], row["region_name"]) == ("杭州市应急管理局", "330108", "滨江区")
    nameless = flatten.report_rows(_record(agency_name=None), "a")
    assert nameless["agency_name"] is None and nameless["agency_id"] is None
    assert (nameless["region_code"], nameless["region_key"]) == ("unknown", "unknown")


# --- cells, findings, narrative -----------------------------------------------------------------
def test_cell_rows_keep_provenance_dedupe_and_sort_canonically():
    rows = flatten.cell_rows(_record())
    keys = [(r["row_key"], r["column_key"]) for r in rows]
    assert keys == [("new_received", "natural_person"), ("new_received", "total"), ("granted", "total")]
    granted = rows[2]
    assert granted["value"] == 2.0 and granted["raw_text"] == "2"  # first entry wins
    assert (granted["src"], granted["src_table"], granted["src_row"], granted["src_col"]) == ("html", 1, 5, 8)
    assert rows[0]["was_empty"] is True and rows[0]["raw_text"] == ""
    assert all(r["table_name"] == "table3" and r["parser_version"] == "0.1.0" for r in rows)


def test_cell_rows_add_table_values_missing_from_cells():
    rec = _record(cells=[], table4={"reconsideration": {"total": 1, "corrected": None}})
    rows = flatten.cell_rows(rec)
    assert [(r["table_name"], r["row_key"], r["column_key"], r["value"]) for r in rows] == [
        ("table3", "new_received", "natural_person", 4.0),
        ("table3", "new_received", "total", 6.0),
        ("table3", "granted", "total", 2.0),
        ("table4", "reconsideration", "total", 1.0),
    ]
    assert all(r["src"] is None and r["raw_text"] is None for r in rows)


def test_finding_and_narrative_rows():
    findings = flatten.finding_rows(_record())
    assert [f["finding_no"] for f in findings] == [1, 2, 3]
    assert json.loads(findings[0]["cells"]) == ["new_received.total", "total_processed.total"]
    assert findings[2]["cells"] is None and findings[2]["table_name"] is None
    narrative = flatten.narrative_rows(_record())
    assert [(n["key"], n["value"]) for n in narrative] == [("litigation_total", 0.0), ("requests_received", 6.0)]


# --- partitions ---------------------------------------------------------------------------------
def _read(root, table, year):
    return pq.read_table(flatten.partition_path(root, table, year))


def test_write_partition_files_schemas_and_idempotence(tmp_path):
    a = _record()
    b = _record(report_id="a" * 64, agency_name="池州市人民防空办公室", cells=[], issues=[])
    counts = flatten.write_partition([(a, "z.html"), (b, "y.html", {"url": "u"})], tmp_path, 2021)
    assert counts == {"reports": 2, "cells": 6, "findings": 3, "narrative": 4}
    for table in flatten.TABLES:
        t = _read(tmp_path, table, 2021)
        assert t.schema.equals(flatten.SCHEMAS[table])
        assert set(t.column("report_year").to_pylist()) == {2021}
    reports = _read(tmp_path, "reports", 2021).to_pylist()
    assert [r["report_id"] for r in reports] == ["a" * 64, "b" * 64]  # sorted by report_id
    before = {t: flatten.partition_path(tmp_path, t, 2021).read_bytes() for t in flatten.TABLES}
    flatten.write_partition([(b, "y.html", {"url": "u"}), (a, "z.html")], tmp_path, 2021)
    after = {t: flatten.partition_path(tmp_path, t, 2021).read_bytes() for t in flatten.TABLES}
    assert before == after  # order of input does not matter; reruns are byte-identical
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "part.parquet"]
    assert leftovers == []


def test_write_partition_replaces_exactly_that_partition(tmp_path):
    flatten.write_partition([(_record(), "a.html")], tmp_path, 2021)
    flatten.write_partition([(_record(report_id="c" * 64), "c.html")], tmp_path, 2020)
    stray = flatten.partition_path(tmp_path, "cells", 2021).with_name("old.parquet")
    stray.write_bytes(b"junk")
    counts = flatten.write_partition([], tmp_path, 2021)
    assert counts == {t: 0 for t in flatten.TABLES}
    assert not stray.exists()
    for table in flatten.TABLES:
        empty = _read(tmp_path, table, 2021)
        assert empty.num_rows == 0 and empty.schema.equals(flatten.SCHEMAS[table])
    assert _read(tmp_path, "reports", 2020).num_rows == 1


def test_write_partition_keeps_one_row_per_report_id(tmp_path):
    rec = _record()
    flatten.write_partition([(rec, "b/copy.html"), (rec, "a/first.html")], tmp_path, 2021)
    reports = _read(tmp_path, "reports", 2021).to_pylist()
    assert [r["path"] for r in reports] == ["a/first.html"]
    assert _read(tmp_path, "cells", 2021).num_rows == 3


def test_real_parser_records_flatten(tmp_path):
    items = []
    for path in sorted(SEEDS.glob("*.txt")):
        rec = ingest.parse_bytes(path.read_bytes(), path.name)
        if rec.get("report_year") == 2021:
            items.append((rec, f"seeds/{path.name}"))
    counts = flatten.write_partition(items, tmp_path, 2021)
    assert counts["reports"] == 3
    cells = _read(tmp_path, "cells", 2021).to_pylist()
    hz = [
        c for c in cells if c["row_key"] == "new_received" and c["column_key"] == "natural_person" and c["value"] == 4
    ]
    assert len(hz) == 1 and hz[0]["src"] == "text" and hz[0]["src_line"] is not None
    for rec, _ in items:  # every non-null table value has exactly one cell row
        for table in ("table2", "table3", "table4"):
            for row, cols in (rec.get(table) or {}).items():
                for col, value in cols.items():
                    match = [
                        c
                        for c in cells
                        if c["report_id"] == rec["report_id"]
                        and (c["table_name"], c["row_key"], c["column_key"]) == (table, row, col)
                    ]
                    assert len(match) == (value is not None)
