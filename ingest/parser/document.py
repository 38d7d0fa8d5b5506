"""One annual-report file -> one canonical record (RECORD.md). Never raises on bad input."""

from __future__ import annotations

import hashlib
import os
import re
import traceback
from pathlib import Path
from typing import cast

from .. import PARSER_VERSION
from ..calendar import format_generation
from ..record import Record
from . import bounds, findings, meta, narrative, readers, tables
from . import labels as L
from .decode import NotText, decode
from .findings import finding
from .readers import html
from .tokens import Token, cell_tokens, line_tokens

MAX_BYTES = int(os.environ.get("OGI_MAX_BYTES", 64 * 1024 * 1024))
MAX_REGION_CHARS = 4_000_000


def _record(file: str, data: bytes | None) -> dict:
    return {
        "file": file,
        "report_id": hashlib.sha256(data).hexdigest() if data is not None else None,
        "parser_version": PARSER_VERSION,
        "agency_name": None,
        "report_year": None,
        "format_version": None,
        "published_date": None,
        "region_name": None,
        "source": {
            "bytes": len(data) if data is not None else None,
            "encoding": None,
            "traditional": None,
            "kind": None,
            "layout": "none",
        },
        "table2": None,
        "table3": None,
        "table4": None,
        "narrative": {},
        "cells": [],
        "issues": [],
    }


def _err(rec: dict, code: str, message: str) -> dict:
    rec["issues"].append(finding(code, f"{rec['file']}: {message}"))
    return rec


def _span_lines(lines: list[str]) -> tuple[int, int] | None:
    """First and last line index worth tokenising: from the first table heading or anchor to the
    last section-五/六 heading (a table of contents listing every heading may come first)."""
    first = last = None
    anchor = L.SPAN_ANCHOR
    tables_rx = [rx for _, rx in L.HEADINGS[:3]]
    end_rx = L.HEADINGS[3][1]
    for i, ln in enumerate(lines):
        if not ln:
            continue
        s = ln.replace(" ", "")
        if first is None and (any(rx.search(s) for rx in tables_rx) or anchor.search(s)):
            first = i
        if first is not None and end_rx.search(s):
            last = i
    if first is None:
        return None
    return first, (last if last is not None else len(lines) - 1)


_MIDLINE_HEADING = L.MIDLINE_HEADING


def _split_at_headings(line: str) -> list[str]:
    """A heading printed mid-line (`…监督保障。 二、主动公开政府信息情况`) starts a new piece."""
    idx = [m.start() for m in _MIDLINE_HEADING.finditer(line)]
    if not idx:
        return [line]
    pieces, prev = [], 0
    for i in idx:
        if i > prev:
            pieces.append(line[prev:i])
        prev = i
    pieces.append(line[prev:])
    return pieces


def _tokens(
    lines: list[str], grids: list, src: str, truncated: list | None = None, skipped: list | None = None
) -> list[Token]:
    """Tokens of the part of the page that holds the tables; `truncated` receives the line where
    the size cap stopped reading, if it did; `skipped` the lines read as page numbers."""
    truncated = truncated if truncated is not None else []
    span = _span_lines(lines)
    if span is None:
        return []
    first, last = span
    out: list[Token] = []
    cell_id = 0
    chars = 0
    page = sum(ln.count("\f") for ln in lines[:first])
    for i in range(first, last + 1):
        ln = lines[i]
        if "\f" in ln:
            page += ln.count("\f")
        if not ln.strip():
            continue
        if skipped is not None and L.PAGE_NUMBER.match(ln):
            skipped.append(i + 1)  # a page number printed between a table's rows
            continue
        if skipped is not None and src == "text" and L.PAGE_NUMBER_EDGE.search(ln):
            ln = L.PAGE_NUMBER_EDGE.sub("", ln)  # … or glued to the text next to it
            skipped.append(i + 1)
        chars += len(ln)
        if chars > MAX_REGION_CHARS:
            truncated.append(i + 1)
            break
        m = html.PLACEHOLDER_RE.search(ln)
        if m and grids:
            g = grids[int(m.group(1))]
            for row in g.rows:
                for c in row:
                    if not c.origin:
                        continue
                    cell_id += 1
                    # one grid cell is one cell: <br>/<p> pieces and indentation join (结果<br>纠正)
                    text = " ".join(c.text.split())
                    out.extend(cell_tokens(text, Token("empty", "", "html", g.index, c.row, c.col, None, cell_id)))
            continue
        for piece in _split_at_headings(ln):
            toks, cell_id = line_tokens(piece, i + 1, src, cell_id, page)
            out.extend(toks)
    return out


def _format(year: int | None, t2: dict | None, t3: dict | None) -> tuple[str | None, str | None]:
    """(format from the tables, format from the year)."""
    by_tables = None
    if t3:
        if any(k in t3 for k in ("other_no_correction", "other_unpaid_fee", "other_other")):
            by_tables = "2021"
        elif "other_total" in t3:
            by_tables = "2019"
    if by_tables is None and t2:
        ms = {m for item in t2.values() for m in item}
        if ms & L.MEASURES_2021:
            by_tables = "2021"
        elif ms & L.MEASURES_2019:
            by_tables = "2019"
    return by_tables, format_generation(year)


