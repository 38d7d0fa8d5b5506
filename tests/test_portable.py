"""The published warehouse is one portable file: copied, renamed or moved, it answers every query the
same, and it reads nothing but itself.

The build keeps dbt's working layers (staging views over the Parquet files by absolute path, views
that name the DuckDB catalog, which is the file's name); publishing keeps only the marts tables. The
unit tests build small DuckDB files by hand; the slow ones use the session pipeline's real warehouse.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import Pipeline, make_instance

from ingest.publish import BUILD_INFO, prepare_build, publish


def objects(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every table and view of the open database (schema, name)."""
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
        "union all select schema_name, view_name from duckdb_views() "
        "where database_name = current_database() and not internal order by 1, 2"
    ).fetchall()


def answers(path: Path, *, isolated: bool) -> dict[str, list]:
    """Every row of every table and view. `isolated`: no file but the database itself may be read
    (DuckDB's enable_external_access off), as on a machine without the data folder."""
    config = {"enable_external_access": False} if isolated else {}
    out = {}
    with duckdb.connect(str(path), read_only=True, config=config) as con:
        for schema, name in objects(con):
            out[f"{schema}.{name}"] = sorted(con.execute(f'select * from "{schema}"."{name}"').fetchall(), key=repr)
    return out


def _dbt_like_build(build: Path, parquet: Path) -> None:
    """A build as dbt leaves it: a seed and a view over Parquet in staging, a catalog-qualified view in
    intermediate, a documented marts table."""
    build.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"k": [1, 2, 3], "v": ["一", "二", "三"]}), parquet)
    with duckdb.connect(str(build)) as con:
        con.execute("create schema staging; create schema intermediate; create schema marts")
        con.execute("create table staging.seed as select 1 as k, '予以公开' as label_zh")
        con.execute(f"create view staging.stg as select * from read_parquet('{parquet}')")
        con.execute('create view intermediate.int as select * from "warehouse"."staging"."stg"')
        con.execute('create table marts.fct as select * from "warehouse"."intermediate"."int"')
        con.execute("comment on table marts.fct is 'A fact.'")
        con.execute("comment on column marts.fct.k is 'The key. 中文：编号'")


def test_publish_keeps_the_marts_tables_and_their_comments_only(tmp_path):
    data = tmp_path / "data"
    build, published = data / ".build" / "run1" / "warehouse.duckdb", data / "warehouse.duckdb"
    _dbt_like_build(build, data / "parsed.parquet")
    out = publish(build, published, "run1", (2020, 2021), "0.0")
    assert out.path == published and not build.exists()
    with duckdb.connect(str(published), read_only=True) as con:
        assert objects(con) == [("marts", BUILD_INFO), ("marts", "fct")]
        comments = dict(
            con.execute(
                "select table_name || '.' || column_name, comment from duckdb_columns() where schema_name = 'marts'"
            ).fetchall()
        )
        assert comments["fct.k"] == "The key. 中文：编号"
        assert all("中文：" in comments[f"{BUILD_INFO}.{c}"] for c in ("build_id", "published_at", "parser_version"))
        assert con.execute("select comment from duckdb_tables() where table_name = 'fct'").fetchone()[0] == "A fact."
    # moved away from its data folder and renamed, it answers the same without reading any other file
    elsewhere = tmp_path / "desk" / "ogi copy.db"
    elsewhere.parent.mkdir()
    shutil.copyfile(published, elsewhere)
    shutil.rmtree(data)
    got = answers(elsewhere, isolated=True)
    assert got["marts.fct"] == [(1, "一"), (2, "二"), (3, "三")]
    assert got[f"marts.{BUILD_INFO}"][0][0] == "run1"


def test_the_build_itself_is_not_portable(tmp_path):
    """Why publishing drops the working layers: the same objects in a renamed copy fail."""
    data = tmp_path / "data"
    build = data / ".build" / "run1" / "warehouse.duckdb"
    _dbt_like_build(build, data / "parsed.parquet")
    renamed = tmp_path / "renamed.duckdb"
    shutil.copyfile(build, renamed)
    with (
        duckdb.connect(str(renamed), read_only=True) as con,
        pytest.raises(duckdb.BinderException, match='Catalog "warehouse" does not exist'),
    ):
        con.execute("select * from intermediate.int").fetchall()
    with pytest.raises(duckdb.PermissionException):
        answers(build, isolated=True)  # the staging view reads a Parquet file


