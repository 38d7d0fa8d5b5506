"""Paged layout: a report set on A4 pages the way Word or WPS prints it to PDF, as positioned text
runs, ruled lines and shaded boxes. The PDF renderer draws this model; the text forms that PDF
tools print (`pdftotext -layout`, reading-order dumps, a page flattened to one line) are read back
from the same model, so every form of one document has the same pages, line breaks and page numbers.

Coordinates are points from the page's top-left corner; `y` of a text run is its baseline. The
layout consumes no randomness: every choice is made beforehand (`Look`), so laying a document out
twice (e.g. with a smaller body font to stay within 7 pages) gives the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..layouts import Cell

PAGE_W, PAGE_H = 595.3, 841.9
# STSong-Light advance widths (per 1000 em) of ASCII 32..126; everything else is one em wide.
_ASCII_W = (
    207, 270, 342, 467, 462, 797, 710, 239, 374, 374, 423, 605, 238, 375, 238, 334, 462, 462, 462, 462,
    462, 462, 462, 462, 462, 462, 238, 238, 605, 605, 605, 344, 748, 684, 560, 695, 739, 563, 511, 729,
    793, 318, 312, 666, 526, 896, 758, 772, 544, 772, 628, 465, 607, 753, 711, 972, 647, 620, 607, 374,
    333, 374, 606, 500, 239, 417, 503, 427, 529, 415, 264, 444, 518, 241, 230, 495, 228, 793, 527, 524,
    524, 504, 338, 336, 277, 517, 450, 652, 466, 452, 407, 370, 258, 370, 605,
)  # fmt: skip
NO_LINE_START = set("，。、；：？！）》」』”’〕】…%．.,;:)")
NO_LINE_END = set("（《「『“‘〔【(")


def char_width(ch: str, size: float) -> float:
    o = ord(ch)
    return _ASCII_W[o - 32] * size / 1000 if 32 <= o < 127 else size


def text_width(s: str, size: float) -> float:
    return sum(char_width(ch, size) for ch in s)


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%-+")


def _tokens(text: str) -> list[str]:
    """Line-breaking units: a run of ASCII letters/digits stays whole, anything else is one char."""
    out: list[str] = []
    for ch in text:
        if out and _is_ascii_word(ch) and _is_ascii_word(out[-1][-1]):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
    """Greedy line breaking with the Chinese rules: no closing punctuation at a line's start, no
    opening one at its end, ASCII runs kept whole unless longer than a line."""
    lines: list[str] = []
    cur, w = "", indent
    for tok in _tokens(text):
        tw = text_width(tok, size)
        if cur and w + tw > width + 0.01:
            if tok[0] in NO_LINE_START:  # hangs in the margin
                cur += tok
                lines.append(cur)
                cur, w = "", 0.0
                continue
            carry = ""
            if cur[-1] in NO_LINE_END and len(cur) > 1:
                cur, carry = cur[:-1], cur[-1]
            lines.append(cur)
            cur, w = carry, text_width(carry, size)
        if tw > width and len(tok) > 1:  # a digit run wider than the cell: break it anywhere
            for ch in tok:
                cw = char_width(ch, size)
                if cur and w + cw > width + 0.01:
                    lines.append(cur)
                    cur, w = "", 0.0
                cur += ch
                w += cw
            continue
        cur += tok
        w += tw
    if cur or not lines:
        lines.append(cur)
    return lines


@dataclass
class Item:
    """One text run as drawn: where, how big, and what it is."""

    page: int
    x: float
    y: float
    size: float
    text: str
    role: str  # title heading prose sign pageno cell
    table: str = ""  # table2 / table3 / table4 for cells
    tindex: int = -1  # which table block of the document
    row: int = -1  # grid origin of the cell (a repeated header keeps its own row numbers)
    col: int = -1
    kind: str = ""  # label / value / header / group / section (cells)
    key: tuple | None = None  # canonical (table, row, column) of a value
    line: int = 0  # line number inside its cell or paragraph
    block: int = -1  # paragraph or table block number in the document
    repeat: bool = False  # a header row repeated on a continuation page

    @property
    def width(self) -> float:
        return text_width(self.text, self.size)


@dataclass
class Page:
    number: int
    items: list[Item] = field(default_factory=list)
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)
    fills: list[tuple[float, float, float, float, float]] = field(default_factory=list)  # x, y, w, h, gray


@dataclass
class TableBlock:
    """A table as the document prints it: which canonical table, its cell grid, and its index."""

    table: str
    grid: list[list[Cell]]
    tindex: int


@dataclass
class Look:
    """Every typographic choice of one document (made from the rng before layout)."""

    body_size: float = 16.0
    leading_factor: float = 1.75
    title_size: float = 22.0
    title_break_after_agency: bool = True
    heading_indent: int = 2
    autospace: bool = True  # Word's gap between Chinese and digits: pdftotext prints a space
    footer: str = "— {n} —"
    footer_outer: bool = False  # odd pages right, even pages left
    margins: tuple[float, float, float, float] = (104.9, 73.7, 87.3, 79.4)  # top right bottom left
    table_size: dict[str, float] = field(default_factory=lambda: {"table2": 10.0, "table3": 7.5, "table4": 7.5})
    repeat_header: bool = False
    valign: str = "center"  # center | top | bottom (labels top, values at the row's last line)
    t3_group_vertical: bool = True  # 三、本年度办理结果 one character per line
    t2_first_col_wide: bool = False
    shade_sections: bool = True
    label_align: str = "left"


@dataclass
class _Geometry:
    """A table measured: its cells, column edges, every cell's printed lines, row heights and row tops
    measured from the table's top as if it were on one endless page."""

    origins: list[tuple[Cell, int, int]]
    owner: dict[tuple[int, int], int]
    nrows: int
    ncols: int
    col_x: list[float]
    lines: list[list[str]]
    row_h: list[float]
    vtop: list[float]
    vertical: set[int]  # cells printed one character per line
    size: float
    lead: float
    hdr: int  # header rows (repeated on a continuation page)


