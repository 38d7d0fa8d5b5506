"""PDF files -> page text in reading order and the ruled tables as expanded grids.

PDFium (pypdfium2) gives every character with its box and every vector path of a page. Tables are
found from the page's ruling lines, the way a reader sees them: straight horizontal and vertical
strokes (and the edges of filled rectangles, thin ones as lines) that cross each other form one
table; their distinct positions make a lattice, and lattice cells with no ruling between them are
one merged cell. Each merged cell becomes an origin cell and copies, exactly as the HTML reader
expands rowspan/colspan, so the extractors see one grid shape whatever the source. Characters are
placed in the cell that holds their centre; the lines of one cell are joined (a vertical label, one
character per line, becomes one label). Text outside the tables becomes lines, top to bottom, with
the tables as placeholder lines where they stand.

Across pages: page numbers and running footers (`- 4 -`, `— 4 —`, `第4页`) are dropped; a table that
ends a page and one that starts the next page, as wide as each other, are one table (a repeated
header row is dropped, a merged cell cut by the page break is joined: `(四)无` + `法提供`).
The title, often set in two or three large centred lines, is joined into one line.

Limits: the first `MAX_PAGES` pages and `MAX_CHARS` characters are read (a finding says so); pages
with more than `MAX_PAGE_OBJECTS` drawing objects are read without table rulings. A PDF without a
text layer (scanned pages) gives no page and an error; nothing is ever guessed from pictures.

pdfplumber (pdfminer.six) finds the same tables on the reports tested but takes ~20x the time; see
ingest/README.md for the measurements.
"""

from __future__ import annotations

import ctypes
import os
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pr

from .html import PLACEHOLDER, Cell, Grid, Page
from .text import is_cjk, join_cell_lines, normalise_all

MAX_PAGES = int(os.environ.get("OGI_PDF_MAX_PAGES", 80))  # reports run 3-30 pages
MAX_CHARS = int(os.environ.get("OGI_PDF_MAX_CHARS", 250_000))  # a 30-page report has ~30,000
MAX_PAGE_CHARS = 60_000
MAX_PAGE_OBJECTS = 20_000
MAX_PATH_SEGMENTS = 4_000
MAX_EDGES = 4_000

SNAP = 2.0  # points: ruling positions closer than this are one line
MIN_BAND = 3.0  # points: lattice rows/columns thinner than this are the gap of a double rule
MIN_EDGE = 3.0  # points: shorter strokes are not rulings (dots, tick marks, glyph-like paths)

_SPACES = {0x20, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009}
# a line that is only a page number or a running page footer
_FOLIO = re.compile(
    r"^\s*(?:[-—–－―_~·•]+\s*\d{1,4}\s*[-—–－―_~·•]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.I,
)
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_NUMBERED = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十]{1,3}[)）、.．]|[(（]\d{1,2}[)）]|\d{1,2}\s*[.、．])")
_REPORT_WORD = re.compile(r"报告|年报")


class Ch:
    """One character: its text, box (display coordinates: y grows downwards) and centre."""

    __slots__ = ("c", "cx", "cy", "x0", "x1", "y0", "y1")

    def __init__(self, c: str, x0: float, y0: float, x1: float, y1: float) -> None:
        self.c, self.x0, self.y0, self.x1, self.y1 = c, x0, y0, x1, y1
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2

    def __repr__(self) -> str:
        return f"Ch({self.c!r}, {self.x0:.1f}, {self.y0:.1f}, {self.x1:.1f}, {self.y1:.1f})"


@dataclass
class _Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float = 10.0  # median character height
    page: int = 0
    right: float = 0.0  # right edge of the page's text column
    segs: list = field(default_factory=list)  # [x0, x1, text] of each column-gap separated piece
    chars: list = field(default_factory=list)


@dataclass
class _Table:
    page: int
    xs: list[float]
    ys: list[float]
    cellmap: list[list[int]]  # [row][col] -> region id
    texts: dict[int, str]  # region id -> text
    chars: dict[int, list[Ch]] = field(default_factory=dict)

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def x1(self) -> float:
        return self.xs[-1]

    @property
    def y0(self) -> float:
        return self.ys[0]

    @property
    def y1(self) -> float:
        return self.ys[-1]


class _Budget:
    def __init__(self) -> None:
        self.chars = 0
        self.capped = False


# ------------------------------------------------------------------------------------------------
# Page geometry: PDF user space -> display space (origin top left, y down, page rotation applied)


# An affine map (a, b, c, d, e, f): x' = a*x + c*y + e, y' = b*x + d*y + f
Affine = tuple[float, float, float, float, float, float]


def _display_transform(page) -> tuple[float, float, Affine]:
    """Display width, height and the map from user space to display space."""
    box = pr.FS_RECTF()
    if not pr.FPDF_GetPageBoundingBox(page, box):
        box.left, box.bottom = 0.0, 0.0
        box.right, box.top = pr.FPDF_GetPageWidthF(page), pr.FPDF_GetPageHeightF(page)
    left, right = min(box.left, box.right), max(box.left, box.right)
    bottom, top = min(box.bottom, box.top), max(box.bottom, box.top)
    rot = pr.FPDFPage_GetRotation(page) % 4
    w, h = right - left, top - bottom
    if rot == 0:
        return w, h, (1.0, 0.0, 0.0, -1.0, -left, top)  # (x - left, top - y)
    if rot == 1:  # turned 90 degrees clockwise for display
        return h, w, (0.0, 1.0, 1.0, 0.0, -bottom, -left)  # (y - bottom, x - left)
    if rot == 2:
        return w, h, (-1.0, 0.0, 0.0, 1.0, right, -bottom)  # (right - x, y - bottom)
    return h, w, (0.0, -1.0, -1.0, 0.0, top, right)  # (top - y, right - x)


