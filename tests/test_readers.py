"""PDF and Word readers: the real published forms, generated reports with the hard cases (tables
across pages with and without a repeated header, vertical group labels, page numbers between rows,
several tables on one page, both templates), and hostile files (image-only, encrypted, cut-short,
500-page PDFs; zip-bomb and 10,000-row .docx), each one record in bounded time and memory.

Generated PDFs are drawn here with reportlab (CID font STSong-Light, nothing downloaded), Word files
with python-docx, from the generator's truth records and table layouts (`synth`).
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest import parse_bytes
from ingest.parser.readers import read, sniff
from synth import prose, random_truth
from synth.layouts import Cell as SCell
from synth.layouts import Opts, t2_tables, t3_table, t4_table

REAL = ROOT / "tests" / "fixtures" / "real_forms"
HUAIAN = REAL / "01_huaian_city_2024.pdf"
TEMPLATE = REAL / "02_blank_template_2021.docx"
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


# ------------------------------------------------------------------------------------------------
# A small report typesetter: prose, headings and ruled tables with merged cells, paginated


def _cells(rows: list[list[SCell]]) -> tuple[list[tuple[int, int, SCell]], int, int]:
    """Origin cells of a synth layout with their (row, col), rowspan/colspan expanded (as HTML does)."""
    taken: set[tuple[int, int]] = set()
    out = []
    ncols = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken.add((r + dr, c + dc))
            c += cell.cs
            ncols = max(ncols, c)
    return out, len(rows), ncols


class Typesetter:
    """Draws a report on A4 pages. Options:
    rules: "lines" (one stroke per cell side), "rects" (a stroked rectangle per cell) or "filled"
        (thin filled rectangles, as some PDF writers draw rules), or "none" (text set in columns);
    repeat_header: table 3's three header rows are drawn again on the next page;
    vertical_group: 三、本年度办理结果 set one character per line;
    folio: the page number format ("— {n} —", "-{n}-", "第{n}页").
    """

    W, H = 595.0, 842.0
    LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 72.0, 80.0

    def __init__(self, rules="lines", repeat_header=False, vertical_group=True, folio="— {n} —", font_size=10.0):
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=(self.W, self.H))
        self.rules, self.repeat_header, self.vertical_group, self.folio = rules, repeat_header, vertical_group, folio
        self.fs = font_size
        self.page = 1
        self.y = self.TOP  # distance from the top of the page

    # pages
    def new_page(self):
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.TOP

    def _footer(self):
        self.c.setFont(FONT, 10)
        self.c.drawCentredString(self.W / 2, 40, self.folio.format(n=self.page))

    def save(self) -> bytes:
        self._footer()
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()

    # text
    def _wrap(self, text: str, width: float, size: float) -> list[str]:
        lines, cur = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, FONT, size) > width and cur:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        if cur:
            lines.append(cur)
        return lines or [""]

    def _at(self, y_from_top: float) -> float:
        return self.H - y_from_top

    def title(self, lines: list[str], size=20.0):
        for ln in lines:
            self.c.setFont(FONT, size)
            self.c.drawCentredString(self.W / 2, self._at(self.y + size), ln)
            self.y += size * 1.6
        self.y += 10

    def para(self, text: str, size=14.0, indent=True):
        lead = size * 1.6
        width = self.RIGHT - self.LEFT
        first = ("\u3000\u3000" if indent else "") + text
        for ln in self._wrap(first, width, size):
            if self.y + lead > self.H - self.BOTTOM:
                self.new_page()
            self.c.setFont(FONT, size)
            self.c.drawString(self.LEFT, self._at(self.y + size), ln)
            self.y += lead

    def gap(self, h=8.0):
        self.y += h

    # tables
    def table(self, rows: list[list[SCell]], header_rows: int = 0, widths: list[float] | None = None):
        cells, nrows, ncols = _cells(rows)
        total = self.RIGHT - self.LEFT
        if widths is None:
            weight = [1.0] * ncols
            for _, c, cell in cells:
                if cell.cs == 1 and cell.kind != "value":
                    weight[c] = max(weight[c], min(len(cell.text), 14) / 3.0)
            widths = [w * total / sum(weight) for w in weight]
        xs = [self.LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        fs, lead, pad = self.fs, self.fs * 1.35, 4.0

        def lines_of(cell, w):
            if self.vertical_group and cell.text.startswith(("三、本年度办理结果", "三、本年度办 理结果")):
                return list(cell.text.replace(" ", ""))
            out = []
            for part in cell.parts:
                out.extend(self._wrap(part, w - 2 * pad, fs))
            return out

        need = [lead + 2 * pad] * nrows
        for r, c, cell in cells:
            w = xs[c + cell.cs] - xs[c]
            h = len(lines_of(cell, w)) * lead + 2 * pad
            if cell.rs == 1:
                need[r] = max(need[r], h)
        for r, c, cell in cells:
            if cell.rs > 1:
                w = xs[c + cell.cs] - xs[c]
                h = len(lines_of(cell, w)) * lead + 2 * pad
                have = sum(need[r : r + cell.rs])
                if have < h:
                    need[r + cell.rs - 1] += h - have
        # paginate row by row
        placed: dict[int, tuple[int, float]] = {}  # row -> (page, top)
        pages_rows: list[list[int]] = [[]]
        r = 0
        while r < nrows:
            if self.y + need[r] > self.H - self.BOTTOM and pages_rows[-1]:
                self._draw_part(cells, xs, need, pages_rows[-1], placed, lines_of, lead, pad)
                self.new_page()
                pages_rows.append([])
                if self.repeat_header and header_rows and r >= header_rows:
                    hdr_cells = [(rr, cc, cell) for rr, cc, cell in cells if rr < header_rows]
                    hp = {}
                    for hr in range(header_rows):
                        hp[hr] = (self.page, self.y)
                        self.y += need[hr]
                    self._draw_cells(hdr_cells, xs, need, list(range(header_rows)), hp, lines_of, lead, pad)
            placed[r] = (self.page, self.y)
            pages_rows[-1].append(r)
            self.y += need[r]
            r += 1
        self._draw_part(cells, xs, need, pages_rows[-1], placed, lines_of, lead, pad)
        self.y += 6

    def _draw_part(self, cells, xs, need, part_rows, placed, lines_of, lead, pad):
        if part_rows:
            self._draw_cells(cells, xs, need, part_rows, placed, lines_of, lead, pad)

    def _draw_cells(self, cells, xs, need, part_rows, placed, lines_of, lead, pad):
        """Draw the fragments of cells that fall on `part_rows` (rows on one page)."""
        rows_here = set(part_rows)
        for r, c, cell in cells:
            span = [rr for rr in range(r, r + cell.rs) if rr in rows_here]
            if not span:
                continue
            top = placed[span[0]][1]
            h = sum(need[rr] for rr in span)
            x0, x1 = xs[c], xs[c + cell.cs]
            self._rule_box(x0, top, x1, top + h)
            lines = lines_of(cell, x1 - x0)
            # a cell cut by the page break: its text lines shared out by height
            all_h = sum(need[r : r + cell.rs])
            before = sum(need[rr] for rr in range(r, span[0]))
            k0 = round(len(lines) * before / all_h)
            k1 = round(len(lines) * (before + h) / all_h)
            mine = lines[k0:k1] if cell.rs > 1 else lines
            y = top + (h - len(mine) * lead) / 2
            self.c.setFont(FONT, self.fs)
            for ln in mine:
                # PDFium (and poppler) drop a string of ONE Chinese character in this non-embedded
                # UCS-2 CID font; real writers embed their fonts. A trailing full-width space keeps it.
                self.c.drawCentredString((x0 + x1) / 2, self._at(y + self.fs), ln + ("\u3000" if len(ln) == 1 else ""))
                y += lead

    def _rule_box(self, x0, top, x1, bottom):
        c = self.c
        y0, y1 = self._at(bottom), self._at(top)
        if self.rules == "none":
            return
        if self.rules == "rects":
            c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
        elif self.rules == "filled":
            t = 0.6
            c.setFillGray(0)
            for rx, ry, rw, rh in (
                (x0, y0, x1 - x0, t),
                (x0, y1, x1 - x0, t),
                (x0, y0, t, y1 - y0),
                (x1, y0, t, y1 - y0),
            ):
                c.rect(rx, ry, rw, rh, stroke=0, fill=1)
        else:
            c.setLineWidth(0.5)
            c.line(x0, y0, x1, y0)
            c.line(x0, y1, x1, y1)
            c.line(x0, y0, x0, y1)
            c.line(x1, y0, x1, y1)


def _t2_blocks(truth: dict, o: Opts, split: bool) -> list[list[list[SCell]]]:
    """Table 2 as one table, or (split) one table per 第二十条 item: several tables on a page."""
    rows = [r for t in t2_tables(truth, o) for r in t]
    if not split:
        return [rows]
    out: list[list[list[SCell]]] = []
    for r in rows:
        if r[0].text.startswith("第二十条"):
            out.append([])
        out[-1].append(r)
    return out


def report_pdf(truth: dict, seed: int = 0, title_lines: int = 2, tables_first=False, t2_split=False, **opts) -> bytes:
    """A whole report: title (in `title_lines` centred lines), intro, six sections, the three
    tables where the template puts them."""
    rng = random.Random(seed)
    o = Opts(rng, "html_table")
    o.space_labels = o.typo_fuyi = o.fw_digits = o.repeat_group = False
    o.empty_p = 0.0
    ts = Typesetter(**opts)
    name, year = truth["agency_name"], truth["report_year"]
    if title_lines == 2:
        ts.title([name, f"{year}年政府信息公开工作年度报告"])
    elif title_lines == 3:
        ts.title([name, f"{year}年政府信息公开", "工作年度报告"])
    else:
        ts.title([f"{name}{year}年政府信息公开工作年度报告"], size=16)
    intro, secs = prose.sections(truth, rng, True)
    ts.para(intro)
    for si, (head, paras) in enumerate(secs):
        ts.para(head, indent=True)
        for p in paras[: 1 if tables_first else 3]:
            ts.para(p)
        if 1 <= si <= 3:
            if si == 1:
                for t in _t2_blocks(truth, o, t2_split):
                    ts.table(t)
            elif si == 2:
                ts.table(t3_table(truth, o), header_rows=3)
            else:
                ts.table(t4_table(truth, o))
    ts.para(name, indent=False)
    return ts.save()


def _truth(seed: int, year: int) -> dict:
    t = random_truth(random.Random(seed), year)
    t.pop("broken", None)
    return t


def _check_tables(rec: dict, truth: dict) -> list[str]:
    """Every cell of tables 2, 3 and 4 as the truth has it; the misses."""
    miss = []
    for name in ("table2", "table3", "table4"):
        exp, got = truth.get(name), rec.get(name)
        if exp is None:
            if got:
                miss.append(f"{name} invented")
            continue
        for row, cols in exp.items():
            for col, v in cols.items():
                g = ((got or {}).get(row) or {}).get(col)
                if not (g == v or (isinstance(v, float) and isinstance(g, (int, float)) and abs(g - v) < 1e-6)):
                    miss.append(f"{name} {row}.{col}: {g!r} != {v!r}")
    return miss


# ------------------------------------------------------------------------------------------------
# The real published forms


def test_real_pdf_reads_every_cell():
    rec = parse_bytes(HUAIAN.read_bytes(), HUAIAN.name)
    exp = json.loads((REAL / "01_huaian_city_2024.expected.json").read_text())
    assert rec["source"]["kind"] == "pdf"
    assert rec["agency_name"] == "淮安市人民政府" and rec["report_year"] == 2024 and rec["format_version"] == "2021"
    assert _check_tables(rec, exp) == []
    assert not [i for i in rec["issues"] if i["severity"] != "info"], rec["issues"]
    # the prose reads through visual line wraps (答 / 复3050件) and page breaks
    assert rec["narrative"]["requests_received"] == 3119 and rec["narrative"]["requests_answered"] == 3050


def test_real_pdf_grids_have_the_printed_shape():
    page = read("pdf", HUAIAN.read_bytes()).page
    assert len(page.grids) == 3  # table 2 joined across pp.3-4, table 3 across pp.4-5, table 4
    t2, t3, t4 = page.grids
    assert [c.text for c in t2.rows[9] if c.origin] == ["行政处罚", "3985758"]
    first = [c.text for c in t3.rows[5] if c.origin]
    assert first[:2] == ["三、本年度办理结果", "(一)予以公开"]  # vertical label: one label
    unable = next(r for r in t3.rows if any(c.origin and c.text == "(四)无法提供" for c in r))
    assert unable is not None  # (四)无 on p.4 + 法提供 on p.5, joined
    assert sum(1 for r in t3.rows if not r[0].origin and r[0].text == "三、本年度办理结果") == 21
    assert [c.text for c in t4.rows[-1]] == [
        "72",
        "64",
        "178",
        "37",
        "351",
        "13",
        "4",
        "8",
        "1",
        "26",
        "12",
        "1",
        "1",
        "6",
        "20",
    ]
    assert not any("-4-" in ln or "- 4 -" in ln for ln in page.lines)
    assert page.lines[0] == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert sum(1 for r in t3.rows if not r[0].origin and r[0].text == "三、本年度办理结果") == 21
    assert [c.text for c in t4.rows[-1]] == [
        "72",
        "64",
        "178",
        "37",
        "351",
        "13",
        "4",
        "8",
        "1",
        "26",
        "12",
        "1",
        "1",
        "6",
        "20",
    ]
    assert not any("-4-" in ln or "- 4 -" in ln for ln in page.lines)
    assert page.lines[0] == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_blank_template_docx_has_the_tables_and_no_numbers():
    got = read("docx", TEMPLATE.read_bytes())
    grids = got.page.grids
    assert len(grids) == 3
    t3 = grids[1]
    group = [r[0] for r in t3.rows if r[0].text == "三、本年度办理结果"]
    assert len(group) == 22 and group[0].origin and not any(c.origin for c in group[1:])  # one vMerge cell
    assert [c.text for c in t3.rows[2] if c.origin][:2] == ["商业企业", "科研机构"]
    values = [c for g in grids for r in g.rows for c in r if c.origin and not c.text]
    assert len(values) >= 7 * 25 + 15 + 10  # every value cell printed empty
    assert not any(c.text.replace(".", "").isdigit() for g in grids for r in g.rows for c in r)
    rec = parse_bytes(TEMPLATE.read_bytes(), TEMPLATE.name)
    assert rec["source"]["kind"] == "docx" and rec["agency_name"] is None and rec["report_year"] is None
    # nothing invented: a blank template (every cell empty, no agency, no year) holds no tables
    assert rec["table2"] is None and rec["table3"] is None and rec["table4"] is None and rec["cells"] == []
    assert "TEMPLATE_BLANK" in {i["code"] for i in rec["issues"] if i["severity"] == "info"}
    assert not any(i["severity"] == "error" for i in rec["issues"])


# ------------------------------------------------------------------------------------------------
# Generated PDFs: both templates, tables across pages, vertical labels, page numbers, several tables


GENERATED = [
    # seed, year, options
    (1, 2022, {}),
    (2, 2020, {}),  # the 2019 template
    (3, 2023, {"repeat_header": True}),
    (4, 2021, {"rules": "rects", "folio": "-{n}-"}),
    (5, 2019, {"rules": "filled", "repeat_header": True}),
    (6, 2024, {"title_lines": 3, "folio": "第{n}页"}),
    (7, 2022, {"t2_split": True}),  # the four 第二十条 tables on one page
    (8, 2020, {"t2_split": True, "rules": "rects", "title_lines": 1}),
    (147, 2023, {"rules": "filled", "repeat_header": True, "vertical_group": False, "folio": "{n}", "title_lines": 3}),
]


@pytest.mark.parametrize(("seed", "year", "opts"), GENERATED, ids=[f"{s}-{y}" for s, y, _ in GENERATED])
def test_generated_pdf_reads_every_cell(seed, year, opts):
    truth = _truth(seed, year)
    data = report_pdf(truth, seed, **opts)
    rec = parse_bytes(data, f"gen_{seed}.pdf")
    assert rec["source"]["kind"] == "pdf"
    assert rec["agency_name"] == truth["agency_name"] and rec["report_year"] == year
    assert _check_tables(rec, truth) == []
    assert not [i for i in rec["issues"] if i["code"].startswith(("PDF_", "T3_ROW", "CELL_UN"))]


def test_generated_pdf_table_across_pages_is_one_grid():
    truth = _truth(3, 2023)
    for repeat in (False, True):
        page = read("pdf", report_pdf(truth, 3, repeat_header=repeat)).page
        t3 = next(g for g in page.grids if any("本年新收" in c.text for r in g.rows for c in r))
        labels = [c.text for r in t3.rows for c in r if c.origin]
        assert labels.count("申请人情况") == 1  # a repeated header is dropped
        assert "四、结转下年度继续办理" in labels and "(一)予以公开" in labels
        group = [r[0] for r in t3.rows if r[0].text == "三、本年度办理结果"]
        assert len(group) == 22 and sum(c.origin for c in group) == 1  # the vertical label, one cell
        assert not any(_folio_like(ln) for ln in page.lines)


def _folio_like(s: str) -> bool:
    return s.strip("—- ").isdigit() or (s.startswith("第") and s.endswith("页"))


def test_generated_pdf_several_tables_on_one_page():
    truth = _truth(7, 2022)
    got = read("pdf", report_pdf(truth, 7, t2_split=True))
    heads = [g for g in got.page.grids if g.rows[0][0].text.startswith("第二十条")]
    assert len(heads) == 4  # (一), (五), (六), (八): four tables, each its own grid, in order
    assert [g.rows[0][0].text for g in heads] == [f"第二十条第({k})项" for k in "一五六八"]


def test_generated_pdf_tables_without_rules():
    """Tables set in columns with no rules: rows of text; wrapped labels go back to their row."""
    for seed, year in ((200, 2019), (201, 2019), (202, 2022), (203, 2019)):
        truth = _truth(seed, year)
        rec = parse_bytes(report_pdf(truth, seed, rules="none", vertical_group=False), f"plain_{seed}.pdf")
        assert _check_tables(rec, truth) == [], seed


def test_generated_pdf_hybrid_templates():
    """A 2021 table 3 with a 2019 table 2 (a body that updated half its template): both read as printed."""
    truth = _truth(11, 2022)
    old = _truth(12, 2020)
    truth["table2"] = old["table2"]
    rng = random.Random(11)
    o = Opts(rng, "html_table")
    o.space_labels = o.typo_fuyi = o.fw_digits = o.repeat_group = False
    o.empty_p = 0.0
    ts = Typesetter()
    ts.title([f"{truth['agency_name']}{truth['report_year']}年政府信息公开工作年度报告"])
    ts.para("二、主动公开政府信息情况")
    ts.table(_t2_blocks(dict(old, format_version="2019"), o, False)[0])
    ts.para("三、收到和处理政府信息公开申请情况")
    ts.table(t3_table(truth, o), header_rows=3)
    ts.para("四、政府信息公开行政复议、行政诉讼情况")
    ts.table(t4_table(truth, o))
    ts.para("五、存在的主要问题及改进情况")
    rec = parse_bytes(ts.save(), "hybrid.pdf")
    assert _check_tables(rec, truth) == []


def _rotated_pdf(rot: int) -> bytes:
    """A page displayed upright through /Rotate: the text and the table drawn turned the other way.
    (Latin text: PDFium drops turned text in the non-embedded CID font reportlab offers.)"""
    buf = io.BytesIO()
    wd, hd = 595.0, 842.0
    wu, hu = (wd, hd) if rot in (0, 180) else (hd, wd)  # reportlab swaps the media box of a turned page
    c = canvas.Canvas(buf, pagesize=(wd, hd) if rot in (0, 180) else (hd, wd))
    c.setPageRotation(rot)
    c.transform(
        *{0: (1, 0, 0, 1, 0, 0), 90: (0, 1, -1, 0, wu, 0), 180: (-1, 0, 0, -1, wu, hu), 270: (0, -1, 1, 0, 0, hu)}[rot]
    )
    c.setFont("Helvetica", 12)
    c.drawString(72, hd - 72, "Annual report title")
    for k in range(3):
        c.line(72, hd - 150 - 20 * k, 300, hd - 150 - 20 * k)
    for x in (72, 150, 300):
        c.line(x, hd - 150, x, hd - 190)
    c.drawString(80, hd - 165, "rules")
    c.drawString(160, hd - 165, "12")
    c.drawString(80, hd - 185, "licensing")
    c.drawString(160, hd - 185, "34")
    c.drawString(72, hd - 230, "After the table")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("rot", [0, 90, 180, 270])
def test_turned_pages_read_upright(rot):
    page = read("pdf", _rotated_pdf(rot)).page
    assert page.lines == ["Annual report title", "\ue000TABLE0\ue001", "After the table"]
    assert [[c.text for c in r] for r in page.grids[0].rows] == [["rules", "12"], ["licensing", "34"]]


# ------------------------------------------------------------------------------------------------
# Generated Word files


def _docx_table(d, rows: list[list[SCell]]):
    cells, nrows, ncols = _cells(rows)
    t = d.add_table(rows=nrows, cols=ncols)
    t.style = "Table Grid"
    for r, c, cell in cells:
        target = t.cell(r, c)
        if cell.rs > 1 or cell.cs > 1:
            target = target.merge(t.cell(r + cell.rs - 1, c + cell.cs - 1))
        target.text = "\n".join(cell.parts) if not cell.empty else ""
    return t


def report_docx(truth: dict, seed: int = 0, title_paragraphs: int = 2, t2_split: bool = False) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rng = random.Random(seed)
    o = Opts(rng, "html_table")
    o.space_labels = o.typo_fuyi = o.fw_digits = o.repeat_group = False
    o.empty_p = 0.0
    d = Document()
    name, year = truth["agency_name"], truth["report_year"]
    titles = (
        [name, f"{year}年政府信息公开工作年度报告"]
        if title_paragraphs == 2
        else [f"{name}{year}年政府信息公开工作年度报告"]
    )
    for t in titles:
        d.add_paragraph(t).alignment = WD_ALIGN_PARAGRAPH.CENTER
    intro, secs = prose.sections(truth, rng, True)
    d.add_paragraph(intro)
    for si, (head, paras) in enumerate(secs):
        d.add_paragraph(head)
        for p in paras[:2]:
            d.add_paragraph(p)
        if si == 1:
            for t in _t2_blocks(truth, o, t2_split):
                _docx_table(d, t)
        elif si == 2:
            _docx_table(d, t3_table(truth, o))
        elif si == 3:
            _docx_table(d, t4_table(truth, o))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("seed", "year", "kw"), [(21, 2022, {}), (22, 2020, {"t2_split": True}), (23, 2024, {"title_paragraphs": 1})]
)
def test_generated_docx_reads_every_cell(seed, year, kw):
    truth = _truth(seed, year)
    data = report_docx(truth, seed, **kw)
    assert sniff(data) == "docx"
    rec = parse_bytes(data, f"gen_{seed}.docx")
    assert rec["source"]["kind"] == "docx"
    assert rec["agency_name"] == truth["agency_name"] and rec["report_year"] == year
    assert _check_tables(rec, truth) == []


def test_docx_merged_cells_expand_like_html():
    truth = _truth(21, 2022)
    page = read("docx", report_docx(truth, 21)).page
    t3 = next(g for g in page.grids if any("本年新收" in c.text for r in g.rows for c in r))
    width = {len(r) for r in t3.rows}
    assert width == {10}  # gridSpan and vMerge expanded into a rectangle
    corner = [c for r in t3.rows[:3] for c in r[:3]]
    assert corner[0].origin and not any(c.origin for c in corner[1:])  # gridSpan=3 x vMerge over 3 rows
    assert len({c.text for c in corner}) == 1
    group = [r[0] for r in t3.rows if r[0].text == "三、本年度办理结果"]
    assert len(group) == 22 and [c.origin for c in group].count(True) == 1
    assert page.lines[0] == f"{truth['agency_name']}2022年政府信息公开工作年度报告"  # two title paragraphs, one line


def _docx_from_body(body: str, extra: dict | None = None) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr(
            "word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


def test_docx_grid_before_nested_tables_and_content_controls():
    p = lambda t: f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"  # noqa: E731
    tc = lambda t, pr="": f"<w:tc><w:tcPr>{pr}</w:tcPr>{p(t)}</w:tc>"  # noqa: E731
    inner = f"<w:tbl><w:tr>{tc('规章')}{tc('3')}</w:tr><w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>{tc('4')}</w:tr></w:tbl>"
    body = (
        p("标题")
        + f"<w:sdt><w:sdtContent>{p('控件里的段落')}</w:sdtContent></w:sdt>"
        + f"<w:tbl><w:tr><w:tc>{p('版式表格里的文字')}{inner}</w:tc></w:tr></w:tbl>"
        + p("之后")
    )
    page = read("docx", _docx_from_body(body)).page
    assert page.lines == ["标题", "控件里的段落", "版式表格里的文字", "\ue000TABLE0\ue001", "之后"]
    rows = page.grids[0].rows
    assert [(c.text, c.origin) for c in rows[1]] == [("", False), ("4", True)]


# ------------------------------------------------------------------------------------------------
# Hostile files: one record each, an error or a finding, no numbers, bounded time and memory


def _errors(rec: dict) -> set[str]:
    return {i["code"] for i in rec["issues"] if i["severity"] == "error"}


def _no_numbers(rec: dict) -> bool:
    return rec["table2"] is None and rec["table3"] is None and rec["table4"] is None and not rec["cells"]


def _image_only_pdf(pages: int = 3) -> bytes:
    from reportlab.lib.utils import ImageReader

    png = io.BytesIO()
    # a grey picture of a scanned page, built without PIL
    import struct
    import zlib

    w, h = 200, 280
    raw = b"".join(b"\x00" + bytes([200]) * w for _ in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)))
    png.write(chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    for _ in range(pages):
        c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 30, 30, 535, 780)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_image_only_pdf_is_an_error_without_numbers():
    rec = parse_bytes(_image_only_pdf(), "scan.pdf")
    assert "PDF_NO_TEXT" in _errors(rec) and _no_numbers(rec)
    assert "OCR" in next(i["message"] for i in rec["issues"] if i["code"] == "PDF_NO_TEXT")


def test_encrypted_pdf_is_an_error():
    truth = _truth(1, 2022)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("user-secret", ownerPassword="owner-secret"))
    c.setFont(FONT, 12)
    c.drawString(72, 700, f"{truth['agency_name']}2022年政府信息公开工作年度报告")
    c.showPage()
    c.save()
    rec = parse_bytes(buf.getvalue(), "locked.pdf")
    assert _errors(rec) == {"PDF_ENCRYPTED"} and _no_numbers(rec) and rec["agency_name"] is None


def test_truncated_and_broken_pdfs():
    truth = _truth(1, 2022)
    data = report_pdf(truth, 1)
    for cut in (0.02, 0.3, 0.7, 0.97):
        rec = parse_bytes(data[: int(len(data) * cut)], f"cut_{cut}.pdf")
        assert rec["source"]["kind"] == "pdf"
        issues = {i["code"] for i in rec["issues"]}
        assert issues & {"PDF_UNREADABLE", "PDF_TRUNCATED", "PDF_NO_TEXT"}, (cut, issues)
        # whatever was read is what the pages print: never a number the report does not have
        assert (
            _check_tables(rec, truth) == []
            or not rec["cells"]
            or all(c["value"] == truth[c["table"]][c["row"]][c["column"]] for c in rec["cells"])
        )
    junk = b"%PDF-1.7\n" + os.urandom(4000)
    rec = parse_bytes(junk, "junk.pdf")
    assert "PDF_UNREADABLE" in _errors(rec) and _no_numbers(rec)


@pytest.fixture(scope="module")
def big_pdf() -> bytes:
    """500 pages of report text, a small ruled table on each."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    line = "本机关认真贯彻落实政府信息公开条例,全年主动公开政府信息若干条,持续提升公开质量和实效。"
    for n in range(500):
        c.setFont(FONT, 11)
        for k in range(30):
            c.drawString(60, 780 - 22 * k, line)
        for k in range(3):
            c.line(60, 100 + 20 * k, 400, 100 + 20 * k)
        for x in (60, 200, 400):
            c.line(x, 100, x, 140)
        c.drawString(70, 125, "规章 ")
        c.drawString(210, 125, str(n))
        c.drawString(70, 105, "行政许可")
        c.drawString(210, 105, str(n + 1))
        c.drawCentredString(297, 40, f"— {n + 1} —")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_500_page_pdf_is_read_in_bounded_time(big_pdf):
    t0 = time.perf_counter()
    rec = parse_bytes(big_pdf, "big.pdf")
    took = time.perf_counter() - t0
    assert took < 8.0, took
    assert "PDF_CAPPED" in {i["code"] for i in rec["issues"]}
    from ingest.parser.readers import pdf

    assert f"first {pdf.MAX_PAGES}" in next(i["message"] for i in rec["issues"] if i["code"] == "PDF_CAPPED")


