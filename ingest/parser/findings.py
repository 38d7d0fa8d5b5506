"""Findings about a report: stable codes, the spec's arithmetic, prose vs table, injected spam.

A broken rule is a finding about the report, recorded and shown; the numbers are never changed.
"""

from __future__ import annotations

import re

from . import labels as L

# code -> (severity, meaning). Codes are stable: the warehouse and analysts key on them.
CODES: dict[str, tuple[str, str]] = {
    # errors: no record content could be read
    "EMPTY_FILE": ("error", "the file has no content"),
    "NOT_TEXT": ("error", "the file is binary, not a text or HTML document"),
    "NOT_A_REPORT": ("error", "no title, year, table or report section could be found"),
    "FILE_TOO_LARGE": ("error", "the file is larger than the parser accepts"),
    "READ_ERROR": ("error", "the file could not be read from disk"),
    "PARSE_ERROR": ("error", "the parser failed on this file (a bug: the message carries the exception)"),
    # PDF and Word files (ingest.parser.readers)
    "PDF_ENCRYPTED": ("error", "the PDF needs a password to open; nothing was read"),
    "PDF_UNREADABLE": ("error", "the PDF is broken and could not be opened, or no page of it could be loaded"),
    "PDF_NO_TEXT": ("error", "the PDF has no text layer (scanned pages): nothing can be read without OCR"),
    "PDF_TRUNCATED": ("warning", "the PDF does not end with %%EOF: cut short, pages or text may be missing"),
    "PDF_PAGE_UNREADABLE": ("warning", "a page of the PDF could not be loaded and was skipped"),
    "PDF_CAPPED": ("warning", "the PDF is over the reader's page, character or drawing limits; the rest was not read"),
    "PDF_TEXT_UNMAPPED": ("warning", "much of the PDF's text layer has no Unicode meaning (no ToUnicode map)"),
    "TABLES_ARE_IMAGES": ("warning", "no ruled tables in the text layer but large pictures: the tables are images"),
    "DOCX_UNREADABLE": ("error", "the Word (.docx) file is broken, or over the reader's size limits; nothing was read"),
    "DOCX_CAPPED": ("warning", "the Word document is over the reader's row or paragraph limits; the rest was not read"),
    "DOC_NOT_CONVERTED": ("error", "a .doc/.wps/.rtf file needs LibreOffice to be read, which was absent or failed"),
    "DOC_CONVERTED": ("info", "a .doc/.wps/.rtf file was converted to .docx with LibreOffice, then read"),
    # decoding and markup
    "DECODE_MIXED": ("warning", "bytes are neither valid UTF-8 nor GB18030 throughout; decoded line by line"),
    "HTML_UNPARSABLE": ("warning", "the HTML could not be parsed and was read as text"),
    "TRADITIONAL_CONVERTED": ("info", "the page is in traditional characters; converted with OpenCC t2s"),
    # metadata
    "AGENCY_NOT_FOUND": ("warning", "no agency name in title, prose or fields"),
    "AGENCY_FROM_PROSE": ("info", "the agency name was taken from the prose (no title line)"),
    "YEAR_NOT_FOUND": ("warning", "no report year in title, statistics period or prose"),
    "YEAR_FROM_PROSE": ("info", "the report year was taken from the prose (no title or statistics period)"),
    "YEAR_CONFLICT": ("warning", "title, statistics period and prose give different years"),
    "FORMAT_MISMATCH": ("warning", "the tables' layout is of another generation than the year implies"),
    "REGION_TRUNCATED": ("warning", "the table part of the page is over the size cap; reading stopped there"),
    "TABLES_MISSING": ("warning", "the report has the section headings but no readable tables"),
    # cells
    "CELL_EMPTY": ("info", "a cell printed empty was read as 0"),
    "CELL_UNREADABLE": ("warning", "a cell could not be read and is null"),
    "GLUED_SPLIT": (
        "info",
        "digits ran together, blank cells vanished or values were printed out of order; the only reading "
        "satisfying the table's arithmetic was used",
    ),
    "GLUED_AMBIGUOUS": (
        "warning",
        "the printed values allow several readings that satisfy the table's arithmetic; the undecided cells are "
        "null and the finding lists the candidates",
    ),
    "EXTRA_VALUES": ("warning", "a row printed more values than the table has columns"),
    "T3_ROW_MISSING": ("warning", "rows of table 3 were not found"),
    "T3_DUPLICATE_ROW": ("warning", "a table-3 row appears twice"),
    # how the parser placed what the page printed (core parser)
    "ROWS_BY_POSITION": (
        "info",
        "labels were missing, shredded or out of place; rows (or table 4's pieces) were placed by the "
        "template's order, the row count matching the template and the arithmetic confirming it",
    ),
    "LABELS_AFTER_VALUES": (
        "info",
        "table 3's labels were printed after their rows' values (reading-order PDF text); each row took the "
        "labels printed after it",
    ),
    "PAGE_NUMBER_SKIPPED": ("info", "page numbers printed inside the tables (PDF text) were not read as values"),
    # the spec's arithmetic
    "T3_COLUMN_BALANCE": ("warning", "new_received + carried_over != total_processed + carried_forward in a column"),
    "T3_OUTCOME_SUM": ("warning", "total_processed != the sum of the outcome rows in a column"),
    "T3_ROW_SUM": ("warning", "a row's total != the sum of the six applicant columns"),
    "T4_TOTAL": ("warning", "a proceeding's total != upheld + corrected + other + pending"),
    "NEGATIVE_COUNT": ("warning", "a count that cannot be negative was printed negative; it is null (raw keeps it)"),
    "VALUE_OUT_OF_BOUNDS": ("warning", "a figure at or past the bound (10^9 counts, 10^12 amounts); it is null"),
    "TEMPLATE_BLANK": ("info", "every table cell is blank and there is no agency or year: a blank template"),
    # content
    "NARRATIVE_MISMATCH": ("warning", "a number stated in the prose differs from the table"),
    "SPAM_INJECTED": ("warning", "gambling or spam terms injected into the page (a hijacked portal)"),
}