def _apply(tf: Affine, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = tf
    return a * x + c * y + e, b * x + d * y + f


def _chars(textpage, tf, budget: _Budget) -> list[Ch]:
    n = pr.FPDFText_CountChars(textpage)
    if n <= 0:
        return []
    if n > MAX_PAGE_CHARS:
        n = MAX_PAGE_CHARS
        budget.capped = True
    if budget.chars + n > MAX_CHARS:
        n = max(0, MAX_CHARS - budget.chars)
        budget.capped = True
    budget.chars += n
    rect = pr.FS_RECTF()
    out: list[Ch] = []
    # the whole page's text in one call (UTF-16, one unit per character index), then one box each
    buf = (ctypes.c_ushort * (n + 1))()
    got = pr.FPDFText_GetText(textpage, 0, n, buf)
    units = bytes(buf)[: max(got - 1, 0) * 2].decode("utf-16-le", "surrogatepass") if got > 0 else ""
    if len(units) != n:
        units = "".join(chr(pr.FPDFText_GetUnicode(textpage, i)) for i in range(n))
    is_gen, box = pr.FPDFText_IsGenerated, pr.FPDFText_GetLooseCharBox
    ta, tb, tc, td, te, tf_ = tf
    for i, ch in enumerate(units):
        u = ord(ch)
        if u < 32 or u in (0xFFFE, 0xFFFF) or 0xD800 <= u <= 0xDFFF:
            continue
        if u == 32 and is_gen(textpage, i) == 1:
            continue  # a space PDFium inserted (only spaces and line ends are ever inserted)
        if not box(textpage, i, rect):
            continue
        ul, ut, ur, ub = rect.left, rect.top, rect.right, rect.bottom  # user space
        ax, ay = ta * ul + tc * ut + te, tb * ul + td * ut + tf_
        bx, by = ta * ur + tc * ub + te, tb * ur + td * ub + tf_
        out.append(Ch(ch, ax if ax < bx else bx, ay if ay < by else by, bx if ax < bx else ax, by if ay < by else ay))
    return out


# ------------------------------------------------------------------------------------------------
# Rulings


def _mul(m1, m2):
    """Matrix product: apply m1 then m2 (each (a, b, c, d, e, f))."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


_IDENT = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_DRAWN = (pr.FPDF_PAGEOBJ_PATH, pr.FPDF_PAGEOBJ_FORM, pr.FPDF_PAGEOBJ_IMAGE)


def _objects(page, limit: int):
    """(object, matrix to page space) of every page object, descending into form XObjects."""
    fm = pr.FS_MATRIX()
    count = 0
    stack: list[tuple[int, Callable[[int], object], tuple, int]] = [
        (pr.FPDFPage_CountObjects(page), partial(pr.FPDFPage_GetObject, page), _IDENT, 0)
    ]
    while stack:
        n, get, parent, depth = stack.pop()
        for i in range(n):
            count += 1
            if count > limit:
                return
            obj = get(i)
            if not obj:
                continue
            t = pr.FPDFPageObj_GetType(obj)
            if t not in _DRAWN or not pr.FPDFPageObj_GetMatrix(obj, fm):
                continue  # text is read from the text page
            m = _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), parent)
            if t == pr.FPDF_PAGEOBJ_FORM and depth < 8:
                stack.append((pr.FPDFFormObj_CountObjects(obj), partial(pr.FPDFFormObj_GetObject, obj), m, depth + 1))
            else:
                yield obj, t, m


def _white(obj, getter) -> bool:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return False
    return a.value == 0 or (r.value > 240 and g.value > 240 and b.value > 240)


def _rulings(page, tf, pw: float, ph: float) -> tuple[list, list, int, bool]:
    """Horizontal edges (y, x0, x1), vertical edges (x, y0, y1) in display space, the number of large
    images on the page, and whether the page had too many objects to look for rulings."""
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    images = 0
    n_obj = pr.FPDFPage_CountObjects(page)
    if n_obj > MAX_PAGE_OBJECTS:
        return hs, vs, 0, True
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    page_area = pw * ph
    bl, bb, br, bt = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for obj, t, m in _objects(page, MAX_PAGE_OBJECTS):
        if t == pr.FPDF_PAGEOBJ_IMAGE:
            if (
                pr.FPDFPageObj_GetBounds(obj, bl, bb, br, bt)
                and abs((br.value - bl.value) * (bt.value - bb.value)) > 0.15 * page_area
            ):
                images += 1
            continue
        if t != pr.FPDF_PAGEOBJ_PATH:
            continue
        if not pr.FPDFPath_GetDrawMode(obj, fill, stroke):
            continue
        stroked, filled = bool(stroke.value), fill.value != 0
        if stroked and _white(obj, pr.FPDFPageObj_GetStrokeColor):
            stroked = False
        if filled and _white(obj, pr.FPDFPageObj_GetFillColor):
            filled = False
        if not stroked and not filled:
            continue
        nseg = pr.FPDFPath_CountSegments(obj)
        if nseg <= 1 or nseg > MAX_PATH_SEGMENTS:
            continue
        a, b, c, d, e, f = m
        pts: list[tuple[float, float] | None] = []  # None breaks a subpath (a curve)
        start = None
        for i in range(nseg):
            seg = pr.FPDFPath_GetPathSegment(obj, i)
            if not pr.FPDFPathSegment_GetPoint(seg, fx, fy):
                continue
            x, y = fx.value, fy.value
            p = _apply(tf, a * x + c * y + e, b * x + d * y + f)
            st = pr.FPDFPathSegment_GetType(seg)
            if st == pr.FPDF_SEGMENT_MOVETO:
                pts.append(None)
                start = p
                pts.append(p)
            elif st == pr.FPDF_SEGMENT_LINETO:
                pts.append(p)
            else:  # a Bezier curve is no ruling
                pts.append(None)
                pts.append(p)
                start = None
            if pr.FPDFPathSegment_GetClose(seg) and start is not None:
                pts.append(start)
        segs = [(p, q) for p, q in pairwise(pts) if p is not None and q is not None]
        if not segs:
            continue
        xs_ = [p[0] for s in segs for p in s]
        ys_ = [p[1] for s in segs for p in s]
        bw, bh = max(xs_) - min(xs_), max(ys_) - min(ys_)
        if bw * bh > 0.5 * page_area:
            continue  # a page background or frame around everything
        if filled and not stroked and (bw < MIN_BAND or bh < MIN_BAND):
            # a thin filled rectangle is how many writers draw a rule
            if bw >= MIN_EDGE and bh < MIN_BAND:
                hs.append(((min(ys_) + max(ys_)) / 2, min(xs_), max(xs_)))
            elif bh >= MIN_EDGE and bw < MIN_BAND:
                vs.append(((min(xs_) + max(xs_)) / 2, min(ys_), max(ys_)))
            continue
        for (x0, y0), (x1, y1) in segs:
            if abs(y1 - y0) < 0.8 and abs(x1 - x0) >= MIN_EDGE:
                hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) < 0.8 and abs(y1 - y0) >= MIN_EDGE:
                vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
        if len(hs) + len(vs) > 4 * MAX_EDGES:
            break
    return hs, vs, images, False


def _merge_edges(edges: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear edges (same position within SNAP) that overlap or touch become one."""
    if not edges:
        return []
    edges = sorted(edges)
    groups: list[list[tuple[float, float, float]]] = [[edges[0]]]
    for e in edges[1:]:
        if e[0] - groups[-1][0][0] <= SNAP:
            groups[-1].append(e)
        else:
            groups.append([e])
    out = []
    for g in groups:
        pos = sum(e[0] for e in g) / len(g)
        spans = sorted((e[1], e[2]) for e in g)
        a, b = spans[0]
        for s0, s1 in spans[1:]:
            if s0 <= b + SNAP:
                b = max(b, s1)
            else:
                out.append((pos, a, b))
                a, b = s0, s1
        out.append((pos, a, b))
    return out


def _positions(values: list[float]) -> list[float]:
    """Distinct ruling positions: values within SNAP are one; a band thinner than MIN_BAND (a double
    rule) is closed up."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] < MIN_BAND:
            continue
        out.append(v)
    return out


def _components(hs, vs) -> list[tuple[list, list]]:
    """Groups of edges that touch each other: one table each."""
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = SNAP + 1
    vs_sorted = sorted(range(len(vs)), key=lambda j: vs[j][0])
    vx = [vs[j][0] for j in vs_sorted]
    for i, (y, x0, x1) in enumerate(hs):
        lo = bisect_right(vx, x0 - tol - 1e-9)
        hi = bisect_right(vx, x1 + tol)
        for k in range(lo, hi):
            j = vs_sorted[k]
            _, y0, y1 = vs[j]
            if y0 - tol <= y <= y1 + tol:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list, list]] = {}
    for i, e in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(e)
    for j, e in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(e)
    return [g for g in groups.values() if g[0] and g[1]]


def _covers(edges: list[tuple[float, float, float]], pos: float, a: float, b: float) -> bool:
    """Is the segment a..b at `pos` ruled (mostly covered by edges at that position)?"""
    need = b - a
    slack = min(2.0, need * 0.3)
    got = 0.0
    for p, e0, e1 in edges:
        if abs(p - pos) <= SNAP + 0.5:
            lo, hi = max(a, e0), min(b, e1)
            if hi > lo:
                got += hi - lo
    return got >= need - slack - 1e-6


def _lattice(page_no: int, hs, vs) -> _Table | None:
    ys = _positions([e[0] for e in hs])
    xs = _positions([e[0] for e in vs])
    if len(xs) < 2 or len(ys) < 2:
        return None
    R, C = len(ys) - 1, len(xs) - 1
    parent = list(range(R * C))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    for r in range(R):
        for c in range(C):
            if c + 1 < C and not _covers(vs, xs[c + 1], ys[r], ys[r + 1]):
                union(r * C + c, r * C + c + 1)
            if r + 1 < R and not _covers(hs, ys[r + 1], xs[c], xs[c + 1]):
                union(r * C + c, (r + 1) * C + c)
    cellmap = [[find(r * C + c) for c in range(C)] for r in range(R)]
    regions = {rid for row in cellmap for rid in row}
    if C < 2 or len(regions) < 2:
        return None
    return _Table(page_no, xs, ys, cellmap, {})


def _tables(page_no: int, hs, vs) -> list[_Table]:
    hs, vs = _merge_edges(hs), _merge_edges(vs)
    if len(hs) + len(vs) > MAX_EDGES:
        return []
    out = []
    for ch, cv in _components(hs, vs):
        t = _lattice(page_no, ch, cv)
        if t is not None:
            out.append(t)
    # a table drawn inside another one's area (rare) is left to the outer one
    out.sort(key=lambda t: (t.y0, t.x0))
    kept: list[_Table] = []
    for t in out:
        if any(k.x0 - 1 <= t.x0 and t.x1 <= k.x1 + 1 and k.y0 - 1 <= t.y0 and t.y1 <= k.y1 + 1 for k in kept):
            continue
        kept.append(t)
    return kept


# ------------------------------------------------------------------------------------------------
# Text


def _median(vals: list[float], default: float) -> float:
    if not vals:
        return default
    s = sorted(vals)
    return s[len(s) // 2]


def _group_lines(chars: list[Ch]) -> list[list[Ch]]:
    """Characters -> visual lines, top to bottom, each left to right. Spaces do not start lines."""
    solid = [c for c in chars if ord(c.c) not in _SPACES]
    spaces = [c for c in chars if ord(c.c) in _SPACES]
    solid.sort(key=lambda c: (c.cy, c.x0))
    lines: list[list[Ch]] = []
    bounds: list[list[float]] = []  # [y0, y1, centre] of each line
    for c in solid:
        h = c.y1 - c.y0
        if lines:
            y0, y1, cy = bounds[-1]
            lh = y1 - y0
            if abs(c.cy - cy) <= 0.45 * min(max(h, 1.0), max(lh, 1.0)):
                lines[-1].append(c)
                continue
        lines.append([c])
        bounds.append([c.y0, c.y1, c.cy])
    for s in spaces:  # a real space sits on the line whose band holds its centre
        for ln, (y0, y1, _) in zip(lines, bounds):
            if y0 <= s.cy <= y1 and ln[0].x0 <= s.cx:
                ln.append(s)
                break
    for ln in lines:
        ln.sort(key=lambda c: c.x0)
    return lines


def _line_text(line: list[Ch], column_gap: bool = True) -> str:
    """One visual line as text: a gap wider than two characters is a column break (two spaces),
    a narrower gap between Latin letters or digits is a space; letter-spaced Chinese is not."""
    out: list[str] = []
    prev: Ch | None = None
    for c in line:
        if ord(c.c) in _SPACES:
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if prev is not None:
            gap = c.x0 - prev.x1
            size = max(prev.y1 - prev.y0, c.y1 - c.y0, 1.0)
            if column_gap and gap > 1.6 * size:
                while out and out[-1] == " ":
                    out.pop()
                out.append("  ")
            elif (
                gap > 0.3 * size
                and out
                and out[-1] not in (" ", "  ")
                and (not (is_cjk(prev.c) and is_cjk(c.c)) or gap > 0.9 * size)
            ):
                out.append(" ")
        out.append(c.c)
        prev = c
    return "".join(out).strip()


def _columns(line: list[Ch], gap: float = 1.6) -> list[list[Ch]]:
    """A visual line cut at gaps wider than `gap` characters (table columns set without rules)."""
    solid = [c for c in line if ord(c.c) not in _SPACES]
    out: list[list[Ch]] = []
    prev: Ch | None = None
    for c in solid:
        if prev is None or c.x0 - prev.x1 > gap * max(prev.y1 - prev.y0, c.y1 - c.y0, 1.0):
            out.append([])
        out[-1].append(c)
        prev = c
    # real spaces go with the piece they sit in
    bounds = [(piece[0].x0, piece[-1].x1) for piece in out]
    for sp in (c for c in line if ord(c.c) in _SPACES):
        for piece, (a, b) in zip(out, bounds):
            if a <= sp.cx <= b:
                piece.append(sp)
                break
    for piece in out:
        piece.sort(key=lambda c: c.x0)
    return out


def _segments(line: list[Ch], gap: float = 1.6) -> list[list]:
    segs = []
    for piece in _columns(line, gap):
        t = _line_text(piece, column_gap=False)
        if t:
            segs.append([min(c.x0 for c in piece), max(c.x1 for c in piece), t])
    return segs


def _text_lines(chars: list[Ch]) -> list[_Line]:
    out = []
    for ln in _group_lines(chars):
        segs = _segments(ln)
        if not segs:
            continue
        solid = [c for c in ln if ord(c.c) not in _SPACES] or ln
        y0, y1 = min(c.y0 for c in solid), max(c.y1 for c in solid)
        size = _median([c.y1 - c.y0 for c in solid], y1 - y0)
        text = "  ".join(sg[2] for sg in segs)
        out.append(_Line(text, segs[0][0], y0, segs[-1][1], y1, size, segs=segs, chars=ln))
    return out


def _fill(table: _Table, chars: list[Ch]) -> list[Ch]:
    """Place characters in the table's cells; returns the characters outside it."""
    xs, ys = table.xs, table.ys
    outside = []
    for c in chars:
        cx, cy = c.cx, c.cy
        if xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]:
            col = min(max(bisect_right(xs, cx) - 1, 0), len(xs) - 2)
            row = min(max(bisect_right(ys, cy) - 1, 0), len(ys) - 2)
            table.chars.setdefault(table.cellmap[row][col], []).append(c)
        else:
            outside.append(c)
    for rid, cs in table.chars.items():
        lines = [_line_text(ln, column_gap=True) for ln in _group_lines(cs)]
        text = join_cell_lines([ln for ln in lines if ln])
        table.texts[rid] = "" if _FOLIO.match(text) else text
    table.chars = {}
    return outside


