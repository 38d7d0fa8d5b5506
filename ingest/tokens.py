"""Cells of text -> a stream of tokens (labels, numbers, empty cells), each with its source.

Every table form ends up as the same stream: an HTML grid cell, a `|`-separated text cell, a line of
its own, or a run of words on a line. Numbers glued to labels (`行政许可644`, `(七)总计4206`) and a
numbered label glued to the numbers before it (`41815092.政府公报`) are split here; digit runs that
hold several cells (`640020470`) stay one token and are split later with the table's arithmetic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LABEL, NUM, EMPTY = "label", "num", "empty"

_NUM = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_GLUED_SIGNED = re.compile(r"^[+-]?\d+(?:[+-]\d+)+$")  # 1-20: numbers with a sign glued in
_EMPTY_MARKS = {"-", "—", "——", "–", "/", "无", "一", "_", "--", "―"}
# digits, then a numbered label: 41815092.政府公报 -> 4181509 | 2.政府公报
_NUM_THEN_NUMBERED = re.compile(r"^([+-]?\d+?)(\d[.、](?![\d]).*)$")
# digits, then a bracketed or Chinese-numbered label: 0(一)予以公开, 6二、上年结转
_NUM_THEN_LABEL = re.compile(r"^([+-]?\d+)((?:\(|[一二三四五六七八九十]+、)\D.*)$")
# label, then digits: 行政许可644, (七)总计4206
_LABEL_THEN_NUM = re.compile(r"^(.*[^\d+\-.,%])([+-]?\d+(?:\.\d+)?)$")


@dataclass(slots=True)
class Token:
    kind: str                 # label | num | empty
    text: str                 # as printed (labels: white space removed)
    src: str                  # html | text
    table: int | None = None  # html grid index
    row: int | None = None    # html grid row
    col: int | None = None    # html grid column
    line: int | None = None   # 1-based line of the decoded text
    cell: int = 0             # id of the source cell / line piece (tokens of one cell share it)

    def loc(self) -> dict:
        return {"src": self.src, "src_table": self.table, "src_row": self.row, "src_col": self.col,
                "src_line": self.line}


def split_word(word: str) -> list[tuple[str, str]]:
    """One white-space-free word -> [(kind, text)]."""
    if _NUM.match(word):
        return [(NUM, word)]
    if _THOUSANDS.match(word):
        return [(NUM, word.replace(",", ""))]
    if _GLUED_SIGNED.match(word):
        return [(NUM, word)]
    if word in _EMPTY_MARKS:
        return [(EMPTY, word)]
    m = _NUM_THEN_NUMBERED.match(word) or _NUM_THEN_LABEL.match(word)
    if m and m.group(1) not in ("+", "-"):
        return [(NUM, m.group(1))] + split_word(m.group(2))
    m = _LABEL_THEN_NUM.match(word)
    if m and len(m.group(1)) >= 2 and not m.group(1).endswith(("第", "年", "月", "日", "前", "约", "共", "于")):
        return split_word(m.group(1)) + [(NUM, m.group(2))]
    return [(LABEL, word)]


def cell_tokens(text: str, base: Token) -> list[Token]:
    """Tokens of one cell. Adjacent label words of a cell merge into one label."""
    out: list[Token] = []
    words = text.split()
    if not words:
        return [Token(EMPTY, "", base.src, base.table, base.row, base.col, base.line, base.cell)]
    for w in words:
        for kind, t in split_word(w):
            if kind == LABEL and out and out[-1].kind == LABEL:
                out[-1].text += t
                continue
            out.append(Token(kind, t, base.src, base.table, base.row, base.col, base.line, base.cell))
    return out


def line_tokens(line: str, lineno: int, src: str, cell_id: int) -> tuple[list[Token], int]:
    """Tokens of one text line: `|` separates cells (empty ones kept); else one cell per line."""
    out: list[Token] = []
    if "|" in line:
        pieces = line.split("|")
        # the piece before a leading pipe and after a closing pipe is not a cell
        if pieces and not pieces[0].strip():
            pieces = pieces[1:]
        for piece in pieces:
            cell_id += 1
            out.extend(cell_tokens(piece, Token(EMPTY, "", src, line=lineno, cell=cell_id)))
    else:
        cell_id += 1
        if line.strip():
            out.extend(cell_tokens(line, Token(EMPTY, "", src, line=lineno, cell=cell_id)))
    return out, cell_id
