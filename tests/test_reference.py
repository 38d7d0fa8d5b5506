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


def test_outcome_leaf_labels_are_the_rows_own_words():
    """dim_outcome has the printed label, the leaf's short label and the group's label, apart."""
    outcomes = {r["outcome"]: r for r in reference.reference_tables()["outcomes"]}
    assert outcomes["granted"]["leaf_label_zh"] == "予以公开"
    assert outcomes["denied_state_secret"]["leaf_label_zh"] == "属于国家秘密"
    assert outcomes["denied_state_secret"]["outcome_group_zh"] == "不予公开"
    assert outcomes["rejected_repeat"]["leaf_label_zh"] == "重复申请"
    assert outcomes["other_other"]["leaf_label_zh"] == "其他"
    assert outcomes["other_total"]["leaf_label_zh"] == "其他处理"
    for row in outcomes.values():
        leaf = row["leaf_label_zh"]
        assert leaf and row["label_zh"].endswith(leaf), row
        assert not leaf.startswith(("(", "1", "2", "3", "4", "5", "6", "7", "8")), row


def test_table2_crosswalk_covers_every_printed_measure_once():
    """Every item x measure a format's table 2 prints (the parser's layout) has one crosswalk row;
    only the pairs written in TABLE2_SHARED are comparable, and each names its counterpart."""
    rows = reference.table2_crosswalk()
    printed = {(item, m) for gen in labels.TABLE2_LAYOUT.values() for item, ms in gen.items() for m in ms}
    keys = [(r["item"], r["measure"]) for r in rows]
    assert len(keys) == len(set(keys)) and set(keys) == printed
    by_key = dict(zip(keys, rows, strict=True))
    for (item, measure), row in by_key.items():
        gens = {g for g, gen in labels.TABLE2_LAYOUT.items() if measure in gen.get(item, [])}
        assert row["generations"] == ",".join(sorted(gens))
        assert row["note"], (item, measure)
        assert row["is_comparable"] == str(bool(row["harmonised_measure"])).lower()
        if row["harmonised_measure"]:
            other = by_key[(item, row["counterpart_measure"])]  # the counterpart is printed too
            assert other["harmonised_measure"] == row["harmonised_measure"]
            assert {*row["generations"].split(","), *other["generations"].split(",")} == {"2019", "2021"}
            assert row["harmonised_label_zh"] == labels.TABLE2_MEASURES[row["harmonised_measure"]]
        else:
            assert not row["counterpart_measure"] and not row["harmonised_label_zh"]
    comparable = {k for k, r in by_key.items() if r["is_comparable"] == "true"}
    assert comparable == {
        ("rules", "made"),
        ("rules", "new_made"),
        ("normative_documents", "made"),
        ("normative_documents", "new_made"),
        ("licensing", "decisions"),
        ("penalty", "decisions"),
        ("coercion", "decisions"),
    }
    # fees: a count of items in 2019, an amount in 万元 in 2021; never harmonised
    fees = {m: r for (i, m), r in by_key.items() if i == "fees"}
    assert set(fees) == {"prior_year_items", "change", "amount_10k_yuan"}
    assert all(r["is_comparable"] == "false" for r in fees.values())
    assert "万元" in fees["amount_10k_yuan"]["note"] and "count" in fees["amount_10k_yuan"]["note"]