# ------------------------------------------------------------------------------------------------
# One page


@dataclass
class _PageOut:
    number: int
    height: float
    width: float
    items: list  # _Line | _Table, top to bottom
    chars: int
    images: int
    unmapped: int = 0  # characters with no Unicode meaning (private use, U+FFFD)


def _read_page(pdf, i: int, budget: _Budget, notes: list) -> _PageOut | None:
    page = pr.FPDF_LoadPage(pdf.raw, i)
    if not page:
        notes.append(("PDF_PAGE_UNREADABLE", "warning", f"page {i + 1} could not be loaded and was skipped"))
        return None
    textpage = None
    try:
        pw, ph, tf = _display_transform(page)
        textpage = pr.FPDFText_LoadPage(page)
        chars = _chars(textpage, tf, budget) if textpage else []
        hs, vs, images, crowded = _rulings(page, tf, pw, ph)
        if crowded:
            notes.append(
                (
                    "PDF_CAPPED",
                    "warning",
                    f"page {i + 1} has over {MAX_PAGE_OBJECTS} drawing objects; its tables were read as text",
                )
            )
        tables = _tables(i, hs, vs) if chars else []
        rest = chars
        for t in tables:
            rest = _fill(t, rest)
        tables = [t for t in tables if any(t.texts.values())]
        items: list = [*_text_lines(rest), *tables]
        items.sort(key=lambda it: (it.y0, it.x0))
        n_solid = sum(1 for c in chars if ord(c.c) not in _SPACES)
        unmapped = sum(1 for c in chars if "\ue000" <= c.c <= "\uf8ff" or c.c == "\ufffd")
        return _PageOut(i + 1, ph, pw, items, n_solid, images, unmapped)
    finally:
        if textpage:
            pr.FPDFText_ClosePage(textpage)
        pr.FPDF_ClosePage(page)


