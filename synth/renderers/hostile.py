"""Hostile attachments, one function per kind, for the parser's hostile-input tests. Each takes a
`random.Random` (and the truth it was made from, where there is one) and returns bytes:

    image_only_pdf(truth, rng, mode="raster"|"vector")  pages that are one picture or only vector
                                                       strokes: no text layer at all
    encrypted_pdf(truth, rng)                          a report PDF that needs a password to open
    truncated_pdf(truth, rng)                          a report PDF cut off part way (no xref, no EOF)
    long_pdf(truth, rng, pages=500)                    a real report after a 500-page annex
    zip_bomb_docx(rng, gib=3.0)                        a .docx whose document.xml inflates to gigabytes
                                                       (made in memory from one repeated deflate block)
    docx_rows(truth, rng, rows=10_000)                 a .docx with a 10,000-row catalogue table

`hostile_files(seed)` gives all of them with the truth each was made from (None when there is none).
"""

from __future__ import annotations

import io
import random
import struct
import zlib

from ..truth import random_truth
from .forms import build_doc, choose_look, lay_out
from .paged import PAGE_H, PAGE_W, Layout, Look, Page
from .pdf import canvas, draw_pages

MB = 1 << 20


def _pages(truth: dict, rng: random.Random) -> tuple[object, list[Page], Look]:
    meta: dict = {"noise": [], "variations": [], "empty_cells": [], "title": True}
    doc = build_doc(truth, rng, "pdf", meta)
    look = choose_look(truth, rng)
    pages, _lay = lay_out(doc, look)
    return doc, pages, look


# ---------------------------------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------------------------------
def image_only_pdf(truth: dict, rng: random.Random, mode: str = "raster") -> bytes:
    """The report's pages with no text layer: "raster" draws each page into a grey-scale picture (a
    scan: glyphs as ink blots, digits legible as seven-segment strokes); "vector" draws the same
    strokes as vector paths (a PDF printed with text converted to outlines)."""
    _doc, pages, _look = _pages(truth, rng)
    buf = io.BytesIO()
    c = canvas(buf)
    c.setCreator(rng.choice(["Canon iR-ADV C5535 PDF", "HP Digital Sending", "RICOH IM C3000"]))
    for p in pages:
        if mode == "raster":
            from reportlab.lib.utils import ImageReader

            img = _raster(p, rng)
            c.drawImage(ImageReader(img), 0, 0, PAGE_W, PAGE_H)
        else:
            _vector(c, p)
        c.showPage()
    c.save()
    return buf.getvalue()


def _glyph_strokes(ch: str, x: float, y: float, size: float) -> list[tuple[float, float, float, float]]:
    """Line segments that draw one character: seven segments for a digit, a few strokes for a hanzi."""
    w, h = size * (0.46 if ch.isascii() else 0.9), size * 0.8
    top = y - h
    if ch.isdigit():
        seg = {
            "a": (0, 0, 1, 0),
            "b": (1, 0, 1, 0.5),
            "c": (1, 0.5, 1, 1),
            "d": (0, 1, 1, 1),
            "e": (0, 0.5, 0, 1),
            "f": (0, 0, 0, 0.5),
            "g": (0, 0.5, 1, 0.5),
        }
        on = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"][int(ch)]
        ww = w * 0.8
        return [(x + a * ww, top + b * h, x + c2 * ww, top + d * h) for a, b, c2, d in (seg[s] for s in on)]
    if ch.isspace():
        return []
    k = ord(ch)
    out = [(x, top + h * 0.3, x + w, top + h * 0.3), (x + w * 0.5, top, x + w * 0.5, top + h)]
    if k % 3:
        out.append((x + w * 0.1, top + h * 0.75, x + w * 0.9, top + h * 0.75))
    if k % 5 > 1:
        out.append((x + w * 0.2, top + h * 0.05, x + w * 0.05, top + h * 0.95))
    if k % 7 > 2:
        out.append((x + w * 0.55, top + h * 0.5, x + w * 0.95, top + h))
    return out


def _strokes(p: Page) -> list[tuple[float, float, float, float, float]]:
    out = [(x0, y0, x1, y1, 0.6) for x0, y0, x1, y1 in p.rules]
    for it in p.items:
        x = it.x
        for ch in it.text:
            out.extend((*s, max(0.4, it.size / 16)) for s in _glyph_strokes(ch, x, it.y, it.size))
            x += it.size * (0.46 if ch.isascii() else 1.0)
    return out


