"""Synthetic 政府信息公开工作年度报告: random canonical records rendered as realistic documents.

The generator is the parser's round-trip oracle, the benchmark corpus and the warehouse's sample
data, so the documents look like the real ones in ``tests/fixtures/seeds``: long prose sections
一 to 六 around the three standard tables, portal chrome, Word-exported HTML, ``|`` text tables, one
cell per line, numbers whose separators were lost, prose only; traditional characters, GBK bytes,
BOMs, full-width digits, injected gambling spam, empty cells, label noise.

Everything is driven by one ``random.Random``: a seed gives the same bytes on every run.

    random_truth(rng, year=None) -> truth record (canonical keys, as ``ingest.parse_bytes`` returns)
    render(truth, rng, style=None) -> (bytes, meta)   meta says what was applied
    corpus(n, seed, years=range(2019, 2025), styles=None) -> (filename, bytes, truth, meta), ...
    python -m ingest.synth --out DIR --n 300 --seed 20240101 [--years 2019-2024]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import html as _html
import json
import operator
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.parser import labels as L

STYLES = ("html_table", "pipe", "cell_per_line", "glued", "prose_only")
STYLE_WEIGHTS = (45, 20, 12, 8, 15)
SPAM_TERMS = ("足球比分网", "365体育", "澳门银河", "皇冠体育", "威尼斯人娱乐", "金沙娱乐场")
BROKEN_CODES = ("T3_COLUMN_BALANCE", "T3_OUTCOME_SUM", "T3_ROW_SUM", "T4_TOTAL", "NARRATIVE_MISMATCH")

# ----------------------------------------------------------------------------------------------
# agencies
# ----------------------------------------------------------------------------------------------
# (province, city, [county-level units], [towns / streets of the first few counties])
PLACES: list[tuple[str, str, list[str]]] = [
    (
        "浙江省",
        "杭州市",
        [
            "上城区",
            "拱墅区",
            "西湖区",
            "滨江区",
            "萧山区",
            "余杭区",
            "临平区",
            "钱塘区",
            "富阳区",
            "临安区",
            "桐庐县",
            "淳安县",
            "建德市",
        ],
    ),
    (
        "浙江省",
        "宁波市",
        ["海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "余姚市", "慈溪市", "宁海县", "象山县"],
    ),
    (
        "浙江省",
        "温州市",
        ["鹿城区", "龙湾区", "瓯海区", "洞头区", "瑞安市", "乐清市", "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县"],
    ),
    ("浙江省", "绍兴市", ["越城区", "柯桥区", "上虞区", "诸暨市", "嵊州市", "新昌县"]),
    ("浙江省", "湖州市", ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县"]),
    ("浙江省", "嘉兴市", ["南湖区", "秀洲区", "海宁市", "平湖市", "桐乡市", "嘉善县", "海盐县"]),
    ("浙江省", "金华市", ["婺城区", "金东区", "兰溪市", "义乌市", "东阳市", "永康市", "武义县", "浦江县"]),
    ("浙江省", "衢州市", ["柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县"]),
    ("浙江省", "舟山市", ["定海区", "普陀区", "岱山县", "嵊泗县"]),
    ("浙江省", "台州市", ["椒江区", "黄岩区", "路桥区", "临海市", "温岭市", "玉环市", "三门县", "天台县", "仙居县"]),
    (
        "浙江省",
        "丽水市",
        ["莲都区", "龙泉市", "青田县", "缙云县", "遂昌县", "松阳县", "云和县", "庆元县", "景宁畲族自治县"],
    ),
    ("安徽省", "池州市", ["贵池区", "东至县", "石台县", "青阳县"]),
    ("安徽省", "合肥市", ["瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县", "庐江县", "巢湖市"]),
    ("安徽省", "芜湖市", ["镜湖区", "弋江区", "鸠江区", "湾沚区", "繁昌区", "无为市", "南陵县"]),
    (
        "安徽省",
        "安庆市",
        ["迎江区", "大观区", "宜秀区", "桐城市", "潜山市", "怀宁县", "太湖县", "宿松县", "望江县", "岳西县"],
    ),
    (
        "江苏省",
        "南京市",
        [
            "玄武区",
            "秦淮区",
            "建邺区",
            "鼓楼区",
            "浦口区",
            "栖霞区",
            "雨花台区",
            "江宁区",
            "六合区",
            "溧水区",
            "高淳区",
        ],
    ),
    ("江苏省", "苏州市", ["姑苏区", "虎丘区", "吴中区", "相城区", "吴江区", "常熟市", "张家港市", "昆山市", "太仓市"]),
    ("广东省", "广州市", ["荔湾区", "越秀区", "天河区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区"]),
    ("广东省", "深圳市", ["罗湖区", "福田区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区", "光明区"]),
    (
        "四川省",
        "成都市",
        ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "新都区", "温江区", "双流区", "郫都区"],
    ),
    (
        "湖北省",
        "武汉市",
        ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "蔡甸区", "江夏区", "黄陂区", "新洲区"],
    ),
    ("湖南省", "长沙市", ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "浏阳市", "宁乡市"]),
    ("福建省", "厦门市", ["思明区", "海沧区", "湖里区", "集美区", "同安区", "翔安区"]),
    (
        "河南省",
        "郑州市",
        [
            "中原区",
            "二七区",
            "管城回族区",
            "金水区",
            "上街区",
            "惠济区",
            "巩义市",
            "荥阳市",
            "新密市",
            "新郑市",
            "登封市",
            "中牟县",
        ],
    ),
]
TOWNS = [
    "西溪",
    "北山",
    "灵隐",
    "翠苑",
    "古荡",
    "文新",
    "蒋村",
    "留下",
    "转塘",
    "双浦",
    "三墩",
    "湖滨",
    "小营",
    "南星",
    "紫阳",
    "望江",
    "闸弄口",
    "四季青",
    "彭埠",
    "笕桥",
    "丁兰",
    "九堡",
    "浦沿",
    "长河",
    "西兴",
    "北干",
    "城厢",
    "新塘",
    "瓜沥",
    "义桥",
    "戴村",
    "分水",
    "汾口",
    "千岛湖",
    "梅城",
    "里山",
    "秋浦",
    "梅街",
    "牛头山",
    "乌沙",
    "墩上",
    "马衙",
    "殷汇",
    "涓桥",
    "棠溪",
    "牌楼",
    "唐田",
    "六都",
]
CITY_BODIES = [
    "人民政府办公室",
    "应急管理局",
    "自然资源和规划局",
    "人民防空办公室",
    "发展和改革委员会",
    "卫生健康委员会",
    "市场监督管理局",
    "综合行政执法局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "文化广电旅游局",
    "数据资源管理局",
    "经济和信息化局",
    "机关事务管理局",
    "医疗保障局",
    "退役军人事务局",
    "林业局",
    "水利局",
    "公安局",
    "司法局",
    "统计局",
    "审计局",
    "信访局",
    "民政局",
    "体育局",
    "商务局",
    "教育局",
    "财政局",
    "交通运输局",
    "生态环境局",
    "农业农村局",
    "城市管理局",
    "科学技术局",
    "民族宗教事务局",
]
COUNTY_BODIES = CITY_BODIES + ["行政审批服务局"]
PROVINCE_BODIES = [
    "人民政府办公厅",
    "应急管理厅",
    "自然资源厅",
    "财政厅",
    "教育厅",
    "生态环境厅",
    "交通运输厅",
    "公安厅",
    "司法厅",
    "民政厅",
    "水利厅",
    "商务厅",
    "审计厅",
    "卫生健康委员会",
    "市场监督管理局",
    "统计局",
]
ZONE_BODIES = ["经济技术开发区管理委员会", "高新技术产业开发区管理委员会"]


def _agency(rng: random.Random) -> dict:
    prov, city, counties = rng.choice(PLACES)
    level = rng.choices(["province", "city", "county", "town", "zone", "gov"], [4, 38, 36, 10, 4, 8])[0]
    county = rng.choice(counties)
    if level == "province":
        body = rng.choice(PROVINCE_BODIES)
        name, short = prov + body, "省" + body
    elif level == "city":
        body = rng.choice(CITY_BODIES)
        name, short = city + body, "市" + body
    elif level == "county":
        body = rng.choice(COUNTY_BODIES)
        lvl = county[-1]
        prefix = city + county if (lvl == "区" and rng.random() < 0.5) else county
        name, short = prefix + body, lvl + body
    elif level == "town":
        town = rng.choice(TOWNS)
        body = rng.choices(["街道办事处", "镇人民政府", "乡人民政府"], [5, 4, 1])[0]
        prefix = county if rng.random() < 0.7 else city + county
        name, short = prefix + town + body, town + body
    elif level == "zone":
        body = rng.choice(ZONE_BODIES)
        name, short = city + body, "管委会"
    else:
        tgt = rng.choice([city, county])
        name, short = tgt + "人民政府", tgt[-1] + "政府"
    if name.endswith(("局", "厅")):
        we = "我" + name[-1]
    elif name.endswith(("办公室", "办事处")):
        we = "我办" if name.endswith("办公室") else "我街道"
    elif name.endswith("委员会"):
        we = "我委"
    elif name.endswith("镇人民政府"):
        we = "我镇"
    elif name.endswith("乡人民政府"):
        we = "我乡"
    else:
        we = "本机关"
    return {"name": name, "short": short, "we": we, "province": prov, "city": city, "county": county, "level": level}


# ----------------------------------------------------------------------------------------------
# numbers
# ----------------------------------------------------------------------------------------------
def _split(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """Split n into len(weights) non-negative ints, roughly proportional to weights."""
    if n <= 0:
        return [0] * len(weights)
    if n <= 400:
        out = [0] * len(weights)
        for i in rng.choices(range(len(weights)), weights, k=n):
            out[i] += 1
        return out
    out, left, wleft = [], n, sum(weights)
    for w in weights[:-1]:
        if wleft <= 0:
            out.append(0)
            continue
        share = left * w / wleft
        k = max(0, min(left, round(share * rng.uniform(0.85, 1.15))))
        out.append(k)
        left -= k
        wleft -= w
    out.append(left)
    return out


def _lognum(rng: random.Random, lo: int, hi: int) -> int:
    import math

    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _dec(rng: random.Random, lo: float, hi: float) -> int | float:
    """A money amount as printed: integer or 1-2 decimals."""
    import math

    v = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    nd = rng.choice([0, 1, 2, 2])
    s = f"{v:.{nd}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return float(s) if "." in s else int(s)


OUTCOME_WEIGHTS = {
    "granted": 40,
    "partially_granted": 8,
    "denied_state_secret": 0.3,
    "denied_law_forbidden": 0.6,
    "denied_security_stability": 0.4,
    "denied_third_party_rights": 2,
    "denied_internal_affairs": 2,
    "denied_process_info": 3,
    "denied_enforcement_file": 1,
    "denied_admin_query": 2,
    "unable_not_held": 22,
    "unable_needs_creation": 3,
    "unable_unclear": 2,
    "rejected_petition": 3,
    "rejected_repeat": 2,
    "rejected_publication": 0.5,
    "rejected_excessive": 1,
    "rejected_confirmation": 1,
    "other_no_correction": 3,
    "other_unpaid_fee": 0.2,
    "other_other": 4,
    "other_total": 7,
}


def _table3(rng: random.Random, fmt: str, size: str) -> dict:
    rows = L.T3_ROWS_2021 if fmt == "2021" else L.T3_ROWS_2019
    outcomes = L.T3_OUTCOME_ROWS_2021 if fmt == "2021" else L.T3_OUTCOME_ROWS_2019
    apps = L.T3_APPLICANT_COLS
    n = {
        "zero": 0,
        "tiny": rng.randint(1, 5),
        "small": rng.randint(6, 40),
        "medium": rng.randint(41, 400),
        "large": _lognum(rng, 400, 6000),
    }[size]
    pn = rng.uniform(0.55, 1.0)
    orgw = [
        rng.choice([0, 0.1, 1, 3]) * 3,
        rng.choice([0, 0, 0.2]),
        rng.choice([0, 0, 0.3]),
        rng.choice([0, 0.5, 1]),
        rng.choice([0, 0.5, 1.5]),
    ]
    if sum(orgw) == 0:
        orgw[0] = 1
    nat = round(n * pn)
    new = [nat] + _split(rng, n - nat, orgw)
    carried = [(_split(rng, max(0, int(v * rng.uniform(0, 0.15))), [1])[0] if rng.random() < 0.4 else 0) for v in new]
    forward = [int((a + b) * rng.uniform(0, 0.12)) if rng.random() < 0.35 else 0 for a, b in zip(new, carried)]
    weights = {k: OUTCOME_WEIGHTS[k] * (rng.uniform(0.2, 2.0) if rng.random() < 0.7 else 0.0) for k in outcomes}
    weights["granted"] = max(weights["granted"], 5.0)
    t3: dict[str, dict[str, int]] = {r: {} for r in rows}
    for ci, c in enumerate(apps):
        proc = new[ci] + carried[ci] - forward[ci]
        parts = _split(rng, proc, [weights[k] for k in outcomes])
        for k, v in zip(outcomes, parts):
            t3[k][c] = v
        t3["new_received"][c] = new[ci]
        t3["carried_over"][c] = carried[ci]
        t3["carried_forward"][c] = forward[ci]
        t3["total_processed"][c] = proc
    for r in rows:
        t3[r]["total"] = sum(t3[r][c] for c in apps)
    return {r: {c: t3[r][c] for c in L.T3_COLS} for r in rows}


def _table4(rng: random.Random, size: str) -> dict:
    scale = {"zero": 0.0, "tiny": 0.3, "small": 1.0, "medium": 4.0, "large": 25.0}[size]
    t4 = {}
    for p in L.T4_PROCS:
        n = 0
        if scale and rng.random() < min(0.9, 0.25 + 0.15 * scale):
            n = max(
                0, int(rng.expovariate(1 / max(0.5, scale * (1.0 if p != "litigation_after_reconsideration" else 0.4))))
            )
        parts = _split(rng, n, [6, rng.choice([0, 0.5, 1.5]), rng.choice([0, 1, 2]), rng.choice([0, 1])])
        t4[p] = dict(zip(["upheld", "corrected", "other", "pending"], parts))
        t4[p]["total"] = n
    return t4


def _table2(rng: random.Random, fmt: str, size: str) -> dict:
    big = {"zero": 0.3, "tiny": 0.5, "small": 1.0, "medium": 3.0, "large": 10.0}[size]

    def cnt(p_zero: float, hi: float) -> int:
        return 0 if rng.random() < p_zero else _lognum(rng, 1, max(2, int(hi * big)))

    t2: dict[str, dict[str, Any]] = {}
    if fmt == "2021":
        rules_made = cnt(0.93, 3)
        t2["rules"] = {"made": rules_made, "repealed": cnt(0.95, 2), "in_force": rules_made + cnt(0.85, 30)}
        made = cnt(0.4, 15)
        t2["normative_documents"] = {"made": made, "repealed": cnt(0.6, 10), "in_force": made + cnt(0.3, 80)}
        t2["licensing"] = {"decisions": cnt(0.35, 3000)}
        t2["penalty"] = {"decisions": cnt(0.4, 2000)}
        t2["coercion"] = {"decisions": cnt(0.7, 100)}
        t2["fees"] = {"amount_10k_yuan": 0 if rng.random() < 0.65 else _dec(rng, 0.05, 500 * big)}
    else:
        for item in ("rules", "normative_documents"):
            nm = cnt(0.9 if item == "rules" else 0.4, 3 if item == "rules" else 15)
            t2[item] = {
                "new_made": nm,
                "new_published": nm if rng.random() < 0.85 else cnt(0.5, 10),
                "total_published": nm + cnt(0.3, 80),
            }
        for item in ("licensing", "other_services", "penalty", "coercion"):
            prior = cnt(0.3, 60)
            ch = 0 if rng.random() < 0.6 else rng.randint(-min(prior, 12), 12)
            t2[item] = {"prior_year_items": prior, "change": ch, "decisions": cnt(0.4, 2500)}
        prior = cnt(0.5, 8)
        t2["fees"] = {"prior_year_items": prior, "change": 0 if rng.random() < 0.8 else rng.randint(-min(prior, 3), 3)}
        items = cnt(0.5, 40)
        t2["procurement"] = {"items": items, "amount": 0 if items == 0 else _dec(rng, 1, 800 * big)}
    return {k: {m: t2[k][m] for m in L.TABLE2_LAYOUT[fmt][k]} for k in L.TABLE2_LAYOUT[fmt]}


def check_arith(truth: dict) -> set[str]:
    """Finding codes the truth's tables break (the parser must report at least these)."""
    out: set[str] = set()
    t3, t4 = truth.get("table3"), truth.get("table4")
    if t3:
        outcomes = [r for r in t3 if r not in L.T3_STAGE_ROWS]
        for _r, row in t3.items():
            if row["total"] != sum(row[c] for c in L.T3_APPLICANT_COLS):
                out.add("T3_ROW_SUM")
        for c in L.T3_COLS:
            if t3["total_processed"][c] != sum(t3[r][c] for r in outcomes):
                out.add("T3_OUTCOME_SUM")
            if t3["new_received"][c] + t3["carried_over"][c] != t3["total_processed"][c] + t3["carried_forward"][c]:
                out.add("T3_COLUMN_BALANCE")
    if t4:
        for _p, row in t4.items():
            if row["total"] != row["upheld"] + row["corrected"] + row["other"] + row["pending"]:
                out.add("T4_TOTAL")
    return out


