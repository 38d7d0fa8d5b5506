"""Layouts: the three standard tables as grids of cells (rowspan, colspan, label parts), the one model
every renderer draws from, with the per-document label and cell noise (`Opts`)."""

from __future__ import annotations

import random

from ingest.parser import labels as L

from .data import json_data
from .prose import FW

_LAB = json_data("labels.json")


class Cell:
    __slots__ = ("cs", "empty", "key", "kind", "parts", "rs")

    def __init__(self, parts, rs=1, cs=1, key=None, empty=False, kind="label"):
        self.parts = parts if isinstance(parts, list) else [parts]
        self.rs, self.cs, self.key, self.empty, self.kind = rs, cs, key, empty, kind

    @property
    def text(self) -> str:
        return "".join(self.parts)


def fmt_num(v) -> str:
    if isinstance(v, float):
        s = f"{v:.2f}".rstrip("0").rstrip(".")
        return s
    return str(v)


# styles whose tables may print a zero as an empty cell (where the cell's place survives: a grid, a
# pipe row, a ruled PDF table and the layout text of it, a Word table, a Markdown row)
EMPTY_CELL_STYLES = ("html_table", "pipe", "pdf", "docx", "layout_text", "markdown_shredded")


class Opts:
    """Per-document render options (label noise and cell noise)."""

    def __init__(self, rng: random.Random, style: str):
        self.rng = rng
        self.style = style
        self.noise: list[str] = []
        self.empty_cells: list[list[str]] = []
        r = rng.random
        self.space_labels = r() < 0.25
        self.heji = r() < 0.3  # 合计 instead of 总计
        self.typo_fuyi = r() < 0.08  # 行政法复议
        self.num_style = rng.choices(["1.", "1、", "1．"], [6, 2, 1])[0]
        self.fw_brackets = r() < 0.5  # （一） instead of (一)
        self.repeat_group = r() < 0.2  # 三、本年度办理结果 repeated after a page break
        self.split_labels = r() < 0.5  # 结果<br>纠正, 商业<br>企业
        self.fw_digits = r() < 0.08
        self.empty_p = rng.choice([0.0, 0.0, 0.0, 0.3, 0.8]) if style in EMPTY_CELL_STYLES else 0.0
        self.yiqu = r() < 0.15  # 已取信息 instead of 已获取信息
        self.note = r() < 0.85  # (区分处理的,只计这一情形,不计其他情形)
        for flag in ("space_labels", "heji", "typo_fuyi", "repeat_group", "split_labels", "fw_digits"):
            if getattr(self, flag):
                self.noise.append(flag)
        if self.num_style != "1.":
            self.noise.append("numbering:" + self.num_style)

    def br(self, a: str, b: str) -> list[str]:
        return [a, b] if self.split_labels else [a + b]

    def lab(self, s: str) -> str:
        """Label with the document's numbering style and, sometimes, a space inside."""
        if self.fw_brackets:
            s = s.replace("(", "（").replace(")", "）")
        if self.num_style != "1." and len(s) > 2 and s[0].isdigit() and s[1] == ".":
            s = s[0] + self.num_style[1] + s[2:]
        if self.space_labels and self.rng.random() < 0.25 and len(s) >= 4:
            body = s.lstrip("（(一二三四五六七八九十)）、.．0123456789")
            if len(body) >= 3:
                i = len(s) - len(body) + self.rng.randint(1, len(body) - 1)
                s = s[:i] + " " + s[i:]
        return s

    def total(self) -> str:
        return "合计" if self.heji else "总计"

    def val(self, v, key) -> Cell:
        if self.empty_p and v == 0 and self.rng.random() < self.empty_p:
            self.empty_cells.append(list(key))
            return Cell("", key=key, empty=True, kind="value")
        s = fmt_num(v)
        if self.fw_digits and self.rng.random() < 0.2:
            s = s.translate(FW)
        return Cell(s, key=key, kind="value")


def t2_tables(truth: dict, o: Opts) -> list[list[list[Cell]]]:
    """Table 2 as the standard template: one table (or one per 第二十条 item)."""
    fmt, t2 = truth["format_version"], truth["table2"]
    M = L.TABLE2_MEASURES
    fwb = (lambda s: s.replace("(", "（").replace(")", "）")) if o.fw_brackets else (lambda s: s)
    if fmt == "2021":
        blocks = _LAB["t2_2021"]["blocks"]
        mlab = _LAB["t2_2021"]["measures"]
        ilab = _LAB["t2_2021"]["items"]
    else:
        blocks = _LAB["t2_2019"]["blocks"]
        mlab = {m: M[m] for m in M}
        mlab["amount"] = "采购总金额" + ("" if o.rng.random() < 0.5 else "（万元）")
        ilab = _LAB["t2_2019"]["items"]
    split = o.rng.random() < 0.25
    if split:
        o.noise.append("t2_split_tables")
    tables, cur = [], []
    for head, ms, items in blocks:
        rows = [[Cell(fwb("第二十条第" + head + "项"), cs=4)]]
        if len(ms) == 1:
            rows.append([Cell("信息内容"), Cell(mlab[ms[0]], cs=3)])
        else:
            hdr = [Cell("信息内容")] + [Cell(mlab[m]) for m in ms]
            if len(ms) == 2:
                hdr[-1].cs = 2 if o.rng.random() < 0.5 else 1
                if hdr[-1].cs == 1:
                    hdr.append(Cell(""))
            rows.append(hdr)
        for it in items:
            lab = ilab[it]
            if o.space_labels and it == "rules" and o.rng.random() < 0.5:
                lab = "规 章"
            row = [Cell(lab)]
            for m in ms:
                row.append(o.val(t2[it][m], ("table2", it, m)))
            if len(ms) == 1:
                row[-1].cs = 3
            elif len(ms) == 2:
                if hdr[-1].cs == 2:
                    row[-1].cs = 2
                else:
                    row.append(Cell(""))
            rows.append(row)
        if split:
            tables.append(rows)
        else:
            cur.extend(rows)
    if not split:
        tables.append(cur)
    return tables


