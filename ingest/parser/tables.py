"""Token stream -> tables 2, 3 and 4 with the provenance of every cell.

The extractors do not rely on a table's header lining up with its rows (real pages break that all
the time): a row is a run of label tokens followed by a run of values, the row's key comes from the
labels (through `ingest.labels`), and the values are taken in the canonical column order. When the
separators between values were lost, the digits are split with the arithmetic the table obeys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import labels as L
from .findings import finding
from .solver import Values, read_values, t3_check, t4_check
from .tokens import EMPTY, LABEL, NUM, Token


@dataclass
class CellOut:
    table: str
    row: str
    column: str
    value: float | int | None
    raw: str
    empty: bool
    loc: dict


@dataclass
class Extracted:
    table: dict | None
    cells: list[CellOut] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    layout: str | None = None


# ------------------------------------------------------------------------------------------------
# Regions


def split_regions(tokens: list[Token]) -> dict[str, list[Token]]:
    regions: dict[str, list[Token]] = {"t2": [], "t3": [], "t4": []}
    cur: str | None = None
    seen: set[str] = set()
    for t in tokens:
        if t.kind == LABEL:
            hit = None
            for name, rx in L.HEADINGS:
                if rx.search(t.text):
                    hit = name
                    break
            if hit is None:
                for name, rx in L.ANCHORS:
                    if name not in seen and name != cur and rx.search(t.text):
                        hit = name
                        break
            if hit is not None:
                cur = None if hit == "end" else hit
                if cur:
                    seen.add(cur)
                continue
        if cur is not None:
            regions[cur].append(t)
    return regions


def _runs(tokens: list[Token]):
    """Yield (labels, values) pairs: a run of labels followed by a run of num/empty tokens."""
    labels: list[Token] = []
    values: list[Token] = []
    for t in tokens:
        if t.kind == LABEL:
            if values:
                yield labels, values
                labels, values = [], []
            labels.append(t)
        else:
            values.append(t)
    if labels or values:
        yield labels, values


def _layout(tokens: list[Token]) -> str:
    if not tokens:
        return "none"
    t = tokens[0]
    if t.src == "html" and t.table is not None:
        return "html_table"
    return "text"


def _cells_out(table: str, keys: list[tuple[str, str]], v: Values) -> list[CellOut]:
    """One CellOut per value read; `keys` gives the (row, column) of each value position."""
    out = []
    for i, (row, col) in enumerate(keys):
        val = v.values[i]
        if val is None:
            continue
        tok = v.tokens[i] if i < len(v.tokens) else None
        loc = (
            tok.loc()
            if tok is not None
            else {"src": None, "src_table": None, "src_row": None, "src_col": None, "src_line": None}
        )
        out.append(CellOut(table, row, col, val, tok.text if tok is not None else "", i in v.empties, loc))
    return out


def _value_issues(table: str, what: str, keys: list[tuple[str, str]], v: Values) -> list[dict]:
    """Findings about how the values of one row (`what`) were read; keys as in _cells_out."""
    names = [f"{r}.{c}" for r, c in keys]
    out = []
    if v.empties:
        cells = [names[i] for i in v.empties]
        out.append(
            finding("CELL_EMPTY", f"{table} {what}: {len(cells)} cell(s) printed empty, read as 0", table, cells)
        )
    if v.glued == "unique":
        out.append(
            finding(
                "GLUED_SPLIT",
                f"{table} {what}: separators between numbers were lost; the only split that "
                f"satisfies the table's arithmetic was used",
                table,
                names,
            )
        )
    elif v.glued == "ambiguous":
        used = "the first of them was used" if v.values[0] is not None else "the cells are left empty (null)"
        out.append(
            finding(
                "GLUED_AMBIGUOUS",
                f"{table} {what}: separators between numbers were lost and {v.alternatives} "
                f"different splits are possible; {used}",
                table,
                names,
            )
        )
    if v.short:
        miss = [names[i] for i, x in enumerate(v.values) if x is None]
        if miss:
            out.append(
                finding(
                    "CELL_UNREADABLE",
                    f"{table} {what}: {len(miss)} of {len(keys)} cells could not be read",
                    table,
                    miss,
                )
            )
    if v.extra:
        out.append(
            finding(
                "EXTRA_VALUES",
                f"{table} {what}: {v.extra} more value(s) than columns; the first {len(keys)} were used",
                table,
                names,
            )
        )
    return out


# ------------------------------------------------------------------------------------------------
# Table 3


def _t3_key(labels: list[Token], group: str | None) -> tuple[str | None, str | None, bool]:
    """(row key, new group, whether the last label was a bare group label)."""
    key = None
    bare_group = False
    for t in labels:
        lab = L.clean(t.text)
        m = L.GROUP_PREFIX.match(lab)
        rest = lab
        if m and m.end() > 0:
            if m.group("g"):
                group = L.GROUP_BY_WORD[m.group("g")]
            elif re.match(r"^(?:三[、.]?)?本年度?办理结果", lab):
                group = None
            rest = lab[m.end() :]
        else:
            m2 = L.GROUP_WORD_ONLY.match(lab)
            if m2 and (len(lab) == len(m2.group("g")) or not L.match_t3_row(lab, None)):
                group = L.GROUP_BY_WORD[m2.group("g")]
                rest = lab[m2.end() :]
        if not rest:
            bare_group = bool(m and m.group("g")) or bool(L.GROUP_WORD_ONLY.match(lab))
            continue
        bare_group = False
        k = L.match_t3_row(rest, group)
        if k is not None:
            key = k
            if k in (
                "new_received",
                "carried_over",
                "total_processed",
                "carried_forward",
                "granted",
                "partially_granted",
            ):
                group = None
    return key, group, bare_group


def extract_t3(tokens: list[Token]) -> Extracted:
    cols = L.T3_COLS
    table: dict[str, dict] = {}
    cells: list[CellOut] = []
    issues: list[dict] = []
    group: str | None = None
    glued = False
    dupes: dict[str, int] = {}
    for labs, vals in _runs(tokens):
        key, group, bare_group = _t3_key(labs, group)
        if not vals or (not any(t.kind == NUM for t in vals) and not labs):
            continue
        if bare_group and group == "other":
            key = "other_total"
        if key is None:
            continue
        if not any(t.kind == NUM for t in vals):
            # a row printed all empty means zeros; a header cell (合计) followed by blank cells does not
            header_like = key == "total_processed" and not any("七" in t.text for t in labs)
            if header_like or len(vals) < 7:
                continue
        v = read_values(vals, 7, t3_check)
        if key in table:
            dupes[key] = dupes.get(key, 0) + 1
            continue
        glued = glued or v.glued is not None
        table[key] = dict(zip(cols, v.values))
        keys = [(key, c) for c in cols]
        cells.extend(_cells_out("table3", keys, v))
        issues.extend(_value_issues("table3", key, keys, v))
    if not table:
        return Extracted(None)
    if dupes:
        issues.append(
            finding(
                "T3_DUPLICATE_ROW",
                "table3: rows printed more than once (the first reading is kept): "
                + ", ".join(f"{k} ×{n + 1}" for k, n in dupes.items()),
                "table3",
                [f"{k}.total" for k in dupes],
            )
        )
    layout = "glued" if glued else _layout(tokens)
    return Extracted(table, cells, issues, layout)


def complete_t3(table: dict, fmt: str | None) -> tuple[dict, list[dict]]:
    """Canonical row order for the format; rows the page lacks are null, with a warning."""
    rows = L.T3_ROWS_2019 if fmt == "2019" else L.T3_ROWS_2021
    if fmt is None:
        rows = (
            L.T3_ROWS_2019
            if "other_total" in table
            and not any(k in table for k in ("other_no_correction", "other_unpaid_fee", "other_other"))
            else L.T3_ROWS_2021
        )
    out: dict = {}
    missing = []
    for k in rows:
        if k in table:
            out[k] = table[k]
        else:
            out[k] = {c: None for c in L.T3_COLS}
            missing.append(k)
    for k in table:
        if k not in out:
            out[k] = table[k]
    issues = []
    if missing:
        issues.append(
            finding(
                "T3_ROW_MISSING",
                f"table3: {len(missing)} row(s) of the {fmt or '2021'} format not found: " + ", ".join(missing),
                "table3",
                [f"{k}.total" for k in missing],
            )
        )
    return out, issues


# ------------------------------------------------------------------------------------------------
# Table 4


def extract_t4(tokens: list[Token]) -> Extracted:
    order: list[str] = []
    last_header = -1
    for i, t in enumerate(tokens):
        if t.kind != LABEL:
            continue
        lab = L.clean(t.text)
        r = L.match("t4_result", lab)
        if r is not None:
            order.append(r)
            last_header = i
        elif L.match("t4_proc", lab) is not None or "行政诉讼" in lab:
            last_header = i
    has_header = bool(order) or any(t.kind == LABEL and ("维持" in t.text or "审结" in t.text) for t in tokens)
    if last_header < 0 or not has_header:
        return Extracted(None)
    res_order = L.T4_RESULTS
    if len(order) >= 5 and sorted(order[:5]) == sorted(L.T4_RESULTS) and order[:5] != L.T4_RESULTS:
        res_order = order[:5]
    # padding cells on the header's own lines/rows are not values
    header_lines = {(t.table, t.row, t.line) for t in tokens[: last_header + 1] if t.kind == LABEL}
    run: list[Token] = []
    for t in tokens[last_header + 1 :]:
        if t.kind == EMPTY and (t.table, t.row, t.line) in header_lines:
            continue
        if t.kind == LABEL:
            # a label after a full row ends the table, unless it names the next proceeding's row
            # (a table printed one proceeding per row)
            if sum(1 for x in run if x.kind == NUM) >= 15 and L.match("t4_proc", L.clean(t.text)) is None:
                break
            continue
        run.append(t)
    if not any(t.kind == NUM for t in run) and len(run) < 15:
        return Extracted(None)  # the header without its row of numbers: the table was lost
    check, partial = t4_check(res_order)
    v = read_values(run, 15, check, partial)
    keys = [(p, r) for p in L.T4_PROCS for r in res_order]
    table = {p: {r: None for r in L.T4_RESULTS} for p in L.T4_PROCS}
    for (p, r), val in zip(keys, v.values):
        table[p][r] = val
    cells = _cells_out("table4", keys, v)
    issues = _value_issues("table4", "row of 15 values", keys, v)
    layout = "glued" if v.glued else _layout(run)
    return Extracted(table, cells, issues, layout)


# ------------------------------------------------------------------------------------------------
# Table 2


def extract_t2(tokens: list[Token], fmt_hint: str | None) -> Extracted:
    table: dict[str, dict] = {}
    cells: list[CellOut] = []
    issues: list[dict] = []
    header: list[str] = []
    header_open = False
    item: str | None = None
    vals: list[Token] = []

    def finish():
        nonlocal item, vals
        if item is None:
            return
        measures = (
            header or L.TABLE2_LAYOUT.get(fmt_hint or "2021", {}).get(item) or L.TABLE2_LAYOUT["2019"].get(item, [])
        )
        # a row printed all empty is zeros; only `change` (本年增/减) may be negative
        if measures and (any(t.kind == NUM for t in vals) or len(vals) >= len(measures)) and item not in table:
            signed = [i for i, m in enumerate(measures) if m == "change"]

            def check(v):
                return all(x >= 0 for i, x in enumerate(v) if i not in signed)

            v = read_values(vals, len(measures), check)
            table[item] = dict(zip(measures, v.values))
            keys = [(item, m) for m in measures]
            cells.extend(_cells_out("table2", keys, v))
            issues.extend(_value_issues("table2", item, keys, v))
        item, vals = None, []

    for t in tokens:
        if t.kind == LABEL:
            lab = L.clean(t.text)
            ms = L.find_all("t2_measure", lab)
            if ms:
                finish()
                if not header_open:
                    header = []
                    header_open = True
                header.extend(m for m in ms if m not in header)
                continue
            header_open = False
            it = L.match("t2_item", lab)
            if it is not None:
                finish()
                item = it
                continue
            if lab.startswith("第二十条") or lab == "信息内容":
                finish()
                if lab.startswith("第二十条"):
                    header = []
                continue
            finish()
        else:
            header_open = False if t.kind == NUM else header_open
            if item is not None:
                vals.append(t)
    finish()
    if not table:
        return Extracted(None)
    return Extracted(table, cells, issues, _layout(tokens))
