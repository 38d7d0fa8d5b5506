"""Numbers the prose states (`共收到政府信息公开申请56件`, `涉及行政复议4件,被纠错2件`), and the rows
of the old statistics table of reports before 2019 (`主动公开政府信息数 条 425 1516`).

Arabic or Chinese numerals (cn2an). Negative statements give 0: `未收到政府信息公开申请` (no
requests), `未发生/未收到…行政复议/行政诉讼` (no reconsiderations, no lawsuits), `未收取…费用` (no
fees). A row of the statistics table (label, unit, this year's figure, often a cumulative figure)
gives this year's figure and wins over the prose; otherwise the first statement of each key wins.
"""

from __future__ import annotations

import re

import cn2an

from . import labels as L

# key -> meaning (the documented narrative keys)
KEYS: dict[str, str] = {
    "requests_received": "information requests received in the year, as the prose or statistics table states",
    "requests_answered": "requests answered / handled (答复, 办结) in the year",
    "requests_granted": "requests answered by disclosing the information (同意公开; statistics table before 2019)",
    "requests_partially_granted": "requests answered by disclosing part of it (同意部分公开; before 2019)",
    "requests_denied": "requests answered with a refusal to disclose (不同意公开; before 2019)",
    "reconsideration_total": "administrative reconsiderations about information disclosure",
    "reconsideration_corrected": "reconsiderations whose result corrected the body (纠正, 纠错, 撤销)",
    "litigation_total": "administrative lawsuits about information disclosure",
    "litigation_lost": "lawsuits the body lost (败诉, 纠正, 纠错)",
    "complaints_total": "complaints and reports about information disclosure (举报投诉, 申诉; before 2019)",
    "info_processing_fee_yuan": "information processing fees collected, in yuan (0 when the prose says none were)",
    "proactive_items": "items of information proactively published in the year (主动公开信息…条)",
}

_N = r"(?<![第\d.])(\d+|[零〇一二两三四五六七八九十百千万]+)"
_UNIT = r"\s*(?:件|个|条|宗|份|起|次|例)"
_GAP = r"[^。;；!?]{0,24}?"
_NOT_ACROSS = r"(?:(?!行政诉讼|行政复议)[^。;；])"


def to_int(s: str) -> int | None:
    s = s.strip()
    if s.isdigit():
        return int(s)
    try:
        v = cn2an.cn2an(s.replace("两", "二").replace("〇", "零"), "smart")
        return int(v)
    except (ValueError, KeyError, TypeError):
        return None


