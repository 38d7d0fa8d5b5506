"""Structural bounds on the numbers a report can hold: a figure outside them is null, with a finding.

A value printed as no one number (`1-20` in a cell of its own, a run of more than 15 digits) reaches
here as infinity from the solver and is nulled the same way, as `CELL_UNREADABLE`.

No report can print a negative count (only table 2's 本年增/减 `change` is signed) or a count of a
billion requests; such a figure is a misreading or a typing error in the report, and kept as a
number it would poison sums and rates and, worse, stop the gates for every other report. So the
value becomes `null` (what a reader of the page could not decide), the printed text stays in the
cell's `raw`, and a warning finding names the cells. The warehouse's count columns are sized for
any figure within these bounds (documented in docs/LAYERS.md).
"""

from __future__ import annotations

import math

from ..record import Record
from .findings import finding

MAX_COUNT = 10**9  # requests, cases, documents, decisions: no body handles a billion in a year
MAX_AMOUNT = 10**12  # money (table 2's fees and procurement amounts, in the unit printed)
SIGNED_MEASURES = frozenset({"change"})  # 本年增/减
AMOUNT_MEASURES = frozenset({"amount", "amount_10k_yuan"})


def _problem(table: str, measure: str, value: float) -> str | None:
    if not math.isfinite(value):
        return "CELL_UNREADABLE"  # printed as no one number: a range (1-20) or a run past 15 digits
    if value < 0 and not (table == "table2" and measure in SIGNED_MEASURES):
        return "NEGATIVE_COUNT"
    bound = MAX_AMOUNT if (table == "table2" and measure in AMOUNT_MEASURES) else MAX_COUNT
    if abs(value) >= bound:
        return "VALUE_OUT_OF_BOUNDS"
    return None


def enforce(rec: Record) -> list[dict]:
    """Null every out-of-bounds value of tables 2-4 (and its cell entry); one finding per table and code."""
    hits: dict[tuple[str, str], list[str]] = {}
    for table in ("table2", "table3", "table4"):
        data = rec[table]
        if not data:
            continue
        for row, columns in data.items():
            for column, value in columns.items():
                if value is None:
                    continue
                code = _problem(table, column, value)
                if code is not None:
                    columns[column] = None
                    hits.setdefault((table, code), []).append(f"{row}.{column}")
    if not hits:
        return []
    nulled = {(t, *key.split(".", 1)) for (t, _), keys in hits.items() for key in keys}
    for cell in rec["cells"]:
        if (cell["table"], cell["row"], cell["column"]) in nulled:
            cell["value"] = None
    out = []
    for (table, code), keys in hits.items():
        what = {
            "NEGATIVE_COUNT": "negative where only 本年增/减 may be",
            "CELL_UNREADABLE": "printed as no one number (a range such as 1-20, or more than 15 digits)",
        }.get(code, f"at or above the bound of {MAX_COUNT:.0e} (amounts {MAX_AMOUNT:.0e})")
        out.append(finding(code, f"{table}: {len(keys)} value(s) {what}; set to null, as printed in raw", table, keys))
    return out
