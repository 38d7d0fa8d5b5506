"""ingest.reference: the dbt seeds are generated from the parser's labels, and the committed CSV
files are exactly what the generator writes."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from ingest import reference
from ingest.parser import labels

SEEDS_DIR = ROOT / "dbt" / "seeds"
REGENERATE = "run `python -m ingest.reference write-seeds dbt/seeds`"


def differences(folder: Path) -> list[str]:
    """Seeds in `folder` that disagree with the generator: stale, missing or not generated at all."""
    tables = reference.reference_tables()
    out = []
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        if not path.exists():
            out.append(f"{path.name} missing")
        elif path.read_text(encoding="utf-8") != reference.seed_csv(rows):
            out.append(f"{path.name} stale")
    out += [f"{p.name} not generated" for p in sorted(folder.glob("*.csv")) if p.stem not in tables]
    return out


def test_dbt_seeds_match_labels():
    tables = reference.reference_tables()
    assert differences(SEEDS_DIR) == [], REGENERATE
    outcomes = {r["outcome"]: r for r in tables["outcomes"]}
    stages = {r["stage"] for r in tables["stages"]}
    assert set(outcomes) | stages == set(labels.T3_ROWS)
    assert stages == set(labels.T3_STAGE_ROWS)
    assert outcomes["other_total"]["outcome_group"] == "other"
    assert outcomes["other_total"]["generations"] == "2019"
    assert outcomes["other_other"]["generations"] == "2021"
    assert outcomes["granted"]["generations"] == "2019,2021"
    assert {r["outcome_group_zh"] for r in outcomes.values()} == set(labels.OUTCOME_GROUPS.values())
    assert [r["applicant_type"] for r in tables["applicant_types"]] == labels.T3_COLS
    assert [r["proceeding"] for r in tables["proceedings"]] == labels.T4_PROCS
    assert [r["result"] for r in tables["results"]] == labels.T4_RESULTS
    assert [r["item"] for r in tables["table2_items"]] == list(labels.TABLE2_ITEMS)
    assert [r["measure"] for r in tables["table2_measures"]] == list(labels.TABLE2_MEASURES)


def test_the_2021_other_rows_come_from_labels():
    """The leaves of (六)其他处理 printed by the 2021 format, and the one row of the 2019 format, are
    what the warehouse sums for other_processed: they must be labels' lists, not a copy."""
    outcomes = reference.reference_tables()["outcomes"]
    other = {r["outcome"]: r["generations"] for r in outcomes if r["outcome_group"] == "other"}
    assert {k for k, g in other.items() if g == "2021"} == set(labels.T3_ROWS_2021) - set(labels.T3_ROWS_2019)
    assert {k for k, g in other.items() if g == "2019"} == set(labels.T3_ROWS_2019) - set(labels.T3_ROWS_2021)


def test_a_changed_or_extra_seed_is_detected(tmp_path):
    reference.write_seeds(tmp_path)
    assert differences(tmp_path) == []
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace("其他处理", "其它处理"), encoding="utf-8")
    (tmp_path / "stray.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "results.csv").unlink()
    assert differences(tmp_path) == ["outcomes.csv stale", "results.csv missing", "stray.csv not generated"]


def test_seed_csv_is_plain_utf8_csv():
    rows = reference.reference_tables()["table2_measures"]
    text = reference.seed_csv(rows)
    assert text.endswith("\n") and "\r" not in text
    assert list(csv.DictReader(text.splitlines())) == [{k: str(v) for k, v in r.items()} for r in rows]


def test_every_seed_is_described_in_dbt():
    described = (SEEDS_DIR / "_seeds.yml").read_text(encoding="utf-8")
    for name in reference.reference_tables():
        assert f"- name: {name}\n" in described, name


def test_cli_writes_the_seeds(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ingest.reference", "write-seeds", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(Path(p).name for p in proc.stdout.split()) == sorted(f"{n}.csv" for n in reference.reference_tables())
    assert differences(tmp_path) == []
    usage = subprocess.run([sys.executable, "-m", "ingest.reference"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "write-seeds" in usage.stderr
