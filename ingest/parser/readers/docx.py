"""Word (.docx) files -> paragraphs in order and the tables as expanded grids.

`word/document.xml` is read directly with lxml (python-docx builds a whole object model and does not
expand vertical merges): no DTD, no entities resolved, nothing fetched. Before anything is inflated
the zip's declared sizes and compression ratio are checked, and the part is read through a bounded
stream, so a zip bomb named .docx costs nothing. The body is parsed incrementally (each paragraph or
table is dropped once read), so memory stays bounded by the largest single table.

Paragraphs become lines in document order (a `w:br` starts a new line, `w:tab` is a column gap);
each data table becomes a grid and one placeholder line where it stands. Merged cells are expanded
exactly as the HTML reader expands colspan/rowspan: `w:gridSpan` makes copies to the right,
`w:vMerge` continuation cells are copies of the cell above (origin=False on copies), `w:gridBefore`
/`w:gridAfter` leave non-origin blanks. Tables that hold other tables are layout: their paragraphs
are read as lines and the inner tables as grids. The title, often two centred paragraphs
(`XX市人民政府` / `2024年政府信息公开工作年度报告`), is joined into one line.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib

from lxml import etree

from .html import PLACEHOLDER, Cell, Grid, Page
from .text import join_cell_lines, normalise_all

MAX_XML_BYTES = int(os.environ.get("OGI_DOCX_MAX_XML", 24 * 1024 * 1024))
MAX_RATIO = 500  # uncompressed / compressed: Word XML ~5-30x, a 10,000-row table ~250x; deflate's limit ~1030x
MAX_ROWS = 3_000  # table rows in the whole document
MAX_CELLS = 300_000
MAX_PARAGRAPHS = 100_000
MAX_SPAN = 200
PART = "word/document.xml"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_w = f"{{{W}}}"
T_P, T_TBL, T_TR, T_TC, T_T, T_BODY = _w + "p", _w + "tbl", _w + "tr", _w + "tc", _w + "t", _w + "body"
T_SDT, T_SDTCONTENT, T_CUSTOMXML, T_SMARTTAG = _w + "sdt", _w + "sdtContent", _w + "customXml", _w + "smartTag"
T_TAB, T_BR, T_CR, T_NBH = _w + "tab", _w + "br", _w + "cr", _w + "noBreakHyphen"
T_FALLBACK = f"{{{MC}}}Fallback"
_VAL = _w + "val"
_REPORT_WORD = re.compile(r"报告|年报")
_SENTENCE = re.compile(r"[。;；!！?？]")


class _Fail(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(v, default: int = 1) -> int:
    try:
        return max(0, min(int(v), MAX_SPAN))
    except (TypeError, ValueError):
        return default


class _Doc:
    def __init__(self) -> None:
        self.items: list = []  # str (a paragraph line) | list[list[Cell]] (a table's rows)
        self.centred: set[int] = set()  # indices of centred paragraphs
        self.rows = 0
        self.cells = 0
        self.paragraphs = 0
        self.capped = False


def _para_lines(p) -> list[str]:
    """A paragraph's text; a line break starts a new line, a tab is a column gap."""
    parts: list[str] = []
    for el in p.iter(T_T, T_TAB, T_BR, T_CR, T_NBH, T_FALLBACK):
        if el.tag == T_FALLBACK:
            continue
        if any(a.tag == T_FALLBACK for a in el.iterancestors(T_FALLBACK)):
            continue  # the legacy copy of a text box Word also stores as mc:Choice
        if el.tag == T_T:
            parts.append(el.text or "")
        elif el.tag == T_TAB:
            parts.append("\t")
        elif el.tag == T_NBH:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts).replace("\xa0", " ").split("\n")


def _centred(p) -> bool:
    jc = p.find(f"{_w}pPr/{_w}jc")
    return jc is not None and jc.get(_VAL) in ("center", "centre")


def _children(el, tags: tuple[str, ...]):
    """Children with one of `tags`, looking through content controls and custom XML wrappers."""
    for ch in el:
        if ch.tag in tags:
            yield ch
        elif ch.tag in (T_SDT, T_SDTCONTENT, T_CUSTOMXML, T_SMARTTAG):
            inner = ch.find(T_SDTCONTENT) if ch.tag == T_SDT else None
            yield from _children(inner if inner is not None else ch, tags)