def _break(rng: random.Random, truth: dict) -> None:
    t3, t4 = truth["table3"], truth["table4"]
    rules = rng.sample(
        ["T3_ROW_SUM", "T3_OUTCOME_SUM", "T3_COLUMN_BALANCE", "T4_TOTAL", "NARRATIVE_MISMATCH"],
        k=rng.choice([1, 1, 1, 2]),
    )
    for rule in rules:
        d = rng.choice([1, 1, 2, 3, 10])
        if rule == "T3_ROW_SUM":
            r = rng.choice(list(t3))
            t3[r]["total"] = t3[r]["total"] + d if (t3[r]["total"] < d or rng.random() < 0.5) else t3[r]["total"] - d
        elif rule == "T3_OUTCOME_SUM":
            r = rng.choice([k for k in t3 if k not in L.T3_STAGE_ROWS])
            c = rng.choice(L.T3_APPLICANT_COLS[:2])
            t3[r][c] += d
            t3[r]["total"] += d
        elif rule == "T3_COLUMN_BALANCE":
            c = rng.choice(L.T3_APPLICANT_COLS[:2])
            t3["carried_forward"][c] += d
            t3["carried_forward"]["total"] += d
        elif rule == "T4_TOTAL":
            p = rng.choice(L.T4_PROCS)
            t4[p]["total"] += d
        else:
            truth["narrative"]["requests_received"] = t3["new_received"]["total"] + d
            truth["_narrative_mismatch"] = True
    broken = check_arith(truth)
    if truth.pop("_narrative_mismatch", False):
        broken.add("NARRATIVE_MISMATCH")
    truth["broken"] = sorted(broken)