def test_a_build_starts_from_the_marts_of_the_published_file(tmp_path):
    """A warehouse published before the file held marts only still has staging and intermediate:
    the build's copy drops them (dbt recreates them), the published file is not touched."""
    data = tmp_path / "data"
    old = data / ".build" / "old" / "warehouse.duckdb"
    _dbt_like_build(old, data / "parsed.parquet")
    published = data / "warehouse.duckdb"
    shutil.copyfile(old, published)
    digest = hashlib.sha256(published.read_bytes()).hexdigest()
    build = data / ".build" / "run2" / "warehouse.duckdb"
    assert prepare_build(published, build, data / ".build", "run2")
    assert not old.parent.exists()  # another run's leftover build is removed
    with duckdb.connect(str(build), read_only=True) as con:
        assert objects(con) == [("marts", "fct")]
        assert con.execute("select count(*) from marts.fct").fetchone()[0] == 3
    assert hashlib.sha256(published.read_bytes()).hexdigest() == digest
    assert not prepare_build(published, build, data / ".build", "run2")  # the run's build is kept


# --- the real warehouse ---------------------------------------------------------------------------
@pytest.mark.slow
def test_the_published_warehouse_answers_the_same_anywhere(pipeline: Pipeline, tmp_path):
    """Copied to another folder under another name, every table and view of the published file
    answers exactly as the original, reading no other file."""
    original = answers(pipeline.warehouse, isolated=False)
    assert {name.split(".")[0] for name in original} == {"marts"}
    assert {"marts.mart_agency_year", "marts.fct_requests", "marts.dim_table2_crosswalk"} <= set(original)
    assert sum(len(rows) for rows in original.values()) > 1000
    elsewhere = tmp_path / "analyst" / "ogi 2020-2022.duckdb"
    elsewhere.parent.mkdir()
    shutil.copyfile(pipeline.warehouse, elsewhere)
    assert answers(elsewhere, isolated=True) == original


@pytest.mark.slow
def test_a_run_of_part_of_the_graph_rebuilds_the_working_layers_first(pipeline: Pipeline, tmp_path, monkeypatch):
    """Materializing only a reporting mart (as re-executing a failed run from its failed step does)
    starts from the published file, which has no staging views: the dbt step recreates them first.
    (Nothing changed since the session build, which would make dbt skip the build: forced here.)"""
    from dagster import AssetKey, AssetSelection, Definitions, define_asset_job

    from dagster_project.assets.publish import PUBLISHED_WAREHOUSE
    from dagster_project.definitions import defs

    copy = Pipeline(tmp_path / "data", tmp_path / "dagster_home")
    shutil.copytree(pipeline.root, copy.root)
    copy.instance = make_instance(copy.home)
    (before_build,) = copy.query(f"select build_id from marts.{BUILD_INFO}")[0]
    mart = "select * from marts.mart_agency_year order by agency_id, report_year"
    before = copy.query(mart)
    job = define_asset_job(
        "one_mart", selection=AssetSelection.assets(AssetKey(["marts", "mart_agency_year"]), PUBLISHED_WAREHOUSE)
    )
    monkeypatch.setenv("OGI_DBT_REBUILD", "1")
    with copy.env():
        result = (
            Definitions.merge(defs, Definitions(jobs=[job]))
            .resolve_job_def("one_mart")
            .execute_in_process(instance=copy.instance, partition_key="2022", raise_on_error=False)
        )
    assert result.success
    (after_build,) = copy.query(f"select build_id from marts.{BUILD_INFO}")[0]
    assert after_build == result.run_id != before_build
    assert copy.query(mart) == before
    assert {s for (s,) in copy.query("select distinct schema_name from duckdb_tables()")} == {"marts"}