def _cell_text(tc) -> str:
    lines: list[str] = []
    for p in tc.iter(T_P):
        lines.extend(ln for ln in _para_lines(p) if ln.strip())
    return join_cell_lines(lines)


def _table(tbl, doc: _Doc) -> None:
    if any(True for _ in tbl.iterdescendants(T_TBL)):
        # layout: read what it holds, in order
        for tr in _children(tbl, (T_TR,)):
            for tc in _children(tr, (T_TC,)):
                _blocks(tc, doc)
        return
    rows: list[list[Cell]] = []
    above: dict[int, Cell] = {}  # grid column -> the cell a vMerge continues
    for r, tr in enumerate(_children(tbl, (T_TR,))):
        if doc.rows >= MAX_ROWS or doc.cells >= MAX_CELLS:
            doc.capped = True
            break
        doc.rows += 1
        row: list[Cell] = []
        gb, ga = tr.find(f"{_w}trPr/{_w}gridBefore"), tr.find(f"{_w}trPr/{_w}gridAfter")
        before = _int(gb.get(_VAL), 0) if gb is not None else 0
        after = _int(ga.get(_VAL), 0) if ga is not None else 0
        for _ in range(before):
            row.append(Cell("", r, len(row), False))
        for tc in _children(tr, (T_TC,)):
            tcpr = tc.find(_w + "tcPr")
            span, vmerge, hmerge = 1, None, None
            if tcpr is not None:
                gs = tcpr.find(_w + "gridSpan")
                if gs is not None:
                    span = max(1, _int(gs.get(_VAL)))
                vm = tcpr.find(_w + "vMerge")
                if vm is not None:
                    vmerge = vm.get(_VAL) or "continue"
                hm = tcpr.find(_w + "hMerge")
                if hm is not None:
                    hmerge = hm.get(_VAL) or "continue"
            c = len(row)
            if vmerge == "continue" and c in above:
                src = above[c]
                for dc in range(span):
                    row.append(Cell(src.text, r, c + dc, False))
                continue
            if hmerge == "continue" and row:
                left = row[-1]
                for dc in range(span):
                    row.append(Cell(left.text, r, c + dc, False))
                continue
            text = _cell_text(tc)
            origin = Cell(text, r, c, True)
            row.append(origin)
            for dc in range(1, span):
                row.append(Cell(text, r, c + dc, False))
            for dc in range(span):
                if vmerge == "restart":
                    above[c + dc] = origin
                else:
                    above.pop(c + dc, None)
        for _ in range(after):
            row.append(Cell("", r, len(row), False))
        doc.cells += len(row)
        rows.append(row)
    if rows:
        doc.items.append(rows)


def _blocks(container, doc: _Doc) -> None:
    for el in _children(container, (T_P, T_TBL)):
        if el.tag == T_P:
            _paragraph(el, doc)
        else:
            _table(el, doc)


def _paragraph(p, doc: _Doc) -> None:
    if doc.paragraphs >= MAX_PARAGRAPHS:
        doc.capped = True
        return
    doc.paragraphs += 1
    centred = _centred(p)
    for ln in _para_lines(p):
        if ln.strip():
            if centred:
                doc.centred.add(len(doc.items))
            doc.items.append(ln)


