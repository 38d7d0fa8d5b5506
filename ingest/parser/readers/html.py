"""HTML pages -> page text (one block per line) and the data tables as expanded grids.

Parsed with lxml's HTML parser (the libxml2 parser BeautifulSoup's "lxml" builder drives; building
lxml's tree directly is an order of magnitude faster than building a soup, see the README). Scripts,
styles and comments are dropped before any text is read; nothing is fetched (no_network) and HTML
parsing resolves no external entities. Innermost tables are data tables: each becomes a grid with
rowspan/colspan expanded, and its place in the page text becomes one placeholder line so that the
tables stay in document order with the headings around them. Tables that hold other tables are layout
and are read as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree as etree
import lxml.html

PLACEHOLDER = "\ue000TABLE{}\ue001"
PLACEHOLDER_RE = re.compile("\ue000TABLE(\\d+)\ue001")
MAX_SPAN = 200  # a colspan/rowspan above this is hostile or broken markup
MAX_GRID_CELLS = 2_000_000

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head")
_BLOCK = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "td",
    "th",
    "caption",
    "tbody",
    "thead",
    "tfoot",
    "form",
    "center",
    "hr",
    "title",
    "body",
    "html",
    "main",
}
_CELL_BREAK = {"br", "p", "div", "li"}
# lxml refuses strings holding what XML cannot: C0 control characters (a stray \x0b in a portal page
# would lose the whole report), lone surrogates and the noncharacters U+FFFE / U+FFFF (a page decoded
# from mangled UTF-16). They carry no text, so they become spaces. Tab, newline and carriage return stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# libxml2 is quadratic in a tag's attribute count (80,000 attributes took 88 s); a tag that long holds
# no text worth reading, so it keeps its name and loses its attributes before lxml sees it.
_LONG_TAG = re.compile(r"<([a-zA-Z][\w:.-]{0,30})[^<>]{2000,}>")
_SPAN_ATTR = re.compile(r"""\b(?:row|col)span\s*=\s*["']?\d{1,4}["']?""", re.I)


def _short_tag(m: re.Match) -> str:
    """The tag with its name and its row/col spans only (they shape the grid)."""
    spans = _SPAN_ATTR.findall(m.group(0)[:100_000])[:2]
    return "<" + " ".join([m.group(1), *spans]) + ">"


_DATA_URI = re.compile(r"data:[a-zA-Z0-9.+/-]*;base64,[A-Za-z0-9+/=\s]{256,}")


@dataclass
class Cell:
    text: str
    row: int
    col: int
    origin: bool  # False for the copies a rowspan/colspan makes


@dataclass
class Grid:
    index: int
    rows: list[list[Cell]]


def is_html(text: str) -> bool:
    head = text[:4096].lower()
    return bool(re.search(r"<(?:!doctype html|html|body|table|div|p|tr|td|span|meta|head)[\s>/]", head))


_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, recover=True, remove_blank_text=False, collect_ids=False
)


# A line break in the HTML source between two Chinese characters is no space at all (Word's export
# wraps lines anywhere: 未收到政府信息公开\r\n申请); elsewhere it is one space.
_CJK_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*[\r\n]+[ \t]*(?=[\u3000-\u9fff\uff00-\uffef])")
_WRAP = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def _unwrap(s: str | None) -> str | None:
    if not s or ("\n" not in s and "\r" not in s):
        return s
    return _WRAP.sub(" ", _CJK_WRAP.sub("", s))


def _cell_text(td) -> str:
    for el in td.iter(*_CELL_BREAK):
        if el is not td:
            el.tail = "\n" + (el.tail or "")
    return td.text_content().replace("\xa0", " ")


def grid_text(g: Grid) -> str:
    """A grid as text for the prose readers: one line per row, cells separated by ` | `."""
    return "\n".join(" | ".join(" ".join(c.text.split()) for c in row if c.origin) for row in g.rows)


def _span(v, default=1) -> int:
    try:
        n = int(str(v).strip() or default)
    except (TypeError, ValueError):
        return default
    return max(1, min(n, MAX_SPAN))


def _grid(table, index: int) -> Grid:
    """Expand rowspan/colspan into a rectangular-ish grid of cells."""
    rows: list[list[Cell]] = []
    pending: dict[tuple[int, int], Cell] = {}  # (row, col) -> copy from a rowspan above
    r = 0
    ncells = 0
    for tr in table.iter("tr"):
        row: list[Cell] = []
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = _cell_text(td)
            cs, rs = _span(td.get("colspan")), _span(td.get("rowspan"))
            for dc in range(cs):
                cell = Cell(text, r, c + dc, dc == 0)
                row.append(cell)
                for dr in range(1, rs):
                    pending[(r + dr, c + dc)] = Cell(text, r + dr, c + dc, False)
            c += cs
            ncells += cs * rs
            if ncells > MAX_GRID_CELLS:
                break
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        rows.append(row)
        r += 1
        if ncells > MAX_GRID_CELLS:
            break
    return Grid(index, rows)


@dataclass
class Page:
    lines: list[str]  # page text, one block per line; data tables as placeholder lines
    grids: list[Grid]
    title: str | None
    notes: list[tuple[str, str, str]]


def parse(text: str) -> Page:
    notes: list = []
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # inline pictures (data: URIs) carry no text and can exceed libxml2's limits on a value's size,
    # which would cut the document short
    text = _DATA_URI.sub("data:,", text)
    text = _CONTROL.sub(" ", text)
    text = _LONG_TAG.sub(_short_tag, text)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError) as exc:
        notes.append(("HTML_UNPARSABLE", "warning", f"the HTML could not be parsed ({exc}); read as plain text"))
        plain = re.sub(r"<[^>]{0,2000}>", "\n", text)
        return Page(plain.split("\n"), [], None, notes)
    title_el = root.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str):
            el.text = _unwrap(el.text)
            el.tail = _unwrap(el.tail)
    # innermost tables are data tables
    grids: list[Grid] = []
    tables = [t for t in root.iter("table") if not any(True for _ in t.iterdescendants("table"))]
    for t in tables:
        g = _grid(t, len(grids))
        if not g.rows:
            continue
        grids.append(g)
        ph = etree.Element("p")
        ph.text = PLACEHOLDER.format(g.index)
        ph.tail = t.tail
        parent = t.getparent()
        if parent is not None:
            parent.replace(t, ph)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK:
            el.tail = "\n" + (el.tail or "")
            if el.tag in ("td", "th"):
                el.text = " " + (el.text or "")
    body = root.find("body")
    content = (body if body is not None else root).text_content()
    lines = content.replace("\xa0", " ").split("\n")
    return Page(lines, grids, title, notes)