def _raster(p: Page, rng: random.Random, dpi: int = 100):
    # Pillow comes with pdfplumber (a runtime dependency)
    from PIL import Image, ImageDraw, ImageFilter

    sc = dpi / 72
    img = Image.new("L", (round(PAGE_W * sc), round(PAGE_H * sc)), 255)
    d = ImageDraw.Draw(img)
    skew = rng.uniform(-0.6, 0.6)
    for x0, y0, x1, y1, w in _strokes(p):
        dy = skew * (x0 / PAGE_W) * 4
        d.line(
            [(x0 * sc, (y0 + dy) * sc), (x1 * sc, (y1 + dy) * sc)],
            fill=rng.randint(20, 70),
            width=max(1, round(w * sc)),
        )
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    # scanner noise: a few specks
    for _ in range(300):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        img.putpixel((x, y), rng.randint(120, 220))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60)
    out.seek(0)
    return out


def _vector(c, p: Page) -> None:
    c.setLineWidth(0.6)
    for x0, y0, x1, y1, w in _strokes(p):
        c.setLineWidth(w)
        c.line(x0, PAGE_H - y0, x1, PAGE_H - y1)


def encrypted_pdf(truth: dict, rng: random.Random) -> bytes:
    """A report PDF encrypted with a user password (RC4/AES via reportlab): unreadable without it."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    _doc, pages, _look = _pages(truth, rng)
    enc = StandardEncryption(
        userPassword=f"{rng.randint(100000, 999999)}", ownerPassword="owner", canPrint=0, canCopy=0, strength=128
    )
    buf = io.BytesIO()
    c = canvas(buf, encrypt=enc)
    draw_pages(c, pages)
    c.save()
    return buf.getvalue()


def truncated_pdf(truth: dict, rng: random.Random) -> bytes:
    """A report PDF cut off part way through (an interrupted download): no xref table, no %%EOF."""
    _doc, pages, _look = _pages(truth, rng)
    buf = io.BytesIO()
    c = canvas(buf)
    draw_pages(c, pages)
    c.save()
    data = buf.getvalue()
    return data[: int(len(data) * rng.uniform(0.35, 0.7))]


def long_pdf(truth: dict, rng: random.Random, pages: int = 500) -> bytes:
    """The report after an annex of `pages` pages (a catalogue of every document published)."""
    doc, _pages0, look = _pages(truth, rng)
    lay = Layout(look)
    if doc.title:
        lay.title(doc.title, truth["agency_name"])
    lay.paragraph("附件：" + truth["agency_name"] + "政府信息主动公开目录", role="heading")
    n = 0
    while len(lay.pages) < pages:
        n += 1
        lay.paragraph(
            f"{n}. 关于印发{truth['report_year']}年度第{n}批政务公开工作要点的通知（文号：{rng.randint(1, 999)}号，"
            f"公开日期：{truth['report_year']}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日）",
            indent_chars=0,
        )
    if doc.intro:
        lay.paragraph(doc.intro)
    for sec in doc.sections:
        lay.paragraph(sec.head, role="heading")
        for p in sec.paras:
            lay.paragraph(p)
        for tb in sec.tables:
            lay.table(tb)
    for s in doc.sign:
        lay.paragraph(s, align="right", role="sign")
    buf = io.BytesIO()
    c = canvas(buf)
    draw_pages(c, lay.finish())
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------------
# Word files, written member by member
# ---------------------------------------------------------------------------------------------------
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOC_TAIL = "</w:body></w:document>"


def _p(text: str) -> str:
    from xml.sax.saxutils import escape

    return f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>"


def _member(name: str, raw_deflate: bytes, crc: int, size: int) -> tuple[bytes, bytes]:
    """(local header + data, central directory entry without its offset filled) for one member."""
    n = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5021, crc, len(raw_deflate), size, len(n), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5021, crc, len(raw_deflate), size, len(n), 0, 0, 0, 0, 0, 0
    )
    return local + n + raw_deflate, central + n


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive from already-deflated members: (name, raw deflate, crc32, uncompressed size)."""
    out = io.BytesIO()
    centrals = []
    for name, raw, crc, size in members:
        offset = out.tell()
        local, central = _member(name, raw, crc, size)
        out.write(local)
        centrals.append(central[:42] + struct.pack("<I", offset) + central[46:])
    cd_start = out.tell()
    for cen in centrals:
        out.write(cen)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), cd_size, cd_start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[str, bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return ("", c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def _docx(document_xml: bytes) -> bytes:
    parts = [("[Content_Types].xml", CONTENT_TYPES.encode()), ("_rels/.rels", RELS.encode())]
    parts.append(("word/document.xml", document_xml))
    return _zip([(name, *_deflated(data)[1:]) for name, data in parts])


def _gf2_times(mat: list[int], vec: int) -> int:
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << (n - 1) for n in range(1, 32)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def zip_bomb_docx(rng: random.Random, gib: float = 3.0) -> bytes:
    """A .docx whose word/document.xml inflates to `gib` GiB of spaces inside a paragraph (at most
    ~3.9: no ZIP64). Built from ONE deflate block of 1 MiB of spaces, flushed so it stands alone, and
    repeated; the CRC comes from zlib's combine algorithm. Nothing near that size is ever in memory."""
    total_chunks = int(gib * 1024)
    if total_chunks * MB >= 0xFFFFFFFF - MB:
        raise ValueError("at most ~3.9 GiB without ZIP64")
    head = (DOC_HEAD + '<w:p><w:r><w:t xml:space="preserve">' + "政府信息公开工作年度报告").encode()
    tail = ("</w:t></w:r></w:p>" + DOC_TAIL).encode()
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = c.compress(b" " * MB) + c.flush(zlib.Z_FULL_FLUSH)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = c.compress(tail) + c.flush()
    crc_chunk = zlib.crc32(b" " * MB)
    crc_body, length, k = 0, 0, total_chunks  # crc of chunk * k by doubling
    sq_crc, sq_len = crc_chunk, MB
    while k:
        if k & 1:
            crc_body = crc32_combine(crc_body, sq_crc, sq_len) if length else sq_crc
            length += sq_len
        sq_crc = crc32_combine(sq_crc, sq_crc, sq_len)
        sq_len *= 2
        k >>= 1
    crc = crc32_combine(crc32_combine(zlib.crc32(head), crc_body, length), zlib.crc32(tail), len(tail))
    size = len(head) + length + len(tail)
    raw = first + chunk * total_chunks + last
    members = [
        (name, *_deflated(data)[1:])
        for name, data in (("[Content_Types].xml", CONTENT_TYPES.encode()), ("_rels/.rels", RELS.encode()))
    ]
    members.append(("word/document.xml", raw, crc, size))
    return _zip(members)


def docx_rows(truth: dict, rng: random.Random, rows: int = 10_000) -> bytes:
    """A .docx: the report's title and a catalogue table of `rows` rows (序号, 信息名称, 文号, 数量)
    where the three standard tables should be. It has no table 2, 3 or 4."""
    from xml.sax.saxutils import escape

    y = truth["report_year"]
    body = [
        _p(f"{truth['agency_name']}{y}年政府信息公开工作年度报告"),
        _p("一、总体情况"),
        _p("附件：政府信息公开目录"),
    ]
    body.append(
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        + '<w:gridCol w:w="2000"/>' * 4
        + "</w:tblGrid>"
    )
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    for i in range(rows):
        vals = [
            str(i + 1),
            f"关于第{i + 1}项政务公开事项的通知",
            f"〔{y}〕{rng.randint(1, 99)}号",
            str(rng.randint(0, 9)),
        ]
        body.append("<w:tr>" + "".join(cell.format(escape(v)) for v in vals) + "</w:tr>")
    body.append("</w:tbl>")
    body.append(_p("六、其他需要报告的事项"))
    return _docx((DOC_HEAD + "".join(body) + DOC_TAIL).encode())


HOSTILE_KINDS = (
    "image_only_raster.pdf",
    "image_only_vector.pdf",
    "encrypted.pdf",
    "truncated.pdf",
    "pages_500.pdf",
    "zip_bomb.docx",
    "rows_10000.docx",
)


def hostile_files(seed: int = 1, kinds: tuple[str, ...] = HOSTILE_KINDS) -> dict[str, tuple[bytes, dict | None]]:
    """name -> (bytes, the truth it was rendered from or None), every kind from one seed."""
    out: dict[str, tuple[bytes, dict | None]] = {}
    for i, name in enumerate(kinds):
        rng = random.Random(seed * 1_000_003 + i)
        truth = random_truth(rng, rng.randint(2021, 2024))
        if name == "image_only_raster.pdf":
            out[name] = (image_only_pdf(truth, rng, "raster"), truth)
        elif name == "image_only_vector.pdf":
            out[name] = (image_only_pdf(truth, rng, "vector"), truth)
        elif name == "encrypted.pdf":
            out[name] = (encrypted_pdf(truth, rng), truth)
        elif name == "truncated.pdf":
            out[name] = (truncated_pdf(truth, rng), truth)
        elif name == "pages_500.pdf":
            out[name] = (long_pdf(truth, rng), truth)
        elif name == "zip_bomb.docx":
            out[name] = (zip_bomb_docx(rng), None)
        elif name == "rows_10000.docx":
            out[name] = (docx_rows(truth, rng), truth)
        else:
            raise ValueError(f"unknown hostile kind {name!r}")
    return out
