"""The landing folder is a boundary: links, special files, hostile manifests, budgets per file."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import time
from pathlib import Path

import pytest
from conftest import NO_YEAR_REPORT, SEEDS, fake_parse
from conftest import put_landing as put

from ingest import landing, parse_bytes
from ingest.workers import ParsePool

T0 = dt.datetime(2026, 1, 2, 3, 4, 5)


def statuses(result) -> dict[str, tuple[str, str | None]]:
    q = {r["path"]: r["code"] for r in result.quarantine.to_pylist()}
    return {r["path"]: (r["status"], q.get(r["path"])) for r in result.index.to_pylist()}


def test_links_are_never_followed_and_nothing_outside_is_stored(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("report year=2021 from outside the landing folder")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "r.txt").write_text("report year=2021 in a linked folder")
    put(tmp_path, "ok.txt", "report year=2021")
    os.symlink(outside, tmp_path / "landing" / "link.txt")
    os.symlink(tmp_path / "elsewhere", tmp_path / "landing" / "linked_dir")
    result = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    assert statuses(result) == {
        "ok.txt": ("ok", None),
        "link.txt": ("quarantined", "SYMLINK"),
        "linked_dir": ("quarantined", "SYMLINK"),
    }
    stored = {p.read_bytes() for p in (tmp_path / "raw" / "objects").rglob("*") if p.is_file()}
    assert stored == {b"report year=2021"}
    reason = next(r["reason"] for r in result.quarantine.to_pylist() if r["path"] == "link.txt")
    assert reason.startswith("link.txt: ") and "symbolic link" in reason


def test_a_fifo_is_quarantined_without_blocking(tmp_path):
    put(tmp_path, "ok.txt", "report year=2021")
    os.mkfifo(tmp_path / "landing" / "pipe.txt")
    done: list = []
    worker = threading.Thread(
        target=lambda: done.append(landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)),
        daemon=True,
    )
    worker.start()
    worker.join(30)
    assert done, "the raw step blocked on a FIFO"
    assert statuses(done[0])["pipe.txt"] == ("quarantined", "NOT_A_FILE")


def test_every_path_has_exactly_one_status(tmp_path):
    put(tmp_path, "a.txt", "report year=2021")
    put(tmp_path, ".DS_Store", b"\x00\x01")
    put(tmp_path, "sub/.hidden.txt", "report year=2021")
    put(tmp_path, "sub/b.txt", "report year=2020")
    result = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    got = statuses(result)
    assert got == {
        "a.txt": ("ok", None),
        ".DS_Store": ("quarantined", "HIDDEN_FILE"),
        "sub/.hidden.txt": ("quarantined", "HIDDEN_FILE"),
        "sub/b.txt": ("ok", None),
    }
    counts = result.counts()
    assert counts["landed"] == counts["ok"] + counts["duplicate"] + counts["quarantined"] == 4


@pytest.mark.parametrize(
    "manifest, finding",
    [
        ("file,year\na.txt,inf\n", "not a four-digit year"),
        ("file,year\na.txt,1e400\n", "not a four-digit year"),
        ("file,year\na.txt,-2021\n", "not a four-digit year"),
        ("file,url\na.txt," + "x" * 200_000 + "\n", ":2: row not read"),
        ("file,url\na.txt," + "x" * 20_000 + "\n", "over 8192 characters"),
        ("url,year\nhttp://x,2020\n", "no `file` or `path` column"),
        ("file,year\nmissing.txt,2020\n", "names no file"),
        ("file,year\n../../etc/passwd,2020\n", "leaves the landing folder"),
        ('file,year\n"a.txt,2020\n', ""),  # an unterminated quote: the row is lost, nothing raises
    ],
)
def test_hostile_manifests_give_findings_not_exceptions(tmp_path, manifest, finding):
    put(tmp_path, "a.txt", "report year=2021")
    put(tmp_path, "manifest.csv", manifest)
    result = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    row = next(r for r in result.index.to_pylist() if r["path"] == "a.txt")
    assert row["status"] == "ok" and row["report_year"] == 2021  # the parsed year, the bad row ignored
    if finding:
        assert any(finding in f and f.startswith("manifest.csv") for f in result.manifest_findings), (
            result.manifest_findings
        )


def test_the_first_file_seen_keeps_its_identity(tmp_path):
    put(tmp_path, "z/original.txt", "report year=2021")
    first = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    assert statuses(first)["z/original.txt"] == ("ok", None)
    put(tmp_path, "a/copy.txt", "report year=2021")  # sorts first, but arrives later
    second = landing.ingest_landing(tmp_path, parse=fake_parse, max_year=2025, now=T0)
    index = {r["path"]: r for r in second.index.to_pylist()}
    assert index["z/original.txt"]["status"] == "ok"
    assert index["a/copy.txt"]["status"] == "duplicate" and index["a/copy.txt"]["duplicate_of"] == "z/original.txt"


def test_records_are_stored_once_and_an_unchanged_rerun_parses_nothing(tmp_path):
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        put(tmp_path, seed.name, seed.read_bytes())
    first = landing.ingest_landing(tmp_path, max_year=2025, now=T0, workers=1)
    assert (first.parse.parsed, first.parse.reused) == (2, 0)
    sha = first.index.to_pylist()[0]["sha256"]
    stored = landing.load_record(tmp_path, sha)
    assert stored is not None and stored["report_id"] == sha
    assert landing.record_path(tmp_path, sha).stat().st_mode & 0o777 == 0o444
    second = landing.ingest_landing(tmp_path, max_year=2025, now=T0, workers=1)
    assert (second.parse.parsed, second.parse.reused, second.parse.summarized) == (0, 2, 2)  # no record read
    assert second.index.equals(first.index)
    year = first.index.to_pylist()[0]["report_year"]
    inputs = list(landing.partition_inputs(tmp_path, year))
    assert inputs and all(rec["report_id"] == row["sha256"] for rec, _path, row in inputs)


def _slow_html() -> bytes:
    # a 20,000-row table: seconds of work, far over the tiny budget the test gives it
    row = "<tr><td>本年新收政府信息公开申请数量</td>" + "<td>1</td>" * 7 + "</tr>"
    return ("<html><body><table>" + row * 20_000 + "</table></body></html>").encode()


def test_a_file_over_its_time_budget_is_stopped_and_the_rest_go_on(tmp_path):
    slow = tmp_path / "slow.html"
    slow.write_bytes(_slow_html())
    good = SEEDS / "001_14e0d869ad77c16d.txt"
    t0 = time.monotonic()
    with ParsePool(workers=2, timeout=0.5) as pool:
        out = dict(pool.parse_many([("slow", str(slow), "slow.html"), ("good", str(good), good.name)]))
    assert time.monotonic() - t0 < 30
    assert out["slow"].record is None and out["slow"].code == "PARSE_TIMEOUT"
    assert "slow.html" in out["slow"].reason and "0.5 s" in out["slow"].reason
    assert out["good"].record is not None and out["good"].record["table3"]["new_received"]["total"] == 6


def test_a_file_over_its_memory_budget_is_quarantined(tmp_path):
    big = tmp_path / "big.html"
    row = "<tr>" + "<td>行政许可</td>" * 50 + "</tr>"
    big.write_bytes(("<html><body><table>" + row * 20_000 + "</table></body></html>").encode())
    with ParsePool(workers=1, timeout=60, memory_mb=64) as pool:
        (_key, outcome), *_ = list(pool.parse_many([("big", str(big), "big.html")]))
        # the pool goes on after a dead worker
        again = list(pool.parse_many([("seed", str(SEEDS / "001_14e0d869ad77c16d.txt"), "seed.txt")]))
    assert outcome.record is None and outcome.code in ("PARSE_MEMORY", "PARSE_CRASH")
    assert "64 MB" in outcome.reason
    assert again[0][1].record is not None


def test_a_record_summary_classifies_as_the_record_does(tmp_path):
    """The raw step classifies a known object from its summary: same year, code and reason as from the
    whole record, for reports, non-reports and every quarantine reason the fuzz regressions carry."""
    files = [*sorted(SEEDS.glob("*.txt")), *sorted((Path(__file__).parent / "fixtures" / "fuzz").glob("*"))]
    inputs = [(f.name, f.read_bytes()) for f in files if f.is_file()]
    inputs += [
        ("garbage.bin", random.Random(3).randbytes(4096)),
        ("minutes.txt", "会议纪要\n本次会议讨论了办公用品采购事宜。\n".encode()),
        ("empty.txt", b""),
        ("no_year.txt", NO_YEAR_REPORT.encode()),
    ]
    codes = set()
    for name, data in inputs:
        record = parse_bytes(data, name)
        summary = landing.record_summary(record)
        assert len(json.dumps(summary, ensure_ascii=False)) < 2000
        for manifest in (None, {"year": 2020}):
            expected = landing.classify(name, record, manifest, 2025)
            assert landing.classify(name, summary, manifest, 2025) == expected, name
            codes.add(expected[2])
    assert None in codes and len(codes) >= 4  # both reports and quarantined files were compared
