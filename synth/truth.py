"""Truth: random canonical records (tables 2, 3 and 4, prose numbers) whose arithmetic holds, or is
broken on purpose and says so (`broken`). A truth is what a correct parse of its document gives."""

from __future__ import annotations

import datetime as _dt
import math
import random
from typing import Any

from ingest.parser import labels as L

from .places import agency

BROKEN_CODES = ("T3_COLUMN_BALANCE", "T3_OUTCOME_SUM", "T3_ROW_SUM", "T4_TOTAL", "NARRATIVE_MISMATCH")


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
    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _dec(rng: random.Random, lo: float, hi: float) -> int | float:
    """A money amount as printed: integer or 1-2 decimals."""
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


def break_arith(rng: random.Random, truth: dict) -> None:
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
    ag = agency(rng)
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
        break_arith(rng, truth)
    return truth


OTHER_ROWS = ("other_no_correction", "other_unpaid_fee", "other_other")


def _rebroken(truth: dict, before: dict) -> None:
    broken = check_arith(truth)
    if "NARRATIVE_MISMATCH" in before.get("broken", []):
        broken.add("NARRATIVE_MISMATCH")
    truth["broken"] = sorted(broken)


def hybrid_other_total(truth: dict) -> dict:
    """A 2021 report filled in on the 2019 form: table 3 prints （六）其他处理 as ONE row. The copy's
    table 3 has `other_total` (the sum of the three 2021 rows, per column) in their place, in the 2019
    row order; the year, table 2 and everything else stay 2021."""
    import copy

    t = copy.deepcopy(truth)
    t3 = t["table3"]
    if t["format_version"] != "2021" or not t3 or "other_total" in t3:
        return t
    other = {c: sum(t3[k][c] for k in OTHER_ROWS) for c in L.T3_COLS}
    t["table3"] = {r: (other if r == "other_total" else t3[r]) for r in L.T3_ROWS_2019}
    _rebroken(t, truth)
    return t


def citywide_numbers(truth: dict, rng: random.Random) -> dict:
    """A city- or province-wide report: table 2's decisions run to 6-7 digits and the fees to tens of
    thousands of 万元 with a decimal (淮安 2024: 行政处罚 3985758, 收费 96171.6). Table 2 has no
    arithmetic, so nothing else changes."""
    import copy

    t = copy.deepcopy(truth)
    t2 = t["table2"]
    if not t2:
        return t
    for item, lo, hi in (("licensing", 5_000, 900_000), ("penalty", 20_000, 6_000_000), ("coercion", 500, 120_000)):
        if item in t2:
            t2[item]["decisions"] = _lognum(rng, lo, hi)
    if "other_services" in t2:
        t2["other_services"]["decisions"] = _lognum(rng, 1_000, 300_000)
    if "amount_10k_yuan" in t2.get("fees", {}):
        t2["fees"]["amount_10k_yuan"] = round(rng.uniform(800, 99_999), 1)
    if "amount" in t2.get("procurement", {}):
        t2["procurement"]["items"] = _lognum(rng, 50, 5_000)
        t2["procurement"]["amount"] = round(rng.uniform(1_000, 999_999), rng.choice([1, 2]))
    return t