T3_LEAF_LABELS: dict[str, str] = _LAB["t3_leaf"]
T3_GROUPS: list[tuple[str, str, list[str]]] = [(g, lab, leaves) for g, lab, leaves in _LAB["t3_groups"]]
T3_NOTE: str = _LAB["t3_note"]


def t3_leaf_label(o: Opts, r: str) -> str:
    s = T3_LEAF_LABELS[r]
    if r == "partially_granted" and o.note:
        s += "（区分处理的，只计这一情形，不计其他情形）"
    if r == "rejected_confirmation" and o.yiqu:
        s = s.replace("已获取", "已取")
    if r == "total_processed":
        s = "(七)" + o.total()
    return o.lab(s)


def t3_row_values(o: Opts, t3: dict, r: str) -> list[Cell]:
    return [o.val(t3[r][c], ("table3", r, c)) for c in L.T3_COLS]


def t3_table(truth: dict, o: Opts) -> list[list[Cell]]:
    t3 = truth["table3"]
    rows: list[list[Cell]] = []
    rows.append([Cell(T3_NOTE, rs=3, cs=3), Cell("申请人情况", cs=7)])
    rows.append([Cell(o.lab("自然人"), rs=2), Cell("法人或其他组织", cs=5), Cell(o.total(), rs=2)])
    rows.append(
        [
            Cell(o.br("商业", "企业")),
            Cell(o.br("科研", "机构")),
            Cell(o.br("社会公", "益组织")),
            Cell(o.br("法律服", "务机构")),
            Cell("其他"),
        ]
    )
    for r in ("new_received", "carried_over"):
        rows.append([Cell(t3_leaf_label(o, r), cs=3)] + t3_row_values(o, t3, r))
    # 三、本年度办理结果 block
    block: list[list[Cell]] = []
    block.append([Cell(t3_leaf_label(o, "granted"), cs=2)] + t3_row_values(o, t3, "granted"))
    block.append([Cell(t3_leaf_label(o, "partially_granted"), cs=2)] + t3_row_values(o, t3, "partially_granted"))
    group_starts = {}
    for gkey, glab, leaves in T3_GROUPS:
        if gkey == "other" and "other_total" in t3:  # 2019, or a 2021 report on the 2019 form
            group_starts["other"] = len(block)
            block.append([Cell(o.lab("(六)其他处理"), cs=2)] + t3_row_values(o, t3, "other_total"))
            continue
        group_starts[gkey] = len(block)
        g = o.lab(glab)
        gparts = [g[:3], g[3:]] if (o.split_labels and o.rng.random() < 0.5) else [g]
        for i, leaf in enumerate(leaves):
            row = [Cell(t3_leaf_label(o, leaf))] + t3_row_values(o, t3, leaf)
            if i == 0:
                row.insert(0, Cell(gparts, rs=len(leaves)))
            block.append(row)
    block.append([Cell(t3_leaf_label(o, "total_processed"), cs=2)] + t3_row_values(o, t3, "total_processed"))
    res_label = o.lab("三、本年度办理结果")
    if o.space_labels and o.rng.random() < 0.5:
        res_label = "三、本年度办 理结果"
    if o.repeat_group:
        cut = group_starts["rejected"]
        block[0].insert(0, Cell(res_label, rs=cut))
        block[cut].insert(0, Cell(res_label, rs=len(block) - cut))
    else:
        block[0].insert(0, Cell(res_label, rs=len(block)))
    rows.extend(block)
    rows.append([Cell(t3_leaf_label(o, "carried_forward"), cs=3)] + t3_row_values(o, t3, "carried_forward"))
    return rows


def t4_table(truth: dict, o: Opts) -> list[list[Cell]]:
    t4 = truth["table4"]
    fy = "行政法复议" if o.typo_fuyi else "行政复议"
    res = [o.br("结果", "维持"), o.br("结果", "纠正"), o.br("其他", "结果"), o.br("尚未", "审结"), [o.total()]]
    rows = [
        [Cell(fy, cs=5), Cell("行政诉讼", cs=10)],
        [Cell(p, rs=2) for p in res] + [Cell(o.lab("未经复议直接起诉"), cs=5), Cell("复议后起诉", cs=5)],
        [Cell(list(p)) for p in res] * 2,
        [o.val(t4[p][r], ("table4", p, r)) for p in L.T4_PROCS for r in L.T4_RESULTS],
    ]
    return rows
