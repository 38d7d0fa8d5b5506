"""Token stream -> tables 2, 3 and 4 with the provenance of every cell.

The extractors do not rely on a table's header lining up with its rows (real pages break that all
the time). A region's tokens become chunks: a run of values and the labels printed before it. A
chunk's row key comes from its labels (through `ingest.labels`); when labels are missing, shredded
or out of place, the template's row order may place the rows, but only when the row count is the
template's and the arithmetic confirms it. Every way a chunk can be read (glued digits split, blank
cells that vanished from PDF text put back, a block printed column by column, chunks printed out of
order) is a candidate reading, and `solver.solve` keeps the readings that satisfy the whole table's
arithmetic together. What the evidence does not decide is null, with a finding listing the candidates.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass, field, replace

from . import labels as L
from . import solver as S
from .findings import finding
from .tokens import EMPTY, LABEL, NUM, Token


@dataclass
class CellOut:
    table: str
    row: str
    column: str
    value: float | int | None
    raw: str
    empty: bool
    loc: dict


@dataclass
class Extracted:
    table: dict | None
    cells: list[CellOut] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    layout: str | None = None


_NO_LOC = {"src": None, "src_table": None, "src_row": None, "src_col": None, "src_line": None}


# ------------------------------------------------------------------------------------------------
# Regions


def split_regions(tokens: list[Token]) -> dict[str, list[Token]]:
    regions: dict[str, list[Token]] = {"t2": [], "t3": [], "t4": []}
    cur: str | None = None
    seen: set[str] = set()
    for t in tokens:
        if t.kind == LABEL:
            hit = None
            rest = ""
            for name, rx in L.HEADINGS:
                m = rx.search(t.text)
                if m:
                    hit = name
                    # a heading glued to the table's first labels (a page flattened into one line)
                    rest = t.text[m.end() :].lstrip("、,，:：")
                    break
            if hit is None:
                for name, rx in L.ANCHORS:
                    if name not in seen and name != cur and rx.search(t.text):
                        hit = name
                        break
            if hit is not None:
                cur = None if hit == "end" else hit
                if cur:
                    seen.add(cur)
                    if len(rest) >= 2:
                        regions[cur].append(replace(t, text=rest))
                continue
        if cur is not None:
            regions[cur].append(t)
    return regions


def _layout(tokens: list[Token]) -> str:
    if not tokens:
        return "none"
    t = tokens[0]
    if t.src == "html" and t.table is not None:
        return "html_table"
    return "text"


def _row_of(t: Token) -> tuple:
    """The printed row a token stands in: a grid row, or a text line."""
    return (t.table, t.row) if t.line is None else (None, t.line)


# ------------------------------------------------------------------------------------------------
# Chunks: runs of values and the labels printed before them


@dataclass
class Chunk:
    labels: list[Token]  # label tokens printed since the previous chunk
    tokens: list[Token]  # the values (num / empty tokens), in printed order
    rows: int = 1  # table rows the chunk holds (a block printed one cell per line holds several)
    tails: list[Token] = field(default_factory=list)  # a label's continuation printed after the values
    key: str | None = None
    named: list[str] = field(default_factory=list)  # every row key its labels name


def _loose(ch: Chunk) -> bool:
    """Whether no label of the chunk stands on the printed row (line, grid row) of its first value."""
    if not ch.tokens:
        return True
    first = _row_of(ch.tokens[0])
    return all(_row_of(t) != first for t in ch.labels + ch.tails)


def _chunks(tokens: list[Token], n: int) -> list[Chunk]:
    out: list[Chunk] = []
    labels: list[Token] = []
    run: list[Token] = []

    def close() -> None:
        nonlocal labels, run
        if run:
            for i, (toks, rows) in enumerate(_split_run(run, n)):
                out.append(Chunk(labels if i == 0 else [], toks, rows))
            labels, run = [], []

    for t in tokens:
        if t.kind == LABEL:
            close()
            labels.append(t)
        else:
            run.append(t)
    close()
    if labels:
        out.append(Chunk(labels, [], 0))
    # a label's continuation printed after the values: the unnumbered labels that open the next chunk
    for a, b in itertools.pairwise(out):
        for t in b.labels:
            if L.starts_label(L.clean(t.text)):
                break
            a.tails.append(t)
    return out


def _split_run(run: list[Token], n: int) -> list[tuple[list[Token], int]]:
    """A run of values -> (tokens, rows) pieces: one printed row each, or a block of rows printed
    one cell per line."""
    groups: list[list[Token]] = []
    for t in run:
        if groups and _row_of(groups[-1][-1]) == _row_of(t):
            groups[-1].append(t)
        else:
            groups.append([t])
    if len(groups) > 1 and all(len(g) == 1 for g in groups):
        groups = [run]  # one cell per line: the run is one row, or a block of whole rows
        if len(run) > n and len(run) % n == 0:
            return [(run, len(run) // n)]
        return [(run, 1)]
    out: list[tuple[list[Token], int]] = []
    for g in groups:
        if len(g) > n and len(g) % n == 0 and all(t.kind == NUM for t in g):
            out.extend((g[i : i + n], 1) for i in range(0, len(g), n))
        else:
            out.append((g, 1))
    return out


# ------------------------------------------------------------------------------------------------
# Readings of one chunk


@dataclass
class Reading:
    values: tuple
    owners: tuple  # per value: index into the chunk's tokens, None for a blank that vanished
    how: str  # "as printed" | "glued" | "blanks" | "by position" | "column by column" | "reordered"


@dataclass
class ChunkReadings:
    readings: list[Reading]
    complete: bool = True
    extra: int = 0  # values printed beyond the cells
    tokens: list[Token] = field(default_factory=list)  # the tokens owners index into
    conflict: bool = False  # the columns' positions and the arithmetic give different readings


def _is_multi(t: Token) -> bool:
    s = t.text.lstrip("+-")
    return t.kind == NUM and "." not in s and (len(s) > 1 or any(c in "+-" for c in s))


def _trim(toks: list[Token], n: int) -> list[Token]:
    r = list(toks)
    # the first cell of a text row of `|` cells is its label's column, even when the label was lost
    if len(r) > n and r[0].kind == EMPTY and r[0].line is not None and r[0].col == 0:
        r.pop(0)
    while len(r) > n and r and r[-1].kind == EMPTY:
        r.pop()
    while len(r) > n and r and r[0].kind == EMPTY:
        r.pop(0)
    return r


def chunk_readings(
    toks: list[Token],
    n: int,
    rules: tuple[S.SumRule, ...] = (),
    signed: frozenset[int] = frozenset(),
    columns: Columns | None = None,
    layout: bool = False,
    budget: int = S.BUDGET,
    meter: S.Meter | None = None,
) -> ChunkReadings:
    """Every candidate reading of a run of value tokens as n cells.

    Printed in full: one reading. Fewer values than cells: a glued digit run is split; on text taken
    out of a PDF (words with positions, or one value per line) blank cells may have vanished, so they
    are put back: where the columns' positions are known from the table's full rows, each value goes to
    its column; otherwise every placement is a candidate. `layout`: the table's other rows show that
    it is PDF layout text (values spaced apart on their own lines), so a lone value may stand among
    vanished blanks too."""
    if len(toks) > n:
        loose = _loose_values(toks, n, rules, signed)
        if loose is not None:
            return loose
    r = _trim(toks, n)
    # a sign inside a value (`1-20`) may start another number glued on, unless every value stands in
    # a cell of its own (an HTML or `|` grid with one value per cell): then `1-20` is that cell's one
    # unreadable value (a range), nulled with a finding by the bounds step, and its row's other
    # cells are read as printed
    own_cells = all(t.col is not None for t in r) and len({t.cell for t in r}) == len(r)
    signed_glue = not own_cells and any(t.kind == NUM and any(c in "+-" for c in t.text[1:]) for t in r)
    if len(r) == n and not signed_glue:
        return ChunkReadings([Reading(tuple(_val(t) for t in r), tuple(range(n)), "as printed")], tokens=r)
    if len(r) > n:
        nonempty = [t for t in r if t.kind == NUM]
        if len(nonempty) != n:
            # more values than cells, and not just blank padding: which of them are the row's is not
            # known (no "first n" guess)
            return ChunkReadings([], extra=len(r) - n, tokens=r)
        return ChunkReadings(
            [Reading(tuple(_val(t) for t in nonempty), tuple(range(n)), "as printed")],
            extra=len(r) - n,
            tokens=nonempty,
        )
    core = list(r)
    while core and core[-1].kind == EMPTY:
        core.pop()
    if not core:
        return ChunkReadings([], tokens=r)
    texts = ["" if t.kind == EMPTY else t.text for t in core]
    positioned = all(t.x >= 0 for t in core if t.kind == NUM)
    one_per_line = len({_row_of(t) for t in core}) == len(core) > 1
    nums = len([t for t in core if t.kind == NUM])
    col = columns.get(core[0].page) if columns else None
    # blank cells may have vanished where the text shows columns: values spaced apart on a line of PDF
    # layout text, a table whose columns' places are known, or one value per line
    blanks = (positioned and (nums >= 2 or col is not None or layout)) or (one_per_line and nums >= 2)
    whole_ok = all(_single_number(t) for t in core if t.kind == NUM)
    glue = any(_is_multi(t) for t in core) and all("." not in t.text for t in core)
    glued: list[Reading] = []
    glue_complete = True
    glue_checked = False
    glue_tokens = core
    if glue:
        for cand in [core, r] if len(core) != len(r) else [core]:
            en = S.readings(
                ["" if t.kind == EMPTY else t.text for t in cand], n, rules, signed, budget=budget, meter=meter
            )
            if en.readings or not en.complete:
                glued = [Reading(v, o, "glued") for v, o in en.readings]
                glue_complete, glue_checked, glue_tokens = en.complete, en.checked, cand
                break
    if blanks and col is not None and whole_ok and all(t.kind == NUM for t in core):
        placed = _place(core, col[0], col[1])
        if placed is not None:
            vals = [0] * n
            own: list = [None] * n
            for i, c in enumerate(placed):
                vals[c] = _val(core[i])
                own[c] = i
            placed_r = Reading(tuple(vals), tuple(own), "by position")
            if all(sum(vals[p] for p in rule.parts) == vals[rule.total] for rule in rules):
                if nums >= 2 or not glued or not glue_checked:
                    return ChunkReadings([placed_r], tokens=core)
                # one run of digits: in its column, or several values glued together
                return _union([placed_r], core, glued, glue_tokens, glue_complete)
            # the columns' places put the values where the row's sums fail while another placement
            # satisfies them: positions and arithmetic disagree, nothing is decided
            en = S.readings(texts, n, rules, signed, gaps=True, whole=True, budget=budget, meter=meter)
            if en.checked and en.readings:
                return ChunkReadings([], conflict=True, tokens=core)
            return ChunkReadings([placed_r], tokens=core)
    if blanks and whole_ok:
        en = S.readings(texts, n, rules, signed, gaps=True, whole=True, budget=budget, meter=meter)
        spaced = [Reading(v, o, "blanks") for v, o in en.readings]
        if glued and glue_checked and not en.checked:
            return ChunkReadings(glued, glue_complete, tokens=glue_tokens)
        if glued and (glue_checked == en.checked):
            return _union(spaced, core, glued, glue_tokens, en.complete and glue_complete)
        return ChunkReadings(spaced, en.complete, tokens=core)
    return ChunkReadings(glued, glue_complete, tokens=glue_tokens)


def _loose_values(r: list[Token], n: int, rules, signed, cap: int = 2000) -> ChunkReadings | None:
    """A row of exactly n cells with values printed on lines of their own beside it (a converter
    shredding a table): each loose value stands in one of the row's empty cells, which one unknown."""
    rows: dict[tuple, list[int]] = {}
    for i, t in enumerate(r):
        rows.setdefault(_row_of(t), []).append(i)
    full = [idx for idx in rows.values() if len(idx) == n]
    if len(full) != 1:
        return None
    row = full[0]
    rest = [i for i in range(len(r)) if i not in row and r[i].kind == NUM]
    empties = [j for j, i in enumerate(row) if r[i].kind == EMPTY]
    if not all(r[i].kind == NUM and _single_number(r[i]) for i in rest) or len(rest) > len(empties):
        return None
    out: dict[tuple, Reading] = {}
    free: dict[tuple, Reading] = {}
    base = [_val(r[i]) for i in row]
    combos = itertools.combinations(empties, len(rest))
    for slots in itertools.islice(combos, cap):
        vals = list(base)
        own = list(row)
        for s_, i in zip(slots, rest):
            vals[s_] = _val(r[i])
            own[s_] = i
        if any(isinstance(v, int) and v < 0 and j not in signed for j, v in enumerate(vals)):
            continue
        rd = Reading(tuple(vals), tuple(own), "loose values placed")
        free.setdefault(rd.values, rd)
        if all(sum(vals[p] for p in rule.parts) == vals[rule.total] for rule in rules):
            out.setdefault(rd.values, rd)
    # no placement satisfies the sums (the report's own arithmetic is broken): every placement stays
    # a candidate, and only what they all agree on is decided
    return ChunkReadings(list((out or free).values()), tokens=r) if (out or free) else None


