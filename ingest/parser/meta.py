"""Agency name, report year, publication date and region from the page text.

Sources, strongest first: the title line (`XX局2021年政府信息公开工作年度报告`,
`2022年度XX政府信息公开工作年度报告`, the HTML <title>), the statistics period (`统计期限为2021年1月1日
至12月31日`), the prose (`2021年,XX中心认真贯彻…`, `可在XX网站下载`), and the 发布机构 field. What is
not found is None, and the caller records a warning; nothing is guessed silently.
"""

from __future__ import annotations

import re
from collections import Counter

_CJK = r"\u4e00-\u9fff"
# An agency name ends with the kind of body it is.
ORG_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|管理委员会|委员会|管委会|街道办事处|办事处|"
    r"管理局|管理处|管理所|服务中心|中心|局|厅|委|办|院|所|站|队|署|会|馆|处|政府|镇|乡|街道|公司|集团|"
    r"部|支行|分行|银行|海关|大学|学院|学校|党校|监狱|场|台)"
)
# A government's own report is often titled by its place alone: 杭州市西湖区2021年政府信息公开工作年度报告
_PLACE_ONLY = re.compile(rf"^[{_CJK}]{{2,20}}(?:省|自治区|市|自治州|州|地区|盟|区|县|自治县|旗|新区|开发区|园区)$")
_ORG = rf"[{_CJK}()]{{1,40}}?{ORG_SUFFIX}"
# words that start a clause, not a name (place names such as 本溪市, 全椒县, 将乐县, 和县, 从化区 are fine)
_BAD_START = re.compile(
    r"^(?:关于|本(?:机关|单位|部门|局|委|办|院|中心|年|报告)|我|现将|特此|各(?:级|地|部门)|该|此|对|在|为|由|"
    r"经|据|按照|根据|将进一步|向|与|请|以|其|市区县|区县)"
)
_BAD_ANY = re.compile(r"政府信息公开|年度报告|工作报告|条例|以来|足球|比分|门户网站|网站|公布|印发|发布|特此|现将")
# a sentence fragment (现公布…, 特发布…, 根据…) or a generic reference without a place name
# (市政府, 区政府国资局, 我市人民政府, 全县): no agency's name
_FRAGMENT = re.compile(
    r"^(?:现|特|兹|今|经|已|并|均|又|再|即|则|就|及|或|如|若|其中|以下|上述|下列|有关|相关|全(?:市|区|县|省|镇|乡)|"
    r"(?:省|市|区|县|镇|乡|州|旗)(?:人民)?政府|(?:省|市|区|县)(?:委|直|属|级))"
)
_PREFIX_JUNK = re.compile(r"^(?:.*?[>»]|首页|您当前的位置|当前位置|位置)+")

_REPORT = r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
TITLE = re.compile(
    rf"(?P<pre>[{_CJK}()]{{0,40}}?)[ \t]?(?P<year>(?:19|20)\d{{2}})\s*年\s*度?\s*(?P<mid>[{_CJK}()]{{0,40}}?)" + _REPORT
)
# 政府信息公开工作年度报告(2021年度) / XX局政府信息公开工作年度报告(2021年)
TITLE_YEAR_AFTER = re.compile(
    rf"(?P<pre>[{_CJK}()]{{2,40}}?)[ \t]?" + _REPORT + r"\s*[(〔\[]\s*(?P<year>(?:19|20)\d{2})\s*年?度?\s*[)〕\]]"
)
_PRE_TAIL_JUNK = re.compile(r"(?:关于|关于印发|印发|公布|发布|的)+$")
# the title printed over two lines: the body's name alone on a line, the year and report phrase below
TITLE_TWO_LINES = re.compile(
    rf"(?:^|\n)[ \t]*(?P<pre>[{_CJK}()]{{2,40}})[ \t]*\n[ \t]*(?P<year>(?:19|20)\d{{2}})\s*年\s*度?\s*" + _REPORT
)
PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日\s*(?:起|开始)?\s*(?:至|到|-|—|~)")
PERIOD_WORD = re.compile(
    r"(?:统计期限|统计时限|统计时间|统计区间|统计周期|时间范围|统计截止)[^。\n]{0,20}?((?:19|20)\d{2})\s*年"
)
PROSE_YEAR = re.compile(r"(?:^|[\s。;:,])((?:19|20)\d{2})\s*年(?:度)?(?:以来)?\s*[,，]")
ANY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

_SUBJECT_CTX = (
    r"(?:认真|坚持|深入|始终|严格|全面|按照|紧紧|积极|围绕|不断|进一步|以|高度|扎实|持续|切实|紧扣|"
    r"聚焦|在|根据|依据|贯彻|落实|把|共|主动|着力|继续|紧密|立足|牢固|稳步|大力)"
)
PROSE_ORG = [
    re.compile(rf"(?:^|[。;!\n]|(?:19|20)\d{{2}}\s*年(?:度)?(?:以来)?\s*[,，]?)\s*(?P<org>{_ORG}){_SUBJECT_CTX}"),
    re.compile(rf"在(?P<org>{_ORG})(?:门户)?(?:网站|政府网站|官网|网)"),
    re.compile(rf"请与(?P<org>{_ORG})(?:[{_CJK}]{{1,6}}科|联系|[,，(])"),
    re.compile(rf"结合(?P<org>{_ORG})(?:政府信息公开|的?实际|工作|年度)"),
    re.compile(rf"由(?P<org>{_ORG})(?:负责|编制|编写)"),
]
FIELD_ORG = re.compile(rf"(?:发布机构|发布单位|发文机关|公开主体)\s*[:：]\s*(?P<org>{_ORG})(?=\s|$|[|,，])")