def random_truth(rng: random.Random, year: int | None = None) -> dict:
    """A canonical truth record: what a correct parse of the rendered document must give."""
    if year is None:
        year = rng.randint(2014, 2018) if rng.random() < 0.08 else rng.randint(2019, 2024)
    fmt = "pre2019" if year < 2019 else ("2019" if year < 2021 else "2021")
    ag = _agency(rng)
    size = rng.choices(["zero", "tiny", "small", "medium", "large"], [25, 30, 25, 15, 5])[0]
    if ag["level"] in ("province", "gov") and size in ("zero", "tiny"):
        size = "small"
    pub = _dt.date(year + 1, 1, 1) + _dt.timedelta(days=rng.randint(5, 85))
    truth: dict[str, Any] = {
        "agency_name": ag["name"],
        "report_year": year,
        "format_version": fmt,
        "published_date": pub.isoformat(),
        "table2": None,
        "table3": None,
        "table4": None,
        "narrative": {},
        "broken": [],
        "region": {
            "province": ag["province"],
            "city": ag["city"],
            "county": ag["county"] if ag["level"] in ("county", "town") else None,
        },
        "agency": {"short": ag["short"], "we": ag["we"], "level": ag["level"]},
        "size": size,
    }
    if fmt == "pre2019":
        n = {
            "zero": 0,
            "tiny": rng.randint(1, 5),
            "small": rng.randint(6, 40),
            "medium": rng.randint(41, 400),
            "large": _lognum(rng, 400, 6000),
        }[size]
        if rng.random() < 0.85:
            truth["narrative"]["requests_received"] = n
        return truth
    truth["table2"] = _table2(rng, fmt, size)
    truth["table3"] = _table3(rng, fmt, size)
    truth["table4"] = _table4(rng, size)
    t3, t4 = truth["table3"], truth["table4"]
    nar = truth["narrative"]
    if rng.random() < 0.85:
        nar["requests_received"] = t3["new_received"]["total"]
    if rng.random() < 0.35:
        nar["requests_answered"] = t3["total_processed"]["total"]
    if rng.random() < 0.3:
        nar["reconsideration_total"] = t4["reconsideration"]["total"]
        nar["reconsideration_corrected"] = t4["reconsideration"]["corrected"]
    if rng.random() < 0.25:
        nar["litigation_total"] = t4["litigation_direct"]["total"] + t4["litigation_after_reconsideration"]["total"]
        nar["litigation_lost"] = (
            t4["litigation_direct"]["corrected"] + t4["litigation_after_reconsideration"]["corrected"]
        )
    if rng.random() < 0.10:
        if "requests_received" not in nar:
            nar["requests_received"] = t3["new_received"]["total"]
        _break(rng, truth)
    return truth


# ----------------------------------------------------------------------------------------------
# prose
# ----------------------------------------------------------------------------------------------
P_GENERAL = [
    "{year}年，{we}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻{congress}精神，认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，紧紧围绕中心工作，不断提升政务公开质量和实效。",
    "{year}年，在{upper}的正确领导下，{short}认真贯彻落实政务公开工作部署要求，紧密结合部门职能，不断规范公开内容，创新公开形式，突出公开重点，切实提高政务公开工作水平。",
    "{year}年以来，{we}坚持“以公开为常态、不公开为例外”原则，深入贯彻落实《中华人民共和国政府信息公开条例》、《{province_short}政府信息公开暂行办法》的有关工作要求，紧紧把握数字化改革契机，积极推动政务公开工作的开展。",
]
P_ACTIVE = [
    "立足单位职责和工作特色，紧紧抓好信息公开内容建设，全年通过门户网站主动公开政府信息{n1}条，其中工作动态{n2}条、通知公告{n3}条、政策文件{n4}条、政策解读{n5}条。",
    "聚焦群众关切，围绕优化营商环境、民生保障、重大项目建设等重点领域，及时发布各类信息{n1}条，政务微信公众号推送信息{n2}条，政务微博发布信息{n3}条，累计阅读量达{n4}万次。",
    "严格落实政策文件与解读方案、解读材料同步组织、同步审签、同步部署的要求，全年发布政策解读{n5}篇，其中图文解读{n3}篇、视频解读{n2}个，进一步提升了政策知晓度。",
    "围绕做好“六稳”“六保”工作加强政策发布解读，积极发布“政策文件及解读”“执行落实情况”等相关信息，提高解读质量，增强政策的传播力和影响力。",
    "认真做好规范性文件的清理工作，对现行有效的规范性文件进行全面梳理，并在门户网站集中公开清理结果，方便公众查询。",
    "不断完善政府信息公开目录体系，做到目录健全、形式规范、分类明晰，全年更新法规文件{n4}条、规划计划{n5}条、财政预决算{n3}条、人事信息{n2}条。",
    "结合防灾减灾日、安全生产月、宪法宣传周等重点时段，开展政策宣传进社区、进企业、进校园等活动{n5}场次，发放宣传资料{n1}余份。",
]
P_REQUEST = [
    "畅通网络、信函、当面等申请渠道，规范依申请公开办理程序，依法稳妥制作政府信息公开答复，进一步提升依申请公开办理质量。",
    "结合工作实际，动态调整政府信息公开指南，进一步规范工作流程，对于答复难度较大的申请件加强与法律顾问的会商研究，确保依法依规答复，并加强与申请人的沟通，做好解释说明。",
    "严格落实政府信息依申请公开的受理、审查、处理、答复等各环节工作流程，做到规范办理，不断加强工作人员的培训和学习，切实增强业务能力。",
]
P_MANAGE = [
    "建立健全政府信息发布、审查机制，结合年度工作重点，落实责任主体，根据各项工作进展，按规范流程对各栏目信息实施动态更新调整。",
    "强化信息公开发布审核，严格落实“三审三校”制度，重点从文字表述规范性、信息准确性等方面加强把关，做好内容审核和保密审查，确保公开信息依法、准确和合理。",
    "成立由主要领导任组长、分管领导任副组长、各科室负责人为成员的政府信息公开工作领导小组，形成主要领导亲自抓、分管领导具体抓、层层抓落实的组织领导机制。",
    "严格按照信息公开保密审查有关规定，从严把握主动公开、依申请公开、不予公开的范围，厘清政府信息主动公开的界限，确保公开信息的准确性、及时性、安全性。",
]
P_PLATFORM = [
    "深化政务新媒体等信息发布平台建设，不断拓宽公开覆盖面，截至目前，政务微博、微信公众号粉丝量达{n2}余人。",
    "建立健全平台日常运维机制，对政务网站集约化平台后台管理、模板维护、网站改造、防篡改发布系统、数据备份、系统升级、紧急故障响应等方面进行全方位运维，保证门户网站正常运行。",
    "线上依托政府门户网站发布政府信息，严格按照要求更新信息内容，充分运用微信公众号、微博、抖音等政务新媒体多渠道发布工作动态；线下在服务大厅设置政务公开专区，配备电脑、打印机等设备，随时为公众提供政府信息查阅服务。",
    "加强媒体合作，打通应急发布和科普宣传等渠道，联动电视台、广播电台制作专题节目{n5}期，切实提升政民互动的便捷性。",
]
P_SUPERVISE = [
    "围绕政务公开中心工作，结合工作实际，制定年度政务公开工作实施方案，明确工作任务和责任分工，切实抓好落实。定期研究分析工作中存在的问题，落实改进措施。",
    "{we}设有政务公开领导小组，以机制建设为保障，全面落实监督责任，积极参加上级组织的业务培训和专题会议，不断强化依法公开意识，增强依法公开能力。",
    "自觉接受工作考核和社会评议，{year}年度未发现违反有关法律法规规定、造成不良影响或者严重后果的情况，未发生需要责任追究的情况。",
    "组织开展系统内政府信息公开线上培训{n5}次，参训人员{n3}人次，推动工作能力提升。",
]
P_PROBLEMS = [
    "{year}年，{short}政务公开工作取得了一定的成效，但对照政务公开工作新要求，仍存在一些不足，主要表现在：一是主动公开意识有待增强，公开形式缺少创新；二是重点领域信息公开广度和深度还不够，公开内容质量有待提高；三是公开队伍建设仍需加强，工作人员的能力和水平有待进一步提升。",
    "存在的主要问题：个别栏目信息更新不够及时，政策解读形式还不够丰富，对群众关注的热点、难点问题回应还不够主动，依申请公开答复的规范性有待进一步提高。",
    "{next_year}年，{we}将进一步做好以下工作：（一）进一步提升政务公开服务质量。以政府数字化转型为契机，进一步提高政务公开信息化、集中化、智能化水平。（二）进一步明确政务公开工作重点。以重大政策征求意见、重要文件解读、重大民生事项为重点，加强政策解读，回应社会关切。（三）进一步加强队伍建设。积极组织开展学习和培训，增强主动公开意识，提升工作能力和业务水平。",
    "下一步，{we}将严格贯彻执行《中华人民共和国政府信息公开条例》，健全政府信息公开工作制度，优化工作流程，深入了解群众诉求，做到沟通交流有情有心、答复说明有理有据，有效化解矛盾，切实提高依申请公开办理质效。",
]
P_OTHER = [
    "{year}年度，{we}未收取政府信息公开信息处理费。",
    "本年度没有需要收费的信息公开申请件，故没有发出收费通知，也无实际收费。无其他需要报告的事项。",
    "（一）其他需要报告的事项情况。无。（二）收取信息处理费的情况。{year}年度{we}未收取政府信息公开信息处理费。",
    "无。",
]
CLAUSES = [
    "持续深化重点领域信息公开，及时公开财政预决算、重大建设项目、公共资源配置等信息",
    "加强政策解读，坚持政策文件与解读材料同步起草、同步审批、同步发布",
    "规范政府信息公开平台栏目设置，对内容陈旧、更新缓慢的栏目进行清理整合",
    "落实公开属性源头认定机制，在公文办理环节明确公开属性",
    "推进基层政务公开标准化规范化建设，编制完善基层政务公开事项目录",
    "加强政民互动，认真办理网民留言和咨询，做到件件有回音、事事有着落",
    "严格执行保密审查制度，坚持先审查、后公开，一事一审、全面审查",
    "组织开展政务公开业务培训，提升工作人员的政策水平和业务能力",
    "完善依申请公开办理流程，实行登记、审核、答复全流程闭环管理",
    "加大政务新媒体建设力度，提升信息发布的时效性和覆盖面",
    "做好建议提案办理结果公开，主动接受社会监督",
    "开展政府开放日活动，邀请人大代表、政协委员和群众代表走进机关",
    "推进决策公开，重大行政决策事项严格履行公众参与、专家论证程序",
    "加强对公开内容的动态管理，对已公开信息定期开展评估",
    "完善政务公开考核评价体系，将政务公开纳入年度目标责任制考核",
    "健全突发事件信息发布机制，第一时间发布权威信息，回应社会关切",
    "梳理公开事项清单，细化公开内容、公开时限、公开方式和公开主体",
    "依托线下政务公开专区，提供政策咨询、信息查阅等服务",
    "推动办事服务信息公开，及时更新办事指南，实现办事服务事项“一网通办”",
    "规范行政执法信息公示，全面推行行政执法公示制度",
    "强化信息发布审核，落实信息发布三级审核制度",
    "加强网站常态化监管，每日巡查网站错别字、死链接及敏感信息",
]
LEADS = ["主要做了以下工作：", "具体做法如下：", "重点抓好以下几个方面：", "工作中注重把握以下几点：", ""]
NUMS = ["一是", "二是", "三是", "四是", "五是"]
PRE2019_SECTIONS = [
    "一、概述",
    "二、主动公开政府信息情况",
    "三、依申请公开政府信息情况",
    "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "六、政府信息公开工作存在的主要问题及改进措施",
    "七、其他需要报告的事项",
]
SECTION_HEADS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
SUBHEADS = ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）平台建设", "（五）监督保障"]


