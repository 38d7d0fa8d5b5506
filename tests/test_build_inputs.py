"""What a warehouse was built from (ingest.build_inputs): a build is skipped only when every part of
the published file was built from what dbt would read now."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest import build_inputs
from ingest.publish import publish

REPO = Path(__file__).resolve().parent.parent
VARS = {"first_year": 2008, "last_complete_year": 2025}


def lake(root: Path, years: dict[int, int]) -> Path:
    """A lake with one parsed reports file per year (`value` in it) and a raw index."""
    for year, value in years.items():
        path = root / "parsed" / "reports" / f"year={year}" / "part.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"report_year": [year], "value": [value]}), path)
    (root / "raw").mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"path": ["a.html"]}), root / "raw" / "index.parquet")
    return root


def dbt_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dbt"
    shutil.copytree(REPO / "dbt", target, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return target


def test_a_full_build_is_up_to_date_until_an_input_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("OGI_LAKE_URL", raising=False)
    root = lake(tmp_path / "data", {2020: 1, 2021: 2, 2030: 9})
    dbt = dbt_copy(tmp_path)
    now = build_inputs.current(root, dbt, VARS)
    assert set(now.years) == {2020, 2021}  # 2030 is past the calendar: no facts hold it
    assert not build_inputs.up_to_date(None, now)[0]  # a first build

    stamp = build_inputs.stamp_after(None, now, range(2008, 2026))
    assert build_inputs.up_to_date(stamp, now)[0]
    assert build_inputs.current(root, dbt, VARS) == now  # the same files give the same fingerprints

    lake(root, {2021: 3})  # one year's parsed file changed
    changed = build_inputs.current(root, dbt, VARS)
    assert changed.years[2020] == now.years[2020] and changed.years[2021] != now.years[2021]
    same, why = build_inputs.up_to_date(stamp, changed)
    assert not same and "parsed file" in why

    # a run for 2021 alone rebuilds its facts and the whole marts: up to date again
    after = build_inputs.stamp_after(stamp, changed, [2021])
    assert build_inputs.up_to_date(after, changed)[0]

    # a model changed: everything is stale, and a run for one year leaves the others stale
    (dbt / "models" / "marts" / "extra_note.md").write_text("{% docs extra %}x{% enddocs %}", encoding="utf-8")
    recoded = build_inputs.current(root, dbt, VARS)
    assert recoded.code != changed.code and recoded.years == changed.years
    assert not build_inputs.up_to_date(after, recoded)[0]
    partial = build_inputs.stamp_after(after, recoded, [2021])
    same, why = build_inputs.up_to_date(partial, recoded)
    assert not same and why.startswith("the facts of 2020 were built from other inputs")
    assert build_inputs.up_to_date(build_inputs.stamp_after(partial, recoded, [2020]), recoded)[0]

    # the calendar moved on: new vars, new code fingerprint
    assert build_inputs.current(root, dbt, {**VARS, "last_complete_year": 2026}).code != recoded.code


def test_the_quarantine_list_and_the_index_are_inputs(tmp_path):
    root = lake(tmp_path / "data", {2020: 1})
    dbt = dbt_copy(tmp_path)
    before = build_inputs.current(root, dbt, VARS)
    pq.write_table(pa.table({"path": ["broken.pdf"]}), root / "raw" / "quarantine.parquet")
    after = build_inputs.current(root, dbt, VARS)
    assert after.whole != before.whole and after.years == before.years
    assert not build_inputs.up_to_date(build_inputs.stamp_after(None, before, [2020]), after)[0]


def test_the_stamp_is_read_from_the_published_file(tmp_path):
    build = tmp_path / "build" / "run" / "warehouse.duckdb"
    build.parent.mkdir(parents=True)
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 1 as x")
    published = tmp_path / "warehouse.duckdb"
    assert build_inputs.read_stamp(published) is None
    stamp = {"code": "c", "whole": "w", "years": {"2020": "y"}}
    publish(build, published, "run", (2020, 2020), "9.9.9", json.dumps(stamp))
    assert build_inputs.read_stamp(published) == stamp
    build.parent.mkdir(parents=True)
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 1 as x")
    publish(build, published, "run2", (2020, 2020), "9.9.9", None)  # a build of part of the models
    assert build_inputs.read_stamp(published) is None
