"""The synthetic report generator (synth): deterministic, arithmetic-consistent, every style and
noise produced, bytes decodable. Runs without the parser."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import synth
from ingest.parser import labels as L

ROOT = Path(__file__).resolve().parents[1]
N = 400


@pytest.fixture(scope="module")
def docs():
    return list(synth.corpus(N, 424242, years=range(2014, 2025)))


def _digest(items) -> str:
    h = hashlib.sha256()
    for fname, data, truth, meta in items:
        h.update(fname.encode())
        h.update(data)
        h.update(json.dumps(truth, ensure_ascii=False, sort_keys=True).encode())
        h.update(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def test_deterministic():
    a = list(synth.corpus(40, 7))
    b = list(synth.corpus(40, 7))
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(synth.corpus(40, 8))
    # a prefix of a corpus is the smaller corpus
    assert _digest(a[:10]) == _digest(synth.corpus(10, 7))
    r1, r2 = random.Random(5), random.Random(5)
    t1, t2 = synth.random_truth(r1), synth.random_truth(r2)
    assert t1 == t2
    assert synth.render(t1, r1) == synth.render(t2, r2)


def test_truth_shape_and_keys(docs):
    for fname, _data, t, meta in docs:
        fmt = t["format_version"]
        y = t["report_year"]
        assert fmt == ("pre2019" if y < 2019 else "2019" if y < 2021 else "2021"), fname
        assert fname.startswith(f"gen_{y}_") and fname.endswith(".html" if meta["kind"] == "html" else ".txt")
        if fmt == "pre2019":
            assert t["table2"] is t["table3"] is t["table4"] is None
            assert meta["style"] == "prose_only"
            continue
        assert list(t["table3"]) == (L.T3_ROWS_2021 if fmt == "2021" else L.T3_ROWS_2019)
        for row in t["table3"].values():
            assert list(row) == L.T3_COLS
            assert all(isinstance(v, int) and v >= 0 for v in row.values())
        assert list(t["table4"]) == L.T4_PROCS
        assert all(list(r) == L.T4_RESULTS for r in t["table4"].values())
        assert {k: list(v) for k, v in t["table2"].items()} == L.TABLE2_LAYOUT[fmt]


def test_arithmetic_holds_unless_broken(docs):
    n_broken = 0
    for fname, _data, t, _meta in docs:
        if t["table3"] is None:
            continue
        found = synth.check_arith(t)
        stated = t["narrative"].get("requests_received")
        if stated is not None and stated != t["table3"]["new_received"]["total"]:
            found.add("NARRATIVE_MISMATCH")
        assert sorted(found) == t["broken"], fname
        n_broken += bool(t["broken"])
    n_tables = sum(1 for d in docs if d[2]["table3"] is not None)
    assert 0.04 * n_tables < n_broken < 0.2 * n_tables


def test_realistic_values(docs):
    t3s = [d[2]["table3"] for d in docs if d[2]["table3"]]
    totals = [t["new_received"]["total"] for t in t3s]
    assert sum(1 for v in totals if v == 0) > 0.1 * len(totals)  # many report no request
    assert max(totals) > 400  # some large bureaus
    cells = [v for t in t3s for r in t.values() for v in r.values()]
    assert sum(1 for v in cells if v == 0) > 0.6 * len(cells)  # mostly zeros
    nat = sum(t["new_received"]["natural_person"] for t in t3s)
    assert nat > 0.5 * sum(totals)  # natural persons dominate
    fees = [d[2]["table2"]["fees"]["amount_10k_yuan"] for d in docs if d[2]["format_version"] == "2021"]
    assert any(isinstance(v, float) for v in fees)
    changes = [
        d[2]["table2"][k]["change"]
        for d in docs
        if d[2]["format_version"] == "2019"
        for k in ("licensing", "other_services", "penalty", "coercion")
    ]
    assert any(v < 0 for v in changes)
    names = {d[2]["agency_name"] for d in docs}
    assert len(names) > 0.8 * len(docs)
    assert any(n.endswith("街道办事处") for n in names) and any(n.endswith("局") for n in names)


def test_every_style_and_noise_is_produced(docs):
    metas = [d[3] for d in docs]
    styles = Counter(m["style"] for m in metas)
    assert set(styles) == set(synth.STYLES), styles
    enc = Counter(m["encoding"] for m in metas)
    assert {"utf-8", "utf-8-sig", "gbk"} <= set(enc), enc
    assert any(m["traditional"] for m in metas)
    assert any(m["spam"] for m in metas)
    assert any(m["empty_cells"] for m in metas)
    assert any(not m["title"] for m in metas)
    assert any(m["header_block"] for m in metas)
    assert any(m.get("word") for m in metas) and any(m.get("page") == "portal" for m in metas)
    assert any(m["kind"] == "html" and m["meta_charset"] is None for m in metas)
    assert any(m["encoding"].startswith("gb") and m["meta_charset"] for m in metas)
    noise = Counter(n for m in metas for n in m["noise"])
    for flag in (
        "space_labels",
        "heji",
        "typo_fuyi",
        "repeat_group",
        "split_labels",
        "fw_digits",
        "layout_table",
        "t2_split_tables",
        "glued_labels",
        "script_table",
    ):
        assert noise[flag], (flag, noise)
    assert any(n.startswith("numbering:") for n in noise)
    assert noise["trailing_td"] + noise["short_label_colspan"] > 0


def test_styles_on_request():
    for style in synth.STYLES:
        for i in range(15):
            rng = random.Random(i)
            t = synth.random_truth(rng, 2021 if i % 2 else 2020)
            data, meta = synth.render(t, rng, style)
            assert meta["style"] == style
            text = data.decode(meta["encoding"])
            if style == "html_table":
                assert "<table" in text.lower() and "rowspan" in text.lower()
            elif style == "pipe":
                assert " | " in text
            if meta["traditional"]:
                continue
            if style == "prose_only":
                assert "三、收到和处理政府信息公开申请情况" in text
                assert "本年新收政府信息公开申请数量" not in text


def test_bytes_decode_as_declared(docs):
    for _fname, data, t, meta in docs:
        enc = meta["encoding"]
        text = data.decode(enc)  # strict
        assert meta["bom"] == data.startswith(b"\xef\xbb\xbf")
        if enc.startswith("gb"):
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        if meta["kind"] == "html" and meta["meta_charset"]:
            assert f"charset={meta['meta_charset']}" in text or f'charset="{meta["meta_charset"]}"' in text
        if not meta["traditional"] and meta["title"] and not meta["spam"]:
            import unicodedata

            assert t["agency_name"] in unicodedata.normalize("NFKC", text)


def test_sizes_realistic(docs):
    sizes = sorted(len(d[1]) for d in docs)
    assert 3_000 < sizes[len(sizes) // 2] < 40_000
    assert sizes[-1] < 250_000
    html_sizes = sorted(len(d[1]) for d in docs if d[3]["kind"] == "html")
    assert html_sizes[len(html_sizes) // 2] > 10_000


def test_empty_cells_are_zero(docs):
    for _fname, _data, t, meta in docs:
        for table, row, col in meta["empty_cells"]:
            assert t[table][row][col] == 0
            assert meta["style"] in ("html_table", "pipe")


def test_traditional_roundtrips_names(docs):
    import opencc

    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    names = {d[2]["agency_name"] for d in docs}
    for prov, city, counties in synth.PLACES:
        names |= {prov, city, *counties}
    names |= set(synth.TOWNS) | set(synth.CITY_BODIES) | set(synth.PROVINCE_BODIES)
    bad = [n for n in names if t2s.convert(s2t.convert(n)) != n]
    assert not bad


def test_spam_is_recorded_and_present(docs):
    for _fname, data, _t, meta in docs:
        if meta["spam"] and not meta["traditional"]:
            text = data.decode(meta["encoding"])
            assert all(term in text for term in meta["spam"])


def test_glued_splits():
    assert synth.t3_row_splits("0000000") == [[0] * 7]
    assert len(synth.t3_row_splits("1111116")) == 1
    assert synth.t3_row_splits("1200003") == [[1, 2, 0, 0, 0, 0, 3]]
    assert synth.t3_row_splits("12000003") == []  # no reading adds up
    assert len(synth.t3_row_splits("110000011")) == 2  # 1,10,0,0,0,0|11 or 11,0,0,0,0,0|11
    assert len(synth.t3_row_splits("1010002")) == 1
    assert len(synth.t4_run_splits("000000000000000")) == 1
    assert synth.t4_run_splits("1001" + "0" * 11) == []  # broken totals: no reading
    # every ambiguous row listed in the meta really has several (or no) readings
    for _fname, _data, t, meta in synth.corpus(300, 99, styles=["glued"]):
        amb = {tuple(x) for x in meta["glued_ambiguous"]}
        if t["table3"] is None:
            continue
        for r, row in t["table3"].items():
            digits = "".join(str(row[c]) for c in L.T3_COLS)
            assert (("table3", r) in amb) == (len(synth.t3_row_splits(digits)) != 1)
            if ("table3", r) not in amb:
                assert synth.t3_row_splits(digits) == [[row[c] for c in L.T3_COLS]]


def test_glued_text_has_runs():
    rng = random.Random(3)
    t = synth.random_truth(rng, 2021)
    data, meta = synth.render(t, rng, "glued")
    text = data.decode(meta["encoding"])
    run = "".join(str(t["table4"][p][r]) for p in L.T4_PROCS for r in L.T4_RESULTS)
    if not meta["traditional"]:
        assert run in text


def test_cli_writes_files_and_truth(tmp_path):
    out1, out2 = tmp_path / "a", tmp_path / "b"
    for out in (out1, out2):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "synth",
                "--out",
                str(out),
                "--n",
                "12",
                "--seed",
                "5",
                "--years",
                "2019-2024",
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    files = sorted(p.name for p in out1.iterdir())
    assert len(files) == 13 and "truth.jsonl" in files
    for name in files:
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name
    lines = (out1 / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    recs = [json.loads(x) for x in lines]
    assert all((out1 / r["file"]).exists() and 2019 <= r["report_year"] <= 2024 for r in recs)


# ---------------------------------------------------------------------------------------------------
# the attachment forms (synth.FORM_STYLES) and hostile files
# ---------------------------------------------------------------------------------------------------
def _form_doc(seed: int, style: str, year: int = 2022):
    """A form document's truth, meta and page layout, made the way render_form makes them."""
    from synth.renderers import forms

    rng = random.Random(seed)
    truth = synth.random_truth(rng, year)
    meta = {"noise": [], "variations": [], "empty_cells": [], "title": True}
    doc = forms.build_doc(truth, rng, style, meta)
    look = forms.choose_look(truth, rng)
    pages, _lay = forms.lay_out(doc, look)
    return truth, meta, doc, pages


