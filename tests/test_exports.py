"""The marts as files (data/export/): every table of schema marts as Parquet and as CSV with a BOM,
a manifest, files renamed into place, the published file only ever read.

The first tests run on a small DuckDB file made here (fast); the last ones on the session warehouse
built by real Dagster runs (`pipeline`, slow)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import PIPELINE_YEARS, Pipeline

from ingest.export import BOM, MANIFEST, export_marts

BUILD_ID = "test-build-0001"


def make_warehouse(path: Path) -> Path:
    """A warehouse-shaped file: two marts (Chinese text, NULLs, doubles, a timestamp), build_info,
    and a staging table that is not part of the export."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute(
            "create table marts.mart_agency_year as select * from (values "
            "('a1', 2021, '杭州市应急管理局', 6, 0.5), ('a2', 2021, '池州市人民防空办公室', null, null), "
            "('a3', 2022, 'Agency, \"quoted\"', 12, 0.25)) t(agency_id, report_year, agency_name, requests_new, disclosure_rate)"
        )
        con.execute("create table marts.dim_stage as select 'new_received' as stage, '本年新收' as label_zh")
        con.execute(
            "create table marts.build_info as select ? as build_id, timestamp '2026-01-02 03:04:05' as published_at, "
            "2008 as first_year, 2025 as last_year, '9.9.9' as parser_version",
            [BUILD_ID],
        )
        con.execute("create table staging.stg_secret as select 1 as x")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_marts_table_goes_out_as_parquet_and_csv_with_a_manifest(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    out = tmp_path / "export"
    manifest = export_marts(warehouse, out)

    assert manifest == json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == {"build_info", "dim_stage", "mart_agency_year"}  # not staging
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST] + [f"{t}.{ext}" for t in manifest["tables"] for ext in ("parquet", "csv")]
    )
    assert (manifest["build_id"], manifest["parser_version"]) == (BUILD_ID, "9.9.9")
    assert (manifest["first_year"], manifest["last_year"]) == (2008, 2025)
    entry = manifest["tables"]["mart_agency_year"]
    assert entry["rows"] == 3
    assert list(entry["columns"]) == ["agency_id", "report_year", "agency_name", "requests_new", "disclosure_rate"]
    for fmt in ("parquet", "csv"):
        path = out / entry[fmt]["file"]
        assert entry[fmt]["bytes"] == path.stat().st_size and entry[fmt]["sha256"] == sha(path)

    # Parquet: the same rows and types
    table = pq.read_table(out / "mart_agency_year.parquet")
    assert table.to_pylist()[0] == {
        "agency_id": "a1",
        "report_year": 2021,
        "agency_name": "杭州市应急管理局",
        "requests_new": 6,
        "disclosure_rate": 0.5,
    }
    # CSV: a byte-order mark first (Excel then reads UTF-8), NULL as an empty field, quoting intact
    raw = (out / "mart_agency_year.csv").read_bytes()
    assert raw.startswith(BOM) and not raw.startswith(BOM + BOM)
    assert "a2,2021,池州市人民防空办公室,," in raw.decode("utf-8-sig")
    frame = pd.read_csv(out / "mart_agency_year.csv", encoding="utf-8-sig")
    assert list(frame.columns) == list(entry["columns"])
    assert frame["agency_name"].tolist() == ["杭州市应急管理局", "池州市人民防空办公室", 'Agency, "quoted"']
    assert frame["requests_new"].isna().tolist() == [False, True, False]
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_new_mart_flows_in_and_a_dropped_one_goes_away(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    out = tmp_path / "export"
    export_marts(warehouse, out)
    (out / "my_notes.txt").write_text("an analyst's own file", encoding="utf-8")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table marts.mart_new as select 1 as n")
        con.execute("drop table marts.dim_stage")

    manifest = export_marts(warehouse, out)

    assert set(manifest["tables"]) == {"build_info", "mart_agency_year", "mart_new"}
    assert (out / "mart_new.parquet").exists() and (out / "mart_new.csv").exists()
    assert not (out / "dim_stage.parquet").exists() and not (out / "dim_stage.csv").exists()
    assert (out / "my_notes.txt").read_text(encoding="utf-8") == "an analyst's own file"


def test_files_are_renamed_into_place_and_a_reader_keeps_the_old_one(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    out = tmp_path / "export"
    export_marts(warehouse, out)
    path = out / "mart_agency_year.csv"
    before = path.read_bytes()
    inode = path.stat().st_ino
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.mart_agency_year values ('a4', 2023, '新机关', 1, 1.0)")

    with path.open("rb") as reader:  # an analyst reading the old file while the export runs
        head = reader.read(10)
        export_marts(warehouse, out)
        assert head + reader.read() == before  # the whole old file, not a mix

    assert path.stat().st_ino != inode  # a new file was renamed over the old name
    assert "新机关" in path.read_text(encoding="utf-8-sig")
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["tables"]["mart_agency_year"]["rows"] == 4


def test_reads_the_published_file_read_only_while_an_analyst_holds_it_open(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    digest = sha(warehouse)
    analyst = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
            "con.execute('select count(*) from marts.mart_agency_year').fetchall(); print('open', flush=True); "
            "sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout is not None and analyst.stdout.readline().strip() == "open"
        # a writer would fail on the analyst's lock; the export only reads
        manifest = export_marts(warehouse, tmp_path / "export")
    finally:
        analyst.communicate("", timeout=60)
    assert manifest["tables"]["mart_agency_year"]["rows"] == 3
    assert sha(warehouse) == digest


def test_exports_and_charts_run_with_the_publish_step():
    """Downstream of published_warehouse with its partitions and single-run backfill policy: a run or
    a backfill of any range that publishes also refreshes them, in that same run."""
    from dagster import AssetKey

    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    publish = graph.get(AssetKey("published_warehouse"))
    job_keys = defs.resolve_job_def("warehouse_job").asset_layer.executable_asset_keys
    for key in (AssetKey("exports"), AssetKey("charts")):
        node = graph.get(key)
        assert node.parent_keys == {publish.key}
        assert node.partitions_def == publish.partitions_def
        assert node.backfill_policy == publish.backfill_policy and node.backfill_policy.max_partitions_per_run is None
        assert key in job_keys


# --- on the session warehouse, built by real Dagster runs ------------------------------------------
@pytest.mark.slow
def test_exports_and_charts_are_materialized_in_the_run_that_publishes(pipeline: Pipeline):
    from dagster import AssetKey

    assert pipeline.result.success
    materialized = {
        e.asset_key.to_user_string(): e
        for e in pipeline.result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert {"published_warehouse", "exports", "charts"} <= set(materialized)
    first, last = PIPELINE_YEARS
    years = {str(y) for y in range(int(first), int(last) + 1)}
    for key in ("exports", "charts"):
        # one run for the range, like published_warehouse (single-run backfill policy)
        assert pipeline.instance.get_materialized_partitions(AssetKey(key)) >= years, key
        metadata = materialized[key].event_specific_data.materialization.metadata
        assert metadata.get("exported", metadata.get("written")).value is True


@pytest.mark.slow
def test_exports_hold_every_mart_of_the_published_warehouse(pipeline: Pipeline):
    out = pipeline.root / "export"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        build_id, parser_version = con.execute("select build_id, parser_version from marts.build_info").fetchone()
        assert {
            "mart_agency_year",
            "mart_region_year",
            "mart_agency_year_peers",
            "quarantine",
            "fct_requests",
        } <= tables
        assert set(manifest["tables"]) == tables
        assert (manifest["build_id"], manifest["parser_version"]) == (build_id, parser_version)
        for name in tables:
            (rows,) = con.execute(f'select count(*) from marts."{name}"').fetchone()
            entry = manifest["tables"][name]
            assert entry["rows"] == rows, name
            parquet, csv = out / entry["parquet"]["file"], out / entry["csv"]["file"]
            assert pq.read_metadata(parquet).num_rows == rows, name
            assert len(pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)) == rows, name
        # the same rows, value for value, as the mart
        for name in ("mart_agency_year", "mart_region_year", "fct_report_findings"):
            path = str(out / f"{name}.parquet")
            (diff,) = con.execute(
                f"select count(*) from ((from marts.{name} except all from read_parquet(?)) "
                f"union all (from read_parquet(?) except all from marts.{name}))",
                [path, path],
            ).fetchone()
            assert diff == 0, name
    names = pd.read_csv(out / "mart_agency_year.csv", encoding="utf-8-sig")["agency_name"]
    assert "杭州市应急管理局" in set(names)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert os.access(out / MANIFEST, os.R_OK)