def _single_number(t: Token) -> bool:
    """Whether a printed value can be one number (no leading zero)."""
    s = t.text.lstrip("+-")
    if any(c in "+-" for c in s):
        return False  # 1-20: a sign inside starts another number
    return "." in s or not (len(s) > 1 and s[0] == "0")


def _union(a: list[Reading], a_toks: list[Token], b: list[Reading], b_toks: list[Token], complete: bool):
    """Readings of two hypotheses about the same printed run, owners re-pointed to one token list."""
    toks = list(a_toks) + [t for t in b_toks if all(t is not x for x in a_toks)]
    at = {id(t): i for i, t in enumerate(toks)}
    out: dict[tuple, Reading] = {}
    for rs, src in ((a, a_toks), (b, b_toks)):
        for rd in rs:
            if rd.values not in out:
                own = tuple(None if o is None else at[id(src[o])] for o in rd.owners)
                out[rd.values] = Reading(rd.values, own, rd.how)
    return ChunkReadings(list(out.values()), complete, tokens=toks)


def _val(t: Token):
    return 0 if t.kind == EMPTY else S.num(t.text)


def _place(core: list[Token], columns: list[float], metric: str) -> list[int] | None:
    """Columns of positioned values from the columns' centres; None when a value is not clearly
    nearer one column than the next, or two values fall in the same one."""
    if len(columns) < 2:
        return None
    out: list = []
    for t in core:
        c = _centre(t, metric)
        near = sorted(range(len(columns)), key=lambda i: abs(columns[i] - c))
        best, second = near[0], near[1]
        if abs(columns[best] - c) > 0.6 * abs(columns[second] - c):
            return None
        if out and best <= out[-1]:
            return None
        out.append(best)
    return out


def _centre(t: Token, metric: str) -> float:
    """A token's centre: in characters ("x"), in display width ("xd"), or from where it starts in
    characters plus half its display width ("h": PDF layout text places each word at its physical
    start, but a CJK character there is two columns wide)."""
    if metric == "x":
        return (t.x + t.x2) / 2
    if metric == "xd":
        return (t.xd + t.xd2) / 2
    return t.x + (t.xd2 - t.xd) / 2


Columns = dict  # page -> (centres of the n columns, the measure they are in)