@pytest.fixture(scope="module")
def form_docs():
    return list(synth.corpus(24, 99, years=range(2016, 2025), styles=["forms"]))


def test_forms_deterministic():
    a = list(synth.corpus(8, 3, styles=["forms"]))
    assert _digest(a) == _digest(synth.corpus(8, 3, styles=["forms"]))
    # the default mix is untouched by the forms' existence
    assert {m["style"] for *_x, m in synth.corpus(40, 7)} <= set(synth.STYLES)


def test_forms_files_open(form_docs):
    import io
    import unicodedata
    import zipfile

    import pypdfium2 as pdfium

    seen = Counter()
    for fname, data, t, meta in form_docs:
        style = meta["style"]
        seen[style] += 1
        assert fname.endswith("." + synth.EXTENSIONS[meta["kind"]]), fname
        if style == "pdf":
            pdf = pdfium.PdfDocument(data)
            assert len(pdf) == meta["pages"]
            if t["table3"] is not None:
                assert 4 <= len(pdf) <= 7, (fname, len(pdf))
            text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
            flat = "".join(unicodedata.normalize("NFKC", text).split())
            if meta["title"]:
                assert t["agency_name"] in flat
            if t["table4"] is not None:
                assert "".join(str(t["table4"][p][r]) for p in L.T4_PROCS for r in L.T4_RESULTS) in flat
        elif style == "docx":
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            assert "word/document.xml" in names
        else:
            text = data.decode("utf-8")
            assert t["report_year"] and str(t["report_year"]) in text
    assert set(seen) == set(synth.FORM_STYLES), seen


