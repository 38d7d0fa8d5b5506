"""Canonical keys and the ONE table of label patterns that maps printed labels to them.

Every label the parser reads (after decoding, NFKC, traditional->simplified and removal of all
white space) is matched here and nowhere else. Patterns are tried in the order written: a more
specific pattern stands before a more general one that would also match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- table 3: columns (applicant types) -------------------------------------------------------
TABLE3_COLUMNS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "法人或其他组织·商业企业",
    "research_institution": "法人或其他组织·科研机构",
    "social_welfare_org": "法人或其他组织·社会公益组织",
    "legal_service_org": "法人或其他组织·法律服务机构",
    "other_org": "法人或其他组织·其他",
    "total": "总计",
}
T3_COLS = list(TABLE3_COLUMNS)
T3_APPLICANT_COLS = T3_COLS[:6]

# --- table 3: rows ---------------------------------------------------------------------------
# key -> (Chinese label, outcome group or stage)
TABLE3_ROWS: dict[str, tuple[str, str]] = {
    "new_received": ("一、本年新收政府信息公开申请数量", "stage"),
    "carried_over": ("二、上年结转政府信息公开申请数量", "stage"),
    "granted": ("(一)予以公开", "granted"),
    "partially_granted": ("(二)部分公开", "partially_granted"),
    "denied_state_secret": ("(三)不予公开 1.属于国家秘密", "denied"),
    "denied_law_forbidden": ("(三)不予公开 2.其他法律行政法规禁止公开", "denied"),
    "denied_security_stability": ("(三)不予公开 3.危及“三安全一稳定”", "denied"),
    "denied_third_party_rights": ("(三)不予公开 4.保护第三方合法权益", "denied"),
    "denied_internal_affairs": ("(三)不予公开 5.属于三类内部事务信息", "denied"),
    "denied_process_info": ("(三)不予公开 6.属于四类过程性信息", "denied"),
    "denied_enforcement_file": ("(三)不予公开 7.属于行政执法案卷", "denied"),
    "denied_admin_query": ("(三)不予公开 8.属于行政查询事项", "denied"),
    "unable_not_held": ("(四)无法提供 1.本机关不掌握相关政府信息", "unable"),
    "unable_needs_creation": ("(四)无法提供 2.没有现成信息需要另行制作", "unable"),
    "unable_unclear": ("(四)无法提供 3.补正后申请内容仍不明确", "unable"),
    "rejected_petition": ("(五)不予处理 1.信访举报投诉类申请", "rejected"),
    "rejected_repeat": ("(五)不予处理 2.重复申请", "rejected"),
    "rejected_publication": ("(五)不予处理 3.要求提供公开出版物", "rejected"),
    "rejected_excessive": ("(五)不予处理 4.无正当理由大量反复申请", "rejected"),
    "rejected_confirmation": ("(五)不予处理 5.要求行政机关确认或重新出具已获取信息", "rejected"),
    "other_no_correction": ("(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other"),
    "other_unpaid_fee": (
        "(六)其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other",
    ),
    "other_other": ("(六)其他处理 3.其他", "other"),
    "other_total": ("(六)其他处理", "other"),
    "total_processed": ("(七)总计", "stage"),
    "carried_forward": ("四、结转下年度继续办理", "stage"),
}
T3_ROWS = list(TABLE3_ROWS)
T3_STAGE_ROWS = ["new_received", "carried_over", "total_processed", "carried_forward"]
T3_OUTCOME_ROWS_2021 = [k for k in T3_ROWS if k not in T3_STAGE_ROWS and k != "other_total"]
T3_OUTCOME_ROWS_2019 = [k for k in T3_OUTCOME_ROWS_2021 if not k.startswith("other_")] + ["other_total"]
T3_ROWS_2021 = [k for k in T3_ROWS if k != "other_total"]
T3_ROWS_2019 = [k for k in T3_ROWS if k not in ("other_no_correction", "other_unpaid_fee", "other_other")]

OUTCOME_GROUPS: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
}

# --- table 4 ---------------------------------------------------------------------------------
TABLE4_PROCEEDINGS: dict[str, str] = {
    "reconsideration": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_reconsideration": "行政诉讼·复议后起诉",
}
TABLE4_RESULTS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
T4_PROCS = list(TABLE4_PROCEEDINGS)
T4_RESULTS = list(TABLE4_RESULTS)

# --- table 2 ---------------------------------------------------------------------------------
TABLE2_ITEMS: dict[str, str] = {
    "rules": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
TABLE2_MEASURES: dict[str, str] = {
    "made": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "amount_10k_yuan": "本年收费金额(单位:万元)",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
# Measures each item carries, per format generation (spec table "Table 2").
TABLE2_LAYOUT: dict[str, dict[str, list[str]]] = {
    "2021": {
        "rules": ["made", "repealed", "in_force"],
        "normative_documents": ["made", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fees": ["amount_10k_yuan"],
    },
    "2019": {
        "rules": ["new_made", "new_published", "total_published"],
        "normative_documents": ["new_made", "new_published", "total_published"],
        "licensing": ["prior_year_items", "change", "decisions"],
        "other_services": ["prior_year_items", "change", "decisions"],
        "penalty": ["prior_year_items", "change", "decisions"],
        "coercion": ["prior_year_items", "change", "decisions"],
        "fees": ["prior_year_items", "change"],
        "procurement": ["items", "amount"],
    },
}
MEASURES_2021 = {"made", "repealed", "in_force", "amount_10k_yuan"}
MEASURES_2019 = {"new_made", "new_published", "total_published", "prior_year_items", "change", "items"}


@dataclass(frozen=True)
class Pattern:
    kind: str  # t3_row | t3_col | t3_group | t4_proc | t4_result | t2_item | t2_measure | header
    key: str
    regex: re.Pattern
    group: str | None = None  # t3 rows: the (三)/(四)/(五)/(六) group the leaf needs, if any


def _p(kind: str, key: str, rx: str, group: str | None = None) -> Pattern:
    return Pattern(kind, key, re.compile(rx), group)


# Labels are matched after: NFKC, traditional->simplified, every white space removed.
# Typos seen in real reports are part of the patterns (行政法复议, 已取信息, 三安全一稳定 quotes).
PATTERNS: list[Pattern] = [
    # table 3 groups (a label that only opens a group of leaf rows)
    _p("t3_group", "result", r"^三[、.]?本年度?办理结果$|^本年度?办理结果$"),
    _p("t3_group", "denied", r"^(?:\(三\))?不予公开$"),
    _p("t3_group", "unable", r"^(?:\(四\))?无法提供$"),
    _p("t3_group", "rejected", r"^(?:\(五\))?不予处理$"),
    # (六)其他处理 is a group in 2021 and a leaf row in 2019: the extractor decides by what follows
    _p("t3_group", "other", r"^(?:\(六\))?其他处理$"),
    # table 3 leaf rows
    _p("t3_row", "new_received", r"本年新收"),
    _p("t3_row", "carried_over", r"上年结转"),
    _p("t3_row", "carried_forward", r"结转下一?年"),
    _p("t3_row", "partially_granted", r"部分公开"),
    _p("t3_row", "granted", r"予以公开"),
    _p("t3_row", "denied_state_secret", r"国家秘密"),
    _p("t3_row", "denied_law_forbidden", r"法律(?:行政)?法规禁止|禁止公开"),
    _p("t3_row", "denied_security_stability", r"三安全一稳定|危及"),
    _p("t3_row", "denied_third_party_rights", r"第三方"),
    _p("t3_row", "denied_internal_affairs", r"内部事务"),
    _p("t3_row", "denied_process_info", r"过程性"),
    _p("t3_row", "denied_enforcement_file", r"执法案卷"),
    _p("t3_row", "denied_admin_query", r"行政查询"),
    _p("t3_row", "unable_not_held", r"不掌握"),
    _p("t3_row", "unable_needs_creation", r"另行制作|没有现成"),
    _p("t3_row", "unable_unclear", r"不明确"),
    _p("t3_row", "rejected_petition", r"信访|举报|投诉"),
    _p("t3_row", "rejected_repeat", r"重复申请"),
    _p("t3_row", "rejected_publication", r"出版物"),
    _p("t3_row", "rejected_excessive", r"大量反复|反复申请"),
    _p("t3_row", "rejected_confirmation", r"确认或重新出具|重新出具|确认"),
    _p("t3_row", "other_no_correction", r"不补正|逾期未?补正"),
    _p("t3_row", "other_unpaid_fee", r"收费通知|缴纳费用|未按.*缴纳"),
    _p("t3_row", "other_other", r"^(?:\d[.、])?其他$", group="other"),
    _p("t3_row", "other_total", r"^(?:\(六\))?其他处理(?:情形)?$"),
    _p("t3_row", "total_processed", r"^(?:\(七\))?(?:总计|合计)$"),
    # table 3 columns
    _p("t3_col", "natural_person", r"^自然人$"),
    _p("t3_col", "commercial_enterprise", r"^商业企业$"),
    _p("t3_col", "research_institution", r"^科研机构$"),
    _p("t3_col", "social_welfare_org", r"^社会公益组织$"),
    _p("t3_col", "legal_service_org", r"^法律服务机构$"),
    _p("t3_col", "other_org", r"^其他$"),
    _p("t3_col", "total", r"^(?:总计|合计)$"),
    # table 4
    _p("t4_proc", "litigation_direct", r"未经复议直接起诉|直接起诉"),
    _p("t4_proc", "litigation_after_reconsideration", r"复议后起诉"),
    _p("t4_proc", "reconsideration", r"^行政法?复议$"),
    _p("t4_result", "upheld", r"^(?:结果)?维持$"),
    _p("t4_result", "corrected", r"^(?:结果)?纠正$"),
    _p("t4_result", "other", r"^其他(?:结果)?$"),
    _p("t4_result", "pending", r"^尚未审结$"),
    _p("t4_result", "total", r"^(?:总计|合计)$"),
    # table 2 measures (checked before items: "本年收费金额" must not be read as the item 收费)
    _p("t2_measure", "made", r"本年(?:新)?制发件?数|制发件数"),
    _p("t2_measure", "repealed", r"本年废止件?数|废止件数"),
    _p("t2_measure", "in_force", r"现行有效件?数"),
    _p("t2_measure", "new_made", r"本年新?制作数量"),
    _p("t2_measure", "new_published", r"本年新?公开数量"),
    _p("t2_measure", "total_published", r"对外公开总数量"),
    _p("t2_measure", "prior_year_items", r"上一?年(?:度)?项目数量"),
    _p("t2_measure", "change", r"本年增[/／]?减|增[/／]减"),
    _p("t2_measure", "decisions", r"处理决定数量"),
    _p("t2_measure", "amount_10k_yuan", r"收费金额"),
    _p("t2_measure", "items", r"采购项目数量"),
    _p("t2_measure", "amount", r"采购总金额"),
    # table 2 items
    _p("t2_item", "normative_documents", r"规范性文件"),
    _p("t2_item", "rules", r"^规章$"),
    _p("t2_item", "other_services", r"其他对外管理服务事项|其他对外管理服务"),
    _p("t2_item", "licensing", r"^行政许可$"),
    _p("t2_item", "penalty", r"^行政处罚$"),
    _p("t2_item", "coercion", r"^行政强制$"),
    _p("t2_item", "fees", r"^行政事业性收费$"),
    _p("t2_item", "procurement", r"政府集中采购"),
]

_BY_KIND: dict[str, list[Pattern]] = {}
for _pat in PATTERNS:
    _BY_KIND.setdefault(_pat.kind, []).append(_pat)

# Leading numbering that carries no meaning for matching: 一、 (一) 1. 1、 （1）
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[.、]|\(\d{1,2}\))")
_SPACE = re.compile(r"\s+")
# Parenthesised notes inside labels: (区分处理的,只计这一情形,不计其他情形)
_NOTE = re.compile(r"\([^()]{6,}\)")


def clean(label: str) -> str:
    """Label text as patterns see it: no white space, no trailing punctuation."""
    return _SPACE.sub("", label).replace("*", "").replace("`", "").strip(":：;；,，。#")


def strip_numbering(label: str) -> str:
    return _NUMBERING.sub("", label, count=1)


def match(kind: str, label: str) -> str | None:
    """The canonical key of `label` for a pattern kind, or None. `label` must be clean()ed."""
    bare = _NOTE.sub("", label)
    for cand in (bare, strip_numbering(bare)):
        for pat in _BY_KIND.get(kind, ()):
            if pat.regex.search(cand):
                return pat.key
    return None


def find_all(kind: str, label: str) -> list[str]:
    """Every key of `kind` whose pattern occurs in `label`, in the order they are printed
    (a header whose cells ran together: 信息内容本年新制作数量本年新公开数量对外公开总数量)."""
    hits: list[tuple[int, int, str]] = []
    for pat in _BY_KIND.get(kind, ()):
        for m in pat.regex.finditer(label):
            hits.append((m.start(), m.end(), pat.key))
    hits.sort()
    out: list[str] = []
    end = -1
    for s, e, k in hits:
        if s >= end and k not in out:
            out.append(k)
            end = e
    return out


def match_t3_row(label: str, group: str | None) -> str | None:
    """Table-3 leaf row for a clean label inside `group` (None, denied, unable, rejected, other)."""
    bare = _NOTE.sub("", label)
    for cand in (bare, strip_numbering(bare)):
        for pat in _BY_KIND["t3_row"]:
            if pat.group and pat.group != group:
                continue
            if pat.regex.search(cand):
                return pat.key
    return None


# ------------------------------------------------------------------------------------------------
# Where the tables are: section headings, anchors and table 3's group words

# Section headings (white space removed before matching). The numeral is required: the same words
# stand in the report's introduction ("本报告共由总体情况、主动公开政府信息情况…").
HEADINGS = [
    ("t2", re.compile(r"[二2][、.]?主动公开政府信息(?:情况)?")),
    ("t3", re.compile(r"[三3][、.]?收到和处理政府信息公开申请(?:情况)?")),
    ("t4", re.compile(r"[四4][、.]?政府信息公开行政(?:法)?复议")),
    ("end", re.compile(r"[五5][、.]?(?:政府信息公开工作)?存在的?主要问题|[六6][、.]其他需要报告")),
]
# Labels that open a table where its heading is missing.
ANCHORS = [
    ("t2", re.compile(r"^第二十条第")),
    ("t3", re.compile(r"本年新收|^申请人情况$")),
    ("t4", re.compile(r"^行政法?复议$|未经复议直接起诉")),
]

GROUP_PREFIX = re.compile(
    r"^(?:三[、.]?)?(?:本年度?办理结果)?"
    r"(?:\((?P<n>[三四五六])\)\s*(?P<g>不予公开|无法提供|不予处理|其他处理))?"
)
GROUP_BY_WORD = {"不予公开": "denied", "无法提供": "unable", "不予处理": "rejected", "其他处理": "other"}
GROUP_WORD_ONLY = re.compile(r"^(?P<g>不予公开|无法提供|不予处理|其他处理)")

# 三、本年度办理结果: the label that opens the outcome rows (and closes any group before it)
RESULT_GROUP = re.compile(r"^(?:三[、.]?)?本年度?办理结果")
# A label fragment that starts a new label (numbering); any other fragment may continue the one
# before it (a label printed over two lines).
_STARTS = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[.、]|\(\d{1,2}\))")


def starts_label(label: str) -> bool:
    """Whether a clean label fragment opens a new label (it carries numbering)."""
    return bool(_STARTS.match(label))


# Table 4's header words beyond the result and proceeding labels, and the words that show a header
# of results is present at all.
T4_HEADER_WORD = re.compile(r"行政诉讼|行政法?复议")
T4_RESULT_WORD = re.compile(r"维持|审结")
# Table 2's sub-table openers: 第二十条第(一)项 …
T2_SECTION = re.compile(r"^第二十条")

# Placeholder column headers that PDF-to-Markdown converters print (数据1 … 数据6, 列1, Column 3):
# the digits are part of the header word, never a value.
PLACEHOLDER_HEADER_WORD = re.compile(r"(?:数据|数值|列|栏|字段|column|col|data)$", re.IGNORECASE)
PLACEHOLDER_HEADER = re.compile(r"(?:(?:数据|数值|列|栏|字段|column|col|data)\d{1,3})+", re.IGNORECASE)

# A page number printed on its own line inside a table (text taken out of a PDF): -4-, — 4 —,
# 第4页, 第 4 页 共 6 页, 4/6, Page 4.
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–―]\s*\d{1,4}\s*[-—–―]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)

# A page number glued to the text before or after it (reading-order text out of a PDF: `-4-三、`).
PAGE_NUMBER_EDGE = re.compile(
    r"^\s*(?:[-—–―]\s*\d{1,4}\s*[-—–―]|第\s*\d{1,4}\s*页)(?=\s*\S)|(?<=\S)\s*(?:[-—–―]\s*\d{1,4}\s*[-—–―]|第\s*\d{1,4}\s*页)\s*$"
)

# Where the table part of a page starts when no section heading is printed before it.
SPAN_ANCHOR = re.compile("第二十条第|本年新收|申请人情况|\ue000TABLE")
# A section heading printed in the middle of a line (`…监督保障。 二、主动公开政府信息情况`).
MIDLINE_HEADING = re.compile(
    r"(?<![\u4e00-\u9fff])[二三四五六][、.]\s*(?=主动公开政府信息|收到和处理|政府信息公开行政|"
    r"(?:政府信息公开工作)?存在的?主要问题|其他需要报告)"
)

# --- the old statistics table (政府信息公开情况统计表, reports before the 2019 template) ---------------------
# Row labels -> narrative keys (ingest.parser.narrative.KEYS). `ctx`: the proceeding a row such as
# 被依法纠错数 belongs to, from the rows before it. Tried in order; matched after clean().
STAT_PATTERNS: list[tuple[str, re.Pattern, str | None]] = [
    ("proactive_items", re.compile(r"^(?:\(一\))?主动公开(?:政府)?信息(?:条)?数(?:量)?$"), None),
    ("requests_received", re.compile(r"^(?:\(一\))?(?:收到|受理)(?:政府信息公开)?申请(?:总)?数(?:量)?$"), None),
    ("requests_received", re.compile(r"^依申请公开(?:政府)?信息(?:申请)?(?:总)?数(?:量)?$"), None),
    ("requests_answered", re.compile(r"^(?:\([二三]\))?申请(?:办结|答复)(?:总)?数(?:量)?$"), None),
    ("requests_granted", re.compile(r"^(?:\d[.、])?同意公开(?:答复)?数$"), None),
    ("requests_partially_granted", re.compile(r"^(?:\d[.、])?同意部分公开(?:答复)?数$"), None),
    ("requests_denied", re.compile(r"^(?:\d[.、])?不同意公开(?:答复)?数$"), None),
    (
        "reconsideration_total",
        re.compile(
            r"^(?:[一二三四五六七八九十]+[、.])?(?:因政府信息公开申请)?(?:提起|申请)?行政复议(?:案件)?数(?:量)?$"
        ),
        None,
    ),
    (
        "litigation_total",
        re.compile(r"^(?:[一二三四五六七八九十]+[、.])?(?:因政府信息公开)?(?:提起)?行政诉讼(?:案件)?数(?:量)?$"),
        None,
    ),
    ("reconsideration_corrected", re.compile(r"^(?:\([一二三]\))?被(?:依法)?纠(?:错|正)数$"), "reconsideration"),
    ("litigation_lost", re.compile(r"^(?:\([一二三]\))?被(?:依法)?纠(?:错|正)数$|^败诉数$"), "litigation"),
    (
        "complaints_total",
        re.compile(
            r"^(?:[一二三四五六七八九十]+[、.])?(?:因政府信息公开)?(?:举报投诉|申诉|投诉举报)(?:案件)?数(?:量)?$"
        ),
        None,
    ),
    (
        "info_processing_fee_yuan",
        re.compile(r"^(?:[一二三四五六七八九十]+[、.])?依申请(?:提供|公开)(?:政府)?信息收取(?:的)?费用$"),
        None,
    ),
]


def match_stat(label: str, ctx: str | None) -> str | None:
    """Narrative key of a clean statistics-table row label, or None."""
    for key, rx, need in STAT_PATTERNS:
        if need is not None and need != ctx:
            continue
        if rx.match(label):
            return key
    return None


def after_last(kind: str, label: str) -> str:
    """What a clean label holds after the last pattern of `kind` in it (a header glued to the
    label that follows it)."""
    end = 0
    for pat in _BY_KIND.get(kind, ()):
        for m in pat.regex.finditer(label):
            end = max(end, m.end())
    return label[end:]


# A unit note printed after a header word: (单位:万元)
UNIT_NOTE = re.compile(r"^\(单位[:：]?[^()]{0,6}\)")


# Header words over table 3's applicant columns and table 4's result columns. A PDF prints a header
# cell over several lines, cut anywhere (社会公 / 益组织); every piece of one of these names stands in
# its column, so the pieces' positions give the columns' places in layout text when blank cells
# vanished. (法人或其他组织 spans five columns and is no column's name.)
T3_COLUMN_NAMES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计", "合计")
T4_COLUMN_NAMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "合计")


def column_piece(label: str, names: tuple[str, ...]) -> bool:
    """Whether a clean label is a column header name or a piece of one."""
    return bool(label) and any(label in n for n in names)


# (七)总计 is the total row; a bare 总计/合计 may be the applicant columns' total column instead.
BARE_TOTALS = ("总计", "合计")


def numbered_total(label: str) -> bool:
    """Whether a label is the numbered total row, (七)总计 (not a bare 总计 column header)."""
    return "七" in label


# Words that only the 2021 form's split (六)其他处理 rows carry (a fast test before matching them).
SPLIT_OTHER_WORDS = ("补正", "缴纳", "收费")
