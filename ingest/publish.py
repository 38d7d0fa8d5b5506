"""Build beside, publish by rename: analysts never see a half-built warehouse.

A run copies the published DuckDB file to its own build folder (`data/.build/<run id>/`), dbt writes
that copy, the gates read it, and only when every blocking gate passed does the publish step
compact it into a fresh file and rename that over the published one. A rename is atomic: a reader
who opened the old file keeps reading the old version until it closes its connection (the old inode
lives on), a new connection sees the new version, and nobody waits on a lock held by the build. A
run that fails leaves the published file untouched; its build folder is removed by the next run.

Compaction (`COPY FROM DATABASE` into an empty file) also keeps an unchanged rebuild from growing
the file: DuckDB does not give back the pages that delete+insert freed.

The published file holds the `marts` schema only, all tables: it is self-contained and portable (copy
it, rename it, mail it, and every query answers the same). dbt's working layers stay in the build:
the `staging` views read the Parquet files by absolute path, and every view names its DuckDB catalog,
which is the file's name, so a copied or renamed file would break them. A run recreates them in its
build from the Parquet files and the seeds (dbt's first step builds them; a run of part of the graph
restores them first, dagster_project/assets/dbt.py).

Pure Python + duckdb, no Dagster.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

BUILD_INFO = "build_info"  # marts.build_info: one row saying which build this file is
PUBLISHED_SCHEMA = "marts"  # the analysts' contract: the only schema the published file holds
# marts.build_info's column comments (dbt documents the other marts tables; persist_docs writes theirs)
BUILD_INFO_COMMENTS = {
    "build_id": "Id of the Dagster run that built and published this file. 中文：构建编号",
    "published_at": "When it was published (UTC). 中文：发布时间",
    "first_year": "First report year whose facts the run rebuilt (other years kept theirs). 中文：本次构建起始年度",
    "last_year": "Last report year the run rebuilt. 中文：本次构建截止年度",
    "parser_version": "Version of the parser of the run. 中文：解析程序版本",
    "inputs": (
        "What each part of this file was built from, as fingerprints (JSON: the dbt project, the lake's files, "
        "each year's parsed files; ingest/build_inputs.py). 中文：构建输入指纹"
    ),
}


def prepare_build(published: Path, build: Path, build_dir: Path, keep: str) -> bool:
    """Make the run's build file (a copy of the published one, or nothing for a first build).

    Build folders of other runs (left by a crash) are removed: one writer holds the data folder's
    lock, so none of them is in use. Returns True when the build file was created now.
    """
    if build_dir.is_dir():
        for other in build_dir.iterdir():
            if other.name != keep:
                shutil.rmtree(other, ignore_errors=True)
    if build.exists():
        return False
    build.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        tmp = build.with_name(build.name + ".copying")
        shutil.copyfile(published, tmp)
        with duckdb.connect(str(tmp)) as con:  # a file published before it held marts only
            (catalog,) = con.execute("select current_database()").fetchall()[0]
            _drop_working_layers(con, catalog)
        os.replace(tmp, build)
    return True


@dataclass
class Published:
    path: Path
    bytes_before: int  # the published file before (0 for the first build)
    bytes_build: int  # the run's build file, before compaction
    bytes_after: int  # the new published file
    build_id: str


def publish(
    build: Path,
    published: Path,
    build_id: str,
    years: tuple[int, int],
    parser_version: str,
    inputs: str | None = None,
) -> Published:
    """Compact the run's build into a fresh file, stamp it (`inputs`: what it was built from, JSON
    from ingest.build_inputs), and rename it over the published one."""
    before = published.stat().st_size if published.exists() else 0
    size_build = build.stat().st_size
    fresh = build.parent / "compact" / published.name
    if fresh.parent.exists():
        shutil.rmtree(fresh.parent)
    fresh.parent.mkdir(parents=True)
    catalog = published.stem  # dbt's views name the catalog after the file: attach the build under it
    with duckdb.connect() as con:
        con.execute(f"attach '{_sql_path(build)}' as \"{catalog}\" (read_only)")
        con.execute(f"attach '{_sql_path(fresh)}' as fresh")
        con.execute(f'copy from database "{catalog}" to fresh')  # types, data and dbt's comments
        _drop_working_layers(con, "fresh")
        con.execute(f"create schema if not exists fresh.{PUBLISHED_SCHEMA}")
        con.execute(
            f"create or replace table fresh.{PUBLISHED_SCHEMA}.{BUILD_INFO} as select ? as build_id, "
            "? as published_at, ? as first_year, ? as last_year, ? as parser_version, ?::varchar as inputs",
            [build_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), years[0], years[1], parser_version, inputs],
        )
        con.execute(
            f"comment on table fresh.{PUBLISHED_SCHEMA}.{BUILD_INFO} is "
            "'The build this file is: one row, written when the file was published.'"
        )
        for column, comment in BUILD_INFO_COMMENTS.items():
            con.execute(f"comment on column fresh.{PUBLISHED_SCHEMA}.{BUILD_INFO}.{column} is '{_sql(comment)}'")
        con.execute("checkpoint fresh")
        con.execute("detach fresh")
        con.execute(f'detach "{catalog}"')
    os.chmod(fresh, 0o644)
    os.replace(fresh, published)
    shutil.rmtree(build.parent, ignore_errors=True)
    return Published(published, before, size_build, published.stat().st_size, build_id)


def _drop_working_layers(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Drop every schema of `catalog` but the published one: dbt's working layers (staging views and
    seeds, intermediate views), which a build recreates from the Parquet files and the seeds."""
    schemas = con.execute(
        "select schema_name from duckdb_schemas() where database_name = ? and not internal "
        "and schema_name not in (?, 'main')",
        [catalog, PUBLISHED_SCHEMA],
    ).fetchall()
    for (schema,) in schemas:
        con.execute(f'drop schema "{catalog}"."{schema}" cascade')


def _sql_path(path: Path) -> str:
    return _sql(str(path))


def _sql(text: str) -> str:
    return text.replace("'", "''")
