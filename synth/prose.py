"""Prose: the report's sections 一 to 六 (or the pre-2019 seven), title, introduction, the sentences that
state the truth's numbers, portal header and footer lines, and the ways prose gets damaged (spam,
full-width digits, traditional characters). The fixed texts are in templates/prose.json."""

from __future__ import annotations

import random
import re
from typing import Any

from .data import json_data
from .places import PROV_ABBR

_T = json_data("prose.json")
P_GENERAL: list[str] = _T["general"]
P_ACTIVE: list[str] = _T["active"]
P_REQUEST: list[str] = _T["request"]
P_MANAGE: list[str] = _T["manage"]
P_PLATFORM: list[str] = _T["platform"]
P_SUPERVISE: list[str] = _T["supervise"]
P_PROBLEMS: list[str] = _T["problems"]
P_OTHER: list[str] = _T["other"]
CLAUSES: list[str] = _T["clauses"]
LEADS: list[str] = _T["leads"]
NUMS: list[str] = _T["enum_numbers"]
PRE2019_SECTIONS: list[str] = _T["pre2019_sections"]
SECTION_HEADS: list[str] = _T["section_heads"]
SUBHEADS: list[str] = _T["subheads"]

FW = str.maketrans("0123456789-.", "０１２３４５６７８９－．")
BIG_PIPES = "|" * 400


def cn_number(n: int) -> str:
    import cn2an

    return cn2an.an2cn(n, "low")


class Ctx:
    """Everything the prose templates need."""

    def __init__(self, truth: dict, rng: random.Random):
        self.t, self.rng = truth, rng
        a = truth["agency"]
        self.fmt = {
            "year": truth["report_year"],
            "next_year": truth["report_year"] + 1,
            "we": a["we"],
            "short": a["short"],
            "agency": truth["agency_name"],
            "upper": {"province": "省委省政府", "city": "市委市政府"}.get(
                a["level"], rng.choice(["区委区政府", "县委县政府", "上级部门", "党委政府"])
            ),
            "province_short": truth["region"]["province"],
            "congress": (
                "党的十八大和十八届历次全会"
                if truth["report_year"] < 2018
                else "党的十九大和十九届历次全会"
                if truth["report_year"] < 2023
                else "党的二十大"
            ),
        }

    def fill(self, tmpl: str) -> str:
        r = self.rng
        return tmpl.format(
            n1=r.randint(50, 3000),
            n2=r.randint(10, 900),
            n3=r.randint(3, 120),
            n4=r.randint(2, 60),
            n5=r.randint(1, 30),
            **self.fmt,
        )

    def paras(self, bank: list[str], k: int) -> list[str]:
        out = [self.fill(s) for s in self.rng.sample(bank, min(k, len(bank)))]
        if self.rng.random() < 0.6:
            out.insert(self.rng.randint(0, len(out)), self.enum_para())
        return out

    def enum_para(self) -> str:
        r = self.rng
        cl = r.sample(CLAUSES, r.randint(3, 5))
        return r.choice(LEADS) + "；".join(NUMS[i] + c for i, c in enumerate(cl)) + "。"