def _drop_furniture(p: _PageOut) -> None:
    """Page numbers and running footers/headers: a folio pattern anywhere outside tables, a bare
    number only in the top or bottom margin."""
    keep = []
    for it in p.items:
        if isinstance(it, _Line):
            if _FOLIO.match(it.text):
                continue
            if _BARE_NUMBER.match(it.text) and (it.y0 > 0.88 * p.height or it.y1 < 0.08 * p.height):
                continue
        keep.append(it)
    p.items = keep


def _margins(p: _PageOut) -> None:
    """The right edge of the page's text column, on each of its lines."""
    lines = [it for it in p.items if isinstance(it, _Line)]
    ends = Counter(round(ln.x1 / 2) for ln in lines if len(ln.text) >= 8)
    right = 2.0 * ends.most_common(1)[0][0] if ends else p.width
    right = max(right, 0.55 * p.width)  # a page of a few short lines has no column edge to go by
    for ln in lines:
        ln.page, ln.right = p.number, right


_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]+[章节条])"
)


def _paragraphs(items: list) -> list:
    """Visual lines of prose -> paragraphs: a line that runs to the right edge of the text column
    continues on the next line (the same size, not indented deeper, not a heading), also across a
    page break. Numbers in the prose (`答` / `复3050件`) then read as printed."""
    out: list = []
    for it in items:
        prev = out[-1] if out else None
        if isinstance(it, _Line) and isinstance(prev, _Line):
            size = max(prev.size, 1.0)
            same_size = abs(it.size - size) <= 0.25 * size
            near = it.page == prev.page + 1 or (it.page == prev.page and -0.2 * size <= it.y0 - prev.y1 <= 1.5 * size)
            if (
                len(prev.segs) <= 1
                and len(it.segs) <= 1
                and prev.x1 >= prev.right - 2.5 * size
                and same_size
                and near
                and it.x0 <= prev.x0 + 0.8 * size
                and not _HEADING_START.match(it.text)
                and not _FOLIO.match(it.text)
            ):
                # the paragraph keeps its last visual line's geometry for the next test
                out[-1] = _Line(
                    join_cell_lines([prev.text, it.text]), it.x0, it.y0, it.x1, it.y1, it.size, it.page, it.right
                )
                continue
        out.append(it)
    return out


