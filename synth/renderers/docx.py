"""Word files: python-docx with the official template's structure: real merged cells (gridSpan and
vMerge: table 3's 3-row header, 三、本年度办理结果 as one vMerge cell over the 22 outcome rows, the
group labels as vMerge cells), 仿宋/黑体/宋体 fonts, sometimes empty cells for zeros (or a full-width
space left from the blank template), sometimes one paragraph per line of a cell. The zip is written
with fixed timestamps so the same seed gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

from .paged import expand


def _font(run, east_asia: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True


def _para(container, text: str, east_asia: str, size: float, align=None, indent_chars: float = 0, bold=False):
    from docx.shared import Pt

    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent_chars:
        p.paragraph_format.first_line_indent = Pt(size * indent_chars)
    run = p.add_run(text)
    _font(run, east_asia, size, bold)
    return p


def render(doc, rng: random.Random, meta: dict) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    body = rng.choice([16.0, 16.0, 14.0, 12.0])
    cell_size = rng.choice([10.0, 10.5, 9.0])
    per_line_paras = rng.random() < 0.5  # 商业/企业 as two paragraphs instead of a line break
    fill_blank = rng.random() < 0.3  # the template's full-width spaces left in empty and filled cells
    style_grid = rng.random() < 0.7
    variations = [f"body_{body:g}pt", f"cells_{cell_size:g}pt"]
    if per_line_paras:
        variations.append("paragraph_per_cell_line")
    if fill_blank:
        variations.append("template_fullwidth_spaces")
    d = Document()
    normal = d.styles["Normal"]
    normal.font.size = Pt(body)
    if doc.title:
        _para(d, doc.title, "方正小标宋简体", rng.choice([22.0, 20.0, 18.0]), WD_ALIGN_PARAGRAPH.CENTER)
        if rng.random() < 0.5:
            d.add_paragraph()
    if doc.intro:
        _para(d, doc.intro, "仿宋_GB2312", body, indent_chars=2)
    n_tables = 0
    for sec in doc.sections:
        _para(d, sec.head, "黑体", body, indent_chars=rng.choice([0, 2]))
        for p in sec.paras:
            _para(d, p, "仿宋_GB2312", body, indent_chars=2)
        for tb in sec.tables:
            _table(d, tb, cell_size, per_line_paras, fill_blank, style_grid, rng)
            n_tables += 1
            if rng.random() < 0.6:
                d.add_paragraph()
    d.add_paragraph()
    for s in doc.sign:
        _para(d, s, "仿宋_GB2312", body, WD_ALIGN_PARAGRAPH.RIGHT)
    when = dt.datetime.fromisoformat(doc.truth["published_date"]) + dt.timedelta(hours=rng.randint(8, 17))
    cp = d.core_properties
    cp.author = rng.choice(["Administrator", "user", "dell", "lenovo", "政务公开办"])
    cp.last_modified_by = cp.author
    cp.title = ""
    cp.created = when - dt.timedelta(days=rng.randint(1, 20))
    cp.modified = when
    cp.revision = rng.randint(1, 30)
    cp.comments = ""
    buf = io.BytesIO()
    d.save(buf)
    meta["variations"] += variations
    meta["tables_in_docx"] = n_tables
    return fixed_zip(buf.getvalue(), when)


def _table(d, tb, size: float, per_line_paras: bool, fill_blank: bool, style_grid: bool, rng: random.Random) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    origins, _owner, nrows, ncols = expand(tb.grid)
    t = d.add_table(rows=nrows, cols=ncols)
    if style_grid:
        t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    flat = t._cells  # every cell once, row by row (the public t.cell(r, c) rebuilds this list per call)
    cells = [flat[r * ncols : (r + 1) * ncols] for r in range(nrows)]
    for cell, r, c in origins:
        target = cells[r][c]
        if cell.rs > 1 or cell.cs > 1:
            target = target.merge(cells[r + cell.rs - 1][c + cell.cs - 1])
        p = target.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if cell.kind == "value" or r < 3 else None
        if cell.empty or not cell.text.strip():
            if fill_blank and cell.kind == "value":
                _font(p.add_run("　"), "宋体", size)
            continue
        text = cell.text
        if cell.kind == "value" and fill_blank and rng.random() < 0.3:
            text = text + "　"
        parts = cell.parts if cell.kind == "label" else [text]
        for i, part in enumerate(parts):
            if i and per_line_paras:
                p = target.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif i:
                p.add_run().add_break()
            _font(p.add_run(part), "宋体", size)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same archive with every member dated `when` (python-docx stamps the current time)."""
    stamp = (when.year, when.month, when.day, when.hour, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()
