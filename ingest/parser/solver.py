"""Glued digits and short rows: every reading of a run of values that fits a table's arithmetic.

Pure functions, no I/O: a run of number/empty tokens and the number of cells it must fill go in;
the readings that satisfy the table's own checks come out. The table extractors decide what a
reading means for the report (findings, nulls).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import EMPTY, NUM, Token


def num(s: str):
    if "." in s:
        return float(s)
    return int(s)


def _pieces(tok: str) -> list[str]:
    """'1-20' -> ['1', '-20'] : a sign always starts a new number."""
    return [p for p in re.split(r"(?=[+-])", tok) if p]


def split_glued(tokens: list[str], n: int, check=None, partial=None, budget: int = 200_000):
    """All ways to read `tokens` (digit strings, '' = empty cell) as exactly n numbers.

    A number has no leading zero (except 0 itself); a sign always starts a new number.
    `check(values)` filters complete readings; `partial(values)` may prune a prefix.
    Returns up to 50 readings as (values, owner) where owner[i] is the index of the token value i
    was read from.
    """
    segs: list[tuple[str, int]] = []
    for ti, t in enumerate(tokens):
        for p in _pieces(t) if t else [""]:
            segs.append((p, ti))
    results: list[tuple[list, list]] = []
    acc: list = []
    own: list = []
    steps = 0

    def rec(i: int) -> None:
        nonlocal steps
        steps += 1
        if steps > budget or len(results) >= 50:
            return
        if i == len(segs):
            if len(acc) == n and (check is None or check(acc)):
                results.append((list(acc), list(own)))
            return
        if len(acc) + (len(segs) - i) > n:
            return
        seg, ti = segs[i]
        if seg == "":
            acc.append(0)
            own.append(ti)
            if partial is None or partial(acc):
                rec(i + 1)
            acc.pop()
            own.pop()
            return
        sign = seg[0] if seg[0] in "+-" else ""
        digits = seg[len(sign) :]
        if not digits:
            return

        def split_seg(pos: int) -> None:
            nonlocal steps
            if pos == len(digits):
                rec(i + 1)
                return
            # leave room for one number per remaining segment
            if len(acc) + 1 + (len(segs) - i - 1) > n:
                return
            for ln in range(1, len(digits) - pos + 1):
                part = digits[pos : pos + ln]
                if len(part) > 1 and part[0] == "0":
                    break
                v = int(part)
                if pos == 0 and sign == "-":
                    v = -v
                acc.append(v)
                own.append(ti)
                if partial is None or partial(acc):
                    split_seg(pos + ln)
                acc.pop()
                own.pop()
                steps += 1
                if steps > budget or len(results) >= 50:
                    return

        split_seg(0)

    rec(0)
    return results


def t3_check(v: list[int]) -> bool:
    return sum(v[:6]) == v[6]


def t4_check(order: list[str]):
    ti = order.index("total")
    others = [i for i in range(5) if i != ti]

    def ok_group(g: list[int]) -> bool:
        return sum(g[i] for i in others) == g[ti]

    def check(v: list[int]) -> bool:
        return all(ok_group(v[k : k + 5]) for k in (0, 5, 10))

    def partial(v: list[int]) -> bool:
        full = len(v) // 5
        return all(ok_group(v[k * 5 : k * 5 + 5]) for k in range(full)) and all(x >= 0 for x in v)

    return check, partial


# ------------------------------------------------------------------------------------------------
# Reading a run of values


@dataclass
class Values:
    values: list  # numbers or None
    tokens: list  # the token each value came from (None when missing)
    empties: list[int]  # indexes of values printed empty
    glued: str | None = None  # None | "unique" | "ambiguous"
    alternatives: int = 0
    short: bool = False
    extra: int = 0


def _is_multi(t: Token) -> bool:
    s = t.text.lstrip("+-")
    return t.kind == NUM and "." not in s and (len(s) > 1 or bool(re.search(r"\d[+-]", t.text)))


def read_values(run: list[Token], n: int, check=None, partial=None) -> Values:
    """Exactly n values from a run of num/empty tokens."""
    r = list(run)
    while len(r) > n and r and r[-1].kind == EMPTY:
        r.pop()
    while len(r) > n and r and r[0].kind == EMPTY:
        r.pop(0)
    signed = any(t.kind == NUM and re.search(r"\d[+-]", t.text) for t in r)
    if len(r) == n and not signed:
        vals, empt = [], []
        for i, t in enumerate(r):
            if t.kind == EMPTY:
                vals.append(0)
                empt.append(i)
            else:
                vals.append(num(t.text))
        return Values(vals, r, empt)
    if len(r) > n:
        nonempty = [t for t in r if t.kind == NUM]
        if len(nonempty) == n:
            return Values([num(t.text) for t in nonempty], nonempty, [], extra=len(r) - n)
        v = read_values(r[:n], n, check, partial)
        v.extra = len(r) - n
        return v
    # fewer tokens than cells: digits were glued together (trailing empty cells are then padding)
    core = list(r)
    while core and core[-1].kind == EMPTY:
        core.pop()
    if any(_is_multi(t) for t in core) and all("." not in t.text for t in core):
        for cand_run in [core, r] if len(core) != len(r) else [core]:
            got = _read_glued(cand_run, n, check, partial)
            if got is not None:
                return got
    vals = [None] * n
    toks: list = [None] * n
    empt = []
    for i, t in enumerate(r[:n]):
        toks[i] = t
        if t.kind == EMPTY:
            vals[i] = 0
            empt.append(i)
        else:
            vals[i] = num(t.text)
    return Values(vals, toks, empt, short=True)


def _read_glued(r: list[Token], n: int, check, partial) -> Values | None:
    texts = ["" if t.kind == EMPTY else t.text for t in r]
    cands = split_glued(texts, n, check, partial)
    if not cands and check is not None:
        # the report's own arithmetic may be broken: read without the check, if that is unique
        free = split_glued(texts, n, None, None, budget=50_000)
        if len(free) > 1:
            return Values([None] * n, [None] * n, [], glued="ambiguous", alternatives=len(free))
        cands = free
    if not cands:
        return None
    best, owner = cands[0]
    return Values(
        best, [r[i] for i in owner], [], glued="unique" if len(cands) == 1 else "ambiguous", alternatives=len(cands)
    )