def column_centres(chunks: list[list[Token]], n: int, header: list[Token] | None = None) -> Columns:
    """Per page, the centre of each of n columns of PDF layout text: from the rows printed in full on
    one line, else from all the values of the page when they fall in exactly n clearly separate
    columns, else from the header's words when they do. The measure (characters or display width)
    whose columns line up best is used."""
    # rows printed on a line of their own (not a page flattened into one line)
    per_line: dict[tuple, int] = {}
    for c in chunks:
        if c:
            per_line[_row_of(c[0])] = per_line.get(_row_of(c[0]), 0) + 1
    lines = [
        c
        for c in chunks
        if c
        and all(t.kind == NUM and t.x >= 0 and t.gap for t in c)
        and len({_row_of(t) for t in c}) == 1
        and per_line[_row_of(c[0])] == 1
    ]
    out: Columns = {}
    pages: dict[int, list[list[Token]]] = {}
    for c in lines:
        pages.setdefault(c[0].page, []).append(c)
    for p, rows in pages.items():
        best = None
        for metric in ("x", "xd"):
            full = [[_centre(t, metric) for t in c] for c in rows if len(c) == n]
            if full:
                cols = list(zip(*full))
                cents = [statistics.median(col) for col in cols]
                spread = sum(statistics.median(abs(v - m) for v in col) for col, m in zip(cols, cents))
                got: tuple[list, float] | None = (cents, spread)
            else:
                got = _clusters(sorted(_centre(t, metric) for c in rows for t in c), n, min_support=2)
            # PDF layout text places values by their physical position (characters); display width is
            # the measure only where characters clearly do not line up
            if got is not None and (best is None or got[1] < 0.5 * best[1] - 0.5 * n):
                best = (got[0], got[1], metric)
        if best is not None:
            out[p] = (best[0], best[2])
    if header:
        hp: dict[int, list[Token]] = {}
        for t in header:
            if t.x >= 0:
                hp.setdefault(t.page, []).append(t)
        vals: dict[int, list[Token]] = {}
        for c in chunks:
            for t in c:
                if t.kind == NUM and t.x >= 0:
                    vals.setdefault(t.page, []).append(t)
        for p, toks in hp.items():
            if p in out or not vals.get(p):
                continue
            # the measure in which the values sit closest to the header's columns; where the measures
            # that fit put a value in different columns, the header decides nothing
            fits: list[tuple] = []
            # PDF layout text places words by their physical position (characters "x", or a word's
            # start plus its half display width "h"); text padded by display width is the fallback
            for metric, vmetric in (("x", "x"), ("h", "x"), ("xd", "xd")):
                if metric == "xd" and fits:
                    break
                got = _clusters(sorted(_centre(t, metric) for t in toks), n)
                if got is None:
                    continue
                cents = got[0]
                pitch = min(b - a for a, b in itertools.pairwise(cents))
                off = statistics.mean(min(abs(_centre(v, vmetric) - c) for c in cents) for v in vals[p]) / pitch
                if off < 0.3:
                    where = [_nearest(_centre(v, vmetric), cents, n) for v in vals[p]]
                    fits.append((off, cents, vmetric, where))
            if fits and all(f[3] == fits[0][3] for f in fits):
                best_fit = min(fits, key=lambda f: f[0])
                out[p] = (best_fit[1], best_fit[2])
    # a page of the table without evidence of its own: another page's columns, where its values sit
    # on them (a table continued on the next page keeps its columns)
    allvals: dict[int, list[Token]] = {}
    for c in chunks:
        for t in c:
            if t.kind == NUM and t.x >= 0:
                allvals.setdefault(t.page, []).append(t)
    for p, vs in allvals.items():
        if p in out or not out:
            continue
        for q in sorted(out, key=lambda q: abs(q - p)):
            cents, metric = out[q]
            pitch = min(b - a for a, b in itertools.pairwise(cents))
            if pitch > 0 and max(min(abs(_centre(v, metric) - c) for c in cents) for v in vs) / pitch < 0.25:
                out[p] = (cents, metric)
                break
    return out


def _is_layout(chunks: list[list[Token]]) -> bool:
    """Whether a table is PDF layout text: most rows holding values are alone on their line with two
    or more values spaced apart."""
    per_line: dict[tuple, int] = {}
    for c in chunks:
        if c:
            per_line[_row_of(c[0])] = per_line.get(_row_of(c[0]), 0) + 1
    spaced = [
        c
        for c in chunks
        if len(c) >= 2
        and all(t.x >= 0 and t.gap for t in c)
        and len({_row_of(t) for t in c}) == 1
        and per_line[_row_of(c[0])] == 1
    ]
    return len(spaced) >= 2 and 2 * len(spaced) >= len([c for c in chunks if c])


def _nearest(x: float, centres: list, n: int) -> int:
    """The index of the column centre (of the first n) nearest to x."""
    return min(range(n), key=lambda k: abs(x - centres[k]))


def _header_tokens(tokens: list[Token], names: tuple[str, ...]) -> list[Token]:
    """Positioned header words of a table's columns (words one space apart count one by one)."""
    out = []
    for t in tokens:
        if t.kind != LABEL or t.x < 0:
            continue
        for w in t.words or [t]:
            if L.column_piece(L.clean(w.text), names):
                out.append(w)
    return out


def _clusters(xs: list[float], n: int, min_support: int = 1) -> tuple[list[float], float] | None:
    """n column centres from sorted positions, when the n-1 widest gaps clearly separate them."""
    if n < 2 or len(xs) < n:
        return None
    gaps = sorted(range(len(xs) - 1), key=lambda i: xs[i + 1] - xs[i], reverse=True)
    cuts = sorted(gaps[: n - 1])
    if len(cuts) < n - 1:
        return None
    inner = xs[gaps[n - 1] + 1] - xs[gaps[n - 1]] if len(gaps) >= n else 0.0
    if min(xs[i + 1] - xs[i] for i in cuts) < max(2.0 * inner, 3.0):
        return None
    groups, prev = [], 0
    for c in cuts:
        groups.append(xs[prev : c + 1])
        prev = c + 1
    groups.append(xs[prev:])
    if min_support > 1 and min(len(g) for g in groups) < min_support:
        return None  # a column seen once is no evidence of where it stands
    cents = [statistics.median(g) for g in groups]
    return cents, sum(statistics.median(abs(v - m) for v in g) for g, m in zip(groups, cents))


# ------------------------------------------------------------------------------------------------
# Solving a table and reporting how


def _slot_for(cells: list[tuple], cr: ChunkReadings) -> S.Slot:
    return S.Slot(tuple(cells), [r.values for r in cr.readings], cr.complete)


