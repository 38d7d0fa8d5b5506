"""Readings of a table that satisfy its arithmetic, chosen for the table as a whole.

Pure functions, no I/O, no knowledge of labels or pages. Two parts:

`readings(texts, n, ...)`  every way a run of printed tokens can fill n cells: a glued digit run
    (`640020470`) split into numbers, a sign starting a new number (`1-20`), and, when the printing
    may have dropped blank cells (text taken out of a PDF), blank cells put back as 0. Sum rules that
    hold inside the run (a table-3 row's total, a table-4 group's total) prune the search.
`solve(slots, constraints, ...)`  a table as slots (groups of cells, each with its candidate
    readings) and linear constraints (sum of some cells == sum of others). Keeps the readings that
    satisfy every constraint TOGETHER (a dynamic programme over the slots, the state being what each
    open constraint still lacks). A cell is decided when every joint solution gives it the same value;
    otherwise it is left undecided and its candidate values are returned. A constraint that no
    combination of readings satisfies is the report's own broken arithmetic: it is set aside and named,
    and what it would have decided stays undecided unless a slot has only one reading at all.

Both searches are bounded (`budget` steps, `limit` readings, and a `Meter` shared by the searches of
one table); when a bound is hit the result says so
(`complete=False`, `exhausted=True`) and nothing is decided from a search that did not finish.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

LIMIT = 64  # readings kept per run
BUDGET = 200_000  # search steps per run
JOINT_BUDGET = 50_000  # search steps per joint search of a table


_CLEAN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
MAX_DIGITS = 15  # no cell holds a longer number (bounds.py nulls anything past 10^12 anyway)


def num(s: str):
    """A printed number: int, or float when it has a decimal point. A run of more than MAX_DIGITS
    digits is no one number: it reads as infinity, which the bounds step turns into a null with a
    finding (and Python's int() refuses runs past 4,300 digits)."""
    if len(s.lstrip("+-").replace(".", "")) > MAX_DIGITS or not _CLEAN_NUMBER.match(s):
        # too long for one number, or not one number at all (`5-6.`): the bounds step nulls it
        return float("-inf") if s.startswith("-") else float("inf")
    if "." in s:
        return float(s)
    return int(s)


def _pieces(tok: str) -> list[str]:
    """'1-20' -> ['1', '-20'] : a sign always starts a new number."""
    return [p for p in re.split(r"(?=[+-])", tok) if p]


# ------------------------------------------------------------------------------------------------
# Readings of one run of tokens


@dataclass(frozen=True)
class SumRule:
    """Inside a run: value[total] == sum(value[i] for i in parts)."""

    parts: tuple[int, ...]
    total: int


@dataclass
class Meter:
    """A search budget shared by several searches (all the runs of one table): every step of any of
    them spends one, and each search is cut when it is spent. Without it a page whose rows are each
    hard (duplicated glued digits) costs its row count times BUDGET."""

    left: int


@dataclass
class Enumeration:
    readings: list[tuple[tuple, tuple]]  # (values, owners): owners[i] = token index of value i, None for a blank
    complete: bool  # False when `limit` or `budget` cut the search: other readings may exist
    checked: bool  # True when every reading satisfies the run's sum rules


def readings(
    texts: Sequence[str],
    n: int,
    rules: Sequence[SumRule] = (),
    signed: frozenset[int] | set[int] = frozenset(),
    gaps: bool = False,
    limit: int = LIMIT,
    budget: int = BUDGET,
    whole: bool = False,
    meter: Meter | None = None,
) -> Enumeration:
    """Every way the printed tokens `texts` ('' = a cell printed empty) fill exactly n cells.

    A digit run may hold several numbers (no leading zero except 0 itself); a decimal is one number;
    a sign starts a new number and a negative value is allowed only at the indexes in `signed`.
    `gaps`: cells printed blank may have vanished (PDF text), so blanks (0) may stand between tokens.
    `whole`: every printed token is one number (its digits are not split).
    The readings that satisfy every `rules` are returned when there are any (`checked=True`); when
    none does (the report's own arithmetic may be broken), all readings are (`checked=False`).
    """
    if rules:
        got = _enumerate(texts, n, rules, signed, gaps, limit, budget, whole, meter)
        if got.readings or not got.complete:
            got.checked = True
            return got
    got = _enumerate(texts, n, (), signed, gaps, limit, budget, whole, meter)
    got.checked = not rules
    return got


def _enumerate(texts, n, rules, signed, gaps, limit, budget, whole=False, meter: Meter | None = None) -> Enumeration:
    pieces: list[tuple[str, int]] = []
    for ti, t in enumerate(texts):
        if t == "" or "." in t:
            pieces.append((t, ti))
        else:
            pieces.extend((p, ti) for p in _pieces(t))
    digits_left = [0] * (len(pieces) + 1)  # upper bound on the cells pieces[i:] can fill
    digits_total = [0] * (len(pieces) + 1)  # digits of the split-able pieces[i:] (a decimal is one cell)
    for i in range(len(pieces) - 1, -1, -1):
        p = pieces[i][0]
        cap = 1 if (p == "" or "." in p) else len(p.lstrip("+-"))
        digits_left[i] = digits_left[i + 1] + cap
        digits_total[i] = digits_total[i + 1] + (0 if (p == "" or "." in p) else len(p.lstrip("+-")))
    closing: dict[int, list[SumRule]] = {}
    forced: dict[int, SumRule] = {}
    for r in rules:
        closing.setdefault(max(*r.parts, r.total), []).append(r)
        if all(p < r.total for p in r.parts):
            forced[r.total] = r
    out: list[tuple[tuple, tuple]] = []
    seen: set[tuple] = set()  # readings that differ only in where blanks stand give the same values
    acc: list = []
    own: list = []
    steps = 0
    cut = False

    def ok_push(v, owner) -> bool:
        i = len(acc)
        if i >= n:
            return False
        if isinstance(v, int) and v < 0 and i not in signed:
            return False
        f = forced.get(i)
        if f is not None and v != sum(acc[p] for p in f.parts):
            return False
        acc.append(v)
        own.append(owner)
        for r in closing.get(i, ()):
            if sum(acc[p] for p in r.parts) != acc[r.total]:
                acc.pop()
                own.pop()
                return False
        return True

    def pop() -> None:
        acc.pop()
        own.pop()

    def fits(pi: int) -> bool:
        """Cells left can still be filled by pieces[pi:] (and blanks)."""
        left = n - len(acc)
        need = len(pieces) - pi
        if left < need:
            return False
        return gaps or left <= digits_left[pi]

    def rec(pi: int, pos: int) -> None:
        """pieces[pi] is consumed up to `pos` digits (pos 0: not started)."""
        nonlocal steps, cut
        steps += 1
        if meter is not None:
            meter.left -= 1
        if steps > budget or len(out) >= limit or (meter is not None and meter.left < 0):
            cut = True
            return
        if digits_total[pi] - pos > (n - len(acc)) * MAX_DIGITS:
            return  # more digits left than the cells left can hold, MAX_DIGITS each: no reading
        if forced and pi < len(pieces):
            # a total still to come is at least the sum of its parts read so far: it must fit in the
            # digits left (every other cell still to come takes at least one digit, unless blank)
            cells_left = n - len(acc)
            room = digits_left[pi] - pos - (0 if gaps else cells_left - 1)
            for i, f in forced.items():
                if i >= len(acc):
                    low = sum(acc[p] for p in f.parts if p < len(acc))
                    if low > 0 and len(str(low)) > room:
                        return
        if pi == len(pieces):
            if len(acc) == n:
                key = tuple(acc)
                if key not in seen:
                    seen.add(key)
                    out.append((key, tuple(own)))
            elif gaps and ok_push(0, None):
                rec(pi, 0)
                pop()
            return
        text, ti = pieces[pi]
        # a blank cell that vanished before this piece
        if pos == 0 and gaps and n - len(acc) > len(pieces) - pi and ok_push(0, None):
            rec(pi, 0)
            pop()
        if pos == 0 and (text == "" or "." in text):
            if ok_push(0 if text == "" else num(text), ti):
                if fits(pi + 1):
                    rec(pi + 1, 0)
                pop()
            return
        sign = text[0] if text[0] in "+-" else ""
        digits = text[len(sign) :]
        start = pos
        if start >= len(digits):
            return
        rule_here = forced.get(len(acc))
        lengths = [len(digits)] if whole else range(1, len(digits) - start + 1)
        if rule_here is not None and not whole:
            want = sum(acc[p] for p in rule_here.parts)
            lengths = [len(str(abs(want)))]
        for ln in lengths:
            end = start + ln
            if end > len(digits):
                break
            part = digits[start:end]
            if (len(part) > 1 and part[0] == "0") or len(part) > MAX_DIGITS:
                break
            v = int(part)
            if start == 0 and sign == "-":
                v = -v
            if not ok_push(v, ti):
                continue
            if end == len(digits):
                if fits(pi + 1):
                    rec(pi + 1, 0)
            elif len(acc) < n:
                rec(pi, end)
            pop()
            if cut:
                return

    if len(pieces) <= n and (gaps or n <= digits_left[0]):
        rec(0, 0)
    return Enumeration(out, not cut, False)


# ------------------------------------------------------------------------------------------------
# A table as a whole


Cell = Hashable


@dataclass(frozen=True)
class Constraint:
    """sum(lhs) == sum(rhs) over cells; `name` says which rule of the table it is."""

    name: str
    lhs: tuple
    rhs: tuple


@dataclass
class Slot:
    """Cells read together (a row, a block of rows, a whole run) and the candidate readings for them.
    A reading gives one value per cell, None for a cell it cannot say. `complete=False`: the readings
    are not all the readings there are (a search was cut), so nothing in the slot can be decided."""

    cells: tuple
    readings: list[tuple]
    complete: bool = True


@dataclass
class Result:
    values: dict  # cell -> decided value, or None
    allowed: list[list[int]]  # per slot: indexes of the readings that take part in some joint solution
    candidates: dict  # undecided cell -> sorted candidate values
    broken: list[str] = field(default_factory=list)  # constraints no combination of readings satisfies
    exhausted: bool = False  # the joint search ran out of budget; only per-slot agreement was used
    solutions: int = 0  # joint solutions counted (capped at SOLUTION_CAP)
    checked: list[str] = field(default_factory=list)  # constraints whose cells could all be read


SOLUTION_CAP = 1_000_000


def solve(
    slots: Sequence[Slot],
    constraints: Sequence[Constraint],
    budget: int = JOINT_BUDGET,
    prefer: Sequence[tuple[Cell, object]] = (),
) -> Result:
    """The joint readings of a table. `prefer`: (cell, value) statements from outside the table (the
    prose) used only to choose among joint solutions, and only when some solution agrees with them."""
    where: dict = {}
    for si, s in enumerate(slots):
        for ci, c in enumerate(s.cells):
            where[c] = (si, ci)
    allowed: list[list[int]] = [list(range(len(s.readings))) if s.complete else [] for s in slots]

    def known(c) -> bool:
        if c not in where:
            return False
        si, ci = where[c]
        return bool(allowed[si]) and all(slots[si].readings[r][ci] is not None for r in allowed[si])

    active = [k for k in constraints if all(known(c) for c in k.lhs + k.rhs)]
    broken: list[str] = []

    def sat(k: Constraint, si: int, r: int) -> bool:
        vals = slots[si].readings[r]
        return sum(vals[where[c][1]] for c in k.lhs) == sum(vals[where[c][1]] for c in k.rhs)

    # constraints inside one slot filter its readings; one no reading satisfies is broken
    cross: list[Constraint] = []
    for k in active:
        owners = {where[c][0] for c in k.lhs + k.rhs}
        if len(owners) > 1:
            cross.append(k)
            continue
        si = owners.pop()
        keep = [r for r in allowed[si] if sat(k, si, r)]
        if keep:
            allowed[si] = keep
        else:
            broken.append(k.name)

    if all(len(a) <= 1 for a in allowed):
        # one reading per slot (the common case): nothing to choose, only rules to test
        for k in cross:
            if not _holds(slots, where, allowed, k):
                broken.append(k.name)
        cross = []
    res = _joint(slots, where, allowed, cross, budget)
    exhausted = res is None
    if res is not None and res[1] == 0 and cross:
        # the report's arithmetic is broken somewhere: set aside the constraints that cannot hold alone
        ok = []
        for k in cross:
            one = _joint(slots, where, allowed, [k], budget)
            if one is not None and one[1] == 0:
                broken.append(k.name)
            else:
                ok.append(k)
        res = _joint(slots, where, allowed, ok, budget) if ok else None
        if res is None and ok:
            exhausted = True
        elif res is None or res[1] == 0:
            # each holds alone but not all together: which one the report broke is not known, so
            # none of them decides anything
            broken.extend(k.name for k in ok)
        if res is None or res[1] == 0:
            res = _joint(slots, where, allowed, [], budget)
    if res is not None:
        allowed, count = res
    else:
        count = 0
    if prefer and res is not None and count > 1:
        pinned = [list(a) for a in allowed]
        for c, v in prefer:
            if c in where:
                si, ci = where[c]
                keep = [r for r in pinned[si] if slots[si].readings[r][ci] == v]
                if keep:
                    pinned[si] = keep
        again = _joint(slots, where, pinned, [k for k in cross if k.name not in broken], budget)
        if again is not None and again[1] > 0:
            allowed, count = again

    values: dict = {}
    candidates: dict = {}
    for si, s in enumerate(slots):
        for ci, c in enumerate(s.cells):
            vs = {s.readings[r][ci] for r in allowed[si]}
            if len(vs) == 1:
                values[c] = next(iter(vs))
            else:
                values[c] = None
                opts = sorted(v for v in vs if v is not None)
                if opts:
                    candidates[c] = opts
    return Result(values, allowed, candidates, broken, exhausted, count, [k.name for k in active])


def _holds(slots, where, allowed, k: Constraint) -> bool:
    """Whether k holds for slots read with their single allowed reading."""

    def v(c):
        si, ci = where[c]
        return slots[si].readings[allowed[si][0]][ci]

    return sum(v(c) for c in k.lhs) == sum(v(c) for c in k.rhs)


def _joint(slots, where, allowed, cons, budget) -> tuple[list[list[int]], int] | None:
    """Readings per slot that take part in some assignment satisfying every constraint in `cons`, and
    the number of such assignments (capped). None when the search ran over `budget`.

    A dynamic programme over the slots the constraints touch, in order: the state is, for each
    constraint whose cells are partly read, how far its left side is from its right side so far."""
    n = len(slots)
    out = [list(a) for a in allowed]
    if not cons:
        return out, _product(len(a) for a in allowed)
    # per constraint: signed cells per slot
    terms: list[dict[int, list[tuple[int, int]]]] = []
    for k in cons:
        d: dict[int, list[tuple[int, int]]] = {}
        for c in k.lhs:
            si, ci = where[c]
            d.setdefault(si, []).append((ci, 1))
        for c in k.rhs:
            si, ci = where[c]
            d.setdefault(si, []).append((ci, -1))
        terms.append(d)
    order = sorted({si for d in terms for si in d})
    last = [max(d) for d in terms]
    first = [min(d) for d in terms]
    layers: list[dict[tuple, int]] = [{(): 1}]
    back: list[dict[tuple, list[tuple[tuple, int]]]] = []
    steps = 0
    open_before: list[int] = []
    for si in order:
        here = [ki for ki in range(len(cons)) if si in terms[ki]]
        open_after = [ki for ki in range(len(cons)) if first[ki] <= si < last[ki]]
        closing = [ki for ki in here if last[ki] == si]
        pos_before = {ki: i for i, ki in enumerate(open_before)}
        # contribution of each reading to the constraints with cells here
        contrib = {}
        for r in allowed[si]:
            vals = slots[si].readings[r]
            contrib[r] = {ki: sum(vals[ci] * sg for ci, sg in terms[ki][si]) for ki in here}
        nxt: dict[tuple, int] = {}
        bk: dict[tuple, list[tuple[tuple, int]]] = {}
        for state, cnt in layers[-1].items():
            for r in allowed[si]:
                steps += 1
                if steps > budget:
                    return None
                cv = contrib[r]
                ok = True
                for ki in closing:
                    if (state[pos_before[ki]] if ki in pos_before else 0) + cv[ki] != 0:
                        ok = False
                        break
                if not ok:
                    continue
                ns = tuple((state[pos_before[ki]] if ki in pos_before else 0) + cv.get(ki, 0) for ki in open_after)
                nxt[ns] = min(SOLUTION_CAP, nxt.get(ns, 0) + cnt)
                bk.setdefault(ns, []).append((state, r))
        if not nxt:
            return [[] for _ in range(n)], 0
        layers.append(nxt)
        back.append(bk)
        open_before = open_after
    count = layers[-1].get((), 0)
    if not count:
        return [[] for _ in range(n)], 0
    useful = {()}
    for j in range(len(order) - 1, -1, -1):
        prev_useful = set()
        rs = set()
        for state in useful:
            for pstate, r in back[j].get(state, ()):
                prev_useful.add(pstate)
                rs.add(r)
        out[order[j]] = sorted(rs)
        useful = prev_useful
    others = [len(allowed[si]) for si in range(n) if si not in set(order)]
    return out, min(SOLUTION_CAP, count * _product(others))


def _product(xs) -> int:
    p = 1
    for x in xs:
        p = min(SOLUTION_CAP, p * x)
    return p


# ------------------------------------------------------------------------------------------------
# Orders of printed chunks (text taken out of a PDF in reading order prints blocks out of place)


def chunk_orders(chunks: Sequence[Sequence], limit: int = 720) -> list[tuple[int, ...]]:
    """Orders in which printed chunks of values may have stood (every permutation, the printed order
    first), up to `limit` orders; the caller keeps those the arithmetic accepts."""
    k = len(chunks)
    if k <= 1:
        return [tuple(range(k))]
    out = []
    for perm in itertools.permutations(range(k)):
        out.append(perm)
        if len(out) >= limit:
            break
    return out


def transpose_block(values: Sequence, rows: int, cols: int) -> list:
    """A block printed column by column, read back row by row."""
    return [values[c * rows + r] for r in range(rows) for c in range(cols)]