def _cn(n: int) -> str:
    import cn2an

    return cn2an.an2cn(n, "low")


class _Ctx:
    """Everything the prose templates need, plus the render options that touch prose."""

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


def _narrative_sentences(truth: dict, rng: random.Random) -> list[str]:
    nar, y = truth["narrative"], truth["report_year"]
    out = []
    if "requests_received" in nar:
        n = nar["requests_received"]
        if n == 0:
            out.append(
                rng.choice(
                    [f"{y}年，未收到社会组织或群众个人提出的政府信息公开申请。", f"{y}年以来，未收到政府信息公开申请。"]
                )
            )
        else:
            num = _cn(n) if (n < 100 and rng.random() < 0.15) else str(n)
            out.append(
                rng.choice(
                    [
                        f"{y}年，共收到政府信息公开申请{num}件，均按规定时间办结。",
                        f"{y}年，共收到和受理政府信息公开申请{num}件，均在规定期限内办结。",
                        f"全年共新收政府信息公开申请{num}件，其中网上申请{max(0, n - n // 3)}件，信函申请{n // 3}件。",
                    ]
                )
            )
    if "requests_answered" in nar:
        out.append(
            rng.choice(
                [
                    f"全年答复办理政府信息公开申请{nar['requests_answered']}件。",
                    f"依申请公开答复数{nar['requests_answered']}件，均已书面形式答复申请人。",
                ]
            )
        )
    if "reconsideration_total" in nar:
        s = f"涉及行政复议{nar['reconsideration_total']}件，被纠错{nar['reconsideration_corrected']}件"
        if "litigation_total" in nar:
            s += f"；涉及行政诉讼{nar['litigation_total']}件，败诉{nar['litigation_lost']}件"
        out.append(s + "。")
    elif "litigation_total" in nar:
        out.append(f"涉及行政诉讼{nar['litigation_total']}件，败诉{nar['litigation_lost']}件。")
    return out


# ----------------------------------------------------------------------------------------------
# table grids (one model for html, pipe and cell-per-line)
# ----------------------------------------------------------------------------------------------
class Cell:
    __slots__ = ("cs", "empty", "key", "kind", "parts", "rs")

    def __init__(self, parts, rs=1, cs=1, key=None, empty=False, kind="label"):
        self.parts = parts if isinstance(parts, list) else [parts]
        self.rs, self.cs, self.key, self.empty, self.kind = rs, cs, key, empty, kind

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _fmt_num(v) -> str:
    if isinstance(v, float):
        s = f"{v:.2f}".rstrip("0").rstrip(".")
        return s
    return str(v)


FW = str.maketrans("0123456789-.", "０１２３４５６７８９－．")


class _Opts:
    """Per-document render options (label noise and cell noise)."""

    def __init__(self, rng: random.Random, style: str):
        self.rng = rng
        self.style = style
        self.noise: list[str] = []
        self.empty_cells: list[list[str]] = []
        r = rng.random
        self.space_labels = r() < 0.25
        self.heji = r() < 0.3  # 合计 instead of 总计
        self.typo_fuyi = r() < 0.08  # 行政法复议
        self.num_style = rng.choices(["1.", "1、", "1．"], [6, 2, 1])[0]
        self.fw_brackets = r() < 0.5  # （一） instead of (一)
        self.repeat_group = r() < 0.2  # 三、本年度办理结果 repeated after a page break
        self.split_labels = r() < 0.5  # 结果<br>纠正, 商业<br>企业
        self.fw_digits = r() < 0.08
        self.empty_p = rng.choice([0.0, 0.0, 0.0, 0.3, 0.8]) if style in ("html_table", "pipe") else 0.0
        self.yiqu = r() < 0.15  # 已取信息 instead of 已获取信息
        self.note = r() < 0.85  # (区分处理的,只计这一情形,不计其他情形)
        for flag in ("space_labels", "heji", "typo_fuyi", "repeat_group", "split_labels", "fw_digits"):
            if getattr(self, flag):
                self.noise.append(flag)
        if self.num_style != "1.":
            self.noise.append("numbering:" + self.num_style)

    def br(self, a: str, b: str) -> list[str]:
        return [a, b] if self.split_labels else [a + b]

    def lab(self, s: str) -> str:
        """Label with the document's numbering style and, sometimes, a space inside."""
        if self.fw_brackets:
            s = s.replace("(", "（").replace(")", "）")
        if self.num_style != "1." and len(s) > 2 and s[0].isdigit() and s[1] == ".":
            s = s[0] + self.num_style[1] + s[2:]
        if self.space_labels and self.rng.random() < 0.25 and len(s) >= 4:
            body = s.lstrip("（(一二三四五六七八九十)）、.．0123456789")
            if len(body) >= 3:
                i = len(s) - len(body) + self.rng.randint(1, len(body) - 1)
                s = s[:i] + " " + s[i:]
        return s

    def total(self) -> str:
        return "合计" if self.heji else "总计"

    def val(self, v, key) -> Cell:
        if self.empty_p and v == 0 and self.rng.random() < self.empty_p:
            self.empty_cells.append(list(key))
            return Cell("", key=key, empty=True, kind="value")
        s = _fmt_num(v)
        if self.fw_digits and self.rng.random() < 0.2:
            s = s.translate(FW)
        return Cell(s, key=key, kind="value")


def _t2_tables(truth: dict, o: _Opts) -> list[list[list[Cell]]]:
    """Table 2 as the standard template: one table (or one per 第二十条 item)."""
    fmt, t2 = truth["format_version"], truth["table2"]
    M = L.TABLE2_MEASURES
    fwb = (lambda s: s.replace("(", "（").replace(")", "）")) if o.fw_brackets else (lambda s: s)
    if fmt == "2021":
        blocks = [
            ("（一）", ["made", "repealed", "in_force"], ["rules", "normative_documents"]),
            ("（五）", ["decisions"], ["licensing"]),
            ("（六）", ["decisions"], ["penalty", "coercion"]),
            ("（八）", ["amount_10k_yuan"], ["fees"]),
        ]
        mlab = {
            "made": "本年制发件数",
            "repealed": "本年废止件数",
            "in_force": "现行有效件数",
            "decisions": "本年处理决定数量",
            "amount_10k_yuan": "本年收费金额（单位：万元）",
        }
        ilab = {
            "rules": "规章",
            "normative_documents": "行政规范性文件",
            "licensing": "行政许可",
            "penalty": "行政处罚",
            "coercion": "行政强制",
            "fees": "行政事业性收费",
        }
    else:
        blocks = [
            ("（一）", ["new_made", "new_published", "total_published"], ["rules", "normative_documents"]),
            ("（五）", ["prior_year_items", "change", "decisions"], ["licensing", "other_services"]),
            ("（六）", ["prior_year_items", "change", "decisions"], ["penalty", "coercion"]),
            ("（八）", ["prior_year_items", "change"], ["fees"]),
            ("（九）", ["items", "amount"], ["procurement"]),
        ]
        mlab = {m: M[m] for m in M}
        mlab["amount"] = "采购总金额" + ("" if o.rng.random() < 0.5 else "（万元）")
        ilab = {
            "rules": "规章",
            "normative_documents": "规范性文件",
            "licensing": "行政许可",
            "other_services": "其他对外管理服务事项",
            "penalty": "行政处罚",
            "coercion": "行政强制",
            "fees": "行政事业性收费",
            "procurement": "政府集中采购",
        }
    split = o.rng.random() < 0.25
    if split:
        o.noise.append("t2_split_tables")
    tables, cur = [], []
    for head, ms, items in blocks:
        rows = [[Cell(fwb("第二十条第" + head + "项"), cs=4)]]
        if len(ms) == 1:
            rows.append([Cell("信息内容"), Cell(mlab[ms[0]], cs=3)])
        else:
            hdr = [Cell("信息内容")] + [Cell(mlab[m]) for m in ms]
            if len(ms) == 2:
                hdr[-1].cs = 2 if o.rng.random() < 0.5 else 1
                if hdr[-1].cs == 1:
                    hdr.append(Cell(""))
            rows.append(hdr)
        for it in items:
            lab = ilab[it]
            if o.space_labels and it == "rules" and o.rng.random() < 0.5:
                lab = "规 章"
            row = [Cell(lab)]
            for m in ms:
                row.append(o.val(t2[it][m], ("table2", it, m)))
            if len(ms) == 1:
                row[-1].cs = 3
            elif len(ms) == 2:
                if hdr[-1].cs == 2:
                    row[-1].cs = 2
                else:
                    row.append(Cell(""))
            rows.append(row)
        if split:
            tables.append(rows)
        else:
            cur.extend(rows)
    if not split:
        tables.append(cur)
    return tables


T3_LEAF_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partially_granted": "(二)部分公开",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_forbidden": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party_rights": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_admin_query": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_repeat": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "other_total": "(六)其他处理",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
T3_GROUPS = [
    (
        "denied",
        "(三)不予公开",
        [
            "denied_state_secret",
            "denied_law_forbidden",
            "denied_security_stability",
            "denied_third_party_rights",
            "denied_internal_affairs",
            "denied_process_info",
            "denied_enforcement_file",
            "denied_admin_query",
        ],
    ),
    ("unable", "(四)无法提供", ["unable_not_held", "unable_needs_creation", "unable_unclear"]),
    (
        "rejected",
        "(五)不予处理",
        ["rejected_petition", "rejected_repeat", "rejected_publication", "rejected_excessive", "rejected_confirmation"],
    ),
    ("other", "(六)其他处理", ["other_no_correction", "other_unpaid_fee", "other_other"]),
]
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _t3_leaf_label(o: _Opts, r: str) -> str:
    s = T3_LEAF_LABELS[r]
    if r == "partially_granted" and o.note:
        s += "（区分处理的，只计这一情形，不计其他情形）"
    if r == "rejected_confirmation" and o.yiqu:
        s = s.replace("已获取", "已取")
    if r == "total_processed":
        s = "(七)" + o.total()
    return o.lab(s)