def _emit(
    table: str,
    what: list[str],
    slots: list[tuple[list[tuple], ChunkReadings]],
    res: S.Result,
) -> tuple[list[CellOut], list[dict], bool]:
    """Cells and findings from a solved table. `what`: a name per slot for the messages."""
    cells: list[CellOut] = []
    issues: list[dict] = []
    glued = False
    for si, ((keys, cr), name) in enumerate(zip(slots, what)):
        names = [f"{r}.{c}" for r, c in keys]
        allowed = res.allowed[si]
        hows = {cr.readings[i].how for i in allowed} if allowed else {r.how for r in cr.readings}
        is_glued = "glued" in hows
        glued = glued or is_glued
        chosen = cr.readings[allowed[0]] if len(allowed) >= 1 else None
        empties = []
        for i, (row, col) in enumerate(keys):
            v = res.values.get((row, col))
            if v is None or chosen is None:
                continue
            # the token the value came from: the same in every reading still allowed, else the first
            oi = chosen.owners[i]
            tok = cr.tokens[oi] if oi is not None and oi < len(cr.tokens) else None
            empty = tok is None or tok.kind == EMPTY
            if empty:
                empties.append(names[i])
            loc = tok.loc() if tok is not None else (cr.tokens[0].loc() if cr.tokens else dict(_NO_LOC))
            cells.append(CellOut(table, row, col, v, tok.text if tok is not None else "", empty, loc))
        if empties:
            issues.append(
                finding(
                    "CELL_EMPTY", f"{table} {name}: {len(empties)} cell(s) printed empty, read as 0", table, empties
                )
            )
        undecided = [names[i] for i, k in enumerate(keys) if res.values.get(k) is None]
        if len(cr.readings) > 1 or not cr.complete or (is_glued and cr.readings):
            if not undecided:
                kind = "glued digits split" if is_glued else "blank cells placed"
                if hows & {"column by column", "reordered"}:
                    kind = "values printed out of order placed"
                issues.append(finding("GLUED_SPLIT", f"{name} ({kind}, {len(cr.readings)} candidate(s))", table, names))
            else:
                cands = [list(cr.readings[i].values) for i in (allowed or range(len(cr.readings)))]
                shown = " | ".join(str(c) for c in cands[:6]) + (
                    f" | … ({len(cands)} in all)" if len(cands) > 6 else ""
                )
                why = "the search was cut at its budget; " if (not cr.complete or res.exhausted) else ""
                per_cell = "; ".join(f"{nm}: {res.candidates.get(keys[names.index(nm)], [])}" for nm in undecided[:8])
                issues.append(
                    finding(
                        "GLUED_AMBIGUOUS",
                        f"{table} {name}: the printed values allow more than one reading that passes every "
                        f"check the table has; {why}the {len(undecided)} undecided cell(s) are null. "
                        f"Candidate readings: {shown}. Per cell: {per_cell}",
                        table,
                        undecided,
                        candidates={nm: res.candidates.get(keys[names.index(nm)], []) for nm in undecided},
                    )
                )
        elif not cr.readings:
            why = (
                "the columns' positions put the values where the row's sums fail, while another placement "
                "satisfies them, so neither is used"
                if cr.conflict
                else f"{len(keys)} cells could not be read"
            )
            issues.append(finding("CELL_UNREADABLE", f"{table} {name}: {why}", table, names))
        elif undecided:
            issues.append(
                finding(
                    "CELL_UNREADABLE",
                    f"{table} {name}: {len(undecided)} of {len(keys)} cells could not be read",
                    table,
                    undecided,
                )
            )
        if cr.extra:
            issues.append(
                finding(
                    "EXTRA_VALUES",
                    f"{table} {name}: {cr.extra} more value(s) than columns"
                    + ("; the blank ones were left out" if cr.readings else "; which belong to the row is not known"),
                    table,
                    names,
                )
            )
    return cells, issues, glued


def merge_splits(issues: list[dict]) -> list[dict]:
    """One GLUED_SPLIT finding per table, naming its rows, instead of one per row."""
    out: list[dict] = []
    by_table: dict[str, dict] = {}
    for i in issues:
        if i["code"] != "GLUED_SPLIT":
            out.append(i)
            continue
        t = i["table"]
        if t not in by_table:
            by_table[t] = finding("GLUED_SPLIT", "", t, [])
            by_table[t]["rows"] = []
            out.append(by_table[t])
        by_table[t]["rows"].append(i["message"])
        by_table[t]["cells"].extend(i["cells"])
    for t, f in by_table.items():
        rows = f.pop("rows")
        f["message"] = (
            f"{t}: {len(rows)} row(s) printed without their separators or blank cells, or with values out of "
            f"order; each was read the only way that satisfies the table's arithmetic together with the rest "
            f"of the table (candidates before the table-wide checks): " + "; ".join(rows[:30])
        )
    return out


# ------------------------------------------------------------------------------------------------
# Table 3


def t3_constraints(rows: list[str], fmt: str | None) -> list[S.Constraint]:
    """The spec's arithmetic for the rows present: each row's total, each column's balance and outcome sum."""
    cols = L.T3_COLS
    out = [S.Constraint(f"T3_ROW_SUM {r}", tuple((r, c) for c in L.T3_APPLICANT_COLS), ((r, "total"),)) for r in rows]
    present = set(rows)
    if {"new_received", "carried_over", "total_processed", "carried_forward"} <= present:
        out += [
            S.Constraint(
                f"T3_COLUMN_BALANCE {c}",
                (("new_received", c), ("carried_over", c)),
                (("total_processed", c), ("carried_forward", c)),
            )
            for c in cols
        ]
    leaves = L.T3_OUTCOME_ROWS_2019 if fmt == "2019" else L.T3_OUTCOME_ROWS_2021
    if "total_processed" in present and all(k in present for k in leaves):
        out += [
            S.Constraint(f"T3_OUTCOME_SUM {c}", tuple((k, c) for k in leaves), (("total_processed", c),)) for c in cols
        ]
    return out


_T3_RULES = (S.SumRule(tuple(range(6)), 6),)
# search steps all the runs of one table may spend together (S.Meter): twice one run's budget, so a
# page whose every row is hard stops after a few seconds with those rows undecided, not after minutes
TABLE_BUDGET = 2 * S.BUDGET


def _t3_key(labels: list[Token], group: str | None, named: list[str] | None = None, split_other: bool = True):
    """(row key, new group, whether the last label was a bare group label, the label token that gave
    the key); `named` receives every row key the labels name, in order (rows printed with no values
    name theirs and are passed)."""
    key = None
    bare_group = False
    frags = [L.clean(t.text) for t in labels]
    key_tok: Token | None = None
    for i, lab in enumerate(frags):
        m = L.GROUP_PREFIX.match(lab)
        rest = lab
        if m and m.end() > 0:
            if m.group("g"):
                group = L.GROUP_BY_WORD[m.group("g")]
            elif L.RESULT_GROUP.match(lab):
                group = None
            rest = lab[m.end() :]
        else:
            m2 = L.GROUP_WORD_ONLY.match(lab)
            if m2 and (len(lab) == len(m2.group("g")) or not L.match_t3_row(lab, None)):
                group = L.GROUP_BY_WORD[m2.group("g")]
                rest = lab[m2.end() :]
        if not rest:
            bare_group = bool(m and m.group("g")) or bool(L.GROUP_WORD_ONLY.match(lab))
            if bare_group and group == "other" and not split_other:
                # the 2019 form: (六)其他处理 is a row of its own
                key, key_tok = "other_total", labels[i]
                group = None
                if named is not None:
                    named.append(key)
            continue
        bare_group = False
        k = L.match_t3_row(rest, group)
        if k is None and (L.starts_label(rest) or len(rest) >= 4):
            # a label printed over two lines: 1、申请人无正当理由逾期不补 / 正、行政机关不再处理…, with
            # perhaps a character of a vertical group label (办, 理) printed between the pieces
            joined = rest
            for f in [f for f in frags[i + 1 : i + 4] if len(f) > 1][:2]:
                if L.starts_label(f):
                    break
                joined += f
                g = L.GROUP_PREFIX.match(joined)
                if g and g.group("g") and g.end() == len(joined):
                    group = L.GROUP_BY_WORD[g.group("g")]  # a group label over two lines: (六)其 / 他处理
                    break
                k = L.match_t3_row(joined, group)
                if k is not None:
                    break
        if (
            k == "total_processed"
            and not L.numbered_total(lab)
            and any(
                L.column_piece(f, L.T3_COLUMN_NAMES)
                and f not in L.BARE_TOTALS
                and (j > i or _row_of(labels[j]) == _row_of(labels[i]))
                for j, f in enumerate(frags)
                if j != i
            )
        ):
            k = None  # 总计 among the applicant columns' header words is the column, not the row
        if k is not None:
            again = k == key and not L.starts_label(lab)  # the same label's next line
            key = k
            group = _group_after(k, group)
            key_tok = labels[i]
            if named is not None and not again:
                named.append(k)
    return key, group, bare_group, key_tok


def _group_after(key: str, group: str | None) -> str | None:
    """The outcome group a row leaves open: its own for a leaf of (三)…(六), none after the others."""
    g = L.TABLE3_ROWS[key][1]
    return g if g in ("denied", "unable", "rejected", "other") and key != "other_total" else None


