"""Text renderers: tables as `|` rows (pipe), one cell per line, digits glued together (glued), or
no tables at all (prose_only), inside portal chrome lines."""

from __future__ import annotations

import functools
import operator
import random

from ingest.parser import labels as L

from .. import prose
from ..glued import num_tokens_splits, t3_row_splits, t4_run_splits
from ..layouts import T3_GROUPS, T3_LEAF_LABELS, T3_NOTE, Cell, Opts, fmt_num, t2_tables, t3_table, t4_table
from ..prose import BIG_PIPES


def _pipe_rows(table: list[list[Cell]], rng: random.Random) -> list[str]:
    width = max(len(r) for r in table)
    out = []
    for i, row in enumerate(table):
        txt = " | ".join(" ".join(c.parts) if c.kind == "label" else c.text for c in row)
        if i == len(table) - 1:
            out.append(txt + " |")
        else:
            pad = width - len(row)
            out.append((txt + " | " + "|" * pad).rstrip())
    return out


def _cpl_cells(table: list[list[Cell]], rng: random.Random) -> list[str]:
    out = []
    for row in table:
        for c in row:
            if c.kind == "label" and len(c.parts) > 1:
                out.append(rng.choice(["\n", "\n\n"]).join(c.parts))
            else:
                out.append(c.text)
    return out


def _glued_t2(truth: dict, o: Opts) -> list[str]:
    _fmt, t2 = truth["format_version"], truth["table2"]
    lines = []
    for tbl in t2_tables(truth, o):
        for row in tbl:
            vals = [c for c in row if c.kind == "value"]
            if not vals:
                lines.append("".join(c.text for c in row))
                continue
            it = vals[0].key[1]
            ms = [c.key[2] for c in vals]
            strs = [fmt_num(t2[it][m]) for m in ms]
            kinds = ["neg" if m == "change" else ("dec" if m in ("amount", "amount_10k_yuan") else "int") for m in ms]
            lab = row[0].text
            if "." not in "".join(strs) and num_tokens_splits("".join(strs), kinds) == 1:
                lines.append(lab + "".join(strs))
            else:
                lines.append(lab + " " + " ".join(strs))
    return lines


def _glued_t3(truth: dict, o: Opts, meta: dict) -> list[str]:
    fmt, t3 = truth["format_version"], truth["table3"]
    lines = [
        T3_NOTE.replace("（", "(").replace("）", ")") + "申请人情况",
        "自然人法人或其他组织" + o.total(),
        "商业企业科研机构社会公益组织法律服务机构其他",
    ]
    rows = L.T3_ROWS_2021 if fmt == "2021" else L.T3_ROWS_2019
    group_of = {leaf: (g, glab) for g, glab, leaves in T3_GROUPS for leaf in leaves}
    joined_labels = o.rng.random() < 0.5
    if joined_labels:
        meta["noise"].append("glued_labels")
    cur = ""
    for r in rows:
        digits = "".join(str(t3[r][c]) for c in L.T3_COLS)
        if len(t3_row_splits(digits)) != 1:
            meta["glued_ambiguous"].append(["table3", r])
        lab = T3_LEAF_LABELS[r]
        if r == "partially_granted":
            lab += "(区分处理的,只计这一情形,不计其他情形)"
        if r == "total_processed":
            lab = "(七)" + o.total()
        if r == "granted":
            lab = "三、本年度办理结果" + lab
        g = group_of.get(r)
        first_of_group = g and T3_GROUPS[[x[0] for x in T3_GROUPS].index(g[0])][2][0] == r
        if first_of_group:
            lab = g[1] + lab
        if cur and joined_labels and g and not first_of_group:
            cur += lab + digits  # "…00000002.其他法律行政法规禁止公开0000000"
            continue
        if cur:
            lines.append(cur)
        cur = lab + digits
    lines.append(cur)
    return lines


