"""The forms reports circulate in besides portal pages: the PDF attachment, the Word file, and what
PDF tools and converters print from them. One document model (`Doc`: title, sections, the three
tables as cell grids) feeds every form; the PDF-derived text forms read the same page layout back.

    render_form(truth, rng, style) -> (bytes, meta)
    prepare(truth, rng, style) -> truth   (a corpus' extra variants: 2021-on-2019-form, city-wide numbers)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .. import prose
from ..layouts import Opts, t2_tables, t3_table, t4_table
from ..truth import citywide_numbers, hybrid_other_total
from .paged import Layout, Look, Page, TableBlock

FORM_STYLES = ("pdf", "docx", "layout_text", "reading_order", "markdown_shredded", "one_line")
KINDS = {
    "pdf": "pdf",
    "docx": "docx",
    "layout_text": "text",
    "reading_order": "text",
    "markdown_shredded": "markdown",
    "one_line": "text",
}
MAX_PAGES = 7


@dataclass
class Section:
    head: str
    paras: list[str]
    tables: list[TableBlock] = field(default_factory=list)


@dataclass
class Doc:
    truth: dict
    title: str | None
    intro: str | None
    sections: list[Section]
    sign: list[str]
    opts: Opts

    @property
    def tables(self) -> list[TableBlock]:
        return [t for s in self.sections for t in s.tables]


def prepare(truth: dict, rng: random.Random, style: str) -> tuple[dict, list[str]]:
    """Variants of the truth that exist in the attachment forms: a 2021 report on the 2019 table-3
    form (one 其他处理 row), city-wide reports with 6-7 digit counts and decimal fees."""
    out: list[str] = []
    if truth["format_version"] == "pre2019":
        return truth, out
    if truth["format_version"] == "2021" and rng.random() < 0.12:
        truth = hybrid_other_total(truth)
        out.append("hybrid_2021_other_total_row")
    if rng.random() < 0.2:
        truth = citywide_numbers(truth, rng)
        out.append("citywide_numbers")
    return truth, out


def build_doc(truth: dict, rng: random.Random, style: str, meta: dict) -> Doc:
    o = Opts(rng, style)
    title_present = rng.random() < 0.93
    meta["title"] = title_present
    pre = truth["format_version"] == "pre2019"
    title = prose.title(truth, rng) if title_present else None
    if pre:
        intro = prose.pre2019_intro(truth)
        secs = [Section(h, ps) for h, ps in prose.pre2019_sections(truth, rng, title_present)]
    else:
        intro, raw = prose.sections(truth, rng, title_present)
        secs = [Section(h, ps) for h, ps in raw]
        tindex = 0
        for t in t2_tables(truth, o):
            secs[1].tables.append(TableBlock("table2", t, tindex))
            tindex += 1
        secs[2].tables.append(TableBlock("table3", t3_table(truth, o), tindex))
        secs[3].tables.append(TableBlock("table4", t4_table(truth, o), tindex + 1))
    if not title_present and rng.random() < 0.5:
        intro = None
    meta["empty_cells"] = o.empty_cells
    meta["noise"] += o.noise
    sign = [truth["agency_name"], prose.date_cn(truth["published_date"])]
    return Doc(truth, title, intro, secs, sign, o)


def choose_look(truth: dict, rng: random.Random) -> Look:
    r = rng.random
    ts = [7.5, 7.5, 9.0, 10.5]
    return Look(
        body_size=rng.choices([16.0, 15.0, 14.0, 12.0], [50, 10, 30, 10])[0],
        leading_factor=rng.choice([1.5, 1.75, 1.75, 1.9]),
        title_size=rng.choice([22.0, 22.0, 20.0, 18.0]),
        title_break_after_agency=r() < 0.7,
        heading_indent=rng.choice([0, 2, 2]),
        autospace=r() < 0.6,
        footer=rng.choices(["— {n} —", "-{n}-", "- {n} -", "—{n}—", "第{n}页", ""], [30, 30, 15, 10, 10, 5])[0],
        footer_outer=r() < 0.25,
        table_size={"table2": rng.choice([10.0, 10.5, 12.0]), "table3": rng.choice(ts), "table4": rng.choice(ts)},
        repeat_header=r() < 0.5,
        valign=rng.choices(["center", "top", "bottom"], [60, 25, 15])[0],
        t3_group_vertical=r() < 0.7,
        t2_first_col_wide=r() < 0.4,
        shade_sections=r() < 0.6,
        label_align=rng.choice(["left", "left", "center"]),
    )


def lay_out(doc: Doc, look: Look) -> tuple[list[Page], Layout]:
    """The document on pages; a body font that would take more than MAX_PAGES pages steps down."""
    sizes = [s for s in (16.0, 15.0, 14.0, 12.0, 10.5) if s <= look.body_size] or [look.body_size]
    for size in sizes:
        look.body_size = size
        lay = Layout(look)
        if doc.title:
            lay.title(doc.title, doc.truth["agency_name"])
        if doc.intro:
            lay.paragraph(doc.intro)
        for sec in doc.sections:
            lay.paragraph(sec.head, indent_chars=look.heading_indent, role="heading")
            for p in sec.paras:
                lay.paragraph(p)
            for tb in sec.tables:
                lay.table(tb)
        lay.space(look.body_size)
        for s in doc.sign:
            lay.paragraph(s, align="right", role="sign")
        pages = lay.finish()
        if len(pages) <= MAX_PAGES:
            break
    return pages, lay


def layout_variations(doc: Doc, look: Look, lay: Layout, pages: list[Page]) -> list[str]:
    """What the layout did, for the meta: page breaks inside tables, repeated headers, tables that
    share a page, wrapped labels, title lines."""
    out = [
        f"body_{look.body_size:g}pt",
        f"valign_{look.valign}",
        "footer:" + (look.footer.format(n="n") if look.footer else "none"),
    ]
    if look.autospace:
        out.append("autospace")
    if look.footer and look.footer_outer:
        out.append("footer_outer")
    if look.t3_group_vertical:
        out.append("t3_group_vertical")
    if look.shade_sections:
        out.append("shaded_sections")
    for tb in doc.tables:
        pgs = lay.table_pages.get(tb.tindex, [])
        if len(pgs) > 1:
            out.append(f"{tb.table}_crosses_page")
            if tb.tindex in lay.table_repeated:
                out.append(f"{tb.table}_header_repeated")
    on_page: dict[int, int] = {}
    for tb in doc.tables:
        for pg in lay.table_pages.get(tb.tindex, []):
            on_page[pg] = on_page.get(pg, 0) + 1
    if any(v > 1 for v in on_page.values()):
        out.append("tables_share_page")
    for t, n in sorted(lay.max_label_lines.items()):
        if n >= 2:
            out.append(f"{t}_labels_wrap_{min(n, 3)}_lines")
    title_lines = sum(1 for it in pages[0].items if it.role == "title" and it.line > 0)
    if title_lines:
        out.append("title_two_lines")
    return out


def render_form(truth: dict, rng: random.Random, style: str) -> tuple[bytes, dict[str, Any]]:
    from . import docx as docx_r
    from . import markdown as md_r
    from . import pdf as pdf_r
    from . import pdftext

    meta: dict[str, Any] = {
        "style": style,
        "kind": KINDS[style],
        "encoding": None if style in ("pdf", "docx") else "utf-8",
        "meta_charset": None,
        "bom": False,
        "traditional": False,
        "spam": [],
        "empty_cells": [],
        "noise": [],
        "glued_ambiguous": [],
        "title": True,
        "header_block": False,
        "tables": truth["format_version"] != "pre2019",
        "variations": [],
    }
    doc = build_doc(truth, rng, style, meta)
    if style == "docx":
        data = docx_r.render(doc, rng, meta)
    elif style == "markdown_shredded":
        look = choose_look(truth, rng)
        pages, _lay = lay_out(doc, look)
        meta["pages"] = len(pages)
        data = md_r.render(doc, pages, rng, meta).encode("utf-8")
    else:
        look = choose_look(truth, rng)
        pages, lay = lay_out(doc, look)
        meta["pages"] = len(pages)
        meta["variations"] += layout_variations(doc, look, lay, pages)
        if style == "pdf":
            data = pdf_r.render(doc, pages, look, rng, meta)
        elif style == "layout_text":
            data = pdftext.layout_text(pages, rng, meta).encode("utf-8")
        elif style == "reading_order":
            data = pdftext.reading_order(doc, pages, rng, meta).encode("utf-8")
        else:
            data = pdftext.one_line(doc, pages, rng, meta).encode("utf-8")
    meta["bytes"] = len(data)
    return data, meta
