"""What PDF text tools print for a report PDF, read back from its paged layout (`paged.Page`):

- layout_text: `pdftotext -layout`: runs placed at columns proportional to their x (at least one
  space apart), lines by baseline, blank lines for vertical gaps, a form feed after every page, so
  page numbers land between table rows, a vertical group label prints one character per line among
  the rows, wrapped labels put their numbers on their middle line or on a line of their own.
- reading_order: a reading-order dump (one text run per line, in content order), except that the
  converter read some blocks of table rows column by column before their labels, and table 2's
  values before their labels.
- one_line: a page flattened into ONE line: every run glued to the next, tables to the prose, a
  label to the digits on both sides, table 4's fifteen cells one digit run.
"""

from __future__ import annotations

import random

from ingest.parser import labels as L

from ..glued import num_tokens_splits, t3_row_splits, t4_run_splits
from ..layouts import fmt_num
from .paged import Item, Page

# pdftotext -layout (poppler 22), as measured on these PDFs: a column is about 0.78 em of the line's
# font, runs whose baselines are closer than SAME_LINE em share a line, and a gap between baselines
# of g em prints int(g - BLANK_OFFSET) blank lines, at most MAX_BLANKS.
PITCH_FACTOR = 0.78
SAME_LINE = 0.5
BLANK_OFFSET = 1.05
MAX_BLANKS = 4


def _lines(items: list[Item]) -> list[list[Item]]:
    """Runs grouped into printed lines by baseline (top to bottom), each sorted left to right."""
    out: list[list[Item]] = []
    for it in sorted(items, key=lambda i: (i.y, i.x)):
        if out and abs(out[-1][0].y - it.y) <= SAME_LINE * min(it.size, out[-1][0].size):
            out[-1].append(it)
        else:
            out.append([it])
    return [sorted(ln, key=lambda i: i.x) for ln in out]


def page_layout_text(page: Page) -> str:
    items = [it for it in page.items if it.text]
    if not items:
        return ""
    x0 = min(it.x for it in items)
    out: list[str] = []
    prev: list[Item] | None = None
    for ln in _lines(items):
        if prev is not None:
            ratio = (ln[0].y - prev[0].y) / max(i.size for i in prev)
            out.extend([""] * min(MAX_BLANKS, max(0, int(ratio - BLANK_OFFSET))))
        pitch = PITCH_FACTOR * max(it.size for it in ln)
        s = ""
        end_x = None
        for it in ln:
            text = it.text.replace(" ", "") if it.role == "pageno" else it.text  # "— 4 —" prints as "—4—"
            gap = it.x - end_x if end_x is not None else None
            if gap is not None and gap < it.size * 0.12:
                s += text  # touching runs print as one word
            elif gap is not None and gap < it.size * 0.6:
                s += " " + text  # a narrow gap (Word's space between Chinese and digits): one space
            else:
                col = max(0, round((it.x - x0) / pitch))
                if s and col < len(s) + 1:
                    col = len(s) + 1
                s = s.ljust(col) + text
            end_x = it.x + it.width
        out.append(s.rstrip())
        prev = ln
    return "\n".join(out)


def layout_text(pages: list[Page], rng: random.Random, meta: dict) -> str:
    return "".join(page_layout_text(p) + "\n\f" for p in pages)