def _glued_t4(truth: dict, o: Opts, meta: dict) -> list[str]:
    t4 = truth["table4"]
    fy = "行政法复议" if o.typo_fuyi else "行政复议"
    run = "".join(str(t4[p][r]) for p in L.T4_PROCS for r in L.T4_RESULTS)
    sols = t4_run_splits(run)
    want = [t4[p][r] for p in L.T4_PROCS for r in L.T4_RESULTS]
    for gi, p in enumerate(L.T4_PROCS):
        vals = {tuple(s[gi * 5 : (gi + 1) * 5]) for s in sols}
        if len(sols) == 0 or len(vals) != 1 or next(iter(vals)) != tuple(want[gi * 5 : (gi + 1) * 5]):
            meta["glued_ambiguous"].append(["table4", p])
    tot = o.total()
    return [
        fy + "行政诉讼",
        "结果维持结果纠正其他结果尚未审结" + tot + "未经复议直接起诉复议后起诉",
        ("结果维持结果纠正其他结果尚未审结" + tot) * 2,
        run,
    ]


def text_doc(truth: dict, rng: random.Random, style: str, meta: dict) -> str:
    o = Opts(rng, style)
    title_present = rng.random() < 0.85
    meta["title"] = title_present
    pre = truth["format_version"] == "pre2019"
    lines: list[str] = []
    chrome = rng.random() < 0.6 or style == "prose_only"
    blob = style == "prose_only" and not pre and rng.random() < 0.6  # seeds 000/004: one long line per block
    if chrome and rng.random() < 0.5:
        lines.append("您当前的位置： |")
        lines.append("|")
    if rng.random() < 0.35 and title_present:
        lines.extend(prose.header_block(truth, rng))
        meta["header_block"] = True
    title = prose.title(truth, rng)
    if title_present:
        lines.append(title + (" | " + BIG_PIPES[: rng.randint(100, 400)] if chrome and rng.random() < 0.6 else ""))
        if chrome:
            lines.append(
                f"时间：{truth['published_date']} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
                f"      来源：{truth['region']['city']}人民政府门户网站      浏览次数："
            )
    if chrome and rng.random() < 0.5:
        lines.append("| " + BIG_PIPES[: rng.randint(100, 400)])
    if pre:
        secs = prose.pre2019_sections(truth, rng, title_present)
        intro = prose.pre2019_intro(truth)
    else:
        intro, secs = prose.sections(truth, rng, title_present)
    body: list[str] = []
    if title_present or rng.random() < 0.5:
        body.append(intro)
    for si, (head, paras) in enumerate(secs):
        block = [head] + paras
        if not pre and 1 <= si <= 3 and style != "prose_only":
            if si == 1:
                if style == "glued":
                    block += _glued_t2(truth, o)
                else:
                    for t in t2_tables(truth, o):
                        block += _pipe_rows(t, rng) if style == "pipe" else _cpl_cells(t, rng)
            elif si == 2:
                t = t3_table(truth, o)
                block += (
                    _glued_t3(truth, o, meta)
                    if style == "glued"
                    else (_pipe_rows(t, rng) if style == "pipe" else _cpl_cells(t, rng))
                )
            else:
                t = t4_table(truth, o)
                block += (
                    _glued_t4(truth, o, meta)
                    if style == "glued"
                    else (_pipe_rows(t, rng) if style == "pipe" else _cpl_cells(t, rng))
                )
        body.append(block)  # type: ignore[arg-type]
    sign = [truth["agency_name"], prose.date_cn(truth["published_date"])]
    out_body: list[str] = []
    if blob:
        # one long line up to 二, headings 二/三/四 alone on their lines, then 五+六 as one line
        first = [body[0]] if isinstance(body[0], str) else []
        blocks = [b for b in body if isinstance(b, list)]
        out_body.append(" ".join(first + blocks[0] + [blocks[1][0]]))
        for b in blocks[2:4]:
            out_body.append(" ".join(b))
        out_body.append(
            " ".join(functools.reduce(operator.iadd, blocks[4:], []) + sign) + " | " + BIG_PIPES[: rng.randint(50, 400)]
        )
    else:
        for b in body:
            out_body.extend([b] if isinstance(b, str) else b)
        out_body.extend(sign)
    lines.extend(out_body)
    if chrome:
        lines.append(BIG_PIPES[: rng.randint(100, 400)])
        lines.append("打印本页 关闭窗口 | " + BIG_PIPES[: rng.randint(100, 400)])
        lines.extend(prose.footer_lines(truth, rng))
    elif rng.random() < 0.3:
        lines.append("扫一扫在手机打开当前页")
    sep = "\n\n" if style == "cell_per_line" else "\n"
    meta["empty_cells"] = o.empty_cells
    meta["noise"] += o.noise
    return sep.join(lines) + "\n"
