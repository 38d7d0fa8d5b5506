"""Round trip: random canonical records -> rendered documents (synth) -> ingest.parse_bytes -> the
same record. A failure names the seed (hypothesis) or the style and file (fixed corpus).

OGI_ROUNDTRIP_EXAMPLES sets the number of hypothesis examples (default 2000).
"""

from __future__ import annotations

import os
import random
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
import synth

EXAMPLES = int(os.environ.get("OGI_ROUNDTRIP_EXAMPLES", "2000"))
ARITH = {"T3_COLUMN_BALANCE", "T3_OUTCOME_SUM", "T3_ROW_SUM", "T4_TOTAL"}
# narrative keys the parser must read when the prose states them; others are checked when read
NARRATIVE_REQUIRED = {"requests_received"}


def _nfkc(s):
    return unicodedata.normalize("NFKC", s) if isinstance(s, str) else s


def mismatches(truth: dict, meta: dict, rec: dict) -> list[str]:
    """Every way the parser's record differs from the truth the document was rendered from."""
    out: list[str] = []
    codes = {i["code"] for i in rec.get("issues", [])}
    for k in ("report_year", "format_version"):
        if rec.get(k) != truth[k]:
            out.append(f"{k}: expected {truth[k]!r}, got {rec.get(k)!r}")
    if _nfkc(rec.get("agency_name")) != _nfkc(truth["agency_name"]):
        out.append(f"agency_name: expected {truth['agency_name']!r}, got {rec.get('agency_name')!r}")
    tables_expected = meta["style"] != "prose_only"
    ambiguous = {tuple(x) for x in meta.get("glued_ambiguous", [])}
    for tname in ("table2", "table3", "table4"):
        got = rec.get(tname)
        if not tables_expected:
            if got is not None:
                out.append(f"{tname}: expected null (no table in the document), got a table")
            continue
        want = truth[tname]
        if got is None:
            out.append(f"{tname}: expected a table, got null")
            continue
        for row, cols in want.items():
            grow = got.get(row)
            if (tname, row) in ambiguous:
                if grow != cols and "GLUED_AMBIGUOUS" not in codes:
                    out.append(f"{tname}.{row}: ambiguous glued row read as {grow} without GLUED_AMBIGUOUS")
                continue
            if grow is None:
                out.append(f"{tname}.{row}: row missing (expected {cols})")
                continue
            for col, v in cols.items():
                g = grow.get(col)
                if g is None or g != v or isinstance(g, bool):
                    out.append(f"{tname}.{row}.{col}: expected {v!r}, got {g!r}")
        extra = set(got) - set(want)
        if extra:
            out.append(f"{tname}: unexpected rows {sorted(extra)}")
    nar = rec.get("narrative") or {}
    for k, v in truth["narrative"].items():
        if k in NARRATIVE_REQUIRED and k not in nar:
            out.append(f"narrative.{k}: expected {v}, not read")
        elif k in nar and nar[k] != v:
            out.append(f"narrative.{k}: expected {v}, got {nar[k]}")
    # findings
    if meta["empty_cells"] and "CELL_EMPTY" not in codes:
        out.append(f"CELL_EMPTY missing ({len(meta['empty_cells'])} empty cells printed)")
    if meta["spam"] and "SPAM_INJECTED" not in codes:
        out.append(f"SPAM_INJECTED missing (spam terms {meta['spam']})")
    if tables_expected and meta["style"] != "glued":
        for code in truth["broken"]:
            if code not in codes:
                out.append(f"{code} missing (the truth breaks it)")
        for code in (codes & ARITH) - set(truth["broken"]):
            out.append(f"{code} reported but the tables are consistent")
    if tables_expected and not truth["broken"] and "NARRATIVE_MISMATCH" in codes:
        out.append("NARRATIVE_MISMATCH reported but prose and tables agree")
    errors = [i for i in rec.get("issues", []) if i.get("severity") == "error"]
    if errors:
        out.append(f"error issues on a valid report: {errors}")
    return out


def _one(seed: int) -> tuple[dict, dict, bytes, dict]:
    rng = random.Random(seed)
    truth = synth.random_truth(rng)
    data, meta = synth.render(truth, rng)
    ext = "html" if meta["kind"] == "html" else "txt"
    rec = ingest.parse_bytes(data, f"seed_{seed}.{ext}")
    return truth, meta, data, rec


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.integers(0, 2**32 - 1))
def test_roundtrip_random_seed(seed):
    truth, meta, _data, rec = _one(seed)
    bad = mismatches(truth, meta, rec)
    assert not bad, (
        f"seed={seed} style={meta['style']} kind={meta['kind']} enc={meta['encoding']} "
        f"traditional={meta['traditional']} noise={meta['noise']}\n  " + "\n  ".join(bad[:15])
    )


@pytest.mark.parametrize("style", synth.STYLES)
def test_roundtrip_style(style):
    failures = []
    n = 0
    for fname, data, truth, meta in synth.corpus(40, 31337, styles=[style]):
        n += 1
        rec = ingest.parse_bytes(data, fname)
        bad = mismatches(truth, meta, rec)
        if bad:
            failures.append(
                f"{fname} ({meta['kind']}, {meta['encoding']}, trad={meta['traditional']}, "
                f"noise={meta['noise']}): " + "; ".join(bad[:5])
            )
    assert not failures, f"{len(failures)}/{n} {style} documents differ:\n" + "\n".join(failures[:12])


def test_broken_arithmetic_is_reported():
    """Every broken rule of a corpus of broken truths shows up as its finding code."""
    seen = set()
    missing = []
    i = 0
    for seed in range(5000):
        rng = random.Random(seed)
        truth = synth.random_truth(rng, 2019 + seed % 6)
        if not truth["broken"]:
            continue
        style = ["html_table", "pipe", "cell_per_line"][i % 3]
        i += 1
        data, _meta = synth.render(truth, rng, style)
        rec = ingest.parse_bytes(data, f"broken_{seed}.txt")
        codes = {x["code"] for x in rec["issues"]}
        for c in truth["broken"]:
            seen.add(c)
            if c not in codes:
                missing.append(f"seed {seed} {style}: {c} not reported (got {sorted(codes)})")
        if i >= 120:
            break
    assert seen >= ARITH | {"NARRATIVE_MISMATCH"}
    assert not missing, "\n".join(missing[:15])


def test_parse_record_contract():
    """Cells have provenance; every non-null table value has exactly one cell entry."""
    for fname, data, _truth, meta in synth.corpus(30, 2718):
        rec = ingest.parse_bytes(data, fname)
        cells = rec.get("cells", [])
        seen = {}
        for c in cells:
            key = (c["table"], c["row"], c["column"])
            seen[key] = seen.get(key, 0) + 1
        for tname in ("table2", "table3", "table4"):
            for row, cols in (rec.get(tname) or {}).items():
                for col, v in cols.items():
                    if v is not None:
                        assert seen.get((tname, row, col)) == 1, (fname, tname, row, col)
        for table, row, col in meta["empty_cells"]:
            c = [x for x in cells if (x["table"], x["row"], x["column"]) == (table, row, col)]
            assert c and c[0]["empty"] is True and c[0]["value"] == 0, (fname, table, row, col)