def parse_bytes(data: bytes, file: str = "<bytes>") -> dict:
    rec = _record(file, data)
    try:
        return _parse(data, rec)
    except Exception as exc:  # the contract: one record per file, never a traceback
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return _err(
            rec, "PARSE_ERROR", f"parser failed: {type(exc).__name__}: {exc} (at {Path(tb.filename).name}:{tb.lineno})"
        )


def parse_file(path: str | os.PathLike) -> dict:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            rec = _record(str(path), None)
            rec["source"]["bytes"] = size
            return _err(rec, "FILE_TOO_LARGE", f"{size} bytes is above the limit of {MAX_BYTES} bytes")
        data = p.read_bytes()
    except OSError as exc:
        return _err(_record(str(path), None), "READ_ERROR", f"cannot read the file: {exc.strerror or exc}")
    return parse_bytes(data, str(path))


def _parse(data: bytes, rec: dict) -> dict:
    issues = rec["issues"]
    if len(data) > MAX_BYTES:
        return _err(rec, "FILE_TOO_LARGE", f"{len(data)} bytes is above the limit of {MAX_BYTES} bytes")
    binary = readers.sniff(data)  # PDF and Word files, by their first bytes
    if binary is not None:
        got = readers.read(binary, data)
        rec["source"]["kind"] = got.kind
        rec["source"]["traditional"] = got.traditional
        issues.extend(finding(code, f"{rec['file']}: {msg}" if sev == "error" else msg) for code, sev, msg in got.notes)
        if got.page is None:
            return rec
        lines, grids, title, src = got.page.lines, got.page.grids, got.page.title, "html"
        plain = "\n".join(_expand(ln, grids) for ln in lines if ln.strip())
    else:
        looks_html = html.is_html(data[:4096].decode("latin-1"))
        try:
            dec = decode(data, looks_html)
        except NotText as exc:
            code = "EMPTY_FILE" if "empty" in str(exc) else "NOT_TEXT"
            return _err(rec, code, str(exc))
        rec["source"]["encoding"] = dec.encoding
        rec["source"]["traditional"] = dec.traditional
        for code, _sev, msg in dec.notes:
            issues.append(finding(code, msg))
        if dec.traditional:
            issues.append(
                finding(
                    "TRADITIONAL_CONVERTED",
                    "the page is in traditional characters; labels and names were converted to simplified with OpenCC t2s",
                )
            )
        text = dec.text
        if looks_html or html.is_html(text):
            rec["source"]["kind"] = "html"
            page = html.parse(text)
            for code, _sev, msg in page.notes:
                issues.append(finding(code, msg))
            lines, grids, title, src = page.lines, page.grids, page.title, "html"
            # prose readers see the tables' text too: a layout table around the article is a "grid"
            plain = "\n".join(_expand(ln, grids) for ln in lines if ln.strip())
        else:
            rec["source"]["kind"] = "text"
            lines, grids, title, src = text.split("\n"), [], None, "text"
            plain = text
    plain_compact = re.sub(r"[ \t|]+", " ", plain)

    # metadata
    title_hit = meta.find_title(plain_compact[:6000], title)
    if title_hit[0] is None:
        # a title wrapped over lines mid-word (PDF text: …管理委员 / 会政府信息公开工作年度报告)
        unwrapped = meta.find_title(meta.unwrap_head(plain_compact), None)
        if unwrapped[0] is not None and unwrapped[1] == (title_hit[1] or unwrapped[1]):
            title_hit = (unwrapped[0], unwrapped[1], title_hit[2] if title_hit[2] is not None else unwrapped[2])
    agency, agency_src = meta.find_agency(plain_compact, title_hit)
    year, year_src, other_years = meta.find_year(plain_compact, title_hit)
    rec["agency_name"] = agency
    rec["report_year"] = year
    rec["published_date"] = meta.find_published(plain_compact, year)
    rec["region_name"] = meta.find_region(agency)
    if agency is None:
        issues.append(
            finding("AGENCY_NOT_FOUND", "no agency name found in the title line, the prose or the 发布机构 field")
        )
    elif agency_src != "title":
        issues.append(finding("AGENCY_FROM_PROSE", f"agency name taken from the {agency_src}: {agency}"))
    if year is None:
        issues.append(
            finding("YEAR_NOT_FOUND", "no report year found in the title, the statistics period or the prose")
        )
    elif year_src in ("prose", "prose_frequency"):
        issues.append(finding("YEAR_FROM_PROSE", f"report year {year} taken from the prose"))
    if other_years:
        issues.append(
            finding(
                "YEAR_CONFLICT",
                f"report year {year} (from the {year_src}) but the page also gives " + ", ".join(map(str, other_years)),
            )
        )

    # tables
    truncated: list[int] = []
    skipped: list[int] = []
    toks = _tokens(lines, grids, src, truncated, skipped) if (year is None or year >= 2019) else []
    if truncated:
        issues.append(
            finding(
                "REGION_TRUNCATED",
                f"the part of the page searched for tables is over {MAX_REGION_CHARS} characters; "
                f"reading stopped at line {truncated[0]}",
            )
        )
    if skipped:
        issues.append(
            finding(
                "PAGE_NUMBER_SKIPPED",
                f"{len(skipped)} page number(s) inside the tables were not read as values (lines "
                + ", ".join(map(str, skipped[:10]))
                + ")",
            )
        )
    rec["narrative"] = narrative.extract(plain_compact)
    regions = tables.split_regions(toks)
    _, fmt_year = _format(year, None, None)
    t3x = tables.extract_t3(regions["t3"], fmt_year if fmt_year != "pre2019" else None)
    t4x = tables.extract_t4(regions["t4"], rec["narrative"])
    t2x = tables.extract_t2(regions["t2"], fmt_year if fmt_year != "pre2019" else None)
    fmt_tables, fmt_year = _format(year, t2x.table, t3x.table)
    fmt = fmt_tables or fmt_year
    if fmt_tables and fmt_year and fmt_tables != fmt_year:
        issues.append(
            finding(
                "FORMAT_MISMATCH",
                f"the tables are laid out as the {fmt_tables} format but the year {year} "
                f"implies the {fmt_year} format; the tables' layout is reported",
            )
        )
    rec["format_version"] = fmt
    t3 = None
    if t3x.table is not None:
        t3, miss = tables.complete_t3(t3x.table, fmt)
        issues.extend(miss)
    rec["table2"], rec["table3"], rec["table4"] = t2x.table, t3, t4x.table
    for x in (t2x, t3x, t4x):
        issues.extend(tables.merge_splits(x.issues))
        for c in x.cells:
            rec["cells"].append(
                {
                    "table": c.table,
                    "row": c.row,
                    "column": c.column,
                    "value": c.value,
                    "raw": c.raw,
                    "empty": c.empty,
                    **c.loc,
                }
            )
    # figures no report can hold (negative counts, past 10^9) are null before any arithmetic is checked
    issues.extend(bounds.enforce(cast(Record, rec)))
    if agency is None and year is None and _all_blank(rec):
        # the official template with nothing filled in: its tables exist, its numbers do not
        rec["table2"] = rec["table3"] = rec["table4"] = None
        t3 = None
        t4x.table = None
        rec["cells"] = []
        issues[:] = [i for i in issues if i["code"] != "CELL_EMPTY"]
        issues.append(
            finding("TEMPLATE_BLANK", "every table cell is blank and no agency or year is given: tables read as absent")
        )
    rec["source"]["layout"] = t3x.layout or t4x.layout or t2x.layout or "none"
    if rec["source"]["layout"] == "text":
        rec["source"]["layout"] = _text_layout(lines, regions["t3"] or regions["t4"] or regions["t2"])

    # prose
    if t3 is not None:
        issues.extend(findings.check_t3(t3, fmt))
    if t4x.table is not None:
        issues.extend(findings.check_t4(t4x.table))
    issues.extend(findings.check_narrative(rec["narrative"], t3, t4x.table))
    issues.extend(findings.check_spam(plain))
    if (
        t2x.table is None
        and t3 is None
        and t4x.table is None
        and year is not None
        and year >= 2019
        # the headings may stand inside a layout table around the article: search the page's text with
        # its grids expanded, not only the lines outside them
        and any(L.HEADINGS[1][1].search(ln.replace(" ", "")) for ln in plain.split("\n"))
    ):
        issues.append(
            finding(
                "TABLES_MISSING",
                "the report has its section headings but no readable tables "
                "(they were images or lost); only prose numbers are available",
            )
        )
    if agency is None and year is None and not toks:
        issues.append(
            finding(
                "NOT_A_REPORT",
                f"{rec['file']}: no title, report year, table or report section found; "
                "this does not look like an annual report",
            )
        )
    return rec


def _all_blank(rec: dict) -> bool:
    """Tables were found and every one of their cells was printed empty."""
    cells = rec["cells"]
    return bool(cells) and all(c["empty"] for c in cells)


def _expand(line: str, grids: list) -> str:
    m = html.PLACEHOLDER_RE.search(line)
    if not m:
        return line
    return html.grid_text(grids[int(m.group(1))])


def _text_layout(lines: list[str], toks: list[Token]) -> str:
    lns = {t.line for t in toks if t.line}
    if not lns:
        return "none"
    sample = [lines[i - 1] for i in sorted(lns)[:40] if i - 1 < len(lines)]
    if sum("|" in s for s in sample) > len(sample) / 2:
        return "pipe"
    if sum(len(s.split()) > 2 for s in sample) > len(sample) / 2:
        return "space"
    return "cell_per_line"