def _zip_one(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bombs_are_refused_before_inflating():
    big = _zip_one("word/document.xml", b"<w:document>" + b" " * (60 * 1024 * 1024))  # declared 60 MB
    dense = _zip_one("word/document.xml", b"<w:document>" + b" " * (8 * 1024 * 1024))  # ratio ~1000:1
    for name, data in (("bomb.docx", big), ("dense.docx", dense)):
        t0 = time.perf_counter()
        rec = parse_bytes(data, name)
        assert time.perf_counter() - t0 < 1.0
        assert _errors(rec) == {"DOCX_UNREADABLE"} and _no_numbers(rec), rec["issues"]
    # a size declared small that inflates to more: the read stops at the declared size (CRC error)
    lie = bytearray(_zip_one("word/document.xml", b"<w:document>" + b" " * (30 * 1024 * 1024)))
    cd = lie.rfind(b"PK\x01\x02")
    lie[cd + 24 : cd + 28] = (4096).to_bytes(4, "little")  # central directory: uncompressed size
    lh = lie.find(b"PK\x03\x04", lie.find(b"word/document.xml") - 40)
    lie[lh + 22 : lh + 26] = (4096).to_bytes(4, "little")
    rec = parse_bytes(bytes(lie), "lie.docx")
    assert _errors(rec) == {"DOCX_UNREADABLE"} and _no_numbers(rec)


def test_docx_entity_expansion_is_refused():
    lol = "".join(f'<!ENTITY e{k} "{f"&e{k - 1};" * 10 if k else "x" * 10}">' for k in range(9))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = f'<?xml version="1.0"?><!DOCTYPE d [{lol}]><w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>&e8;</w:t></w:r></w:p></w:body></w:document>'
    t0 = time.perf_counter()
    rec = parse_bytes(_zip_one("word/document.xml", xml.encode()), "lol.docx")
    assert time.perf_counter() - t0 < 1.0 and _no_numbers(rec)


def _rows_docx(n: int) -> bytes:
    tr = "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{v}</w:t></w:r></w:p></w:tc>" for v in ("规章", 1, 2, 3)) + "</w:tr>"
    body = "<w:p><w:r><w:t>二、主动公开政府信息情况</w:t></w:r></w:p><w:tbl>" + tr * n + "</w:tbl>"
    return _docx_from_body(body)