def finding(code: str, message: str, table: str | None = None, cells=None, candidates=None) -> dict:
    """One finding about a report. The severity is the code's, from CODES (an unknown code is a bug).
    `candidates`: for GLUED_AMBIGUOUS, each undecided cell's candidate values."""
    severity = CODES[code][0]
    out = {"code": code, "severity": severity, "message": message, "table": table, "cells": list(cells or [])}
    if candidates is not None:
        out["candidates"] = candidates
    return out


SPAM_TERMS = [
    "足球比分",
    "比分网",
    "365体育",
    "bet365",
    "澳门银河",
    "澳门新葡京",
    "新葡京",
    "葡京娱乐",
    "威尼斯人",
    "太阳城",
    "皇冠体育",
    "皇冠网",
    "博彩",
    "赌场",
    "真人娱乐",
    "彩票网",
    "时时彩",
    "六合彩",
    "百家乐",
    "娱乐城",
    "亚博体育",
    "开云体育",
    "金沙娱乐",
    "体育投注",
    "捕鱼游戏",
    "电子游艺",
    "pg电子",
    "ag真人",
    "银河娱乐",
    "永利",
    "博天堂",
    "九游",
    "半岛体育",
    "乐鱼体育",
    "必威",
]
_SPAM = re.compile("|".join(re.escape(t) for t in SPAM_TERMS), re.IGNORECASE)


def _sum(vals) -> int | float | None:
    if any(v is None for v in vals):
        return None
    return sum(vals)