def test_page_layout_prints_the_truth():
    """Every value drawn on the pages is the truth's, and every truth cell is drawn once (or empty)."""
    import unicodedata

    from synth.layouts import fmt_num

    for seed in range(12):
        truth, meta, _doc, pages = _form_doc(seed, "pdf", 2019 + seed % 6)
        drawn = Counter()
        for p in pages:
            for it in p.items:
                if it.kind == "value":
                    table, row, col = it.key
                    assert unicodedata.normalize("NFKC", it.text) == fmt_num(truth[table][row][col]), it
                    drawn[it.key] += 1
        empty = {tuple(x) for x in meta["empty_cells"]}
        for table in ("table2", "table3", "table4"):
            for row, cols in truth[table].items():
                for col in cols:
                    k = (table, row, col)
                    assert drawn[k] == 1 or (k in empty and drawn[k] == 0), (seed, k, drawn[k])


def test_layout_text_shape():
    from synth.renderers import pdftext

    groups = 0
    for seed in range(10):
        _t, _meta, _doc, pages = _form_doc(seed, "layout_text")
        text = pdftext.layout_text(pages, random.Random(0), {"variations": []})
        assert text.count("\f") == len(pages)
        lines = text.split("\n")
        assert any("  " in ln.strip() for ln in lines)  # columns apart by runs of spaces
        groups += any(ln.strip() == "三、" for ln in lines)  # the vertical group label's first line
    assert groups