def test_docx_with_10000_rows_is_one_record_in_bounded_time():
    data = _rows_docx(10_000)
    t0 = time.perf_counter()
    rec = parse_bytes(data, "rows.docx")
    assert time.perf_counter() - t0 < 5.0
    assert "DOCX_CAPPED" in {i["code"] for i in rec["issues"]}


def test_not_a_docx_zip_and_a_broken_zip():
    assert sniff(_zip_one("xl/workbook.xml", b"<x/>")) is None  # a spreadsheet: not read as Word
    rec = parse_bytes(b"PK\x03\x04" + os.urandom(300), "broken.docx")
    assert _errors(rec) == {"DOCX_UNREADABLE"} and _no_numbers(rec)


# ------------------------------------------------------------------------------------------------
# .doc / .wps / .rtf: LibreOffice when present, a clear error otherwise


OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 1024


def test_doc_without_libreoffice_says_how_to_convert(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    for data, name in ((OLE2, "old.doc"), (b"{\\rtf1\\ansi hello}", "old.rtf")):
        rec = parse_bytes(data, name)
        assert rec["source"]["kind"] == "doc"
        assert _errors(rec) == {"DOC_NOT_CONVERTED"} and _no_numbers(rec)
        msg = next(i["message"] for i in rec["issues"] if i["code"] == "DOC_NOT_CONVERTED")
        assert ".docx" in msg and "soffice" in msg


def _fake_soffice(tmp_path: Path, docx_bytes: bytes | None, sleep: float = 0.0) -> Path:
    """A stand-in for LibreOffice: writes the given .docx where soffice would, or hangs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    src = tmp_path / "converted.docx"
    if docx_bytes is not None:
        src.write_bytes(docx_bytes)
    script = bin_dir / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        f"sleep {sleep}\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'out="$2"\n' + (f'cp "{src}" "$out/in.docx"\n' if docx_bytes is not None else "exit 3\n")
    )
    script.chmod(0o755)
    return bin_dir


def test_doc_is_converted_when_libreoffice_is_there(tmp_path, monkeypatch):
    truth = _truth(21, 2022)
    monkeypatch.setenv("PATH", f"{_fake_soffice(tmp_path, report_docx(truth, 21))}:{os.environ['PATH']}")
    rec = parse_bytes(OLE2, "old.doc")
    assert rec["source"]["kind"] == "doc" and "DOC_CONVERTED" in {i["code"] for i in rec["issues"]}
    assert _check_tables(rec, truth) == []


def test_doc_conversion_failure_and_timeout(tmp_path, monkeypatch):
    from ingest.parser.readers import office

    monkeypatch.setenv("PATH", f"{_fake_soffice(tmp_path, None)}:{os.environ['PATH']}")
    rec = parse_bytes(OLE2, "old.doc")
    assert _errors(rec) == {"DOC_NOT_CONVERTED"}
    hang = tmp_path / "hang"
    hang.mkdir()
    monkeypatch.setenv("PATH", f"{_fake_soffice(hang, None, sleep=30)}:{os.environ['PATH']}")
    monkeypatch.setattr(office, "TIMEOUT", 1)
    t0 = time.perf_counter()
    rec = parse_bytes(OLE2, "slow.doc")
    assert time.perf_counter() - t0 < 5 and _errors(rec) == {"DOC_NOT_CONVERTED"}
    assert "within 1 s" in next(i["message"] for i in rec["issues"] if i["code"] == "DOC_NOT_CONVERTED")


# ------------------------------------------------------------------------------------------------
# The command line: one JSON object per file, never a traceback


def test_cli_parses_pdf_and_hostile_files(tmp_path):
    files = {
        "report.pdf": HUAIAN.read_bytes(),
        "template.docx": TEMPLATE.read_bytes(),
        "scan.pdf": _image_only_pdf(1),
        "junk.pdf": b"%PDF-1.4\n" + b"\x00garbage" * 50,
        "bomb.docx": _zip_one("word/document.xml", b" " * (40 * 1024 * 1024)),
        "old.doc": OLE2,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "parse", "--no-cells", *(str(tmp_path / n) for n in files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    recs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(r["file"]).name for r in recs] == list(files)
    by = {Path(r["file"]).name: r for r in recs}
    assert by["report.pdf"]["table3"]["new_received"]["total"] == 3119
    for bad in ("scan.pdf", "junk.pdf", "bomb.docx", "old.doc"):
        assert _errors(by[bad]) and _no_numbers({**by[bad], "cells": []}), bad


def test_pdf_text_without_unicode_meaning_is_flagged():
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 12)
    for k in range(20):  # glyphs whose codes map to private-use characters, as fonts without ToUnicode give
        c.drawString(72, 700 - 16 * k, "".join(chr(0xE100 + k * 7 + j) for j in range(30)))
    c.showPage()
    c.save()
    rec = parse_bytes(buf.getvalue(), "unmapped.pdf")
    assert "PDF_TEXT_UNMAPPED" in {i["code"] for i in rec["issues"]} and _no_numbers(rec)