# Tables set without rules: a row's label wraps onto lines of its own around the line of numbers


_SECTION = re.compile(r"^\s*[一二三四五六七八九十]{1,2}[、.．]\s*\S{10,}")  # a section heading, not a row label
_NUM_TOKEN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _value_line(ln: _Line) -> bool:
    """A row of a table set without rules: two or more numbers, in pieces holding only numbers."""
    nums = 0
    for _, _, t in ln.segs:
        words = t.split()
        n = sum(1 for w in words if _NUM_TOKEN.match(w))
        if n and n < len(words) and not _NUM_TOKEN.match(words[-1]):
            return False  # numbers inside prose
        nums += n
    return nums >= 2


def _label_only(ln: _Line) -> bool:
    return (
        bool(ln.segs)
        and not any(_NUM_TOKEN.match(w) for _, _, t in ln.segs for w in t.split())
        and len(ln.text) <= 40
        and not _FOLIO.match(ln.text)
    )


def _overlaps(a: _Line, b: _Line) -> bool:
    return any(min(x1, y1) - max(x0, y0) > 0 for x0, x1, _ in a.segs for y0, y1, _ in b.segs)


def _add_fragment(row: _Line, frag: _Line, above: bool) -> None:
    """Put a label fragment into the piece of `row` it stands over (or under), else as a new piece."""
    for fx0, fx1, ft in frag.segs:
        for sg in row.segs:
            if _NUM_TOKEN.match(sg[2].split()[0]):
                continue
            if min(sg[1], fx1) - max(sg[0], fx0) > 0:
                sg[2] = join_cell_lines([ft, sg[2]] if above else [sg[2], ft])
                sg[0], sg[1] = min(sg[0], fx0), max(sg[1], fx1)
                break
        else:
            row.segs.append([fx0, fx1, ft])
            row.segs.sort(key=lambda sg: sg[0])
    row.text = "  ".join(sg[2] for sg in row.segs)


