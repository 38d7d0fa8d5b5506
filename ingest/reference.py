"""Reference data for the warehouse: the dbt seeds, generated from the parser's labels.

`ingest.parser.labels` is the one home of every canonical key and its Chinese label. The dbt seeds
(`dbt/seeds/*.csv`) are a copy of it for SQL: the mart dimensions (dim_applicant_type, dim_outcome,
dim_stage, dim_proceeding, dim_result, dim_table2_item, dim_table2_measure) are built from them, and
the facts take their key lists (stages, outcome groups, litigation proceedings) from those dims.
The table-2 crosswalk between the 2019 and 2021 formats (dim_table2_crosswalk) is written here, over
the labels' table-2 layout: which measures mean the same in both, and why the others cannot be
harmonised.

    python -m ingest.reference write-seeds dbt/seeds

rewrites the CSV files; tests/test_reference.py fails when the committed files and this module
disagree. Pure Python, no Dagster.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from pathlib import Path

from .parser import labels

# --- table 2 across the two format generations (spec "Table 2") --------------------------------
# (item, 2019 measure, 2021 measure): the same count in both formats. The 2021 key is the
# harmonised one. Everything else one format prints has no counterpart in the other (notes below).
TABLE2_SHARED: list[tuple[str, str, str]] = [
    ("rules", "new_made", "made"),  # 本年新制作数量 / 本年制发件数: documents made in the year
    ("normative_documents", "new_made", "made"),
    ("licensing", "decisions", "decisions"),  # 处理决定数量 / 本年处理决定数量: decisions in the year
    ("penalty", "decisions", "decisions"),
    ("coercion", "decisions", "decisions"),
]
TABLE2_SHARED_NOTES: dict[str, str] = {
    "made": "Documents made (issued) in the year: 2019 本年新制作数量 and 2021 本年制发件数 count the same.",
    "decisions": "Decisions taken in the year: 2019 处理决定数量 and 2021 本年处理决定数量 count the same.",
}
# Why a measure has no counterpart, by measure; (item, measure) where the item changes the reason.
TABLE2_UNSHARED_NOTES: dict[str | tuple[str, str], str] = {
    "repealed": "Documents repealed in the year: the 2019 format does not count repeals.",
    "in_force": (
        "Documents in force at the end of the year (a stock). Not the 2019 total_published (对外公开总数量), "
        "which counts every document ever published, repealed ones included."
    ),
    "new_published": (
        "Documents published in the year, whenever made: the 2021 format counts documents made (made), not published."
    ),
    "total_published": (
        "Every document ever published (cumulative, repealed ones included). Not the 2021 in_force stock."
    ),
    "prior_year_items": (
        "Items in the body's catalogue at the end of the year before: the 2021 format dropped catalogue counts."
    ),
    "change": "Change of the catalogue in the year (本年增/减): the 2021 format dropped catalogue counts.",
    ("other_services", "decisions"): (
        "Decisions on other external management services: the item is not in the 2021 format."
    ),
    ("other_services", "prior_year_items"): (
        "Catalogue items of other external management services: the item is not in the 2021 format."
    ),
    ("other_services", "change"): "Change of that catalogue: the item is not in the 2021 format.",
    ("fees", "prior_year_items"): (
        "Fee items (a count) at the end of the year before. The 2021 format reports the amount collected "
        "(amount_10k_yuan, 万元): a count of items and an amount of money cannot be harmonised."
    ),
    ("fees", "change"): (
        "Change in the number of fee items (a count). The 2021 format reports the amount collected in 万元 "
        "instead: not comparable."
    ),
    ("fees", "amount_10k_yuan"): (
        "Fees collected in the year, in 万元 (10,000 yuan). The 2019 format counts fee items "
        "(prior_year_items, change), not money: a count and an amount cannot be harmonised."
    ),
    "items": "Centralised procurement projects: the item is not in the 2021 format.",
    "amount": (
        "Centralised procurement total, in the unit the report printed (元 or 万元, not normalised): "
        "the item is not in the 2021 format."
    ),
}


def outcome_leaf_label(label: str) -> str:
    """The short label of a table-3 outcome row: its leaf without the group or the numbering
    ('(三)不予公开 1.属于国家秘密' -> '属于国家秘密', '(一)予以公开' -> '予以公开')."""
    leaf = label.split(" ", 1)[-1]
    return re.sub(r"^(?:\([一二三四五六七八九十]+\)|\d+\.)", "", leaf)


def table2_crosswalk() -> list[dict]:
    """One row per (item, measure) that either format prints, in the layout's order: its
    generations, the harmonised measure and its counterpart when the meaning is shared, and a note."""
    layout = labels.TABLE2_LAYOUT
    shared: dict[tuple[str, str], tuple[str, str]] = {}
    for item, m2019, m2021 in TABLE2_SHARED:
        shared[(item, m2019)] = (m2021, m2021)
        shared[(item, m2021)] = (m2021, m2019)
    pairs: list[tuple[str, str]] = []
    for item in labels.TABLE2_ITEMS:
        for measure in labels.TABLE2_MEASURES:
            if any(measure in gen.get(item, []) for gen in layout.values()) and (item, measure) not in pairs:
                pairs.append((item, measure))
    rows = []
    for i, (item, measure) in enumerate(pairs, start=1):
        generations = ",".join(sorted(g for g, gen in layout.items() if measure in gen.get(item, [])))
        harmonised, counterpart = shared.get((item, measure), (None, None))
        note = (
            TABLE2_SHARED_NOTES[harmonised]
            if harmonised
            else TABLE2_UNSHARED_NOTES.get((item, measure)) or TABLE2_UNSHARED_NOTES[measure]
        )
        rows.append(
            {
                "item": item,
                "measure": measure,
                "generations": generations,
                "harmonised_measure": harmonised or "",
                "harmonised_label_zh": labels.TABLE2_MEASURES[harmonised] if harmonised else "",
                "counterpart_measure": counterpart or "",
                "is_comparable": str(harmonised is not None).lower(),
                "note": note,
                "sort_order": i,
            }
        )
    return rows


def reference_tables() -> dict[str, list[dict]]:
    """Rows of the dbt seeds (seed name -> rows), from `ingest.parser.labels`."""
    applicant_types = [
        {
            "applicant_type": k,
            "label_zh": v,
            "is_organisation": str(k not in ("natural_person", "total")).lower(),
            "sort_order": i,
        }
        for i, (k, v) in enumerate(labels.TABLE3_COLUMNS.items(), start=1)
    ]
    outcome_rows = {"2019": labels.T3_OUTCOME_ROWS_2019, "2021": labels.T3_OUTCOME_ROWS_2021}
    outcomes = []
    stages = []
    for i, (k, (label, group)) in enumerate(labels.TABLE3_ROWS.items(), start=1):
        if group == "stage":
            stages.append({"stage": k, "label_zh": label, "sort_order": i})
            continue
        outcomes.append(
            {
                "outcome": k,
                "label_zh": label,
                "leaf_label_zh": outcome_leaf_label(label),
                "outcome_group": group,
                "outcome_group_zh": labels.OUTCOME_GROUPS[group],
                "generations": ",".join(g for g, rows in outcome_rows.items() if k in rows),
                "sort_order": i,
            }
        )
    proceedings = [
        {"proceeding": k, "label_zh": v, "is_litigation": str(k != "reconsideration").lower(), "sort_order": i}
        for i, (k, v) in enumerate(labels.TABLE4_PROCEEDINGS.items(), start=1)
    ]
    results = [
        {"result": k, "label_zh": v, "sort_order": i} for i, (k, v) in enumerate(labels.TABLE4_RESULTS.items(), start=1)
    ]
    items = [
        {"item": k, "label_zh": v, "sort_order": i} for i, (k, v) in enumerate(labels.TABLE2_ITEMS.items(), start=1)
    ]
    measures = []
    for i, (k, v) in enumerate(labels.TABLE2_MEASURES.items(), start=1):
        gens = [g for g, layout in labels.TABLE2_LAYOUT.items() if any(k in m for m in layout.values())]
        measures.append({"measure": k, "label_zh": v, "generations": ",".join(sorted(gens)), "sort_order": i})
    return {
        "applicant_types": applicant_types,
        "outcomes": outcomes,
        "stages": stages,
        "proceedings": proceedings,
        "results": results,
        "table2_items": items,
        "table2_measures": measures,
        "table2_crosswalk": table2_crosswalk(),
    }


def seed_csv(rows: list[dict]) -> str:
    """CSV text of one seed (header from the first row, `\\n` line ends, UTF-8)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_seeds(folder: str | os.PathLike) -> list[Path]:
    """Write every seed as `<folder>/<name>.csv`; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in reference_tables().items():
        path = folder / f"{name}.csv"
        path.write_text(seed_csv(rows), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "write-seeds":
        for path in write_seeds(argv[1]):
            print(path)
        return 0
    print("usage: python -m ingest.reference write-seeds DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
