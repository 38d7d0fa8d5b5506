"""PDF attachments: the paged layout drawn with reportlab, a real text layer in the built-in CID font
STSong-Light (nothing downloaded or embedded), ruled tables drawn as lines, shaded section rows,
page numbers. `invariant=1` keeps the bytes the same for the same seed (no clock, no random ID)."""

from __future__ import annotations

import io
import random

from .paged import PAGE_H, PAGE_W, Look, Page

FONT = "STSong-Light"
CREATORS = [
    ("WPS 文字", "WPS 文字"),
    ("Microsoft® Word 2016", "Microsoft® Word 2016"),
    ("Microsoft® Word 2010", "Microsoft® Word 2010"),
    ("WPS Office", "Jisupdf Editor"),
]


def font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def canvas(buf: io.BytesIO, **kw):
    from reportlab.pdfgen import canvas as rl_canvas

    return rl_canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1, **kw)


def draw_pages(c, pages: list[Page], line_width: float = 0.5) -> None:
    f = font()
    for p in pages:
        for x, y, w, h, gray in p.fills:
            c.setFillGray(gray)
            c.rect(x, PAGE_H - y - h, w, h, stroke=0, fill=1)
        c.setFillGray(0)
        size = None
        for it in p.items:
            if it.size != size:
                size = it.size
                c.setFont(f, size)
            text = it.text
            if len(text) == 1 and not text.isascii():
                # PDFium drops a text object of ONE glyph in a non-embedded CID font (本, 年, a full-width
                # digit); a trailing space keeps it (pdftotext and pdfminer read it either way)
                text += " "
            c.drawString(it.x, PAGE_H - it.y, text)
        c.setLineWidth(line_width)
        for x0, y0, x1, y1 in p.rules:
            c.line(x0, PAGE_H - y0, x1, PAGE_H - y1)
        c.showPage()


def render(doc, pages: list[Page], look: Look, rng: random.Random, meta: dict) -> bytes:
    buf = io.BytesIO()
    c = canvas(buf)
    creator, producer = rng.choice(CREATORS)
    c.setCreator(creator)
    c.setProducer(producer)
    c.setAuthor(rng.choice(["Administrator", "user", "dell", "lenovo", "政务公开办", ""]))
    if doc.title and rng.random() < 0.7:
        c.setTitle(doc.title)
    draw_pages(c, pages, line_width=rng.choice([0.5, 0.75, 1.0]))
    c.save()
    meta["creator"] = creator
    return buf.getvalue()