# (key, pattern, value): value None = the captured number; an int = that constant
RULES: list[tuple[str, re.Pattern, int | None]] = [
    ("requests_received", re.compile(r"(?:未|没有)(?:收到|受理|接到|发生)" + _GAP + r"(?:政府)?信息公开申请"), 0),
    ("requests_received", re.compile(r"(?:收到|受理)(?:政府)?信息公开申请(?:数量?)?为(?:零|0)"), 0),
    (
        "requests_received",
        re.compile(
            r"(?:共|累计|全年|本年度?)?(?:收到|受理|接收|新收|接到)(?:和受理|并受理|及受理)?"
            + _GAP
            + r"(?:申请|信息)"
            + r"[^。;；,，]{0,8}?"
            + _N
            + _UNIT
        ),
        None,
    ),
    ("requests_answered", re.compile(r"(?:答复|办结|办理完结)(?:办理)?(?:数)?" + _GAP + _N + _UNIT), None),
    (
        "reconsideration_total",
        re.compile(r"(?:未发生|未收到|未接到|未引起|未出现|没有发生|没有|无)" + _GAP + r"行政复议"),
        0,
    ),
    (
        "reconsideration_total",
        re.compile(r"行政复议(?:案件|申请)?(?:数量?)?" + r"[^。;；,，]{0,4}?" + _N + _UNIT),
        None,
    ),
    (
        "reconsideration_corrected",
        re.compile(
            r"行政复议"
            + _NOT_ACROSS
            + r"{0,40}?(?:被纠错|被纠正|纠错|纠正|被撤销|撤销)"
            + r"[^。;；,，]{0,4}?"
            + _N
            + _UNIT
        ),
        None,
    ),
    (
        "litigation_total",
        re.compile(r"(?:未发生|未收到|未接到|未引起|未出现|没有发生|没有|无)" + _GAP + r"(?:行政)?诉讼"),
        0,
    ),
    ("litigation_total", re.compile(r"行政诉讼(?:案件)?(?:数量?)?" + r"[^。;；,，]{0,4}?" + _N + _UNIT), None),
    (
        "litigation_lost",
        re.compile(
            r"行政诉讼" + _NOT_ACROSS + r"{0,40}?(?:败诉|被纠正|纠正|被纠错|纠错)" + r"[^。;；,，]{0,4}?" + _N + _UNIT
        ),
        None,
    ),
    (
        "info_processing_fee_yuan",
        re.compile(r"(?:未|没有|无|不|免)(?:向[^。;；,，]{0,8}?)?(?:收取|收费)(?!通知|标准|管理)"),
        0,
    ),
    (
        "info_processing_fee_yuan",
        re.compile(r"收取[^。;；]{0,20}?费(?:用)?" + r"[^。;；,，]{0,4}?" + r"(\d+(?:\.\d+)?)\s*元"),
        None,
    ),
    ("proactive_items", re.compile(r"主动公开(?:政府)?信息" + r"[^。;；,，第]{0,6}?" + r"(\d+)\s*条"), None),
]

# A row of the old statistics table: label, optional unit, this year's figure, optional cumulative.
_STAT_ROW = re.compile(
    r"^[ \t]*(?P<label>[^\d\s][^\d\n]{1,60}?)[ \t]*(?P<unit>万元|人次|条|件|个|人|次|元|项|家)?[ \t]+"
    r"(?P<n>\d+(?:\.\d+)?)(?:[ \t]+(?P<cum>\d+(?:\.\d+)?))?[ \t]*$",
    re.MULTILINE,
)


def statistics_rows(text: str) -> dict:
    """Values of the old statistics table (政府信息公开情况统计表, reports before 2019)."""
    out: dict = {}
    ctx: str | None = None
    for m in _STAT_ROW.finditer(text):
        lab = L.clean(m.group("label"))
        if "行政复议" in lab:
            ctx = "reconsideration"
        elif "行政诉讼" in lab:
            ctx = "litigation"
        elif "举报" in lab or "申诉" in lab:
            ctx = None
        key = L.match_stat(lab, ctx)
        if key is None or key in out:
            continue
        v = float(m.group("n")) if "." in m.group("n") else int(m.group("n"))
        if key == "info_processing_fee_yuan" and m.group("unit") == "万元":
            v = round(v * 10000, 2)
            v = int(v) if float(v).is_integer() else v
        out[key] = v
    return out


_WRAP = re.compile(r"(?<=[^\s。；;！!？?：:])\n(?=[^\s\d一二三四五六七八九十(（])")


def extract(text: str, limit: int = 60000) -> dict:
    """Narrative numbers of the report: the statistics table's rows first, then the prose (whose
    lines, when the text came out of a PDF, are joined where a sentence was wrapped)."""
    body = text[:limit]
    stats = statistics_rows(body)
    prose = _WRAP.sub("", body)
    hits: dict[str, tuple[int, int]] = {}
    for key, rx, const in RULES:
        m = rx.search(prose)
        if not m:
            continue
        if const is not None:
            val = const
        else:
            val = to_int(m.group(m.lastindex or 1))  # type: ignore[assignment]
            if val is None:
                continue
        pos = m.start()
        if key not in hits or pos < hits[key][0]:
            hits[key] = (pos, val)
    out: dict = {}
    for key in KEYS:
        if key in stats:
            out[key] = stats[key]
        elif key in hits:
            out[key] = hits[key][1]
    return out