def _zones(items: list) -> list[list[int]]:
    """Runs of consecutive short label lines and rows of numbers, each line close under the one
    before: the tables of a page set without rules."""
    zones: list[list[int]] = []
    cur: list[int] = []

    def close() -> None:
        if sum(_value_line(items[k]) for k in cur) >= 2:
            zones.append(list(cur))
        cur.clear()

    for i, it in enumerate(items):
        is_row = isinstance(it, _Line) and _value_line(it)
        ok = is_row or (isinstance(it, _Line) and _label_only(it) and not _SECTION.match(it.text))
        if not ok:
            close()
            continue
        if cur and it.y0 - items[cur[-1]].y1 > 2.5 * max(items[cur[-1]].size, it.size):
            close()
        cur.append(i)
    close()
    return zones


def _stitch_rows(p: _PageOut) -> None:
    """In a table set without rules, the lines of a wrapped label sit tight around the line of its
    numbers (cell padding separates rows). Each cluster of tight lines holding one row of numbers
    becomes that row, every label line going into the column piece it stands over. In a cluster of
    several rows (no padding), a line that starts a numbered label (`2.其他法律…`) goes to the row
    below it, any other (`止公开`) to the row above. Lines of three or more pieces (a header row)
    stay rows of their own."""
    items = p.items
    drop: set[int] = set()
    for zone in _zones(items):
        clusters: list[list[int]] = [[zone[0]]]
        for i in zone[1:]:
            prev = items[clusters[-1][-1]]
            if items[i].y0 - prev.y1 <= 0.8 * max(prev.size, items[i].size):
                clusters[-1].append(i)
            else:
                clusters.append([i])
        for cl in clusters:
            rows = [i for i in cl if _value_line(items[i])]
            if not rows:
                continue
            for i in rows:  # a row's pieces at word gaps: group label, label and each number apart
                items[i].segs = _segments(items[i].chars, 0.5)
            frags = [i for i in cl if i not in rows and len(items[i].segs) <= 2]
            plan: list[tuple[int, int, bool]] = []  # (fragment, row, above)
            target: dict[int, int] = {}
            for i in frags:
                items[i].segs = _segments(items[i].chars, 0.5)
                up = [j for j in rows if j < i]
                down = [j for j in rows if j > i]
                numbered = any(_NUMBERED.match(sg[2]) or _HEADING_START.match(sg[2]) for sg in items[i].segs)
                # the label line above this one in the same column, since the last row of numbers
                prev = None
                for k in range(i - 1, (up[-1] if up else cl[0] - 1), -1):
                    if k in target and _overlaps(items[k], items[i]):
                        prev = target[k]
                        break
                if len(rows) == 1:
                    row = rows[0]
                elif numbered and down:
                    row = down[0]
                elif prev is not None:
                    row = prev  # the next line of a label already placed
                elif up:
                    row = up[-1]
                else:
                    row = down[0]
                target[i] = row
                plan.append((i, row, i < row))
            # nearest first: lines above are prepended bottom-up, lines below appended top-down
            for i, row, above in sorted(plan, key=lambda t: -t[0] if t[2] else t[0]):
                _add_fragment(items[row], items[i], above)
                drop.add(i)
    if drop:
        p.items = [it for i, it in enumerate(items) if i not in drop]


# ------------------------------------------------------------------------------------------------
# Tables across pages


def _row_texts(t: _Table, r: int) -> tuple[str, ...]:
    seen, out = set(), []
    for rid in t.cellmap[r]:
        if rid not in seen:
            seen.add(rid)
            out.append(re.sub(r"\s+", "", t.texts.get(rid, "")))
    return tuple(out)


def _same_columns(a: _Table, b: _Table) -> bool:
    return len(a.xs) == len(b.xs) and all(abs(x - y) <= 3.0 for x, y in zip(a.xs, b.xs))


def _continues(a: _Table, b: _Table) -> bool:
    """b (first on its page) continues a (last on the previous page): the same width on the page."""
    if b.page != a.page + 1:
        return False
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    return overlap >= 0.85 * max(a.x1 - a.x0, b.x1 - b.x0)


_NUMERIC = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _header_rows(t: _Table) -> int:
    """Rows before the first row holding a number cell."""
    for r, row in enumerate(t.cellmap):
        if any(_NUMERIC.match(t.texts.get(rid, "").replace(" ", "")) for rid in row):
            return r
    return len(t.cellmap)


def _chars_of(t: _Table, rows: range) -> list[str]:
    seen: set[int] = set()
    out: list[str] = []
    for r in rows:
        for rid in t.cellmap[r]:
            if rid not in seen:
                seen.add(rid)
                out.extend(ch for ch in t.texts.get(rid, "") if not ch.isspace())
    return sorted(out)