DATE_FIELD = re.compile(
    r"(?:公开日期|发布日期|发布时间|成文日期|生成日期|时间|日期)\s*[:：]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

# Leading place names: province, prefecture, county level (the parser's own knowledge of region;
# a full GB/T 2260 hierarchy belongs to the warehouse).
REGION = re.compile(
    rf"^(?P<r>(?:[{_CJK}]{{2,8}}?(?:省|自治区|特别行政区))?(?:[{_CJK}]{{2,9}}?(?:市|自治州|州|地区|盟))?"
    rf"(?:[{_CJK}]{{1,9}}?(?:区|县|自治县|旗|市))?)"
)
_MUNICIPAL = ("北京市", "上海市", "天津市", "重庆市")


def valid_org(name: str | None) -> str | None:
    if not name:
        return None
    name = _PREFIX_JUNK.sub("", name).strip("()")
    if len(name) < 3 or _BAD_START.match(name) or _BAD_ANY.search(name) or _FRAGMENT.match(name):
        return None
    if not re.search(ORG_SUFFIX + r"$", name):
        return None
    if name.count("(") != name.count(")"):
        return None
    return name


_REPORT_RX = re.compile(_REPORT)


def find_title(text_head: str, html_title: str | None):
    """First title-like match: (agency or None, year, position). Only the 90 characters before each
    `…政府信息公开工作年度报告` phrase are tried, which keeps this linear in the page size."""
    for src in ([html_title] if html_title else []) + [text_head]:
        for rm in _REPORT_RX.finditer(src):
            lo = max(0, rm.start() - 90)
            seg = src[lo : rm.end() + 16]
            m2 = TITLE_TWO_LINES.search(src, max(0, rm.start() - 60), rm.end())
            if m2 and valid_org(m2.group("pre")):
                return valid_org(m2.group("pre")), int(m2.group("year")), m2.start("pre")
            for rx in (TITLE, TITLE_YEAR_AFTER):
                for m in rx.finditer(seg):
                    year = int(m.group("year"))
                    pre = _PREFIX_JUNK.sub("", _PRE_TAIL_JUNK.sub("", m.group("pre")))
                    mid = m.groupdict().get("mid") or ""
                    org = valid_org(pre) or valid_org(mid)
                    if org is None:
                        org = next((p for p in (pre, mid) if _PLACE_ONLY.match(p) and not _BAD_START.match(p)), None)
                    if org or src is text_head:
                        return org, year, lo + m.start()
    return None, None, None


def unwrap_head(text: str, lines: int = 4) -> str:
    """The first lines of a page joined without their breaks and indentation (a title wrapped over
    lines in PDF text)."""
    head = [ln.strip() for ln in text.split("\n") if ln.strip()][:lines]
    return "".join(head)


def find_agency(text: str, title: tuple) -> tuple[str | None, str | None]:
    """`title` is find_title()'s answer for this page."""
    head = text[:6000]
    org = title[0]
    if org:
        return org, "title"
    for rx in PROSE_ORG:
        for m in rx.finditer(text[:12000]):
            cand = valid_org(m.group("org"))
            if cand:
                return cand, "prose"
    fm = FIELD_ORG.search(head)
    if fm and valid_org(fm.group("org")):
        return valid_org(fm.group("org")), "field"
    return None, None


def find_year(text: str, title: tuple) -> tuple[int | None, str | None, list[int]]:
    """(year, source, other candidate years that disagree); `title` is find_title()'s answer."""
    cands: list[tuple[int, str]] = []
    ty = title[1]
    if ty:
        cands.append((ty, "title"))
    m = PERIOD.search(text[:40000]) or PERIOD_WORD.search(text[:40000])
    if m:
        cands.append((int(m.group(1)), "period"))
    m = PROSE_YEAR.search(text[:20000])
    if m:
        cands.append((int(m.group(1)), "prose"))
    if not cands:
        years = Counter(int(y) for y in ANY_YEAR.findall(text[:20000]))
        if years:
            y, _ = years.most_common(1)[0]
            cands.append((y, "prose_frequency"))
    cands = [(y, s) for y, s in cands if 2000 <= y <= 2100]
    if not cands:
        return None, None, []
    year, src = cands[0]
    others = sorted({y for y, _ in cands if y != year})
    return year, src, others


def _date(y: str, mo: str, d: str) -> str | None:
    y_, m_, d_ = int(y), int(mo), int(d)
    if 1 <= m_ <= 12 and 1 <= d_ <= 31:
        return f"{y_:04d}-{m_:02d}-{d_:02d}"
    return None


def find_published(text: str, report_year: int | None) -> str | None:
    m = DATE_FIELD.search(text[:6000])
    if m:
        return _date(*m.groups())
    # the signature date closes the report: a date near the end that is not a period bound
    tail = text[-400:]
    for m in reversed(list(DATE_CN.finditer(tail))):
        if re.match(r"\s*(?:起|至|到|-|—|~)", tail[m.end() : m.end() + 3]):
            continue
        y, mo = int(m.group(1)), int(m.group(2))
        if report_year is None or y == report_year + 1 or (y == report_year and mo == 12):
            return _date(*m.groups())
    return None


def find_region(agency: str | None) -> str | None:
    """The place-name prefix of the agency name (杭州市, 浙江省杭州市, 嵊州市), or None."""
    if not agency:
        return None
    for muni in _MUNICIPAL:
        if agency.startswith(muni):
            rest = REGION.match(agency[len(muni) :])
            tail = rest.group("r") if rest else ""
            return muni + (tail if tail and tail.endswith(("区", "县")) else "")
    m = REGION.match(agency)
    if not m or not m.group("r"):
        return None
    r = m.group("r")
    # a body name is not a place: 人民政府 / 行政服务中心 are never a region
    return r if len(r) >= 3 and r != agency else None
