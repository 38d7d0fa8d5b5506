"""Build beside, publish by rename: analysts never see a half-built warehouse.

A run copies the published DuckDB file to its own build folder (`data/.build/<run id>/`), dbt writes
that copy, the gates read it, and only when every blocking gate passed does the publish step
compact it into a fresh file and rename that over the published one. A rename is atomic: a reader
who opened the old file keeps reading the old version until it closes its connection (the old inode
lives on), a new connection sees the new version, and nobody waits on a lock held by the build. A
run that fails leaves the published file untouched; its build folder is removed by the next run.

Compaction (`COPY FROM DATABASE` into an empty file) also keeps an unchanged rebuild from growing
the file: DuckDB does not give back the pages that delete+insert freed.

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
        os.replace(tmp, build)
    return True


@dataclass
class Published:
    path: Path
    bytes_before: int  # the published file before (0 for the first build)
    bytes_build: int  # the run's build file, before compaction
    bytes_after: int  # the new published file
    build_id: str


def publish(build: Path, published: Path, build_id: str, years: tuple[int, int], parser_version: str) -> Published:
    """Compact the run's build into a fresh file, stamp it, and rename it over the published one."""
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
        con.execute(f'copy from database "{catalog}" to fresh')
        con.execute("create schema if not exists fresh.marts")
        con.execute(
            f"create or replace table fresh.marts.{BUILD_INFO} as select ? as build_id, ? as published_at, "
            "? as first_year, ? as last_year, ? as parser_version",
            [build_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), years[0], years[1], parser_version],
        )
        con.execute("detach fresh")
        con.execute(f'detach "{catalog}"')
    os.chmod(fresh, 0o644)
    os.replace(fresh, published)
    shutil.rmtree(build.parent, ignore_errors=True)
    return Published(published, before, size_build, published.stat().st_size, build_id)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