# ---------------------------------------------------------------------------------------------------
def _cell_groups(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """Consecutive runs of one page as ("prose", [items]) and ("table", [items of one table])."""
    out: list[tuple[str, list[Item]]] = []
    for it in items:
        kind = f"table:{it.tindex}" if it.role == "cell" else "prose"
        if out and out[-1][0] == kind:
            out[-1][1].append(it)
        else:
            out.append((kind, [it]))
    return out


def _rows(items: list[Item]) -> list[list[Item]]:
    """A table's runs on one page, grouped by the grid row their cell starts in (in drawing order)."""
    rows: dict[int, list[Item]] = {}
    for it in items:
        rows.setdefault(it.row, []).append(it)
    return [rows[r] for r in rows]


def reading_order(doc, pages: list[Page], rng: random.Random, meta: dict) -> str:
    """One run per line in content order; some row blocks column by column before their labels."""
    col_first_p = rng.choice([0.3, 0.6, 1.0])
    t2_values_first = rng.random() < 0.8
    page_breaks = rng.choice(["\n", "\n\n", "\f"])
    blocks_done = 0
    out_pages: list[str] = []
    for p in pages:
        lines: list[str] = []
        for kind, items in _cell_groups(p.items):
            if kind == "prose":
                lines.extend(_join_runs(items))
                continue
            table = items[0].table
            rows = _rows(items)
            if table == "table2" and t2_values_first:
                for row in rows:
                    vals = [i for i in row if i.kind == "value"]
                    labs = [i for i in row if i.kind != "value"]
                    lines.extend(i.text for i in vals + labs)
                continue
            if table == "table3":
                i = 0
                while i < len(rows):
                    # a block: rows whose labels sit in one merged group cell, or a run of plain rows
                    j = i + 1
                    while j < len(rows) and j - i < 8 and _has_values(rows[j]) and _has_values(rows[i]):
                        j += 1
                    block = rows[i:j]
                    if len(block) >= 2 and all(_has_values(r) for r in block) and rng.random() < col_first_p:
                        blocks_done += 1
                        vals = [[it for it in r if it.kind == "value"] for r in block]
                        ncol = max(len(v) for v in vals)
                        for c in range(ncol):
                            lines.extend(v[c].text for v in vals if c < len(v))
                        for r in block:
                            lines.extend(it.text for it in r if it.kind != "value")
                    else:
                        for r in block:
                            lines.extend(it.text for it in r)
                    i = j
                continue
            lines.extend(it.text for it in items)
        out_pages.append("\n".join(lines))
    if blocks_done:
        meta["variations"].append(f"t3_blocks_column_first:{blocks_done}")
    if t2_values_first:
        meta["variations"].append("t2_values_before_labels")
    meta["variations"].append("page_break:" + {"\n": "none", "\n\n": "blank_line", "\f": "form_feed"}[page_breaks])
    return page_breaks.join(out_pages) + "\n"


def _has_values(row: list[Item]) -> bool:
    return any(i.kind == "value" for i in row)


def _join_runs(items: list[Item]) -> list[str]:
    """Prose runs of one printed line joined (a reading-order dump prints a line per text line)."""
    out: list[str] = []
    key = None
    for it in items:
        k = (it.block, it.line, it.role)
        if out and k == key:
            out[-1] += it.text
        else:
            out.append(it.text)
        key = k
    return out


# ---------------------------------------------------------------------------------------------------
def one_line(doc, pages: list[Page], rng: random.Random, meta: dict) -> str:
    """Each page flattened into one line with no separator at all between runs."""
    pages_out = ["".join(it.text for it in p.items) for p in pages]
    _glued_ambiguity(doc.truth, meta)
    return "\n".join(pages_out) + "\n"


def _glued_ambiguity(truth: dict, meta: dict) -> None:
    """Rows whose glued digits allow another reading (or none) under the table's arithmetic."""
    amb = meta["glued_ambiguous"]
    t2, t3, t4 = truth.get("table2"), truth.get("table3"), truth.get("table4")
    if t2:
        for item, ms in t2.items():
            kinds = ["neg" if m == "change" else ("dec" if m in ("amount", "amount_10k_yuan") else "int") for m in ms]
            s = "".join(fmt_num(v) for v in ms.values())
            if len(ms) > 1 and num_tokens_splits(s, kinds) != 1:
                amb.append(["table2", item])
    if t3:
        for r, row in t3.items():
            if len(t3_row_splits("".join(str(row[c]) for c in L.T3_COLS))) != 1:
                amb.append(["table3", r])
    if t4:
        run = "".join(str(t4[p][r]) for p in L.T4_PROCS for r in L.T4_RESULTS)
        sols = t4_run_splits(run)
        want = [t4[p][r] for p in L.T4_PROCS for r in L.T4_RESULTS]
        for gi, p in enumerate(L.T4_PROCS):
            vals = {tuple(s[gi * 5 : (gi + 1) * 5]) for s in sols}
            if not sols or len(vals) != 1 or next(iter(vals)) != tuple(want[gi * 5 : (gi + 1) * 5]):
                amb.append(["table4", p])
