"""Numbers the prose states (`共收到政府信息公开申请56件`, `涉及行政复议4件,被纠错2件`).

Arabic or Chinese numerals (cn2an). Negative statements (`未收到政府信息公开申请`,
`未发生…行政复议、行政诉讼`) give 0. The first statement of each key wins.
"""

from __future__ import annotations

import re

import cn2an

# key -> meaning (the documented narrative keys)
KEYS: dict[str, str] = {
    "requests_received": "information requests received in the year, as the prose states",
    "requests_answered": "requests answered / handled (答复, 办结) in the year",
    "reconsideration_total": "administrative reconsiderations about information disclosure",
    "reconsideration_corrected": "reconsiderations whose result corrected the body (纠正, 纠错, 撤销)",
    "litigation_total": "administrative lawsuits about information disclosure",
    "litigation_lost": "lawsuits the body lost (败诉, 纠正)",
    "fees_yuan": "information processing fees collected, in yuan (0 when the prose says none were)",
    "proactive_items": "items of information proactively published (主动公开信息…条)",
}

_N = r"(?<!第)(\d+|[零〇一二两三四五六七八九十百千万]+)"
_UNIT = r"\s*(?:件|个|条|宗|份|起|次|例)"
_GAP = r"[^。;!?]{0,24}?"


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
    ("requests_received", re.compile(r"(?:未|没有)(?:收到|受理|接到)" + _GAP + r"(?:政府)?信息公开申请"), 0),
    (
        "requests_received",
        re.compile(
            r"(?:共|累计|全年|本年度?)?(?:收到|受理|接收|新收|接到)(?:和受理|并受理|及受理)?"
            + _GAP
            + r"(?:申请|信息)"
            + r"[^。;,，]{0,8}?"
            + _N
            + _UNIT
        ),
        None,
    ),
    ("requests_answered", re.compile(r"(?:答复|办结|办理完结)(?:办理)?(?:数)?" + _GAP + _N + _UNIT), None),
    ("reconsideration_total", re.compile(r"(?:未发生|未引起|没有|无)" + _GAP + r"行政复议"), 0),
    ("reconsideration_total", re.compile(r"行政复议(?:案件|申请)?" + r"[^。;,，]{0,4}?" + _N + _UNIT), None),
    (
        "reconsideration_corrected",
        re.compile(r"行政复议[^。;]{0,16}?(?:被纠错|被纠正|纠错|纠正|被撤销|撤销)" + r"[^。;,，]{0,4}?" + _N + _UNIT),
        None,
    ),
    ("litigation_total", re.compile(r"(?:未发生|未引起|没有|无)" + _GAP + r"(?:行政)?诉讼"), 0),
    ("litigation_total", re.compile(r"行政诉讼(?:案件)?" + r"[^。;,，]{0,4}?" + _N + _UNIT), None),
    (
        "litigation_lost",
        re.compile(r"行政诉讼[^。;]{0,16}?(?:败诉|被纠正|纠正)" + r"[^。;,，]{0,4}?" + _N + _UNIT),
        None,
    ),
    ("fees_yuan", re.compile(r"(?:未|没有|无)[^。;,，]{0,6}?(?:收取|收费)"), 0),
    ("fees_yuan", re.compile(r"收取[^。;]{0,20}?费(?:用)?" + r"[^。;,，]{0,4}?" + r"(\d+(?:\.\d+)?)\s*元"), None),
    ("proactive_items", re.compile(r"主动公开(?:政府)?信息" + r"[^。;,，第]{0,6}?" + r"(\d+)\s*条"), None),
]


def extract(text: str, limit: int = 60000) -> dict:
    """Narrative numbers of the report body (before section 二's table, where the prose lives,
    and the whole text up to `limit` characters)."""
    out: dict = {}
    body = text[:limit]
    hits: dict[str, tuple[int, int]] = {}
    for key, rx, const in RULES:
        m = rx.search(body)
        if not m:
            continue
        if const is not None:
            val = const
        else:
            val = to_int(m.group(m.lastindex or 1))
            if val is None:
                continue
        pos = m.start()
        if key not in hits or pos < hits[key][0]:
            hits[key] = (pos, val)
    for key in KEYS:
        if key in hits:
            out[key] = hits[key][1]
    return out
