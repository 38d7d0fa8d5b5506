"""Round trip for the forms reports circulate in besides portal pages: generated PDF and Word
attachments and what PDF tools and converters print from them (synth.FORM_STYLES) ->
ingest.parse_bytes -> the truth, cell by cell.

Every table-2/3/4 cell of the truth must come back equal, or null AND covered by a GLUED_AMBIGUOUS or
CELL_UNREADABLE finding naming that cell (a true null beats a plausible wrong number); no table may
hold a number the truth does not have; agency and year must equal the truth. Each test prints its
figures (right / null covered / null uncovered / wrong / invented cells) so a run with `-s` shows
where the parser stands per form.

Hostile attachments (image-only, encrypted, truncated, 500-page PDFs, a zip bomb and a 10,000-row
table as .docx) must each give one record in bounded time and memory, with an error or a
TABLES_ARE_IMAGES finding where there is nothing to read, and never a number the document does not
print.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import ingest
import synth
from synth.renderers import hostile

ROOT = Path(__file__).resolve().parents[1]
SEED = 20250301
# documents per form: enough to meet every layout variation a few times, small enough to stay fast
N = {"pdf": 12, "docx": 6, "layout_text": 12, "reading_order": 12, "markdown_shredded": 12, "one_line": 12}
COVER = {"GLUED_AMBIGUOUS", "CELL_UNREADABLE"}
TABLES = ("table2", "table3", "table4")


def _nfkc(s):
    return unicodedata.normalize("NFKC", s) if isinstance(s, str) else s


def _covered(rec: dict, table: str, row: str, col: str) -> bool:
    name = f"{row}.{col}"
    for f in rec.get("issues", []):
        if f.get("code") in COVER and f.get("table") in (table, None) and (not f.get("cells") or name in f["cells"]):
            return True
    return False


def cell_check(truth: dict, rec: dict) -> tuple[Counter, list[str]]:
    """Counts of right / null_covered / null / wrong / invented cells, and what was wrong."""
    n: Counter = Counter()
    bad: list[str] = []
    for t in TABLES:
        want, got = truth.get(t), rec.get(t) or {}
        for row, cols in (want or {}).items():
            for col, v in cols.items():
                g = (got.get(row) or {}).get(col)
                if g is not None and not isinstance(g, bool) and g == v:
                    n["right"] += 1
                elif g is None and _covered(rec, t, row, col):
                    n["null_covered"] += 1
                elif g is None:
                    n["null"] += 1
                    bad.append(f"{t}.{row}.{col}: expected {v!r}, got null without a finding")
                else:
                    n["wrong"] += 1
                    bad.append(f"{t}.{row}.{col}: expected {v!r}, got {g!r}")
        for row, cols in got.items():
            for col, g in (cols or {}).items():
                if g is not None and ((want or {}).get(row) or {}).get(col) is None:
                    n["invented"] += 1
                    bad.append(f"{t}.{row}.{col}: {g!r} is not in the document")
    return n, bad


def _meta_errors(truth: dict, rec: dict) -> list[str]:
    out = []
    if _nfkc(rec.get("agency_name")) != _nfkc(truth["agency_name"]):
        out.append(f"agency_name: expected {truth['agency_name']!r}, got {rec.get('agency_name')!r}")
    if rec.get("report_year") != truth["report_year"]:
        out.append(f"report_year: expected {truth['report_year']!r}, got {rec.get('report_year')!r}")
    return out


@pytest.mark.parametrize("form", synth.FORM_STYLES)
def test_roundtrip_form(form):
    totals: Counter = Counter()
    docs_ok, failures = 0, []
    t0 = time.perf_counter()
    for fname, data, truth, meta in synth.corpus(N[form], SEED, styles=[form]):
        assert fname.endswith("." + synth.EXTENSIONS[meta["kind"]])
        rec = ingest.parse_bytes(data, fname)
        n, bad = cell_check(truth, rec)
        bad = _meta_errors(truth, rec) + bad
        totals.update(n)
        if bad:
            failures.append(f"{fname} ({', '.join(meta['variations'][:6])}): " + "; ".join(bad[:4]))
        else:
            docs_ok += 1
    dt = time.perf_counter() - t0
    cells = sum(totals.values()) - totals["invented"]
    summary = (
        f"{form}: {docs_ok}/{N[form]} documents exact; cells {cells}: right {totals['right']}, "
        f"null+finding {totals['null_covered']}, null {totals['null']}, wrong {totals['wrong']}, "
        f"invented {totals['invented']} ({dt:.1f}s)"
    )
    print(summary)
    assert not failures, summary + "\n" + "\n".join(failures[:10])


# ---------------------------------------------------------------------------------------------------
# hostile attachments
# ---------------------------------------------------------------------------------------------------
TIMEOUT_S = 60
MEM_BYTES = 3 * 1024**3
API_SNIPPET = (
    "import json, sys, ingest\n"
    "p = sys.argv[1]\n"
    "rec = ingest.parse_bytes(open(p, 'rb').read(), p)\n"
    "sys.stdout.write(json.dumps(rec, ensure_ascii=False) + '\\n')\n"
)


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEM_BYTES, MEM_BYTES))


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile_forms")
    truths = {}
    for name, (data, truth) in hostile.hostile_files(7).items():
        (d / name).write_bytes(data)
        truths[name] = truth
    return d, truths


@pytest.mark.parametrize("name", hostile.HOSTILE_KINDS)
def test_hostile_attachment(hostile_dir, name):
    d, truths = hostile_dir
    path = d / name
    t0 = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-c", API_SNIPPET, str(path)],
        cwd=ROOT,
        capture_output=True,
        timeout=TIMEOUT_S,
        preexec_fn=_limits,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    dt = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    assert p.returncode == 0, (p.returncode, err[-3000:])
    lines = [x for x in p.stdout.decode("utf-8").splitlines() if x.strip()]
    assert len(lines) == 1, f"expected one JSON line, got {len(lines)}"
    rec = json.loads(lines[0])
    codes = {i["code"] for i in rec["issues"]}
    sev = {i["severity"] for i in rec["issues"]}
    truth = truths[name]
    print(f"{name}: {dt:.1f}s, issues={sorted(codes)[:6]}")
    if name.startswith("image_only"):
        # nothing to read: say so, and print no number
        assert "error" in sev or "TABLES_ARE_IMAGES" in codes, rec["issues"]
        assert all(rec[t] is None or not _numbers(rec[t]) for t in TABLES), "numbers read from a picture"
    elif name in ("encrypted.pdf", "zip_bomb.docx"):
        assert "error" in sev, rec["issues"]
        assert all(rec[t] is None for t in TABLES)
    elif name == "truncated.pdf":
        assert "error" in sev or "TABLES_ARE_IMAGES" in codes, rec["issues"]
        _no_invented(truth, rec)
    elif name == "pages_500.pdf":
        # refused, or read: then every number it gives is the report's
        if "error" not in sev:
            _n, bad = cell_check(truth, rec)
            assert not bad, bad[:10]
    elif name == "rows_10000.docx":
        # a 10,000-row catalogue is not table 2, 3 or 4
        assert "error" in sev or all(rec[t] is None or not _numbers(rec[t]) for t in TABLES), rec["issues"]
    else:
        raise AssertionError(f"no expectation for {name}")


def _numbers(table: dict) -> list:
    return [v for cols in table.values() for v in (cols or {}).values() if v is not None]


def _no_invented(truth: dict, rec: dict) -> None:
    n, bad = cell_check(truth, rec)
    assert not n["wrong"] and not n["invented"], bad[:10]