def _repeated_header(a: _Table, b: _Table) -> int:
    """How many of b's first rows repeat a's header: the same rows, or the same text however the
    page break cut a's header cells (0 when none)."""
    best = 0
    for j in range(min(4, len(a.cellmap))):
        k = 0
        while (
            k < min(4, len(b.cellmap) - 1)
            and j + k < len(a.cellmap)
            and any(_row_texts(b, k))
            and _row_texts(a, j + k) == _row_texts(b, k)
        ):
            k += 1
        best = max(best, k)
    hb, ha = _header_rows(b), _header_rows(a)
    if best < hb < len(b.cellmap) and ha > 0 and _chars_of(b, range(hb)) == _chars_of(a, range(ha)):
        best = hb
    return best


def _join(a: _Table, b: _Table) -> _Table:
    """Append b's rows to a: one grid. A header b repeats is dropped; with the same columns, a merged
    cell that the page break cut is joined back."""
    skip = _repeated_header(a, b)
    offset = max([*a.texts.keys(), *(rid for row in a.cellmap for rid in row)], default=-1) + 1
    remap: dict[int, int] = {}
    if _same_columns(a, b) and skip < len(b.cellmap):
        last, first = a.cellmap[-1], b.cellmap[skip]
        for c, (ra, rb) in enumerate(zip(last, first)):
            if rb in remap:
                continue
            rows_b = sum(1 for row in b.cellmap[skip:] if row[c] == rb)
            ta, tb = a.texts.get(ra, ""), b.texts.get(rb, "")
            cols_a = [k for k, x in enumerate(last) if x == ra]
            cols_b = [k for k, x in enumerate(first) if x == rb]
            if rows_b >= 2 and ta and cols_a == cols_b and (not tb or not _NUMBERED.match(tb)):
                remap[rb] = ra
                if tb:
                    a.texts[ra] = join_cell_lines([ta, tb])
    for row in b.cellmap[skip:]:
        new = []
        for rid in row:
            if rid not in remap:
                remap[rid] = rid + offset
                a.texts[rid + offset] = b.texts.get(rid, "")
            new.append(remap[rid])
        a.cellmap.append(new)
    a.ys = a.ys + [y + 10_000.0 * (b.page - a.page) for y in b.ys[skip + 1 :]]
    a.page, a.xs = b.page, b.xs  # the next page's part continues this part's columns
    return a


def _grid(t: _Table, index: int) -> Grid:
    rows = []
    seen: set[int] = set()
    for r, row in enumerate(t.cellmap):
        cells = []
        for c, rid in enumerate(row):
            cells.append(Cell(t.texts.get(rid, ""), r, c, rid not in seen))
            seen.add(rid)
        rows.append(cells)
    return Grid(index, rows)


# ------------------------------------------------------------------------------------------------
# Title


def _join_title(p: _PageOut) -> None:
    """The title set in several large or centred lines on the first page becomes one line."""
    lines = []
    for it in p.items[:8]:
        if not isinstance(it, _Line):
            break
        lines.append(it)
    hit = next((k for k, ln in enumerate(lines[:6]) if _REPORT_WORD.search(ln.text)), None)
    if not hit:
        return
    body = _median([it.size for it in p.items if isinstance(it, _Line)], 10.0)
    centre = p.width / 2

    def title_like(ln: _Line) -> bool:
        big = ln.size >= 1.15 * body
        centred = abs((ln.x0 + ln.x1) / 2 - centre) <= 0.08 * p.width and (ln.x1 - ln.x0) < 0.75 * p.width
        return big or centred

    if not title_like(lines[hit]):
        return
    k = hit
    while k > 0 and title_like(lines[k - 1]) and not _FOLIO.match(lines[k - 1].text):
        k -= 1
    end = hit
    if end + 1 < len(lines) and re.fullmatch(r"[(（]\s*\d{4}\s*年度?\s*[)）]", lines[end + 1].text.strip()):
        end += 1  # (2021年度) under the title
    if end == k:
        return
    joined = join_cell_lines([ln.text for ln in lines[k : end + 1]])
    first = lines[k]
    merged = _Line(joined, first.x0, first.y0, max(ln.x1 for ln in lines[k : end + 1]), lines[end].y1, first.size)
    idx = p.items.index(first)
    p.items[idx : idx + (end - k + 1)] = [merged]


# ------------------------------------------------------------------------------------------------
# The document


def read(data: bytes):
    from . import Read

    notes: list[tuple[str, str, str]] = []
    if b"%%EOF" not in data[-2048:]:
        notes.append(
            (
                "PDF_TRUNCATED",
                "warning",
                "the file does not end with %%EOF: it was probably cut short, and pages or text may be missing",
            )
        )
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pr.FPDF_ERR_PASSWORD, pr.FPDF_ERR_SECURITY):
            return Read(
                "pdf",
                None,
                [
                    (
                        "PDF_ENCRYPTED",
                        "error",
                        "the PDF is encrypted and needs a password to open; nothing was read",
                    )
                ],
            )
        return Read("pdf", None, [*notes, ("PDF_UNREADABLE", "error", f"the PDF cannot be opened ({exc})")])
    try:
        return _read_doc(pdf, notes)
    finally:
        pdf.close()


_REPORT_SECTION = re.compile(
    r"主动公开政府信息情况|收到和处理政府信息公开申请|政府信息公开行政复议|本年新收政府信息公开申请"
)
SCAN_PAGES = 200  # pages searched, text only, from the end of a long PDF for the report's sections
TAIL_PAGES = 40


def _has_report_tables(pages: list[_PageOut]) -> bool:
    return any(
        isinstance(it, _Table) or (isinstance(it, _Line) and _REPORT_SECTION.search(it.text.replace(" ", "")))
        for p in pages
        for it in p.items
    )