def extract_t3(tokens: list[Token], fmt_hint: str | None = None) -> Extracted:
    cols = L.T3_COLS
    chunks = _chunks(tokens, 7)
    group: str | None = None
    rows: list[Chunk] = []
    label_only: list[str] = []  # rows whose label stands with no value beside it
    # the 2021 form splits (六)其他处理 into three rows; without them (六)其他处理 is a row itself
    split_other = any(
        L.match_t3_row(L.clean(t.text), None) in ("other_no_correction", "other_unpaid_fee")
        for t in tokens
        if t.kind == LABEL and any(w in t.text for w in L.SPLIT_OTHER_WORDS)
    )
    for ch in chunks:
        named: list[str] = []
        key, group, bare_group, key_tok = _t3_key(ch.labels, group, named, split_other)
        if bare_group and group == "other" and key is None:
            key = "other_total"  # 2019's (六)其他处理 is a row of its own
            key_tok = ch.labels[-1]
            named.append(key)
        if key is None and ch.tails:
            key2, _g, _b, key_tok = _t3_key(ch.labels + ch.tails, group, None, split_other)
            if key2 is not None:
                key, group = key2, _group_after(key2, group)
                named.append(key)
        # a numbered label beside the values names them, not a label printed on a line above (a row
        # with every cell blank); its own pieces may follow the values (valign top)
        if ch.tokens and key_tok is not None:
            beside = [t for t in ch.labels if _row_of(t) == _row_of(ch.tokens[0])]
            if beside and key_tok not in beside and L.starts_label(L.clean(beside[0].text)):
                k2, _g, _b, kt2 = _t3_key(beside + ch.tails, group, None, split_other)
                key, key_tok = k2, kt2
                if k2 is not None:
                    group = _group_after(k2, group)
                    if not named or named[-1] != k2:
                        named.append(k2)
        ch.named = named
        label_only.extend(k for k in named if not ch.tokens or k != key)
        if not ch.tokens or (not any(t.kind == NUM for t in ch.tokens) and not ch.labels and ch.rows == 1):
            continue
        if not any(t.kind == NUM for t in ch.tokens):
            # a row printed all empty means zeros; a header cell (合计) followed by blank cells does
            # not, nor blank cells on a line whose label names no row (a header row)
            header_like = key == "total_processed" and not any(L.numbered_total(t.text) for t in ch.labels)
            beside_row = key_tok is not None and _row_of(key_tok) == _row_of(ch.tokens[0])
            if header_like or len(ch.tokens) < 7 or not beside_row:
                continue
        ch.key = key
        rows.append(ch)
    if not rows:
        return Extracted(None)
    # the labels printed after each row's values (reading-order text prints a block's values first)
    pos = {id(c): i for i, c in enumerate(chunks)}
    after_keys: list[list[str]] = []
    for i, ch in enumerate(rows):
        lo = pos[id(ch)] + 1
        hi = pos[id(rows[i + 1])] + 1 if i + 1 < len(rows) else len(chunks)
        after_keys.append([k for c in chunks[lo:hi] for k in c.named])
    # a label printed on a line of its own names one of the rows after it, but not which when more
    # than one follows unlabelled (labels shredded out of a PDF table): it does not place them
    weak = 0
    for i, ch in enumerate(rows):
        if ch.key is None or not _loose(ch):
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        # several loose labels before one row of `|` cells: which of them it is, is not known
        several = len(ch.named) > 1 and ch.tokens and ch.tokens[0].line is not None and ch.tokens[0].col is not None
        if ch.rows > 1 or (nxt is not None and not nxt.named) or several:
            ch.key = None
            weak += 1

    # the template: from the rows' own labels, else the format the year implies, else the row count
    keyed = {c.key for c in rows if c.key} | {k for c in rows for k in c.named} | set(label_only)
    nrows = sum(c.rows for c in rows)
    if keyed & {"other_no_correction", "other_unpaid_fee", "other_other"}:
        fmt = "2021"
    elif "other_total" in keyed or (nrows == len(L.T3_ROWS_2019) and fmt_hint != "2019"):
        fmt = "2019"  # the 2019 form (one 其他处理 row), also when a later report still uses it
    elif fmt_hint in ("2019", "2021"):
        fmt = fmt_hint
    else:
        fmt = "2019" if nrows == len(L.T3_ROWS_2019) else "2021"
    template = L.T3_ROWS_2019 if fmt == "2019" else L.T3_ROWS_2021

    # readings of each chunk; where full rows show the columns' positions, blanks are placed by them
    header = _header_tokens(tokens, L.T3_COLUMN_NAMES)
    cent = column_centres([c.tokens for c in rows if c.rows == 1], 7, header)
    layout = _is_layout([c.tokens for c in rows])
    readings: list[ChunkReadings] = []
    meter = S.Meter(TABLE_BUDGET)
    for ch in rows:
        if ch.rows == 1:
            readings.append(chunk_readings(ch.tokens, 7, _T3_RULES, columns=cent, layout=layout, meter=meter))
        else:
            readings.append(_block_readings(ch.tokens, ch.rows, 7, _T3_RULES))

    # Three ways to place the rows, each judged by the table's arithmetic: the labels printed before
    # the values (as laid out), the labels printed after them (reading-order text), and the
    # template's order (only when the row count is the template's and the arithmetic confirms it).
    by_label: list[list[str | None]] = [[c.key] + [None] * (c.rows - 1) for c in rows]
    flat_label = [k for ks in by_label for k in ks]
    by_after: list[list[str | None]] | None = None
    if flat_label != template and all(len(ks) == c.rows for ks, c in zip(after_keys, rows)):
        flat_after = [k for ks in after_keys for k in ks]
        idx = [template.index(k) if k in template else -1 for k in flat_after]
        if min(idx, default=-1) >= 0 and all(a < b for a, b in itertools.pairwise(idx)):
            by_after = [list(ks) for ks in after_keys]
    by_position: list[list[str | None]] | None = None
    if flat_label != template and nrows == len(template):
        it = iter(template)
        by_position = [[next(it) for _ in range(c.rows)] for c in rows]
    pdf_like = any(t.x >= 0 for c in rows for t in c.tokens) or any(c.rows > 1 for c in rows)

    def build(assign: list[list[str | None]], blank_keys: list[str]):
        slots: list[tuple[list[tuple], ChunkReadings]] = []
        names: list[str] = []
        seen: dict[str, int] = {}
        dupes: dict[str, int] = {}
        dropped = 0
        for ks, cr in zip(assign, readings):
            if any(k is None for k in ks) or any(k in seen for k in ks):
                for k in ks:
                    if k is not None and k in seen:
                        dupes[k] = dupes.get(k, 0) + 1
                if any(k is None for k in ks):
                    dropped += 1
                continue
            for k in ks:
                seen[str(k)] = 1
            slots.append(([(k, c) for k in ks for c in cols], cr))
            names.append(str(ks[0]) if len(ks) == 1 else f"{ks[0]}…{ks[-1]}")
        present = list(seen)
        cons = t3_constraints(present, fmt)
        res = S.solve([_slot_for(cells, cr) for cells, cr in slots], cons)
        # a row whose every cell was blank prints nothing but its label in PDF text: zeros, when the
        # table's arithmetic, complete with them, holds
        blank = [k for k in dict.fromkeys(blank_keys) if k in template and k not in present]
        if blank and pdf_like and not res.broken and not dropped and not dupes:
            z_slots = slots + [
                ([(k, c) for c in cols], ChunkReadings([Reading((0,) * 7, (None,) * 7, "blanks")])) for k in blank
            ]
            z_cons = t3_constraints(present + blank, fmt)
            z_res = S.solve([_slot_for(cells, cr) for cells, cr in z_slots], z_cons)
            if not z_res.broken and len(z_res.checked) == len(z_cons) > len(cons):
                slots, res, present, names = z_slots, z_res, present + blank, names + blank
        return slots, names, res, dupes, dropped, present

    cands = {"labels": build(by_label, label_only)}
    if by_after is not None:
        cands["after"] = build(by_after, [])
    if by_position is not None:
        cands["position"] = build(by_position, [])

    def sound(name: str) -> bool:
        _s, _n, r, dp, dr, _pr = cands[name]
        if name == "position":  # the template's order must be confirmed by every check
            return not r.broken and not r.exhausted and len(r.checked) > 0 and not dp and not dr
        return not r.broken and not r.exhausted

    order = [n for n in ("labels", "after", "position") if n in cands]
    good = [n for n in order if sound(n)]
    if good:
        choice = max(good, key=lambda n: (len(cands[n][5]), -order.index(n)))
    else:
        choice = max((n for n in order if n != "position"), key=lambda n: (len(cands[n][5]), -order.index(n)))
    slots, names, res, dupes, dropped, _present = cands[choice]
    issues: list[dict] = []
    if choice == "after":
        issues.append(
            finding(
                "LABELS_AFTER_VALUES",
                "table3: every row's labels are printed after its values (text taken out of a PDF in "
                "reading order); each row took the labels printed after it, which the arithmetic accepts",
                "table3",
            )
        )
    if choice == "position":
        assert by_position is not None
        flat_pos = [k for ks in by_position for k in ks]
        moved = [
            f"{p}" + (f" (label read as {lbl})" if lbl else " (no label)")
            for p, lbl in zip(flat_pos, flat_label)
            if p != lbl
        ]
        issues.append(
            finding(
                "ROWS_BY_POSITION",
                f"table3: {nrows} value rows, the {fmt} template's row count; their labels are missing, "
                f"shredded or out of place, so the rows were assigned in the template's order, which every "
                f"check of the table's arithmetic confirms. Rows placed: " + ", ".join(moved[:12]),
                "table3",
                [f"{m.split(' ')[0]}.total" for m in moved],
            )
        )
    table: dict[str, dict] = {}
    for cells_, _cr in slots:
        for r, c in cells_:
            table.setdefault(r, {})[c] = res.values.get((r, c))
    if not table:
        # values were printed but no row could be placed: the labels do not name them, and neither
        # the labels after them nor the template's order is confirmed by the arithmetic
        return Extracted(
            None,
            issues=[
                finding(
                    "CELL_UNREADABLE",
                    f"table3: {nrows} row(s) of values were printed but none could be given its row (labels "
                    f"missing or out of place, and the arithmetic confirms no placement)",
                    "table3",
                )
            ],
        )
    cells, more, glued = _emit("table3", names, slots, res)
    issues.extend(more)
    if dropped and choice != "position":
        issues.append(
            finding(
                "CELL_UNREADABLE",
                f"table3: {dropped} row(s) of values without a label that names them were not used",
                "table3",
            )
        )
    if dupes:
        issues.append(
            finding(
                "T3_DUPLICATE_ROW",
                "table3: rows printed more than once (the first reading is kept): "
                + ", ".join(f"{k} ×{n + 1}" for k, n in dupes.items()),
                "table3",
                [f"{k}.total" for k in dupes],
            )
        )
    layout_name = "glued" if glued else _layout(tokens)
    return Extracted(table, cells, issues, layout_name)