def _t3_rows_val(o: _Opts, t3: dict, r: str) -> list[Cell]:
    return [o.val(t3[r][c], ("table3", r, c)) for c in L.T3_COLS]


def _t3_table(truth: dict, o: _Opts) -> list[list[Cell]]:
    fmt, t3 = truth["format_version"], truth["table3"]
    rows: list[list[Cell]] = []
    rows.append([Cell(T3_NOTE, rs=3, cs=3), Cell("申请人情况", cs=7)])
    rows.append([Cell(o.lab("自然人"), rs=2), Cell("法人或其他组织", cs=5), Cell(o.total(), rs=2)])
    rows.append(
        [
            Cell(o.br("商业", "企业")),
            Cell(o.br("科研", "机构")),
            Cell(o.br("社会公", "益组织")),
            Cell(o.br("法律服", "务机构")),
            Cell("其他"),
        ]
    )
    for r in ("new_received", "carried_over"):
        rows.append([Cell(_t3_leaf_label(o, r), cs=3)] + _t3_rows_val(o, t3, r))
    # 三、本年度办理结果 block
    block: list[list[Cell]] = []
    block.append([Cell(_t3_leaf_label(o, "granted"), cs=2)] + _t3_rows_val(o, t3, "granted"))
    block.append([Cell(_t3_leaf_label(o, "partially_granted"), cs=2)] + _t3_rows_val(o, t3, "partially_granted"))
    group_starts = {}
    for gkey, glab, leaves in T3_GROUPS:
        if gkey == "other" and fmt == "2019":
            group_starts["other"] = len(block)
            block.append([Cell(o.lab("(六)其他处理"), cs=2)] + _t3_rows_val(o, t3, "other_total"))
            continue
        group_starts[gkey] = len(block)
        g = o.lab(glab)
        gparts = [g[:3], g[3:]] if (o.split_labels and o.rng.random() < 0.5) else [g]
        for i, leaf in enumerate(leaves):
            row = [Cell(_t3_leaf_label(o, leaf))] + _t3_rows_val(o, t3, leaf)
            if i == 0:
                row.insert(0, Cell(gparts, rs=len(leaves)))
            block.append(row)
    block.append([Cell(_t3_leaf_label(o, "total_processed"), cs=2)] + _t3_rows_val(o, t3, "total_processed"))
    res_label = o.lab("三、本年度办理结果")
    if o.space_labels and o.rng.random() < 0.5:
        res_label = "三、本年度办 理结果"
    if o.repeat_group:
        cut = group_starts["rejected"]
        block[0].insert(0, Cell(res_label, rs=cut))
        block[cut].insert(0, Cell(res_label, rs=len(block) - cut))
    else:
        block[0].insert(0, Cell(res_label, rs=len(block)))
    rows.extend(block)
    rows.append([Cell(_t3_leaf_label(o, "carried_forward"), cs=3)] + _t3_rows_val(o, t3, "carried_forward"))
    return rows


def _t4_table(truth: dict, o: _Opts) -> list[list[Cell]]:
    t4 = truth["table4"]
    fy = "行政法复议" if o.typo_fuyi else "行政复议"
    res = [o.br("结果", "维持"), o.br("结果", "纠正"), o.br("其他", "结果"), o.br("尚未", "审结"), [o.total()]]
    rows = [
        [Cell(fy, cs=5), Cell("行政诉讼", cs=10)],
        [Cell(p, rs=2) for p in res] + [Cell(o.lab("未经复议直接起诉"), cs=5), Cell("复议后起诉", cs=5)],
        [Cell(list(p)) for p in res] * 2,
        [o.val(t4[p][r], ("table4", p, r)) for p in L.T4_PROCS for r in L.T4_RESULTS],
    ]
    return rows


# ----------------------------------------------------------------------------------------------
# glued numbers: which splits are possible
# ----------------------------------------------------------------------------------------------
def _int_ok(s: str) -> bool:
    return s.isdigit() and (s == "0" or s[0] != "0")


def t3_row_splits(s: str, limit: int = 2) -> list[list[int]]:
    """Ways to read a glued table-3 row (6 applicant numbers then their sum), up to `limit`."""
    out: list[list[int]] = []
    for j in range(1, len(s)):
        tot_s = s[j:]
        if not _int_ok(tot_s):
            continue
        tot = int(tot_s)
        _dfs_sum(s[:j], 6, tot, [], out, limit)
        if len(out) >= limit:
            break
    return out[:limit]


def _dfs_sum(s: str, k: int, left: int, acc: list[int], out: list, limit: int) -> None:
    if len(out) >= limit:
        return
    if k == 0:
        if not s and left == 0:
            out.append(acc + [sum(acc)])
        return
    if len(s) < k:
        return
    for ln in range(1, min(len(s) - k + 1, len(str(left)) if left > 0 else 1) + 1):
        part = s[:ln]
        if not _int_ok(part):
            break
        v = int(part)
        if v > left:
            break
        _dfs_sum(s[ln:], k - 1, left - v, acc + [v], out, limit)


def t4_run_splits(s: str, limit: int = 8) -> list[list[int]]:
    """Ways to read table 4's 15 numbers glued into one run (3 x (4 numbers and their sum))."""
    out: list[list[int]] = []

    def group(pos: int, g: int, acc: list[int]) -> None:
        if len(out) >= limit:
            return
        if g == 3:
            if pos == len(s):
                out.append(acc)
            return

        def four(p: int, k: int, parts: list[int]) -> None:
            if len(out) >= limit:
                return
            if k == 4:
                t = str(sum(parts))
                if s.startswith(t, p):
                    group(p + len(t), g + 1, acc + parts + [sum(parts)])
                return
            for ln in range(1, 6):
                part = s[p : p + ln]
                if len(part) < ln or not _int_ok(part):
                    break
                four(p + ln, k + 1, parts + [int(part)])

        four(pos, 0, [])

    group(0, 0, [])
    return out


def _num_tokens_splits(s: str, kinds: list[str], limit: int = 2) -> int:
    """Number of ways (up to limit) to split s into len(kinds) numbers; kind: int | neg | dec."""
    import re

    pat = {
        "int": re.compile(r"0|[1-9]\d*"),
        "neg": re.compile(r"-?(?:0|[1-9]\d*)"),
        "dec": re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
    }
    count = 0

    def rec(p: int, i: int) -> None:
        nonlocal count
        if count >= limit:
            return
        if i == len(kinds):
            if p == len(s):
                count += 1
            return
        for e in range(p + 1, len(s) + 1):
            if pat[kinds[i]].fullmatch(s[p:e]):
                rec(e, i + 1)

    rec(0, 0)
    return count


# ----------------------------------------------------------------------------------------------
# document assembly
# ----------------------------------------------------------------------------------------------
def _title(truth: dict, rng: random.Random) -> str:
    y, a = truth["report_year"], truth["agency_name"]
    return rng.choice(
        [
            f"{a}{y}年政府信息公开工作年度报告",
            f"{a}{y}年政府信息公开工作年度报告",
            f"{y}年度{a}政府信息公开工作年度报告",
            f"{a}{y}年度政府信息公开工作年度报告",
        ]
    )


def _intro(truth: dict, rng: random.Random) -> str:
    y, a = truth["report_year"], truth["agency_name"]
    return rng.choice(
        [
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制本报告。本报告中所列数据统计期限为{y}年1月1日至12月31日。",
            f"本年度报告是根据《中华人民共和国政府信息公开条例》的要求，结合{a}政府信息公开年度工作情况编制而成。全文包括总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，政府信息公开行政复议、行政诉讼情况，存在的主要问题及改进情况和其他需要报告的事项等六个方面。本年度报告中所列数据的统计期限从{y}年1月1日起到12月31日止。",
            f"本报告依据《中华人民共和国政府信息公开条例》（国务院令第711号）和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）要求，结合{a}政府信息公开工作撰写而成。报告采用数据的统计期限为{y}年1月1日至{y}年12月31日。报告的电子版可在{a}网站下载。",
        ]
    )


def _sections(truth: dict, rng: random.Random, title_present: bool) -> tuple[str, list[tuple[str, list[str]]]]:
    """(intro paragraph, [(heading, [paragraphs])]) in simplified Chinese, before any noise."""
    ctx = _Ctx(truth, rng)
    y = truth["report_year"]
    gen = rng.choice(P_GENERAL)
    if not title_present:
        gen = f"{y}年，{truth['agency_name']}认真贯彻落实《中华人民共和国政府信息公开条例》文件精神，完善政务公开体制机制，加大政务信息主动公开力度，推动政务信息公开工作稳步开展。现将工作情况总结如下："
    depth = rng.choice([1, 2, 2, 3])
    sec1 = [ctx.fill(gen)]
    sub_banks = [P_ACTIVE, P_REQUEST, P_MANAGE, P_PLATFORM, P_SUPERVISE]
    nar = _narrative_sentences(truth, rng)
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
    return _intro(truth, rng), secs


def _pre2019_sections(truth: dict, rng: random.Random, title_present: bool = True) -> list[tuple[str, list[str]]]:
    ctx = _Ctx(truth, rng)
    gen = ctx.fill(rng.choice(P_GENERAL))
    if not title_present:
        gen = (
            f"{truth['report_year']}年，{truth['agency_name']}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "不断完善政府信息公开工作机制，扎实推进政府信息公开工作。"
        )
    y = truth["report_year"]
    nar = truth["narrative"]
    req = []
    if "requests_received" in nar:
        n = nar["requests_received"]
        req.append(
            f"{y}年，{ctx.fmt['we']}共受理政府信息公开申请{n}件，均已按规定答复。"
            if n
            else f"{y}年，{ctx.fmt['we']}未收到政府信息公开申请。"
        )
    secs = [
        (PRE2019_SECTIONS[0], [gen] + ctx.paras(P_MANAGE, 2)),
        (PRE2019_SECTIONS[1], ctx.paras(P_ACTIVE, 3)),
        (PRE2019_SECTIONS[2], ctx.paras(P_REQUEST, 1) + req),
        (PRE2019_SECTIONS[3], [f"{y}年度，{ctx.fmt['we']}未收取政府信息公开相关费用，也未进行减免。"]),
        (PRE2019_SECTIONS[4], ["本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"]),
        (PRE2019_SECTIONS[5], ctx.paras(P_PROBLEMS, 2)),
        (PRE2019_SECTIONS[6], ["无。"]),
    ]
    return secs


