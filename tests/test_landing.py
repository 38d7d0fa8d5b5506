"""ingest.landing: raw store, index, duplicates, manifest, quarantine, first_seen, landing diff."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS, fake_parse
from conftest import put_landing as put

from ingest import changes, landing

T0 = dt.datetime(2026, 1, 2, 3, 4, 5)
T1 = dt.datetime(2026, 2, 3, 4, 5, 6)


def rows(table) -> dict[str, dict]:
    return {r["path"]: r for r in table.to_pylist()}


def test_index_statuses_duplicates_and_quarantine(tmp_path):
    put(tmp_path, "a/one.txt", "report year=2021")
    put(tmp_path, "b/copy.txt", "report year=2021")  # same bytes as a/one.txt
    put(tmp_path, "c/none.txt", "no year in here")
    put(tmp_path, "c/garbage.bin", "bin\x00\x01")
    put(tmp_path, "c/crash.txt", "boom")
    put(tmp_path, "c/future.txt", "report year=2099")
    put(tmp_path, ".hidden/x.txt", "report year=2020")  # hidden folder: listed once, not entered
    os.symlink(tmp_path / "nowhere", tmp_path / "landing" / "c" / "dangling.txt")
    result = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    index = rows(result.index)
    assert set(index) == {
        "a/one.txt",
        "b/copy.txt",
        "c/none.txt",
        "c/garbage.bin",
        "c/crash.txt",
        "c/future.txt",
        "c/dangling.txt",
        ".hidden",
    }
    assert index["a/one.txt"]["status"] == "ok" and index["a/one.txt"]["report_year"] == 2021
    assert index["a/one.txt"]["year_source"] == "parsed"
    assert index["b/copy.txt"]["status"] == "duplicate"
    assert index["b/copy.txt"]["duplicate_of"] == "a/one.txt"
    quarantine = rows(result.quarantine)
    assert {p: r["code"] for p, r in quarantine.items()} == {
        "c/none.txt": "YEAR_UNKNOWN",
        "c/garbage.bin": "NOT_TEXT",
        "c/crash.txt": "PARSE_EXCEPTION",
        "c/future.txt": "YEAR_OUT_OF_RANGE",
        "c/dangling.txt": "SYMLINK",
        ".hidden": "HIDDEN_FILE",
    }
    for path, row in quarantine.items():
        assert row["reason"].startswith(f"{path}: ")
        assert index[path]["status"] == "quarantined" and index[path]["report_year"] is None
    assert result.counts() == {"landed": 8, "ok": 1, "duplicate": 1, "quarantined": 6}
    on_disk = pq.read_table(landing.index_path(tmp_path))
    assert on_disk.equals(result.index)
    assert pq.read_table(landing.quarantine_path(tmp_path)).num_rows == 6


def test_raw_objects_are_content_addressed_and_written_once(tmp_path):
    put(tmp_path, "one.txt", "report year=2021")
    landing.ingest_landing(tmp_path, parse=fake_parse, now=T0)
    sha = landing.sha256_hex(b"report year=2021")
    obj = landing.object_path(tmp_path, sha)
    assert obj == tmp_path / "raw" / "objects" / sha[:2] / sha
    assert obj.read_bytes() == b"report year=2021"
    mtime = obj.stat().st_mtime_ns
    landing.ingest_landing(tmp_path, parse=fake_parse, now=T1)
    assert obj.stat().st_mtime_ns == mtime  # never rewritten


def test_first_seen_is_kept_across_runs_and_reruns_are_identical(tmp_path):
    put(tmp_path, "one.txt", "report year=2021")
    put(tmp_path, "bad.txt", "no year")
    first = landing.ingest_landing(tmp_path, parse=fake_parse, now=T0)
    index_bytes = landing.index_path(tmp_path).read_bytes()
    put(tmp_path, "two.txt", "report year=2020")
    put(tmp_path, "moved/one.txt", "report year=2021")  # same bytes, new path: same first_seen
    second = landing.ingest_landing(tmp_path, parse=fake_parse, now=T1)
    seen = {r["path"]: r["first_seen"] for r in second.index.to_pylist()}
    assert seen["one.txt"] == seen["moved/one.txt"] == seen["bad.txt"] == T0
    assert seen["two.txt"] == T1
    (tmp_path / "landing" / "two.txt").unlink()
    (tmp_path / "landing" / "moved" / "one.txt").unlink()
    landing.ingest_landing(tmp_path, parse=fake_parse, now=T1)
    assert landing.index_path(tmp_path).read_bytes() == index_bytes
    assert first.quarantine.num_rows == 1


def test_manifest_year_wins_and_fills_metadata(tmp_path):
    put(tmp_path, "batch/x.txt", "report year=2021")
    put(tmp_path, "batch/y.txt", "no year at all")
    put(
        tmp_path,
        "batch/manifest.csv",
        "file,url,agency,year,region\nx.txt,http://example.invalid/x,某某局,2019,浙江省\ny.txt,,,2018,\n",
    )
    result = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    index = rows(result.index)
    assert "batch/manifest.csv" not in index
    assert index["batch/x.txt"]["report_year"] == 2019
    assert index["batch/x.txt"]["year_source"] == "manifest"
    assert index["batch/x.txt"]["manifest_agency"] == "某某局"
    assert index["batch/x.txt"]["url"] == "http://example.invalid/x"
    assert index["batch/y.txt"]["status"] == "ok" and index["batch/y.txt"]["report_year"] == 2018


def test_real_parser_partitions_seeds_and_quarantines_garbage(tmp_path):
    (tmp_path / "landing").mkdir()
    for src in sorted(SEEDS.iterdir()):
        shutil.copyfile(src, tmp_path / "landing" / src.name)
    put(tmp_path, "garbage.bin", random.Random(1).randbytes(2048))
    result = landing.ingest_landing(tmp_path, max_year=2025, now=T0)
    assert result.years() == {2020: 1, 2021: 3, 2022: 1}
    assert rows(result.quarantine)["garbage.bin"]["code"] == "NOT_TEXT"
    inputs = list(landing.partition_inputs(tmp_path, 2020))
    assert [(rec["agency_name"], path) for rec, path, _row in inputs] == [
        ("池州市人民防空办公室", "002_987b09836dacbc77.txt")
    ]


def test_diff_landing_names_changed_years(tmp_path):
    put(tmp_path, "a.txt", "report year=2021")
    put(tmp_path, "b.txt", "report year=2020")
    diff = changes.diff_landing(tmp_path, {}, parse=fake_parse, max_year=2025)
    assert diff.years == {2020, 2021}
    state = diff.state
    assert changes.diff_landing(tmp_path, state, parse=fake_parse, max_year=2025).years == set()
    put(tmp_path, "a.txt", "report year=2019")  # the file now reports on another year
    diff = changes.diff_landing(tmp_path, state, parse=fake_parse, max_year=2025)
    assert diff.years == {2019, 2021} and diff.changed_paths == ["a.txt"]
    put(tmp_path, "c.txt", "nothing")
    diff = changes.diff_landing(tmp_path, diff.state, parse=fake_parse, max_year=2025)
    assert diff.years == set() and diff.unpartitioned == ["c.txt"]


@pytest.mark.parametrize("value,year", [("2021", 2021), (" 2019.0 ", 2019), ("", None), ("abc", None)])
def test_parse_year(value, year):
    assert landing.parse_year(value) == year
