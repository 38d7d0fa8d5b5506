"""Markdown as PDF converters write it: paragraphs reflowed (but cut at page breaks), headings as
`##` or bold, and the tables shredded: pipe tables with placeholder headers (`数据1 … 数据N`), a
table continued after a page break under a header that belongs to another table, rows whose label
was stripped out of the table and printed as a loose line (sometimes before the previous row), merged
cells as empty cells or repeated text."""

from __future__ import annotations

import random

from ..layouts import Cell
from .paged import Page, expand


def _rows_by_page(pages: list[Page]) -> dict[int, list[int]]:
    """tindex -> the first grid row of each page the table is on (its page breaks)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for p in pages:
        for it in p.items:
            if it.role == "cell" and not it.repeat:
                out.setdefault(it.tindex, []).append((p.number, it.row))
    breaks: dict[int, list[int]] = {}
    for t, pr in out.items():
        firsts: dict[int, int] = {}
        for pg, r in pr:
            firsts[pg] = min(firsts.get(pg, r), r)
        breaks[t] = sorted(firsts.values())[1:]
    return breaks


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ").strip()


class _Shredder:
    def __init__(self, rng: random.Random, meta: dict):
        self.rng = rng
        self.meta = meta
        r = rng.random
        self.placeholder_p = rng.choice([0.0, 0.5, 1.0])
        self.strip_p = rng.choice([0.0, 0.1, 0.25])
        self.before_prev_p = 0.35
        self.merged = rng.choice(["empty", "repeat"])
        self.join_labels = r() < 0.5  # table 3's three label columns as one
        self.headers: list[list[str]] = []  # headers seen so far (one may be reused by another table)
        self.stripped = 0
        self.before_prev = 0
        self.foreign = 0
        self.placeholders = 0

    def grid_text(self, grid: list[list[Cell]], table: str) -> tuple[list[list[str]], int]:
        """The grid as rows of strings (merged cells empty or repeated) and the number of label
        columns (table 3's three label columns may be joined into one)."""
        origins, owner, nrows, ncols = expand(grid)
        rows = [["" for _ in range(ncols)] for _ in range(nrows)]
        for i, (c, r0, c0) in enumerate(origins):
            txt = "" if c.empty else " ".join(c.parts) if self.rng.random() < 0.5 else c.text
            for (r, k), j in owner.items():
                if j != i:
                    continue
                if (r, k) == (r0, c0) or (self.merged == "repeat" and c.kind != "value"):
                    rows[r][k] = txt
        nlab = 1
        if table == "table3":
            nlab = 3
            if self.join_labels:
                joined = []
                for row in rows:
                    labs = []
                    for x in row[:3]:
                        if x and x not in labs:
                            labs.append(x)
                    joined.append([" ".join(labs)] + row[3:])
                rows, nlab = joined, 1
        return rows, nlab

    def header(self, width: int, own: list[str] | None) -> list[str]:
        r = self.rng.random()
        if self.headers and r < 0.25:
            other = self.rng.choice(self.headers)
            if other != own:
                self.foreign += 1
                return (other + [""] * width)[:width]
        if own is None or r < self.placeholder_p:
            self.placeholders += 1
            return [f"数据{i + 1}" for i in range(width)]
        return own

    def table(self, tb, breaks: list[int]) -> list[str]:
        rows, nlab = self.grid_text(tb.grid, tb.table)
        width = len(rows[0]) if rows else 0
        hdr_n = {"table2": 1, "table3": 3, "table4": 2}[tb.table]
        own = rows[0]
        out: list[str] = []
        segments: list[list[int]] = [[]]
        for r in range(len(rows)):
            if r in breaks and segments[-1]:
                segments.append([])
            segments[-1].append(r)
        for si, seg in enumerate(segments):
            header = self.header(width, own if si == 0 else None)
            if si == 0 and header == own:
                seg = seg[1:]
            block: list[list[str]] = []
            loose: list[tuple[int, str]] = []  # (position in block, label) printed outside the table
            for r in seg:
                row = list(rows[r])
                label = " ".join(x for x in row[:nlab] if x)
                has_values = any(x.strip() for x in row[nlab:])
                if r >= hdr_n and has_values and label and self.rng.random() < self.strip_p:
                    for k in range(nlab):
                        row[k] = ""
                    pos = len(block)
                    if pos > 0 and self.rng.random() < self.before_prev_p:
                        pos -= 1
                        self.before_prev += 1
                    loose.append((pos, label))
                    self.stripped += 1
                block.append(row)
            out.extend(self._emit(header, block, loose))
        self.headers.append(own)
        return out

    def _emit(self, header: list[str], block: list[list[str]], loose: list[tuple[int, str]]) -> list[str]:
        """A pipe table interrupted by loose label lines; after each one the table starts again."""
        out: list[str] = []
        at = {}
        for pos, lab in loose:
            at.setdefault(pos, []).append(lab)
        open_ = False
        for i, row in enumerate(block):
            if i in at:
                if open_:
                    out.append("")
                out.extend(at[i])
                out.append("")
                open_ = False
            if not open_:
                out.append("| " + " | ".join(_md_cell(x) for x in header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                open_ = True
            out.append("| " + " | ".join(_md_cell(x) for x in row) + " |")
        out.append("")
        return out


def render(doc, pages: list[Page], rng: random.Random, meta: dict) -> str:
    sh = _Shredder(rng, meta)
    breaks = _rows_by_page(pages)
    heading = rng.choice(["## ", "**", ""])
    # page breaks cut paragraphs: the paragraphs (by block number) that continue on a next page
    cut_blocks: dict[int, int] = {}
    for p in pages:
        for it in p.items:
            if it.role == "prose" and it.block >= 0:
                cut_blocks.setdefault(it.block, p.number)
    out: list[str] = []
    if doc.title:
        out += ["# " + doc.title, ""]
    block = 1 if doc.title else 0  # paged.Layout numbers blocks in this order
    if doc.intro:
        block += 1
        out += _para(doc.intro, block, pages) + [""]
    for sec in doc.sections:
        block += 1
        out += [(f"## {sec.head}" if heading == "## " else f"**{sec.head}**" if heading == "**" else sec.head), ""]
        for ptxt in sec.paras:
            block += 1
            out += _para(ptxt, block, pages) + [""]
        for tb in sec.tables:
            block += 1
            out += sh.table(tb, breaks.get(tb.tindex, []))
    out += doc.sign
    meta["variations"] += [f"merged_cells_{sh.merged}"]
    if sh.join_labels:
        meta["variations"].append("t3_label_columns_joined")
    for name, n in (
        ("placeholder_headers", sh.placeholders),
        ("foreign_headers", sh.foreign),
        ("stripped_labels", sh.stripped),
        ("loose_label_before_previous_row", sh.before_prev),
    ):
        if n:
            meta["variations"].append(f"{name}:{n}")
    return "\n".join(out).rstrip("\n") + "\n"


def _para(text: str, block: int, pages: list[Page]) -> list[str]:
    """A paragraph reflowed, but split in two where a page break fell inside it."""
    per_page: dict[int, list[str]] = {}
    for p in pages:
        for it in p.items:
            if it.block == block and it.role in ("prose", "heading"):
                per_page.setdefault(p.number, []).append(it.text)
    if len(per_page) < 2:
        return [text]
    parts = ["".join(v) for _k, v in sorted(per_page.items())]
    return [parts[0], ""] + parts[1:]