def narrative_sentences(truth: dict, rng: random.Random) -> list[str]:
    """The sentences that state the truth's narrative numbers (section 一)."""
    nar, y = truth["narrative"], truth["report_year"]
    out = []
    if "requests_received" in nar:
        n = nar["requests_received"]
        if n == 0:
            out.append(rng.choice(_T["no_requests"]).format(year=y))
        else:
            num = cn_number(n) if (n < 100 and rng.random() < 0.15) else str(n)
            out.append(rng.choice(_T["requests"]).format(year=y, num=num, online=max(0, n - n // 3), letters=n // 3))
    if "requests_answered" in nar:
        out.append(rng.choice(_T["answered"]).format(n=nar["requests_answered"]))
    if "reconsideration_total" in nar:
        s = _T["reconsideration"].format(total=nar["reconsideration_total"], corrected=nar["reconsideration_corrected"])
        if "litigation_total" in nar:
            s += "；" + _T["litigation"].format(total=nar["litigation_total"], lost=nar["litigation_lost"])
        out.append(s + "。")
    elif "litigation_total" in nar:
        out.append(_T["litigation"].format(total=nar["litigation_total"], lost=nar["litigation_lost"]) + "。")
    return out


def title(truth: dict, rng: random.Random) -> str:
    return rng.choice(_T["titles"]).format(agency=truth["agency_name"], year=truth["report_year"])


def intro(truth: dict, rng: random.Random) -> str:
    return rng.choice(_T["intros"]).format(agency=truth["agency_name"], year=truth["report_year"])


def pre2019_intro(truth: dict) -> str:
    return _T["pre2019_intro"].format(agency=truth["agency_name"], year=truth["report_year"])


def sections(truth: dict, rng: random.Random, title_present: bool) -> tuple[str, list[tuple[str, list[str]]]]:
    """(intro paragraph, [(heading, [paragraphs])]) in simplified Chinese, before any noise."""
    ctx = Ctx(truth, rng)
    y = truth["report_year"]
    gen = rng.choice(P_GENERAL)
    if not title_present:
        gen = _T["general_untitled"].format(year=y, agency=truth["agency_name"])
    depth = rng.choice([1, 2, 2, 3])
    sec1 = [ctx.fill(gen)]
    sub_banks = [P_ACTIVE, P_REQUEST, P_MANAGE, P_PLATFORM, P_SUPERVISE]
    nar = narrative_sentences(truth, rng)
    for i, (sh, bank) in enumerate(zip(SUBHEADS, sub_banks)):
        ps = ctx.paras(bank, rng.randint(1, depth + 1))
        if i == 1:
            ps = ps[:1] + nar + ps[1:]
        if rng.random() < 0.5:
            sec1.append(sh + "。" + "".join(ps))
        else:
            sec1.append(sh)
            sec1.extend(ps)
    secs = [
        (SECTION_HEADS[0], sec1),
        (SECTION_HEADS[1], []),
        (SECTION_HEADS[2], []),
        (SECTION_HEADS[3], []),
        (SECTION_HEADS[4], ctx.paras(P_PROBLEMS, rng.randint(1, 3))),
        (SECTION_HEADS[5], ctx.paras(P_OTHER, 1)),
    ]
    return intro(truth, rng), secs


def pre2019_sections(truth: dict, rng: random.Random, title_present: bool = True) -> list[tuple[str, list[str]]]:
    ctx = Ctx(truth, rng)
    gen = ctx.fill(rng.choice(P_GENERAL))
    y = truth["report_year"]
    if not title_present:
        gen = _T["pre2019_general_untitled"].format(year=y, agency=truth["agency_name"])
    we = ctx.fmt["we"]
    nar = truth["narrative"]
    req = []
    if "requests_received" in nar:
        n = nar["requests_received"]
        req.append(
            _T["pre2019_requests"].format(year=y, we=we, n=n) if n else _T["pre2019_no_requests"].format(year=y, we=we)
        )
    return [
        (PRE2019_SECTIONS[0], [gen] + ctx.paras(P_MANAGE, 2)),
        (PRE2019_SECTIONS[1], ctx.paras(P_ACTIVE, 3)),
        (PRE2019_SECTIONS[2], ctx.paras(P_REQUEST, 1) + req),
        (PRE2019_SECTIONS[3], [_T["pre2019_fees"].format(year=y, we=we)]),
        (PRE2019_SECTIONS[4], [_T["pre2019_litigation"]]),
        (PRE2019_SECTIONS[5], ctx.paras(P_PROBLEMS, 2)),
        (PRE2019_SECTIONS[6], ["无。"]),
    ]


def spam(text: str, rng: random.Random, terms: list[str]) -> str:
    """A hijacked portal: 政务公开 replaced by gambling-site names, sometimes one more inserted."""
    out, i = [], 0
    while True:
        j = text.find("政务公开", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        out.append(rng.choice(terms) if rng.random() < 0.8 else "政务公开")
        i = j + 4
    s = "".join(out)
    if rng.random() < 0.5:
        k = s.find("特色社会主义")
        if k > 0:
            s = s[:k] + rng.choice(terms) + "：" + s[k:]
    return s


def fw_prose(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: m.group(0).translate(FW) if rng.random() < 0.3 else m.group(0), text)


def date_cn(d: str) -> str:
    y, m, dd = d.split("-")
    return f"{int(y)}年{int(m)}月{int(dd)}日"


def header_block(truth: dict, rng: random.Random) -> list[str]:
    """The portal's 索引号 / 公开日期 / 发布单位 lines above the article."""
    d = truth["published_date"]
    idx = f"{rng.randint(100000000, 999999999)}/{truth['report_year'] + 1}-{rng.randint(1, 99999):05d}"
    publisher = rng.choice([truth["agency_name"], truth["agency_name"], "市政府办公厅", "区政府办公室"])
    return [f"索引号：{idx} 公开方式：主动公开", f"文号： 公开日期：{d}", f"发布单位：{publisher} 主题分类：其他"]


def footer_lines(truth: dict, rng: random.Random) -> list[str]:
    """The portal's 主办/承办, 网站标识码, 公网安备 and ICP lines."""
    prov = PROV_ABBR.get(truth["region"]["province"], "浙")
    gov = truth["region"]["city"] + "人民政府"
    return [
        f"{gov}主办 {truth['region']['city']}大数据发展管理中心承办 网站标识码{rng.randint(1000000000, 9999999999)}",
        f"{prov}公网安备 {rng.randint(10**13, 10**14 - 1)}号 {prov}ICP备{rng.randint(10000000, 99999999)}号-1",
    ]


_CONV: dict[str, Any] = {}


def s2t(text: str) -> str:
    """Simplified -> traditional (OpenCC s2t), as portals that convert on the fly print it."""
    if "s2t" not in _CONV:
        import opencc

        _CONV["s2t"] = opencc.OpenCC("s2t")
    return _CONV["s2t"].convert(text)