def _block_readings(
    toks: list[Token], rows: int, n: int, rules: tuple[S.SumRule, ...], limit: int = S.LIMIT, budget: int = 50_000
) -> ChunkReadings:
    """Whole rows printed one cell per line: each row in order, or a block of m rows printed column
    by column (reading-order text out of a PDF), in any succession; each row's own sums must hold
    unless no succession satisfies them."""
    vals = [_val(t) for t in toks]

    def row_ok(r: list) -> bool:
        return all(sum(r[p] for p in rule.parts) == r[rule.total] for rule in rules)

    found: dict[tuple, Reading] = {}
    steps = 0
    cut = False

    def rec(p: int, acc: list[int], how: str) -> None:
        nonlocal steps, cut
        steps += 1
        if steps > budget or len(found) >= limit:
            cut = True
            return
        if p == len(vals):
            key = tuple(vals[i] for i in acc)
            if key not in found:
                found[key] = Reading(key, tuple(acc), how)
            return
        left = (len(vals) - p) // n
        for m in range(1, left + 1):
            order = [p + i for i in S.transpose_block(list(range(m * n)), m, n)]
            rws = [[vals[i] for i in order[k * n : (k + 1) * n]] for k in range(m)]
            if all(row_ok(r) for r in rws):
                rec(p + m * n, acc + order, how if m == 1 else "column by column")
            if cut:
                return

    rec(0, [], "as printed")
    # no succession satisfies every row's sums (the report's own arithmetic is broken): row by row
    # and column by column are both possible, so nothing is decided
    return ChunkReadings(list(found.values()), not cut, tokens=toks)


def complete_t3(table: dict, fmt: str | None) -> tuple[dict, list[dict]]:
    """Canonical row order for the format; rows the page lacks are null, with a warning."""
    rows = L.T3_ROWS_2019 if fmt == "2019" else L.T3_ROWS_2021
    if fmt is None:
        rows = (
            L.T3_ROWS_2019
            if "other_total" in table
            and not any(k in table for k in ("other_no_correction", "other_unpaid_fee", "other_other"))
            else L.T3_ROWS_2021
        )
    out: dict = {}
    missing = []
    for k in rows:
        if k in table:
            out[k] = table[k]
        else:
            out[k] = {c: None for c in L.T3_COLS}
            missing.append(k)
    for k in table:
        if k not in out:
            out[k] = table[k]
    issues = []
    if missing:
        issues.append(
            finding(
                "T3_ROW_MISSING",
                f"table3: {len(missing)} row(s) of the {fmt or '2021'} format not found: " + ", ".join(missing),
                "table3",
                [f"{k}.total" for k in missing],
            )
        )
    return out, issues


# ------------------------------------------------------------------------------------------------
# Table 4


def t4_rules(order: list[str]) -> tuple[S.SumRule, ...]:
    ti = order.index("total")
    parts = tuple(i for i in range(5) if i != ti)
    return tuple(S.SumRule(tuple(p + 5 * g for p in parts), ti + 5 * g) for g in range(3))


def t4_constraints() -> list[S.Constraint]:
    parts = [r for r in L.T4_RESULTS if r != "total"]
    return [S.Constraint(f"T4_TOTAL {p}", tuple((p, r) for r in parts), ((p, "total"),)) for p in L.T4_PROCS]