def _spam(text: str, rng: random.Random, terms: list[str]) -> str:
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


def _fw_prose(text: str, rng: random.Random) -> str:
    import re

    return re.sub(r"\d+", lambda m: m.group(0).translate(FW) if rng.random() < 0.3 else m.group(0), text)


def _date_cn(d: str) -> str:
    y, m, dd = d.split("-")
    return f"{int(y)}年{int(m)}月{int(dd)}日"


PROV_ABBR = {
    "浙江省": "浙",
    "安徽省": "皖",
    "江苏省": "苏",
    "广东省": "粤",
    "四川省": "川",
    "湖北省": "鄂",
    "湖南省": "湘",
    "福建省": "闽",
    "河南省": "豫",
}
CHROME_NAV = ["首页", "政务公开", "政务服务", "互动交流", "走进", "专题专栏", "数据开放"]
BIG_PIPES = "|" * 400


def _header_block(truth: dict, rng: random.Random) -> list[str]:
    d = truth["published_date"]
    idx = f"{rng.randint(100000000, 999999999)}/{truth['report_year'] + 1}-{rng.randint(1, 99999):05d}"
    publisher = rng.choice([truth["agency_name"], truth["agency_name"], "市政府办公厅", "区政府办公室"])
    return [f"索引号：{idx} 公开方式：主动公开", f"文号： 公开日期：{d}", f"发布单位：{publisher} 主题分类：其他"]


def _footer_lines(truth: dict, rng: random.Random) -> list[str]:
    prov = PROV_ABBR.get(truth["region"]["province"], "浙")
    gov = truth["region"]["city"] + "人民政府"
    return [
        f"{gov}主办 {truth['region']['city']}大数据发展管理中心承办 网站标识码{rng.randint(1000000000, 9999999999)}",
        f"{prov}公网安备 {rng.randint(10**13, 10**14 - 1)}号 {prov}ICP备{rng.randint(10000000, 99999999)}号-1",
    ]


# ---------- text renderers ---------------------------------------------------------------------
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


def _glued_t2(truth: dict, o: _Opts) -> list[str]:
    _fmt, t2 = truth["format_version"], truth["table2"]
    lines = []
    for tbl in _t2_tables(truth, o):
        for row in tbl:
            vals = [c for c in row if c.kind == "value"]
            if not vals:
                lines.append("".join(c.text for c in row))
                continue
            it = vals[0].key[1]
            ms = [c.key[2] for c in vals]
            strs = [_fmt_num(t2[it][m]) for m in ms]
            kinds = ["neg" if m == "change" else ("dec" if m in ("amount", "amount_10k_yuan") else "int") for m in ms]
            lab = row[0].text
            if "." not in "".join(strs) and _num_tokens_splits("".join(strs), kinds) == 1:
                lines.append(lab + "".join(strs))
            else:
                lines.append(lab + " " + " ".join(strs))
    return lines


def _glued_t3(truth: dict, o: _Opts, meta: dict) -> list[str]:
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


def _glued_t4(truth: dict, o: _Opts, meta: dict) -> list[str]:
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


def _text_doc(truth: dict, rng: random.Random, style: str, meta: dict) -> str:
    o = _Opts(rng, style)
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
        lines.extend(_header_block(truth, rng))
        meta["header_block"] = True
    title = _title(truth, rng)
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
        secs = _pre2019_sections(truth, rng, title_present)
        intro = f"本报告根据《中华人民共和国政府信息公开条例》要求，由{truth['agency_name']}编制。本报告中所列数据统计期限为{truth['report_year']}年1月1日至12月31日。"
    else:
        intro, secs = _sections(truth, rng, title_present)
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
                    for t in _t2_tables(truth, o):
                        block += _pipe_rows(t, rng) if style == "pipe" else _cpl_cells(t, rng)
            elif si == 2:
                t = _t3_table(truth, o)
                block += (
                    _glued_t3(truth, o, meta)
                    if style == "glued"
                    else (_pipe_rows(t, rng) if style == "pipe" else _cpl_cells(t, rng))
                )
            else:
                t = _t4_table(truth, o)
                block += (
                    _glued_t4(truth, o, meta)
                    if style == "glued"
                    else (_pipe_rows(t, rng) if style == "pipe" else _cpl_cells(t, rng))
                )
        body.append(block)  # type: ignore[arg-type]
    sign = [truth["agency_name"], _date_cn(truth["published_date"])]
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
        lines.extend(_footer_lines(truth, rng))
    elif rng.random() < 0.3:
        lines.append("扫一扫在手机打开当前页")
    sep = "\n\n" if style == "cell_per_line" else "\n"
    meta["empty_cells"] = o.empty_cells
    meta["noise"] += o.noise
    return sep.join(lines) + "\n"


# ---------- html renderers ---------------------------------------------------------------------
WORD_STYLE = """<style>
<!--
 /* Font Definitions */
 @font-face
	{font-family:宋体;
	panose-1:2 1 6 0 3 1 1 1 1 1;
	mso-font-alt:SimSun;
	mso-font-charset:134;
	mso-generic-font-family:auto;
	mso-font-pitch:variable;
	mso-font-signature:3 680460288 22 0 262145 0;}
@font-face
	{font-family:仿宋_GB2312;
	mso-font-charset:134;
	mso-generic-font-family:modern;
	mso-font-pitch:fixed;
	mso-font-signature:1 135135232 16 0 262144 0;}
@font-face
	{font-family:方正小标宋简体;
	mso-font-charset:134;
	mso-generic-font-family:script;
	mso-font-pitch:fixed;
	mso-font-signature:1 135135232 16 0 262144 0;}
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{mso-style-unhide:no;
	mso-style-qformat:yes;
	mso-style-parent:"";
	margin:0cm;
	margin-bottom:.0001pt;
	text-align:justify;
	text-justify:inter-ideograph;
	mso-pagination:none;
	font-size:10.5pt;
	mso-bidi-font-size:12.0pt;
	font-family:"Times New Roman",serif;
	mso-fareast-font-family:宋体;
	mso-font-kerning:1.0pt;}
p.MsoHeader, li.MsoHeader, div.MsoHeader
	{mso-style-priority:99;
	mso-style-link:"页眉 Char";
	margin:0cm;
	margin-bottom:.0001pt;
	text-align:center;
	mso-pagination:none;
	tab-stops:center 207.65pt right 415.3pt;
	layout-grid-mode:char;
	border:none;
	mso-border-bottom-alt:solid windowtext .75pt;
	padding:0cm;
	mso-padding-alt:0cm 0cm 1.0pt 0cm;
	font-size:9.0pt;
	font-family:"Times New Roman",serif;
	mso-fareast-font-family:宋体;
	mso-font-kerning:1.0pt;}
span.Char
	{mso-style-name:"页眉 Char";
	mso-style-priority:99;
	mso-style-unhide:no;
	mso-style-locked:yes;
	mso-style-link:页眉;
	mso-ansi-font-size:9.0pt;
	mso-bidi-font-size:9.0pt;
	font-family:"Times New Roman",serif;
	mso-ascii-font-family:"Times New Roman";
	mso-fareast-font-family:宋体;
	mso-hansi-font-family:"Times New Roman";
	mso-font-kerning:1.0pt;}
.MsoChpDefault
	{mso-style-type:export-only;
	mso-default-props:yes;
	font-size:10.0pt;
	mso-ansi-font-size:10.0pt;
	mso-bidi-font-size:10.0pt;
	mso-ascii-font-family:"Times New Roman";
	mso-hansi-font-family:"Times New Roman";
	mso-font-kerning:0pt;}
 /* Page Definitions */
@page WordSection1
	{size:595.3pt 841.9pt;
	margin:104.9pt 73.7pt 87.3pt 79.4pt;
	mso-header-margin:42.55pt;
	mso-footer-margin:49.6pt;
	mso-page-numbers:1;
	mso-title-page:yes;
	mso-paper-source:0;
	layout-grid:15.6pt;}
div.WordSection1
	{page:WordSection1;}
-->
</style>
<!--[if gte mso 10]>
<style>
 /* Style Definitions */
 table.MsoNormalTable
	{mso-style-name:普通表格;
	mso-tstyle-rowband-size:0;
	mso-tstyle-colband-size:0;
	mso-style-noshow:yes;
	mso-style-priority:99;
	mso-style-parent:"";
	mso-padding-alt:0cm 5.4pt 0cm 5.4pt;
	mso-para-margin:0cm;
	mso-para-margin-bottom:.0001pt;
	mso-pagination:widow-orphan;
	font-size:10.0pt;
	font-family:"Times New Roman",serif;}
</style>
<![endif]-->
"""
WORD_XML = """<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>{author}</o:Author>
  <o:LastAuthor>{author}</o:LastAuthor>
  <o:Revision>{rev}</o:Revision>
  <o:TotalTime>{tt}</o:TotalTime>
  <o:Created>{y}-01-{d:02d}T0{h}:12:00Z</o:Created>
  <o:Pages>{pages}</o:Pages>
  <o:Words>{words}</o:Words>
  <o:Characters>{chars}</o:Characters>
  <o:Company>Microsoft</o:Company>
  <o:Lines>{lines}</o:Lines>
  <o:Paragraphs>{paras}</o:Paragraphs>
  <o:Version>16.00</o:Version>
 </o:DocumentProperties>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Print</w:View>
  <w:SpellingState>Clean</w:SpellingState>
  <w:GrammarState>Clean</w:GrammarState>
  <w:TrackMoves>false</w:TrackMoves>
  <w:TrackFormatting/>
  <w:PunctuationKerning/>
  <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
  <w:DisplayHorizontalDrawingGridEvery>0</w:DisplayHorizontalDrawingGridEvery>
  <w:DisplayVerticalDrawingGridEvery>2</w:DisplayVerticalDrawingGridEvery>
  <w:ValidateAgainstSchemas/>
  <w:SaveIfXMLInvalid>false</w:SaveIfXMLInvalid>
  <w:IgnoreMixedContent>false</w:IgnoreMixedContent>
  <w:AlwaysShowPlaceholderText>false</w:AlwaysShowPlaceholderText>
  <w:Compatibility>
   <w:SpaceForUL/>
   <w:BalanceSingleByteDoubleByteWidth/>
   <w:DoNotLeaveBackslashAlone/>
   <w:ULTrailSpace/>
   <w:DoNotExpandShiftReturn/>
   <w:AdjustLineHeightInTable/>
   <w:BreakWrappedTables/>
   <w:SnapToGridInCell/>
   <w:WrapTextWithPunct/>
   <w:UseAsianBreakRules/>
   <w:UseFELayout/>
  </w:Compatibility>
  <w:BrowserLevel>MicrosoftInternetExplorer4</w:BrowserLevel>
 </w:WordDocument>
</xml><![endif]-->
"""