def _page_text(pdf, i: int) -> str:
    page = pr.FPDF_LoadPage(pdf.raw, i)
    if not page:
        return ""
    textpage = pr.FPDFText_LoadPage(page)
    try:
        n = min(pr.FPDFText_CountChars(textpage), MAX_PAGE_CHARS) if textpage else 0
        if n <= 0:
            return ""
        buf = (ctypes.c_ushort * (n + 1))()
        got = pr.FPDFText_GetText(textpage, 0, n, buf)
        return bytes(buf)[: max(got - 1, 0) * 2].decode("utf-16-le", "replace")
    finally:
        if textpage:
            pr.FPDFText_ClosePage(textpage)
        pr.FPDF_ClosePage(page)


def _report_tail(pdf, n: int) -> int | None:
    """A long PDF whose first pages hold no report tables (an annex first): the first page of the
    report's sections near the end, searched backwards over the text of at most SCAN_PAGES pages."""
    first = None
    misses = 0
    for i in range(n - 1, max(MAX_PAGES, n - SCAN_PAGES) - 1, -1):
        if _REPORT_SECTION.search(re.sub(r"\s+", "", _page_text(pdf, i))):
            first, misses = i, 0
        elif first is not None:
            misses += 1
            if misses > 3:
                break
    if first is None:
        return None
    return max(first - 1, n - TAIL_PAGES, MAX_PAGES)


def _read_doc(pdf, notes: list):
    from . import Read

    n = len(pdf)
    budget = _Budget()
    pages: list[_PageOut] = []
    for i in range(min(n, MAX_PAGES)):
        if budget.chars >= MAX_CHARS:
            break
        p = _read_page(pdf, i, budget, notes)
        if p is not None:
            pages.append(p)
    if budget.capped:
        notes.append(
            (
                "PDF_CAPPED",
                "warning",
                f"the PDF has more text than the reader takes; reading stopped at {MAX_CHARS} characters",
            )
        )
    if n > MAX_PAGES:
        read = f"only the first {MAX_PAGES} were read"
        tail = None if _has_report_tables(pages) else _report_tail(pdf, n)
        if tail is not None:
            tail_budget = _Budget()
            for i in range(tail, n):
                p = _read_page(pdf, i, tail_budget, notes)
                if p is not None:
                    pages.append(p)
            read = f"pages 1-{MAX_PAGES} and {tail + 1}-{n}, where the report's sections are, were read"
        notes.append(("PDF_CAPPED", "warning", f"the PDF has {n} pages; {read}"))
    total = sum(p.chars for p in pages)
    if not pages:
        return Read("pdf", None, [*notes, ("PDF_UNREADABLE", "error", "no page of the PDF could be loaded")])
    if total == 0:
        pics = sum(p.images for p in pages)
        what = f"its {len(pages)} page(s) are pictures (scans)" if pics else "its pages hold no text"
        return Read(
            "pdf",
            None,
            [
                *notes,
                (
                    "PDF_NO_TEXT",
                    "error",
                    f"the PDF has no text layer: {what}; the numbers cannot be read without OCR",
                ),
            ],
        )
    unmapped = sum(p.unmapped for p in pages)
    if unmapped > 0.3 * total:
        notes.append(
            (
                "PDF_TEXT_UNMAPPED",
                "warning",
                f"{unmapped} of {total} characters of the text layer have no Unicode meaning (fonts without a "
                "ToUnicode map): labels and names cannot be read from it",
            )
        )
    for p in pages:
        _drop_furniture(p)
        _stitch_rows(p)
        _margins(p)
    _join_title(pages[0])
    # one stream of items; a table continued on the next page is joined to its first part
    items: list = []
    for p in pages:
        for it in p.items:
            if isinstance(it, _Table) and items and isinstance(items[-1], _Table) and it is p.items[0]:
                prev = items[-1]
                if _continues(prev, it):
                    items[-1] = _join(prev, it)
                    continue
            items.append(it)
    items = _paragraphs(items)
    texts: list[str] = []
    grids_src: list[_Table] = []
    for it in items:
        if isinstance(it, _Table):
            grids_src.append(it)
        else:
            texts.append(it.text)
    # NFKC and traditional -> simplified in one pass over every string
    cell_texts = [t.texts for t in grids_src]
    flat = texts + [v for d in cell_texts for v in d.values()]
    norm, traditional = normalise_all(flat)
    it_norm = iter(norm)
    texts = [next(it_norm) for _ in texts]
    for d in cell_texts:
        for k in d:
            d[k] = next(it_norm)
    lines: list[str] = []
    grids: list[Grid] = []
    ti = iter(texts)
    for it in items:
        if isinstance(it, _Table):
            g = _grid(it, len(grids))
            grids.append(g)
            lines.append(PLACEHOLDER.format(g.index))
        else:
            lines.append(next(ti))
    if traditional:
        notes.append(
            (
                "TRADITIONAL_CONVERTED",
                "info",
                "the text is in traditional characters; labels and names were converted to simplified with OpenCC t2s",
            )
        )
    if not grids and any(p.images for p in pages):
        notes.append(
            (
                "TABLES_ARE_IMAGES",
                "warning",
                "the PDF has a text layer but no ruled tables, and some pages carry large pictures: "
                "the tables are probably images, which are not read",
            )
        )
    return Read("pdf", Page(lines, grids, None, []), notes, traditional)