def _open_part(data: bytes) -> bytes:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise _Fail("DOCX_UNREADABLE", f"the file starts like a Word (.docx) zip but cannot be opened ({exc})") from exc
    with zf:
        try:
            info = zf.getinfo(PART)
        except KeyError as exc:
            raise _Fail("DOCX_UNREADABLE", f"the zip holds no {PART}; it is not a Word document") from exc
        if info.file_size > MAX_XML_BYTES:
            raise _Fail(
                "DOCX_UNREADABLE",
                f"{PART} declares {info.file_size} bytes uncompressed, over the limit of {MAX_XML_BYTES}; not inflated",
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 4_000_000:
            raise _Fail(
                "DOCX_UNREADABLE",
                f"{PART} declares a compression ratio of {info.file_size // info.compress_size}:1 "
                f"(over {MAX_RATIO}:1): a zip bomb; not inflated",
            )
        try:
            with zf.open(info) as f:
                raw = f.read(MAX_XML_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise _Fail("DOCX_UNREADABLE", f"{PART} cannot be inflated ({type(exc).__name__}: {exc})") from exc
        if len(raw) > MAX_XML_BYTES:
            raise _Fail(
                "DOCX_UNREADABLE", f"{PART} inflates to more than {MAX_XML_BYTES} bytes (its declared size is false)"
            )
        return raw


def _parse_xml(raw: bytes, doc: _Doc) -> None:
    """Body children one by one: each is read when its end tag arrives, then dropped."""
    ctx = etree.iterparse(
        io.BytesIO(raw),
        events=("end",),
        tag=(T_P, T_TBL, T_SDT),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _, el in ctx:
            parent = el.getparent()
            if parent is None or parent.tag != T_BODY:
                continue  # read with its body-level ancestor
            if el.tag == T_P:
                _paragraph(el, doc)
            elif el.tag == T_TBL:
                _table(el, doc)
            else:
                _blocks(el, doc)
            el.clear()
            while el.getprevious() is not None:
                del parent[0]
    except (etree.XMLSyntaxError, zlib.error, zipfile.BadZipFile, EOFError, OSError) as exc:
        # a damaged deflate stream fails mid-read, like damaged XML: keep what came before it
        if not doc.items:
            raise _Fail("DOCX_UNREADABLE", f"{PART} is damaged or not well-formed XML ({exc})") from exc
        doc.capped = True  # keep what was read before the damage


def _join_title(doc: _Doc) -> None:
    """`XX市人民政府` / `2024年政府信息公开工作年度报告` in separate short (or centred) paragraphs
    at the top become one title line."""
    head = []
    for i, it in enumerate(doc.items[:8]):
        if not isinstance(it, str):
            break
        head.append(i)
    hit = next((i for i in head[:6] if _REPORT_WORD.search(doc.items[i])), None)
    if hit is None:
        return

    def title_like(i: int) -> bool:
        s = doc.items[i].strip()
        return (i in doc.centred or len(s) <= 30) and not _SENTENCE.search(s) and len(s) <= 60

    if not title_like(hit):
        return
    k = hit
    while k > 0 and title_like(k - 1) and (k - 1 in doc.centred) == (hit in doc.centred):
        k -= 1
    if k == hit:
        return
    doc.items[k : hit + 1] = [join_cell_lines([doc.items[i] for i in range(k, hit + 1)])]


def read(data: bytes):
    from . import Read

    notes: list[tuple[str, str, str]] = []
    doc = _Doc()
    try:
        raw = _open_part(data)
        _parse_xml(raw, doc)
    except _Fail as exc:
        return Read("docx", None, [(exc.code, "error", exc.message)])
    del raw
    if doc.capped:
        notes.append(
            (
                "DOCX_CAPPED",
                "warning",
                f"the document is over the reader's limits ({MAX_ROWS} table rows, {MAX_PARAGRAPHS} paragraphs) "
                "or damaged part-way; the rest was not read",
            )
        )
    _join_title(doc)
    # NFKC and traditional -> simplified over every string at once
    strings: list[str] = []
    for it in doc.items:
        if isinstance(it, str):
            strings.append(it)
        else:
            strings.extend(c.text for row in it for c in row)
    norm, traditional = normalise_all(strings)
    k = 0
    lines: list[str] = []
    grids: list[Grid] = []
    for it in doc.items:
        if isinstance(it, str):
            lines.append(norm[k])
            k += 1
            continue
        for row in it:
            for c in row:
                c.text = norm[k]
                k += 1
        g = Grid(len(grids), it)
        grids.append(g)
        lines.append(PLACEHOLDER.format(g.index))
    if traditional:
        notes.append(
            (
                "TRADITIONAL_CONVERTED",
                "info",
                "the text is in traditional characters; labels and names were converted to simplified with OpenCC t2s",
            )
        )
    return Read("docx", Page(lines, grids, None, []), notes, traditional)