CN_NUM = set("零〇一二两三四五六七八九十百千万")


def _cut(text: str, k: int) -> int:
    """A split point at or after k that does not fall inside a run of digits."""
    while 0 < k < len(text) and (
        (text[k - 1].isdigit() and text[k].isdigit()) or (text[k - 1] in CN_NUM and text[k] in CN_NUM)
    ):
        k += 1
    return k


def _wrap(text: str, width: int = 38) -> str:
    """Word's HTML export wraps long runs with CRLF, also between two Chinese characters."""
    out, n = [], 0
    for i, ch in enumerate(text):
        out.append(ch)
        n += 1
        if (
            n >= width
            and i + 1 < len(text)
            and "\u4e00" <= ch <= "\u9fff"
            and "\u4e00" <= text[i + 1] <= "\u9fff"
            and not (ch in CN_NUM and text[i + 1] in CN_NUM)
        ):
            out.append("\r\n")
            n = 0
    return "".join(out)


def _esc(s: str) -> str:
    return _html.escape(s, quote=False)


class _Html:
    def __init__(self, rng: random.Random, word: bool):
        self.rng, self.word = rng, word

    def span(self, text: str, num: bool = False) -> str:
        if not self.word:
            return _esc(text)
        r = self.rng
        if num:
            style = 'font-size:10.0pt;font-family:"Times New Roman",serif;color:black'
            return f"<span lang=EN-US style='{style}'>{_esc(text)}</span>"
        style = "font-size:10.0pt;font-family:宋体;mso-bidi-font-family:宋体;color:black"
        if len(text) > 4 and r.random() < 0.5:
            k = _cut(text, r.randint(1, len(text) - 1))
            return f"<span style='{style}'>{_esc(text[:k])}</span><span style='{style}'>{_esc(text[k:])}</span>"
        return f"<span style='{style}'>{_esc(text)}</span>"

    def para(self, text: str, cls_body: bool = True) -> str:
        if not self.word:
            return (
                f'<p style="text-indent:2em;">{_esc(text)}</p>' if self.rng.random() < 0.7 else f"<p>{_esc(text)}</p>"
            )
        style = (
            'font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman";'
            'mso-bidi-font-family:"Times New Roman"'
        )
        # Word splits runs wherever formatting (or revision ids) change
        chunks, i = [], 0
        while i < len(text):
            j = _cut(text, min(len(text), i + self.rng.randint(20, 90)))
            chunks.append(f"<span style='{style}'>{_esc(_wrap(text[i:j]))}</span>")
            i = j
        return (
            "<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;"
            "mso-line-height-rule:exactly'>"
            + "".join(chunks)
            + "<span lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>"
        )

    def cell(self, c: Cell, width: int) -> str:
        attrs = ""
        if c.rs > 1:
            attrs += f" rowspan={c.rs}" if self.word else f' rowspan="{c.rs}"'
        if c.cs > 1:
            attrs += f" colspan={c.cs}" if self.word else f' colspan="{c.cs}"'
        r = self.rng
        if c.empty:
            inner = (
                r.choice(["", "&nbsp;", " ", "<p>&nbsp;</p>"])
                if not self.word
                else "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US style='font-size:10.0pt'><o:p>&nbsp;</o:p></span></p>"
            )
        elif c.kind == "value":
            inner = self.span(c.text, num=True)
            if self.word:
                inner = f"<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'>{inner}<span lang=EN-US style='font-size:10.0pt'><o:p></o:p></span></p>"
        else:
            parts = [p for p in c.parts]
            if len(parts) > 1:
                if r.random() < 0.5:
                    inner = (
                        "<br>".join(self.span(p) for p in parts)
                        if not self.word
                        else "<p class=MsoNormal align=center style='text-align:center'>"
                        + "<br>".join(self.span(p) for p in parts)
                        + "</p>"
                    )
                else:
                    inner = "".join(
                        f"<p{' class=MsoNormal align=center' if self.word else ''}>{self.span(p)}</p>" for p in parts
                    )
            else:
                inner = self.span(parts[0])
                if self.word:
                    inner = f"<p class=MsoNormal align=center style='text-align:center'>{inner}<span lang=EN-US style='font-size:10.0pt'><o:p></o:p></span></p>"
        if self.word:
            w = 40 + 20 * c.cs
            style = (
                f"width:{w * 0.75:.2f}pt;border:solid windowtext 1.0pt;border-top:none;"
                "mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt"
            )
            return f"<td width={w}{attrs} style='{style}'>{inner}</td>"
        if r.random() < 0.3:
            return f'<td{attrs} style="border:1px solid #000;text-align:center;">{inner}</td>'
        return f"<td{attrs}>{inner}</td>"

    def table(self, rows: list[list[Cell]], meta: dict, misalign: bool) -> str:
        r = self.rng
        out = []
        if self.word:
            out.append(
                "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=620 "
                "style='width:465.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
                "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"
            )
        else:
            out.append(
                r.choice(
                    [
                        '<table border="1" cellspacing="0" cellpadding="0" width="100%">',
                        '<table class="MsoTableGrid" style="border-collapse:collapse;" align="center">',
                        "<table>",
                    ]
                )
            )
        if not self.word and r.random() < 0.5:
            out.append("<tbody>")
        width = max(sum(c.cs for c in row) for row in rows[:1]) if rows else 0
        for i, row in enumerate(rows):
            cells = [self.cell(c, width) for c in row]
            if misalign and i > 2 and r.random() < 0.15 and any(c.kind == "value" for c in row):
                # a stray empty cell after the last value, outside the header's grid
                cells.append("<td></td>" if not self.word else "<td style='border:none'></td>")
                if "trailing_td" not in meta["noise"]:
                    meta["noise"].append("trailing_td")
            tr = f"<tr style='mso-yfti-irow:{i};height:{r.choice([14, 15, 20, 28])}.25pt'>" if self.word else "<tr>"
            out.append(tr + "".join(cells) + "</tr>")
        if "<tbody>" in out[1:2]:
            out.append("</tbody>")
        out.append("</table>")
        return "\n".join(out)


def _misalign_t3(rows: list[list[Cell]], rng: random.Random, meta: dict) -> None:
    """Stage rows whose label spans one column less than the header: values shift left."""
    for row in rows[3:]:
        if row[0].cs == 3 and rng.random() < 0.5:
            row[0].cs = 2
            if "short_label_colspan" not in meta["noise"]:
                meta["noise"].append("short_label_colspan")


