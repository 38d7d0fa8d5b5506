"""Reference data for the warehouse: the dbt seeds, generated from the parser's labels.

`ingest.parser.labels` is the one home of every canonical key and its Chinese label. The dbt seeds
(`dbt/seeds/*.csv`) are a copy of it for SQL: the mart dimensions (dim_applicant_type, dim_outcome,
dim_stage, dim_proceeding, dim_result, dim_table2_item, dim_table2_measure) are built from them, and
the facts take their key lists (stages, outcome groups, litigation proceedings) from those dims.

    python -m ingest.reference write-seeds dbt/seeds

rewrites the CSV files; tests/test_reference.py fails when the committed files and this module
disagree. Pure Python, no Dagster.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

from .parser import labels


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