# table 3's column widths in the official template (twips): 三、 group, sub-group, label, 7 values
T3_COL_W = [754, 921, 3271] + [685] * 7
HEADER_ROWS = {"table2": 0, "table3": 3, "table4": 3}
PAD = 2.5


class Layout:
    """Flows blocks onto pages."""

    def __init__(self, look: Look):
        self.look = look
        top, right, bottom, left = look.margins
        self.top, self.bottom = top, PAGE_H - bottom
        self.left, self.right = left, PAGE_W - right
        self.width = self.right - self.left
        self.pages: list[Page] = [Page(1)]
        self.y = self.top
        self.block = 0
        self.table_pages: dict[int, list[int]] = {}  # tindex -> pages it is on
        self.table_repeated: set[int] = set()
        self.max_label_lines: dict[str, int] = {}

    # ---------------------------------------------------------------- pages
    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page(len(self.pages) + 1))
        self.y = self.top

    def _runs(self, line: str, x: float, y: float, size: float, role: str, line_no: int) -> list[Item]:
        """One printed line as text runs; with autospace a digit run is its own run, set apart."""
        pg = len(self.pages)
        if not self.look.autospace:
            return [Item(pg, x, y, size, line, role, line=line_no, block=self.block)]
        out: list[Item] = []
        cur, cls = "", None
        gap = size * 0.25
        for ch in line:
            c = "a" if (ch.isascii() and ch.isalnum()) else "c"
            if cur and c != cls and "a" in (c, cls):
                out.append(Item(pg, x, y, size, cur, role, line=line_no, block=self.block))
                x += text_width(cur, size) + gap
                cur = ""
            cur += ch
            cls = c
        if cur:
            out.append(Item(pg, x, y, size, cur, role, line=line_no, block=self.block))
        return out

    def _line_width(self, line: str, size: float) -> float:
        items = self._runs(line, 0, 0, size, "", 0)
        return items[-1].x + items[-1].width if items else 0.0

    # ---------------------------------------------------------------- prose
    def paragraph(
        self,
        text: str,
        size: float | None = None,
        indent_chars: float = 2,
        align: str = "left",
        role: str = "prose",
        leading: float | None = None,
        space_before: float = 0.0,
    ) -> None:
        size = size or self.look.body_size
        leading = leading or size * self.look.leading_factor
        self.block += 1
        indent = indent_chars * size
        lines = wrap(text, self.width, size, indent) if align == "left" else wrap(text, self.width, size)
        self.y += space_before
        for i, ln in enumerate(lines):
            if self.y + leading > self.bottom:
                self.new_page()
            base = self.y + leading * 0.5 + size * 0.36
            if align == "center":
                x = self.left + (self.width - self._line_width(ln, size)) / 2
            elif align == "right":
                x = self.right - self._line_width(ln, size) - size * 2
            else:
                x = self.left + (indent if i == 0 else 0)
            self.page.items.extend(self._runs(ln, x, base, size, role, i))
            self.y += leading

    def title(self, text: str, agency: str) -> int:
        """The title, centred; long titles break after the agency name or where the width ends."""
        size = self.look.title_size
        self.block += 1
        if text_width(text, size) <= self.width:
            lines = [text]
        elif self.look.title_break_after_agency and agency and text.startswith(agency):
            lines = [agency] + wrap(text[len(agency) :], self.width, size)
        else:
            lines = wrap(text, self.width, size)
        leading = size * 1.6
        for i, ln in enumerate(lines):
            base = self.y + leading * 0.5 + size * 0.36
            x = self.left + (self.width - self._line_width(ln, size)) / 2
            self.page.items.extend(self._runs(ln, x, base, size, "title", i))
            self.y += leading
        self.y += size * 0.8
        return len(lines)

    def space(self, h: float) -> None:
        self.y = min(self.y + h, self.bottom)

    # ---------------------------------------------------------------- tables
    def table(self, tb: TableBlock) -> None:
        """A ruled table: measured, cut into pages between rows (a merged cell's lines go to the page
        their row is on), drawn cell by cell, then its rules and shading page by page."""
        self.block += 1
        g = self._measure(tb)
        for i, (c, _r, _k) in enumerate(g.origins):
            if c.kind == "label" and c.rs == 1 and i not in g.vertical:
                self.max_label_lines[tb.table] = max(self.max_label_lines.get(tb.table, 0), len(g.lines[i]))
        placements = self._paginate(tb, g)
        self.table_pages[tb.tindex] = sorted({pg for _r, pg, _y, _rep in placements})
        self._draw_cells(tb, g, placements)
        self._draw_rules(tb, g, placements)

    def _measure(self, tb: TableBlock) -> _Geometry:
        look = self.look
        size = look.table_size[tb.table]
        origins, owner, nrows, ncols = expand(tb.grid)
        if tb.table == "table3" and ncols == len(T3_COL_W):
            ratio = T3_COL_W
        elif tb.table == "table2" and look.t2_first_col_wide:
            ratio = [1.5] + [1] * (ncols - 1)
        else:
            ratio = [1] * ncols
        col_w = [self.width * r / sum(ratio) for r in ratio]
        col_x = [self.left + sum(col_w[:i]) for i in range(ncols + 1)]
        lead = size * 1.3
        vertical = {
            i
            for i, (c, r, k) in enumerate(origins)
            if tb.table == "table3" and k == 0 and c.rs > 4 and look.t3_group_vertical
        }
        # the printed lines of every cell
        cell_lines: list[list[str]] = []
        for i, (c, _r, k) in enumerate(origins):
            inner = col_x[k + c.cs] - col_x[k] - 2 * PAD
            if c.empty or not c.text.strip():
                cell_lines.append([])
            elif i in vertical:
                cell_lines.append(_vertical_units(c.text))
            elif c.kind == "value":
                cell_lines.append([c.text])
            else:
                ls: list[str] = []
                for part in c.parts:
                    ls.extend(wrap(part, inner, size))
                cell_lines.append(ls)
        # row heights: the tallest single-row cell, then merged cells spread what they lack
        row_h = [size * 2.4] * nrows
        for i, (c, r, _k) in enumerate(origins):
            if c.rs == 1:
                row_h[r] = max(row_h[r], len(cell_lines[i]) * lead + 2 * PAD + size * 0.6)
        for i, (c, r, _k) in enumerate(origins):
            if c.rs > 1:
                need = len(cell_lines[i]) * (lead if i not in vertical else size * 1.25) + 2 * PAD
                have = sum(row_h[r : r + c.rs])
                if need > have:
                    for rr in range(r, r + c.rs):
                        row_h[rr] += (need - have) / c.rs
        vtop = [0.0]
        for h in row_h:
            vtop.append(vtop[-1] + h)
        hdr = HEADER_ROWS.get(tb.table, 0)
        return _Geometry(origins, owner, nrows, ncols, col_x, cell_lines, row_h, vtop, vertical, size, lead, hdr)

    def _paginate(self, tb: TableBlock, g: _Geometry) -> list[tuple[int, int, float, bool]]:
        """(row, page, y of its top, is a repeated header row) for every row placed; the header and
        the first body rows stay together."""
        keep = sum(g.row_h[: min(g.nrows, g.hdr + 2)])
        if self.y + keep > self.bottom and self.y > self.top + 1:
            self.new_page()
        placements: list[tuple[int, int, float, bool]] = []
        for r in range(g.nrows):
            if self.y + g.row_h[r] > self.bottom and self.y > self.top + 1:
                self.new_page()
                if self.look.repeat_header and g.hdr and r >= g.hdr:
                    self.table_repeated.add(tb.tindex)
                    for hr in range(g.hdr):
                        placements.append((hr, len(self.pages), self.y, True))
                        self.y += g.row_h[hr]
            placements.append((r, len(self.pages), self.y, False))
            self.y += g.row_h[r]
        self.y += self.look.body_size * 0.6
        return placements

    def _draw_cells(self, tb: TableBlock, g: _Geometry, placements: list[tuple[int, int, float, bool]]) -> None:
        look, size, lead, col_x, vtop = self.look, g.size, g.lead, g.col_x, g.vtop
        rowpos = {r: (pg, y) for r, pg, y, rep in placements if not rep}

        def place(vy: float, r0: int, rs: int) -> tuple[int, float, int]:
            """A y measured from the table's top, inside rows r0..r0+rs-1 -> (page, y, row)."""
            r = r0
            while r + 1 < r0 + rs and vy >= vtop[r + 1]:
                r += 1
            pg, y = rowpos[r]
            return pg, y + (vy - vtop[r]), r

        drawn: list[tuple[tuple, Item]] = []
        for i, (c, r0, k) in enumerate(g.origins):
            lines = g.lines[i]
            if not lines:
                continue
            x0, x1 = col_x[k], col_x[k + c.cs]
            top, h = vtop[r0], vtop[r0 + c.rs] - vtop[r0]
            kind = _kind(c, r0, g.hdr, tb.table)
            if i in g.vertical:
                step = min(max(size * 1.25, h / (len(lines) + 1)), size * 3.2)
                first = top + (h - step * len(lines)) / 2
                bases = [first + step * j + step / 2 + size * 0.36 for j in range(len(lines))]
            else:
                th = len(lines) * lead
                if look.valign == "center" or kind in ("header", "section") or c.rs > 1:
                    first = top + (h - th) / 2
                elif look.valign == "bottom" and kind == "value":
                    first = top + h - PAD - size * 0.3 - th
                else:
                    first = top + PAD + size * 0.3
                bases = [first + lead * j + lead / 2 + size * 0.36 for j in range(len(lines))]
            for j, (ln, vb) in enumerate(zip(lines, bases)):
                pg, y, _row = place(vb, r0, c.rs)
                w = text_width(ln, size)
                if kind in ("label", "group") and look.label_align == "left" and i not in g.vertical:
                    x = x0 + PAD + 1
                else:
                    x = x0 + (x1 - x0 - w) / 2
                it = Item(pg, x, y, size, ln, "cell", tb.table, tb.tindex, r0, k, kind, c.key, j, self.block)
                # drawn in the content stream where the cell's first row on that page is
                first_row_on_page = min(rr for rr in range(r0, r0 + c.rs) if rowpos[rr][0] == pg)
                drawn.append(((pg, first_row_on_page, k, j), it))
        # repeated headers: the header cells drawn again at their repeated place, first on the page
        for r, pg, y, rep in placements:
            if not rep or r != 0:
                continue
            for i, (c, r0, k) in enumerate(g.origins):
                if r0 >= g.hdr or not g.lines[i]:
                    continue
                x0, x1 = col_x[k], col_x[k + c.cs]
                top, h = vtop[r0], vtop[r0 + c.rs] - vtop[r0]
                th = len(g.lines[i]) * lead
                for j, ln in enumerate(g.lines[i]):
                    vb = top + (h - th) / 2 + lead * j + lead / 2 + size * 0.36
                    x = x0 + (x1 - x0 - text_width(ln, size)) / 2
                    it = Item(
                        pg, x, y + vb, size, ln, "cell", tb.table, tb.tindex, r0, k, "header", None, j, self.block
                    )
                    it.repeat = True
                    drawn.append(((pg, -1, k, j), it))
        drawn.sort(key=lambda d: d[0])
        for _key, it in drawn:
            self.pages[it.page - 1].items.append(it)

    def _draw_rules(self, tb: TableBlock, g: _Geometry, placements: list[tuple[int, int, float, bool]]) -> None:
        """Cell borders (a line only where the cells on either side differ) and shaded 第二十条 rows."""
        col_x, owner, ncols = g.col_x, g.owner, g.ncols
        section_rows = {r0 for c, r0, _k in g.origins if _kind(c, r0, g.hdr, tb.table) == "section"}
        by_page: dict[int, list[tuple[int, float, bool]]] = {}
        for r, pg, y, rep in placements:
            by_page.setdefault(pg, []).append((r, y, rep))
        x_left, x_right = col_x[0], col_x[-1]
        for pg, rows in by_page.items():
            page = self.pages[pg - 1]
            for idx, (r, y, rep) in enumerate(rows):
                h = g.row_h[r]
                if r in section_rows and self.look.shade_sections:
                    page.fills.append((x_left, y, x_right - x_left, h, 0.86))
                if idx == 0:
                    page.rules.append((x_left, y, x_right, y))
                nxt = rows[idx + 1] if idx + 1 < len(rows) else None
                yb = y + h
                if nxt is None or nxt[0] != r + 1 or nxt[2] != rep:
                    page.rules.append((x_left, yb, x_right, yb))
                else:
                    seg = None
                    for c in range(ncols + 1):
                        split = c < ncols and owner.get((r, c)) != owner.get((r + 1, c))
                        if split and seg is None:
                            seg = col_x[c]
                        elif not split and seg is not None:
                            page.rules.append((seg, yb, col_x[c], yb))
                            seg = None
                for c in range(ncols + 1):
                    if c in (0, ncols) or owner.get((r, c - 1)) != owner.get((r, c)):
                        page.rules.append((col_x[c], y, col_x[c], yb))

    # ---------------------------------------------------------------- finish
    def finish(self) -> list[Page]:
        """Page numbers at the foot of every page."""
        if not self.look.footer:
            return self.pages
        size = 12.9
        for p in self.pages:
            txt = self.look.footer.format(n=p.number)
            w = text_width(txt, size)
            if self.look.footer_outer:
                x = self.right - w - size if p.number % 2 else self.left + size
            else:
                x = (PAGE_W - w) / 2
            p.items.append(Item(p.number, x, PAGE_H - 50.0, size, txt, "pageno", line=0))
        return self.pages