def _html_doc(truth: dict, rng: random.Random, style: str, meta: dict, charset: str | None) -> str:
    o = _Opts(rng, style)
    word = rng.random() < 0.3
    standalone_word = word and rng.random() < 0.3
    meta["word"] = word
    h = _Html(rng, word)
    title_present = rng.random() < 0.85
    meta["title"] = title_present
    pre = truth["format_version"] == "pre2019"
    title = _title(truth, rng)
    misalign = style == "html_table" and rng.random() < 0.12
    if pre:
        intro = f"本报告根据《中华人民共和国政府信息公开条例》要求，由{truth['agency_name']}编制。本报告中所列数据统计期限为{truth['report_year']}年1月1日至12月31日。"
        secs = _pre2019_sections(truth, rng, title_present)
    else:
        intro, secs = _sections(truth, rng, title_present)
    content: list[str] = []
    if title_present and (standalone_word or rng.random() < 0.3):
        if word:
            content.append(
                "<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt;mso-line-height-rule:exactly'>"
                f"<b><span style='font-size:22.0pt;font-family:方正小标宋简体'>{_esc(title)}</span></b>"
                "<b><span lang=EN-US style='font-size:22.0pt'><o:p></o:p></span></b></p>"
            )
        else:
            content.append(f'<p style="text-align:center;"><strong>{_esc(title)}</strong></p>')
    if title_present or rng.random() < 0.5:
        content.append(h.para(intro))
    for si, (head, paras) in enumerate(secs):
        if word:
            content.append(
                "<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><b><span style='font-size:16.0pt;font-family:黑体'>"
                f"{_esc(head)}</span></b><span lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>"
            )
        else:
            content.append(
                rng.choice(
                    [
                        f"<p><strong>{_esc(head)}</strong></p>",
                        f"<h3>{_esc(head)}</h3>",
                        f'<p style="text-indent:2em;"><b>{_esc(head)}</b></p>',
                    ]
                )
            )
        for p in paras:
            content.append(h.para(p))
        if not pre and 1 <= si <= 3:
            if style == "prose_only":
                content.append(
                    f'<p style="text-align:center"><img src="/picture/0/{rng.randint(10**11, 10**12)}.jpg" '
                    f'width="{rng.randint(550, 700)}" alt="" /></p>'
                )
                continue
            if si == 1:
                tbls = _t2_tables(truth, o)
            elif si == 2:
                tbls = [_t3_table(truth, o)]
                if misalign:
                    _misalign_t3(tbls[0], rng, meta)
            else:
                tbls = [_t4_table(truth, o)]
            for t in tbls:
                content.append(h.table(t, meta, misalign))
                if word:
                    content.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    sig_align = "right"
    content.append(
        f'<p style="text-align:{sig_align}">{_esc(truth["agency_name"])}</p>'
        f'<p style="text-align:{sig_align}">{_esc(_date_cn(truth["published_date"]))}</p>'
    )
    body_html = "\n".join(content)
    meta["empty_cells"] = o.empty_cells
    meta["noise"] += o.noise
    charset_meta = ""
    if charset:
        charset_meta = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'
            if rng.random() < 0.6
            else f'<meta charset="{charset}">'
        )
    head_title = (
        title if title_present else rng.choice(["政府信息公开年报", f"{truth['region']['city']}人民政府门户网站"])
    )
    if standalone_word:
        meta["page"] = "word"
        return (
            '<html xmlns:v="urn:schemas-microsoft-com:vml"\nxmlns:o="urn:schemas-microsoft-com:office:office"\n'
            'xmlns:w="urn:schemas-microsoft-com:office:word"\nxmlns:m="http://schemas.microsoft.com/office/2004/12/omml"\n'
            'xmlns="http://www.w3.org/TR/REC-html40">\n\n<head>\n'
            + charset_meta
            + '\n<meta name=ProgId content=Word.Document>\n<meta name=Generator content="Microsoft Word 15">\n'
            f"<title>{_esc(head_title)}</title>\n"
            + WORD_XML.format(
                author=rng.choice(["Administrator", "user", "dell", "lenovo"]),
                rev=rng.randint(2, 30),
                tt=rng.randint(5, 600),
                y=truth["report_year"] + 1,
                d=rng.randint(1, 28),
                h=rng.randint(1, 9),
                pages=rng.randint(4, 12),
                words=rng.randint(800, 9000),
                chars=rng.randint(4000, 50000),
                lines=rng.randint(100, 900),
                paras=rng.randint(20, 200),
            )
            + WORD_STYLE
            + "</head>\n\n<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>\n\n"
            "<div class=WordSection1 style='layout-grid:15.6pt'>\n\n" + body_html + "\n\n</div>\n\n</body>\n\n</html>\n"
        )
    meta["page"] = "portal"
    city = truth["region"]["city"]
    nav = "".join(
        f'<li><a href="/col/col{rng.randint(1000, 99999)}/index.html" target="_blank">{n}</a></li>' for n in CHROME_NAV
    )
    info_tbl = ""
    if rng.random() < 0.5:
        hb = _header_block(truth, rng)
        meta["header_block"] = True
        info_tbl = (
            '<table class="xxgk_table" width="100%"><tr><td>'
            + "</td></tr><tr><td>".join(_esc(x) for x in hb)
            + "</td></tr></table>"
        )
    scripts = [
        '<script type="text/javascript" src="/script/jquery-1.11.3.min.js"></script>',
        '<script type="text/javascript">\nvar _hmt = _hmt || [];\n(function() {\n  var hm = document.createElement("script");\n'
        f'  hm.src = "https://hm.baidu.com/hm.js?{rng.getrandbits(128):032x}";\n  var s = document.getElementsByTagName("script")[0];\n'
        "  s.parentNode.insertBefore(hm, s);\n})();\n</script>",
    ]
    if rng.random() < 0.4:
        scripts.append(
            "<script>\nvar shareTitle = '" + head_title.replace("'", "") + "';\n"
            "document.write('<table class=\"share\"><tr><td>分享到：</td><td>微信</td><td>微博</td></tr></table>');\n"
            "</script>"
        )
        meta["noise"].append("script_table")
    article = (
        f'<div class="article"><h1 class="title" id="ivs_title">{_esc(title) if title_present else ""}</h1>'
        f'<div class="info"><span>发布日期：{truth["published_date"]}</span><span>来源：{_esc(city)}人民政府门户网站</span>'
        "<span>浏览次数：<script>document.write(Math.floor(Math.random()*1000))</script></span>"
        '<span>字体：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(14)">小</a>]</span></div>'
        f'{info_tbl}<div class="content" id="zoom">\n<!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n'
        f'{body_html}\n<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->\n</div>'
        '<div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>'
        "</div>"
    )
    if not title_present:
        article = article.replace('<h1 class="title" id="ivs_title"></h1>', "")
    if rng.random() < 0.35:
        meta["noise"].append("layout_table")
        article = (
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td valign="top">'
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="bt_content">'
            + article
            + "</td></tr></table></td></tr></table>"
        )
    footer = (
        '<div class="footer"><p>'
        + "</p><p>".join(_esc(x) for x in _footer_lines(truth, rng))
        + "</p><p>建议使用1366*768分辨率 IE9以上版本浏览器</p></div>"
    )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        + charset_meta
        + f'\n<title>{_esc(head_title)}</title>\n<meta name="SiteName" content="{_esc(city)}人民政府门户网站">\n'
        f'<meta name="ArticleTitle" content="{_esc(head_title)}">\n<meta name="PubDate" content="{truth["published_date"]} 10:00">\n'
        '<link href="/css/style.css" rel="stylesheet" type="text/css" />\n<style type="text/css">\n'
        ".content p{line-height:2em;font-size:16px;} .content table{margin:0 auto;} .footer{background:#ededed;}\n</style>\n"
        + scripts[0]
        + "\n</head>\n<body>\n"
        f'<div class="top"><div class="logo"><img src="/images/logo.png" alt="{_esc(city)}人民政府"></div>'
        f'<div class="nav"><ul>{nav}</ul></div></div>\n'
        '<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/col/col1229000/">政府信息公开</a> &gt; '
        "<span>政府信息公开年报</span></div>\n"
        + article
        + "\n"
        + footer
        + "\n"
        + "\n".join(scripts[1:])
        + "\n</body>\n</html>\n"
    )


# ----------------------------------------------------------------------------------------------
# render
# ----------------------------------------------------------------------------------------------
_CONV: dict[str, Any] = {}


def _s2t(text: str) -> str:
    if "s2t" not in _CONV:
        import opencc

        _CONV["s2t"] = opencc.OpenCC("s2t")
    return _CONV["s2t"].convert(text)


def render(truth: dict, rng: random.Random, style: str | None = None) -> tuple[bytes, dict]:
    """The document bytes and a dict describing what was applied."""
    pre = truth["format_version"] == "pre2019"
    if style is None:
        w = list(STYLE_WEIGHTS)
        if truth.get("broken"):
            w[STYLES.index("glued")] = 0
        style = "prose_only" if pre else rng.choices(STYLES, w)[0]
    if pre:
        style = "prose_only"
    kind = "html" if style == "html_table" or (style == "prose_only" and rng.random() < 0.4) else "text"
    enc = rng.choices(["utf-8", "utf-8-sig", "gbk", "gb18030"], [62, 8, 24, 6])[0]
    meta: dict[str, Any] = {
        "style": style,
        "kind": kind,
        "encoding": enc,
        "meta_charset": None,
        "bom": enc == "utf-8-sig",
        "traditional": False,
        "spam": [],
        "empty_cells": [],
        "noise": [],
        "glued_ambiguous": [],
        "title": True,
        "header_block": False,
    }
    if kind == "html":
        charset = None
        if rng.random() < (0.8 if enc.startswith("gb") else 0.7):
            charset = (
                rng.choice(["gb2312", "gbk", "GBK", "gb2312"])
                if enc.startswith("gb")
                else rng.choice(["utf-8", "UTF-8"])
            )
        meta["meta_charset"] = charset
        doc = _html_doc(truth, rng, style, meta, charset)
    else:
        doc = _text_doc(truth, rng, style, meta)
    if rng.random() < 0.05:
        terms = rng.sample(SPAM_TERMS, k=rng.randint(1, 3))
        doc2 = _spam(doc, rng, terms)
        if doc2 != doc:
            used = [t for t in terms if t in doc2]
            meta["spam"] = used
            doc = doc2
    if rng.random() < 0.08:
        doc = _fw_prose(doc, rng) if kind == "text" else doc
        if kind == "text":
            meta["noise"].append("fullwidth_digits_prose")
    if rng.random() < 0.2:
        doc = _s2t(doc)
        meta["traditional"] = True
    if enc.startswith("gb"):
        try:
            data = doc.encode(enc)
        except UnicodeEncodeError:
            enc = "gb18030"
            meta["encoding"] = enc
            data = doc.encode(enc)
    else:
        data = doc.encode(enc)
    meta["bytes"] = len(data)
    return data, meta


def corpus(n: int, seed: int, years=range(2019, 2025), styles=None) -> Iterator[tuple[str, bytes, dict, dict]]:
    """(filename, bytes, truth, meta) for n documents, deterministic for a seed."""
    years = list(years)
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        year = rng.choice(years)
        truth = random_truth(rng, year)
        style = rng.choice(list(styles)) if styles else None
        if style and truth["format_version"] == "pre2019":
            style = "prose_only"
        data, meta = render(truth, rng, style)
        ext = "html" if meta["kind"] == "html" else "txt"
        yield f"gen_{truth['report_year']}_{i:06d}.{ext}", data, truth, meta


def _parse_years(s: str) -> range:
    if "-" in s:
        a, b = s.split("-", 1)
        return range(int(a), int(b) + 1)
    return range(int(s), int(s) + 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.synth", description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--years", default="2019-2024", help="e.g. 2019-2024 or 2014-2024")
    ap.add_argument("--styles", default="", help="comma-separated subset of " + ",".join(STYLES))
    a = ap.parse_args(argv)
    styles = [s for s in a.styles.split(",") if s] or None
    a.out.mkdir(parents=True, exist_ok=True)
    total = 0
    with open(a.out / "truth.jsonl", "w", encoding="utf-8", newline="\n") as tf:
        for fname, data, truth, meta in corpus(a.n, a.seed, _parse_years(a.years), styles):
            (a.out / fname).write_bytes(data)
            total += len(data)
            rec = {"file": fname, **truth, "render": meta}
            tf.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
    print(f"wrote {a.n} files ({total / 1e6:.1f} MB) and truth.jsonl to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