def extract_t4(tokens: list[Token], prose: dict | None = None) -> Extracted:
    """`prose`: numbers the report's prose states (narrative keys), used only to choose between
    readings that satisfy the arithmetic equally."""
    order: list[tuple[str, tuple]] = []
    last_header = -1
    for i, t in enumerate(tokens):
        if t.kind != LABEL:
            continue
        lab = L.clean(t.text)
        r = L.match("t4_result", lab)
        if r is not None:
            order.append((r, _row_of(t)))
            last_header = max(last_header, i)
        elif L.match("t4_proc", lab) is not None or L.T4_HEADER_WORD.search(lab):
            last_header = max(last_header, i)
    has_header = bool(order) or any(t.kind == LABEL and L.T4_RESULT_WORD.search(t.text) for t in tokens)
    if last_header < 0 or not has_header:
        return Extracted(None)
    # a header printed in another order than the template's, when its five words stand in one row
    res_order = L.T4_RESULTS
    first5 = [r for r, _ in order[:5]]
    if (
        len(order) >= 5
        and sorted(first5) == sorted(L.T4_RESULTS)
        and first5 != L.T4_RESULTS
        and len({row for _, row in order[:5]}) == 1
    ):
        res_order = first5
    # values start after the first header word: in reading-order text they interleave with the header
    first_header = next(
        i
        for i, t in enumerate(tokens)
        if t.kind == LABEL
        and (
            L.match("t4_result", L.clean(t.text)) is not None
            or L.match("t4_proc", L.clean(t.text)) is not None
            or L.T4_HEADER_WORD.search(L.clean(t.text))
        )
    )
    # padding cells on the header's own lines/rows are not values, nor on any row whose labels
    # name no proceeding and which holds no number (a header carried over from another table)
    header_rows = {_row_of(t) for t in tokens[: last_header + 1] if t.kind == LABEL}
    num_rows = {_row_of(t) for t in tokens if t.kind == NUM}
    proc_rows = {_row_of(t) for t in tokens if t.kind == LABEL and L.match("t4_proc", L.clean(t.text))}
    header_rows |= {_row_of(t) for t in tokens if t.kind == LABEL} - proc_rows
    chunks: list[list[Token]] = [[]]
    seps: list[list[Token]] = []  # the labels printed between consecutive chunks
    between: list[Token] = []
    n_num = 0
    for t in tokens[first_header + 1 :]:
        if t.kind == EMPTY and _row_of(t) in header_rows and _row_of(t) not in num_rows:
            continue
        if t.kind == LABEL:
            # a label after a full row ends the table, unless it names the next proceeding's row
            if n_num >= 15 and L.match("t4_proc", L.clean(t.text)) is None:
                break
            between.append(t)
            continue
        if between and chunks[-1]:
            chunks.append([])
            seps.append(between)
        between = []
        if t.kind == NUM:
            n_num += 1
        chunks[-1].append(t)
    chunks = [c for c in chunks if c]
    run = [t for c in chunks for t in c]
    if not any(t.kind == NUM for t in run) and len(run) < 15:
        return Extracted(None)  # the header without its row of numbers: the table was lost
    # pieces separated by more than proceeding names (结果 / 维持 / 总计 …) were printed out of order
    shuffled = len(run) <= 15 and any(
        L.match("t4_proc", L.clean(t.text)) is None and not L.T4_HEADER_WORD.search(L.clean(t.text))
        for sep in seps
        for t in sep
    )
    rules = t4_rules(res_order)
    meter = S.Meter(TABLE_BUDGET)
    if shuffled and len(chunks) <= 7:
        cr = _reordered_readings(chunks, 15, rules, meter)
    else:
        header = _header_tokens(tokens, L.T4_COLUMN_NAMES)
        cr = chunk_readings(run, 15, rules, columns=column_centres([run], 15, header), meter=meter)
    keys = [(p, r) for p in L.T4_PROCS for r in res_order]
    prefer = []
    if prose and prose.get("reconsideration_total") is not None:
        prefer.append((("reconsideration", "total"), prose["reconsideration_total"]))
    res = S.solve([_slot_for(keys, cr)], t4_constraints(), prefer=prefer)
    conflict = _prose_conflict(run, cr, res, keys, prose)
    table = {p: {r: None for r in L.T4_RESULTS} for p in L.T4_PROCS}
    for p, r in keys:
        table[p][r] = res.values.get((p, r))
    cells, issues, glued = _emit("table4", ["row of 15 values"], [(keys, cr)], res)
    if conflict:
        issues.append(conflict)
    if shuffled and len(res.allowed[0]) >= 1 and any(cr.readings[i].how == "reordered" for i in res.allowed[0]):
        decided = sum(1 for k in keys if res.values.get(k) is not None)
        issues.append(
            finding(
                "ROWS_BY_POSITION",
                f"table4: the values are printed in {len(chunks)} pieces among the header's words (text taken "
                f"out of a PDF in reading order); the pieces were put in the order the arithmetic (and the "
                f"prose) accepts; {decided} of 15 cells decided",
                "table4",
            )
        )
    layout = "glued" if glued else _layout(run)
    return Extracted(table, cells, issues, layout)


def _prose_conflict(run, cr: ChunkReadings, res: S.Result, keys, prose: dict | None) -> dict | None:
    """Glued digits read by the group totals can be read wrongly when the report's own totals are
    broken. Where the prose states the reconsideration total, the reading kept disagrees with it and
    another split of the same digits agrees, the evidence conflicts: the cells those readings do not
    share are set to null (in `res`) and a finding says why."""
    want = (prose or {}).get("reconsideration_total")
    got = res.values.get(("reconsideration", "total"))
    if want is None or got is None or got == want or not any(r.how == "glued" for r in cr.readings):
        return None
    free = S.readings(["" if t.kind == EMPTY else t.text for t in run], 15, (), limit=S.LIMIT)
    agree = [v for v, _o in free.readings if v[keys.index(("reconsideration", "total"))] == want]
    if not agree:
        return None
    undecided = []
    for i, k in enumerate(keys):
        if res.values.get(k) is not None and any(v[i] != res.values[k] for v in agree):
            res.values[k] = None
            undecided.append(f"{k[0]}.{k[1]}")
    return finding(
        "GLUED_AMBIGUOUS",
        f"table4: the only split of the glued digits that satisfies the group totals gives "
        f"reconsideration.total = {got}, but the prose states {want} and another split gives that; "
        f"the report's own totals may be broken, so {len(undecided)} cell(s) are left null",
        "table4",
        undecided,
        candidates={u: [] for u in undecided},
    )