def _kind(c: Cell, r0: int, hdr: int, table: str) -> str:
    if c.kind == "value":
        return "value"
    if table == "table2" and c.text.startswith("第二十条"):
        return "section"
    if r0 < hdr or (table == "table2" and c.text in ("信息内容",)):
        return "header"
    if c.rs > 1:
        return "group"
    return "label"


def _vertical_units(text: str) -> list[str]:
    """One character per line; punctuation stays with the character before it (三、)."""
    out: list[str] = []
    for ch in text.replace(" ", ""):
        if out and ch in "、，。）)":
            out[-1] += ch
        else:
            out.append(ch)
    return out


def expand(grid: list[list[Cell]]) -> tuple[list[tuple[Cell, int, int]], dict[tuple[int, int], int], int, int]:
    """A grid with spans -> (origin cells with their row and column, owner of every slot, rows, columns)."""
    owner: dict[tuple[int, int], int] = {}
    origins: list[tuple[Cell, int, int]] = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in owner:
                c += 1
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    owner[(r + dr, c + dc)] = len(origins)
            origins.append((cell, r, c))
            c += cell.cs
    nrows = max(r for r, _ in owner) + 1 if owner else 0
    ncols = max(c for _, c in owner) + 1 if owner else 0
    return origins, owner, nrows, ncols
