"""Cells of text -> a stream of tokens (labels, numbers, empty cells), each with its source.

Every table form ends up as the same stream: an HTML grid cell, a `|`-separated text cell, a line of
its own, or a run of words on a line. Numbers glued to labels (`行政许可644`, `(七)总计4206`) and a
numbered label glued to the numbers before it (`41815092.政府公报`) are split here; digit runs that
hold several cells (`640020470`) stay one token and are split later with the table's arithmetic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import labels as L

LABEL, NUM, EMPTY = "label", "num", "empty"

_NUM = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_NUM_UNIT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(?:件|个|条|项|次|宗|份|人|家)$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_GLUED_SIGNED = re.compile(r"^[+-]?\d+(?:[+-]\d+)+$")  # 1-20: numbers with a sign glued in
_EMPTY_MARKS = {"-", "—", "——", "–", "/", "无", "_", "--", "―", "一"}
_RUN = re.compile(r"[+-]?\d+(?:\.\d+)?")
# a digit run followed by one of these is part of a label (2021年, 第3项, 50%, 1.5万元)
_LABEL_UNITS = set("年月日号%万亿元项届期次批版条款章节位名岁")
_MARKUP = "*`#"
_PLACEHOLDER_WORD = L.PLACEHOLDER_HEADER_WORD  # anchored at the end ($)
_PLACEHOLDER_LEN = 6  # its longest alternative (column)
_COLUMN_GAP = re.compile(r"\s{2,}|\t")


@dataclass(slots=True)
class Token:
    kind: str  # label | num | empty
    text: str  # as printed (labels: white space removed)
    src: str  # html | text
    table: int | None = None  # html grid index
    row: int | None = None  # html grid row
    col: int | None = None  # html grid column
    line: int | None = None  # 1-based line of the decoded text
    cell: int = 0  # id of the source cell / line piece (tokens of one cell share it)
    x: int = -1  # text lines: column where the token's word starts in its line (-1: unknown)
    x2: int = -1  # text lines: column just past the word
    xd: int = -1  # the same two in display width (a CJK character counts two)
    xd2: int = -1
    page: int = 0  # text lines: page (form feeds seen before the line)
    words: list | None = None  # text lines, a label merged from words one space apart: each word's Token
    gap: bool = False  # text lines: the word starts the line or follows two or more spaces (a column)

    def loc(self) -> dict:
        return {
            "src": self.src,
            "src_table": self.table,
            "src_row": self.row,
            "src_col": self.col,
            "src_line": self.line,
        }


def split_word(word: str) -> list[tuple[str, str]]:
    """One white-space-free word -> [(kind, text)].

    Scans the digit runs of the word: a run that ends in a numbering digit (`…02.其他`) gives its
    leading digits to a number and its last digit to the label that follows; a run followed by a
    unit (年, %, 万元) belongs to the label; any other run is a number. Adjacent runs with a sign
    between them (`1-20`) stay one glued token.
    """
    word = word.strip(_MARKUP)
    if not word:
        return []
    if _NUM.match(word) or _GLUED_SIGNED.match(word):
        return [(NUM, word)]
    m = _NUM_UNIT.match(word)
    if m:
        return [(NUM, m.group(1))]
    if _THOUSANDS.match(word):
        return [(NUM, word.replace(",", ""))]
    if word in _EMPTY_MARKS:
        return [(EMPTY, word)]
    out: list[tuple[str, str]] = []
    label = ""
    pos = 0

    def emit_num(t: str, adjacent: bool) -> None:
        nonlocal label
        if label:
            out.append((LABEL, label))
            label = ""
        if adjacent and out and out[-1][0] == NUM and t[0] in "+-" and out[-1][1][-1].isdigit():
            out[-1] = (NUM, out[-1][1] + t)  # 1-20: a signed run right after a number stays glued
        else:
            out.append((NUM, t))

    for m in _RUN.finditer(word):
        start, end = m.span()
        adjacent = start == pos and start > 0
        run = m.group()
        label += word[pos:start]
        nxt = word[end : end + 1]
        after = word[end + 1 : end + 2]
        prev = word[start - 1 : start] if start else ""
        if nxt in (".", "、") and after and not after.isdigit() and "." not in run:
            digits = run.lstrip("+-")
            if len(digits) > 1:
                emit_num(run[:-1], adjacent)
                label = run[-1]
            else:
                label += run
        elif (
            (nxt and nxt in _LABEL_UNITS)
            or prev == "第"
            or (prev and prev.isascii() and prev.isalpha())
            # the word ends just before the run in a placeholder header word (数据1, column2): look at
            # the few characters before it only, not the whole word up to it (quadratic on a long word)
            or (start and _PLACEHOLDER_WORD.search(word, max(0, start - _PLACEHOLDER_LEN), start))
        ):
            label += run
        else:
            emit_num(run, adjacent)
        pos = end
    label += word[pos:]
    if label:
        out.append((LABEL, label))
    return out


def _display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


_WORD = re.compile(r"\S+")


def cell_tokens(text: str, base: Token, positions: bool = False) -> list[Token]:
    """Tokens of one cell. Adjacent label words of a cell merge into one label.

    `positions`: `text` is a whole text line; each token records the columns its word spans
    (`x`, `x2` in characters; `xd`, `xd2` in display width, a CJK character counting two)."""
    out: list[Token] = []
    stripped = text.strip()
    if not stripped:
        return [Token(EMPTY, "", base.src, base.table, base.row, base.col, base.line, base.cell, page=base.page)]
    if _NUM.match(stripped) and not positions:  # the common case: a cell holding one number
        return [Token(NUM, stripped, base.src, base.table, base.row, base.col, base.line, base.cell)]
    # two or more spaces or a tab separate columns; one space is noise inside a label (不予 公开)
    merge_ok = False
    prev_end = -1
    # the words of the label being merged, joined once when it ends: `+=` on an attribute copies
    # the whole label for every word, quadratic on a line of label words
    parts: list[str] = []

    def flush() -> None:
        if len(parts) > 1:
            out[-1].text = "".join(parts)
        parts.clear()

    wpos = wwidth = 0  # display width of text[:wpos], carried along the line
    for m in _WORD.finditer(text):
        w = m.group()
        gap = prev_end < 0 or bool(_COLUMN_GAP.fullmatch(text[prev_end : m.start()]))
        if prev_end >= 0 and gap:
            merge_ok = False  # a new column
        prev_end = m.end()
        x = x2 = xd = xd2 = -1
        if positions:
            x, x2 = m.start(), m.end()
            wwidth += _display_width(text[wpos:x])
            xd = wwidth
            xd2 = xd + _display_width(w)
            wpos, wwidth = x2, xd2
        for kind, t in split_word(w):
            if kind == LABEL and merge_ok and out and out[-1].kind == LABEL:
                prev = out[-1]
                if positions:  # keep each word's place: header words one space apart are columns
                    if prev.words is None:
                        prev.words = [Token(LABEL, prev.text, prev.src, line=prev.line, x=prev.x, x2=prev.x2,
                                            xd=prev.xd, xd2=prev.xd2, page=prev.page)]  # fmt: skip
                    prev.words.append(Token(LABEL, t, base.src, line=base.line, x=x, x2=x2, xd=xd, xd2=xd2,
                                            page=base.page))  # fmt: skip
                parts.append(t)
                prev.x2, prev.xd2 = x2, xd2
                continue
            flush()
            if kind == LABEL:
                parts.append(t)
            out.append(
                Token(
                    kind, t, base.src, base.table, base.row, base.col, base.line, base.cell, x, x2, xd, xd2, base.page
                )
            )
            out[-1].gap = gap
            gap = False  # later pieces of the same word are glued to it
            merge_ok = kind == LABEL
    flush()
    return out


_MD_RULE = re.compile(r"^[\s|:]*-{3,}[\s|:\-]*$")


def line_tokens(line: str, lineno: int, src: str, cell_id: int, page: int = 0) -> tuple[list[Token], int]:
    """Tokens of one text line: `|` separates cells (empty ones kept); else one cell per line."""
    out: list[Token] = []
    if _MD_RULE.match(line):
        return out, cell_id  # a markdown table's |---|---| rule
    if "|" in line:
        pieces = line.split("|")
        # the nothing before a line's opening pipe (`| a | b |`) is not a cell; a blank before it
        # (` | 1 | 0`, the row's first cell printed empty) is
        if pieces and pieces[0] == "":
            pieces = pieces[1:]
        # nor the nothing after its closing pipe (`| a | b |`)
        if len(pieces) > 1 and pieces[-1].strip() == "":
            pieces = pieces[:-1]
        for ci, piece in enumerate(pieces):
            cell_id += 1
            out.extend(cell_tokens(piece, Token(EMPTY, "", src, col=ci, line=lineno, cell=cell_id, page=page)))
    else:
        cell_id += 1
        if line.strip():
            out.extend(cell_tokens(line, Token(EMPTY, "", src, line=lineno, cell=cell_id, page=page), True))
    return out, cell_id