def check_t3(t3: dict, fmt: str | None) -> list[dict]:
    out: list[dict] = []
    cols = L.T3_COLS

    def g(r, c):
        return (t3.get(r) or {}).get(c)

    bad = []
    for c in cols:
        a = _sum([g("new_received", c), g("carried_over", c)])
        b = _sum([g("total_processed", c), g("carried_forward", c)])
        if a is not None and b is not None and a != b:
            bad.append((c, a, b))
    if bad:
        out.append(
            finding(
                "T3_COLUMN_BALANCE",
                "table3: new_received + carried_over != total_processed + carried_forward in "
                + ", ".join(f"{c} ({a} vs {b})" for c, a, b in bad),
                "table3",
                [f"{r}.{c}" for c, _, _ in bad for r in L.T3_STAGE_ROWS],
            )
        )
    has_split = any(
        k in t3 and any(v is not None for v in t3[k].values())
        for k in ("other_no_correction", "other_unpaid_fee", "other_other")
    )
    leaves = L.T3_OUTCOME_ROWS_2021 if (has_split or fmt != "2019") else L.T3_OUTCOME_ROWS_2019
    if "other_total" in t3 and not has_split:
        leaves = L.T3_OUTCOME_ROWS_2019
    bad = []
    for c in cols:
        tp = g("total_processed", c)
        s = _sum([g(k, c) for k in leaves if k in t3])
        if tp is not None and s is not None and tp != s:
            bad.append((c, s, tp))
    if bad:
        out.append(
            finding(
                "T3_OUTCOME_SUM",
                "table3: the outcome rows do not add up to total_processed in "
                + ", ".join(f"{c} (sum {s} vs {tp})" for c, s, tp in bad),
                "table3",
                [f"total_processed.{c}" for c, _, _ in bad],
            )
        )
    bad = []
    for r, row in t3.items():
        tot = row.get("total")
        s = _sum([row.get(c) for c in L.T3_APPLICANT_COLS])
        if tot is not None and s is not None and tot != s:
            bad.append((r, s, tot))
    if bad:
        out.append(
            finding(
                "T3_ROW_SUM",
                "table3: total != sum of the six applicant columns in "
                + ", ".join(f"{r} (sum {s} vs {t})" for r, s, t in bad),
                "table3",
                [f"{r}.total" for r, _, _ in bad],
            )
        )
    return out


def check_t4(t4: dict) -> list[dict]:
    """Table 4's group totals. Negative counts never reach here: bounds.enforce nulled them first."""
    bad = []
    for p, row in t4.items():
        tot = row.get("total")
        s = _sum([row.get(k) for k in ("upheld", "corrected", "other", "pending")])
        if tot is not None and s is not None and tot != s:
            bad.append((p, s, tot))
    out = []
    if bad:
        out.append(
            finding(
                "T4_TOTAL",
                "table4: total != upheld + corrected + other + pending in "
                + ", ".join(f"{p} (sum {s} vs {t})" for p, s, t in bad),
                "table4",
                [f"{p}.total" for p, _, _ in bad],
            )
        )
    return out


def check_narrative(narr: dict, t3: dict | None, t4: dict | None) -> list[dict]:
    out = []

    def cmp(key, table_val, table, cells):
        v = narr.get(key)
        if v is None or table_val is None or v == table_val:
            return
        out.append(
            finding("NARRATIVE_MISMATCH", f"the prose says {key} = {v}, the table says {table_val}", table, cells)
        )

    if t3:
        nr = (t3.get("new_received") or {}).get("total")
        cmp("requests_received", nr, "table3", ["new_received.total"])
    if t4:
        rt = (t4.get("reconsideration") or {}).get("total")
        cmp("reconsideration_total", rt, "table4", ["reconsideration.total"])
        lt = [(t4.get(p) or {}).get("total") for p in ("litigation_direct", "litigation_after_reconsideration")]
        cmp(
            "litigation_total",
            None if None in lt else sum(lt),
            "table4",
            ["litigation_direct.total", "litigation_after_reconsideration.total"],
        )
    return out


def check_spam(text: str) -> list[dict]:
    hits: dict[str, int] = {}
    for m in _SPAM.finditer(text):
        k = m.group(0).lower()
        hits[k] = hits.get(k, 0) + 1
    if not hits:
        return []
    terms = ", ".join(f"{k}×{n}" for k, n in sorted(hits.items(), key=lambda kv: -kv[1]))
    return [
        finding(
            "SPAM_INJECTED",
            f"content integrity: {sum(hits.values())} injected spam term(s) in the page ({terms}); "
            "the portal was probably hijacked and words of the report replaced",
        )
    ]