def _reordered_readings(chunks: list[list[Token]], n: int, rules, meter: S.Meter | None = None) -> ChunkReadings:
    """Readings of values printed in pieces whose order was lost: every order of the pieces.

    The orders share one search budget (S.BUDGET), so duplicated content that makes many pieces costs
    no more than one search; when it runs out, or there are more orders than are tried, the readings
    are incomplete and nothing is decided from them."""
    seen: dict[tuple, Reading] = {}
    flat = [t for c in chunks for t in c]
    at = {id(t): i for i, t in enumerate(flat)}
    orders = S.chunk_orders(chunks)
    if len(orders) < math.factorial(len(chunks)):
        return ChunkReadings([], False, tokens=flat)
    for perm in orders:
        toks = [t for k in perm for t in chunks[k]]
        cr = chunk_readings(toks, n, rules, budget=max(1, S.BUDGET // len(orders)), meter=meter)
        if not cr.complete:
            # a search cut at its budget: nothing will be decided from these readings whatever the
            # other orders give, so they are not searched (each could spend the whole budget again)
            return ChunkReadings(list(seen.values()), False, tokens=flat)
        in_order = list(perm) == sorted(perm)
        for r in cr.readings:
            if r.values in seen and not in_order:
                continue
            owners = tuple(None if o is None else at[id(cr.tokens[o])] for o in r.owners)
            how = r.how if r.how != "as printed" else ("as printed" if in_order else "reordered")
            seen[r.values] = Reading(r.values, owners, how)
    return ChunkReadings(list(seen.values()), True, tokens=flat)


# ------------------------------------------------------------------------------------------------
# Table 2


def _header_words(htok: list[Token], measures: list[str]) -> list[Token]:
    """The header tokens of a table-2 sub-table, one per measure when each measure is its own word."""
    out = [t for t in htoks_positioned(htok) if len(L.find_all("t2_measure", L.clean(t.text))) == 1]
    return out if len(out) == len(measures) else []


def htoks_positioned(htok: list[Token]) -> list[Token]:
    return [t for t in htok if t.x >= 0]


def extract_t2(tokens: list[Token], fmt_hint: str | None) -> Extracted:
    """Items and their measures. A sub-table's values usually follow the item's label; in text taken
    out of a PDF in reading order they may come before it (a run of values right after the header)."""
    meter = S.Meter(TABLE_BUDGET)
    # blank cells on a row whose label is no item (a heading or header row) are padding, not values
    label_rows: dict[tuple, bool] = {}
    for t in tokens:
        if t.kind == LABEL:
            is_item = L.match("t2_item", L.clean(t.text)) is not None
            label_rows[_row_of(t)] = label_rows.get(_row_of(t), False) or not is_item
    tokens = [t for t in tokens if not (t.kind == EMPTY and label_rows.get(_row_of(t)))]
    events: list[tuple[str, object]] = []  # ("header", [measures]) | ("item", key) | ("values", toks) | ("end", None)
    header_toks: list[list[Token]] = []  # the label tokens of each header, in order
    header_open = False
    for t in tokens:
        if t.kind == LABEL:
            lab = L.clean(t.text)
            ms = L.find_all("t2_measure", lab)
            if ms:
                if header_open and events and events[-1][0] == "header":
                    cur = events[-1][1]
                    assert isinstance(cur, list)
                    cur.extend(m for m in ms if m not in cur)
                    header_toks[-1].append(t)
                else:
                    events.append(("header", list(ms)))
                    header_toks.append([t])
                header_open = True
                # a header glued to the first item's label (…现行有效件数规章): the item follows
                it = L.match("t2_item", L.UNIT_NOTE.sub("", L.after_last("t2_measure", lab)))
                if it is not None:
                    events.append(("item", (it, t)))
                    header_open = False
                continue
            header_open = False
            it = L.match("t2_item", lab)
            if it is not None:
                events.append(("item", (it, t)))
                continue
            if L.T2_SECTION.match(lab):
                events.append(("section", lab))
                continue
            if L.PLACEHOLDER_HEADER.fullmatch(lab):
                continue  # a converter's 数据1 … 数据4 header row
            events.append(("other", None))
        else:
            if t.kind == NUM:
                header_open = False
            if events and events[-1][0] == "values":
                vals = events[-1][1]
                assert isinstance(vals, list)
                vals.append(t)
            else:
                events.append(("values", [t]))
    # a run of values over several printed rows is one run per row (a row without its label is not
    # the labelled row's); one value per line stays one run
    split_events: list[tuple[str, object]] = []
    for kind, obj in events:
        if kind == "values":
            assert isinstance(obj, list)
            groups: list[list[Token]] = []
            for t in obj:
                if groups and _row_of(groups[-1][-1]) == _row_of(t):
                    groups[-1].append(t)
                else:
                    groups.append([t])
            if len(groups) > 1 and any(len(g) > 1 for g in groups):
                split_events.extend(("values", g) for g in groups)
                continue
        split_events.append((kind, obj))
    events = split_events
    # pair items with values: after the label (across a sub-table's heading and header), or, in
    # reading-order text, before it; where both pairings hold and differ, the item is not read
    header: list[str] = []
    htoks: list[Token] = []
    nh = 0
    in_effect: list[tuple[list[str], list[Token]]] = []
    for kind, obj in events:
        if kind == "header":
            assert isinstance(obj, list)
            header, htoks = obj, header_toks[nh]
            nh += 1
        elif kind == "section":
            header, htoks = [], []
        in_effect.append((header, htoks))

    def before(i: int) -> int | None:
        return i - 1 if i > 0 and events[i - 1][0] == "values" else None

    items = [i for i, (k, _o) in enumerate(events) if k == "item"]
    runs = {
        j
        for j, (k, o) in enumerate(events)
        if k == "values" and any(t.kind == NUM for t in o)  # type: ignore[attr-defined]
    }
    # labels first: a run of values beside a label is that label's; any other run goes to the oldest
    # label still waiting for one (labels printed as loose lines before their rows; a converter may
    # repeat another sub-table's 第二十条 heading in between, so headings do not end the wait)
    a: dict[int, int | None] = {i: None for i in items}
    waiting: list[int] = []
    for j, (kind, obj) in enumerate(events):
        if kind == "item":
            waiting.append(j)
        elif kind == "values" and waiting:
            last = waiting[-1]
            first = obj[0]  # type: ignore[index]
            beside = (
                last == j - 1
                and _row_of(events[last][1][1]) == _row_of(first)  # type: ignore[index]
                and (first.line is None or first.col is not None or first.gap)
            )
            # in PDF layout text a label over two lines has its values between or below its pieces: the
            # latest label; loose labels before shredded rows wait their turn: the oldest
            latest = beside or obj[0].x >= 0  # type: ignore[index]
            a[waiting.pop() if latest else waiting.pop(0)] = j
    b = {i: before(i) for i in items}
    orphans_a = runs - set(a.values())
    orphans_b = runs - set(b.values())
    undecided_items: list[str] = []
    chosen: dict[int, int | None] = {}

    def own_row(i: int) -> bool:
        """The run after the label stands in the label's own printed row, as a cell of its own (a grid
        or `|` cell, or a column of layout text), not glued to the label's text."""
        j = a[i]
        if j is None:
            return False
        first = events[j][1][0]  # type: ignore[index]
        same = _row_of(events[i][1][1]) == _row_of(first)  # type: ignore[index]
        return same and (first.line is None or first.col is not None or first.gap)

    taken_in_row = {a[i] for i in items if own_row(i)}
    for i in items:
        if b[i] in taken_in_row:
            b[i] = None  # a run beside its own label belongs to it
    orphans_b = runs - set(b.values())
    for i in items:
        if own_row(i) or not orphans_a or (a[i] == b[i]):
            chosen[i] = a[i]
        elif not orphans_b:
            chosen[i] = b[i]
        else:  # neither pairing accounts for every run of values: the two disagree here
            chosen[i] = None
            undecided_items.append(events[i][1][0])  # type: ignore[index]
    pairs: list[tuple[tuple, list[Token], list[str], list[Token]]] = []
    for i in items:
        obj = events[i][1]
        assert isinstance(obj, tuple)
        jj = chosen[i]
        toks: list[Token] = events[jj][1] if jj is not None else []  # type: ignore[assignment]
        hdr, ht = in_effect[jj] if jj is not None else in_effect[i]
        pairs.append((obj, toks, hdr, ht))
    # PDF layout text prints an item's row on a line of its own; a row whose cells were all blank
    # is its label alone
    item_rows = {_row_of(p[0][1]) for p in pairs}
    row_items: dict[tuple, int] = {}
    for p in pairs:
        row_items[_row_of(p[0][1])] = row_items.get(_row_of(p[0][1]), 0) + 1
    layout_rows = any(
        t.kind == NUM and t.x >= 0 and _row_of(t) in item_rows and row_items[_row_of(t)] == 1
        for _p, v, _h, _ht in pairs
        for t in v
    )
    table: dict[str, dict] = {}
    cells: list[CellOut] = []
    issues: list[dict] = []
    for (item, itok), vals, hdr, htok in pairs:
        measures = hdr or L.TABLE2_LAYOUT.get(fmt_hint or "2021", {}).get(item) or L.TABLE2_LAYOUT["2019"].get(item, [])
        # a row printed all empty is zeros; only `change` (本年增/减) may be negative
        if not measures or item in table:
            continue
        if item in undecided_items:
            continue
        if not vals and layout_rows and itok.x >= 0 and row_items[_row_of(itok)] == 1:
            blank = ChunkReadings([Reading((0,) * len(measures), (None,) * len(measures), "blanks")], tokens=[itok])
            keys = [(item, m) for m in measures]
            res = S.solve([_slot_for(keys, blank)], [])
            table[item] = {m: 0 for m in measures}
            c, more, _g = _emit("table2", [item], [(keys, blank)], res)
            cells.extend(c)
            issues.extend(more)
            continue
        if not (any(t.kind == NUM for t in vals) or len(vals) >= len(measures)):
            continue
        signed = frozenset(i for i, m in enumerate(measures) if m == "change")
        # blank cells placed by the sub-table's full rows, else by its header's words
        same = [v for _it, v, h2, _ht in pairs if h2 is hdr and hdr]
        cols = column_centres(same, len(measures), _header_words(htok, measures)) if hdr else None
        cr = chunk_readings(vals, len(measures), (), signed, columns=cols, meter=meter)
        keys = [(item, m) for m in measures]
        res = S.solve([_slot_for(keys, cr)], [])
        table[item] = {m: res.values.get((item, m)) for m in measures}
        c, more, _g = _emit("table2", [item], [(keys, cr)], res)
        cells.extend(c)
        issues.extend(more)
    for item in undecided_items:
        issues.append(
            finding(
                "CELL_UNREADABLE",
                f"table2 {item}: its label stands between two runs of values and either could be its own "
                f"(labels and values shredded apart); not read",
                "table2",
                [f"{item}.{m}" for m in L.TABLE2_LAYOUT.get(fmt_hint or "2021", {}).get(item, [])],
            )
        )
    if not table:
        return Extracted(None)
    return Extracted(table, cells, issues, _layout(tokens))