def test_one_line_and_reading_order_shapes():
    from synth.renderers import pdftext

    for seed in range(6):
        t, meta, doc, pages = _form_doc(seed, "one_line")
        meta["glued_ambiguous"] = []
        one = pdftext.one_line(doc, pages, random.Random(0), meta).rstrip("\n").split("\n")
        assert len(one) == len(pages)
        run = "".join(str(t["table4"][p][r]) for p in L.T4_PROCS for r in L.T4_RESULTS)
        assert run in "".join(one)
        for tname, row in meta["glued_ambiguous"]:
            if tname == "table3":
                digits = "".join(str(t["table3"][row][c]) for c in L.T3_COLS)
                assert len(synth.t3_row_splits(digits)) != 1
        ro = pdftext.reading_order(doc, pages, random.Random(seed), {"variations": []})
        lines = [x for x in ro.split("\n") if x.strip()]
        assert "行政复议" in lines or "行政法复议" in lines  # one cell per line


def test_markdown_and_docx_structure():
    import io
    import re
    import unicodedata
    import zipfile

    import docx

    md_seen = Counter()
    for fname, data, t, meta in synth.corpus(14, 11, styles=["markdown_shredded", "docx"]):
        if meta["style"] == "markdown_shredded":
            text = data.decode("utf-8")
            assert "|---|" in text
            for v in meta["variations"]:
                md_seen[v.split(":")[0]] += 1
            if any(v.startswith("placeholder_headers") for v in meta["variations"]):
                assert "| 数据1 | 数据2 |" in text
            continue
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
        tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, flags=re.S)
        assert len(tables) == meta["tables_in_docx"]
        t3 = next(x for x in tables if "申请人情况" in x)
        assert "gridSpan" in t3 and t3.count('<w:vMerge w:val="restart"/>') >= 5
        if t["format_version"] == "2021" and "other_total" not in t["table3"]:
            # 三、本年度办理结果: one restart and 21 continuations in the first column
            rows = re.findall(r"<w:tr[ >].*?</w:tr>", t3, flags=re.S)
            first = [re.search(r"<w:tc>.*?</w:tc>", r, flags=re.S).group(0) for r in rows[5:27]]
            assert "本年度办理结果" in first[0] and all("<w:vMerge/>" in c for c in first[1:]), fname
        d = docx.Document(io.BytesIO(data))
        cells = {
            unicodedata.normalize("NFKC", c.text).strip() for tbl in d.tables for row in tbl.rows for c in row.cells
        }
        assert str(t["table3"]["total_processed"]["total"]) in cells
    assert md_seen["stripped_labels"] and md_seen["placeholder_headers"] and md_seen["foreign_headers"]


def test_truth_variants():
    rng = random.Random(8)
    t = synth.random_truth(rng, 2022)
    h = synth.hybrid_other_total(t)
    assert h["format_version"] == "2021" and list(h["table3"]) == L.T3_ROWS_2019
    for c in L.T3_COLS:
        assert h["table3"]["other_total"][c] == sum(t["table3"][k][c] for k in synth.truth.OTHER_ROWS)
    assert sorted(synth.check_arith(h)) == [x for x in h["broken"] if x != "NARRATIVE_MISMATCH"]
    data, meta = synth.render(h, rng, "html_table")
    text = data.decode(meta["encoding"])
    assert "申请人无正当理由逾期不补正" not in synth.renderers.html._html.unescape(text) or meta["traditional"]
    big = [
        v
        for _f, _d, t2, m in synth.corpus(30, 5, styles=["pdf"])
        if "citywide_numbers" in m["variations"]
        for item in t2["table2"].values()
        for v in item.values()
    ]
    assert any(v >= 1_000_000 for v in big) and any(isinstance(v, float) for v in big)


def test_hostile_files():
    import io
    import zipfile

    import pypdfium2 as pdfium

    from synth.renderers import hostile

    files = hostile.hostile_files(3)
    assert set(files) == set(hostile.HOSTILE_KINDS)
    long_pdf = pdfium.PdfDocument(files["pages_500.pdf"][0])
    assert len(long_pdf) >= 500 and len(files["pages_500.pdf"][0]) < 64 * 1024**2
    for name in ("image_only_raster.pdf", "image_only_vector.pdf"):
        pdf = pdfium.PdfDocument(files[name][0])
        assert len(pdf) >= 4
        assert all(not pdf[i].get_textpage().get_text_range().strip() for i in range(len(pdf)))
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(files["encrypted.pdf"][0])
    assert b"%%EOF" not in files["truncated.pdf"][0]
    bomb = files["zip_bomb.docx"][0]
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/document.xml")
    assert info.file_size >= 2 * 1024**3 and len(bomb) < 5 * 1024**2
    with zipfile.ZipFile(io.BytesIO(bomb)).open("word/document.xml") as f:
        assert f.read(1 << 16).startswith(b"<?xml")
    small = hostile.zip_bomb_docx(random.Random(1), gib=0.005)
    assert len(zipfile.ZipFile(io.BytesIO(small)).read("word/document.xml")) > 5_000_000  # CRC checked
    assert zipfile.ZipFile(io.BytesIO(files["rows_10000.docx"][0])).read("word/document.xml").count(b"<w:tr>") == 10_000
