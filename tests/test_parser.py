"""The parser on the five real seed reports, a realistic portal page and transformed forms of them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from opencc import OpenCC

import ingest
from ingest.parser import labels as L
from ingest.parser.solver import SumRule, readings
from ingest.parser.tokens import split_word

FIX = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIX / "seeds").glob("*.txt"))
HTML_PAGE = FIX / "html" / "hz_yjglj_2021_gbk.html"
_S2T = OpenCC("s2t")


def expected(seed: Path) -> dict:
    return json.loads((FIX / "expected" / f"{seed.stem}.expected.json").read_text(encoding="utf-8"))


def assert_matches(rec: dict, exp: dict) -> None:
    """Every key the expected file shows must be what the parser read."""
    for key in ("report_year", "format_version"):
        assert rec[key] == exp[key], key
    assert rec["agency_name"] == exp["agency_name"]
    for t in ("table2", "table3", "table4"):
        if exp[t] is None:
            assert rec[t] is None, f"{t} invented"
            continue
        for row, cols in exp[t].items():
            for col, v in cols.items():
                assert rec[t][row][col] == v, f"{t}.{row}.{col}"
    for k, v in exp["narrative"].items():
        assert rec["narrative"].get(k) == v, f"narrative.{k}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_reports_read_exactly(seed: Path) -> None:
    rec = ingest.parse_file(seed)
    assert_matches(rec, expected(seed))
    assert rec["report_id"] and len(rec["report_id"]) == 64
    assert rec["parser_version"] == ingest.PARSER_VERSION
    assert not [i for i in rec["issues"] if i["severity"] == "error"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("form", ["gbk", "traditional", "utf8_bom", "markdown", "spaces", "fullwidth"])
def test_seed_reports_in_other_forms(seed: Path, form: str) -> None:
    raw = seed.read_text(encoding="utf-8")
    if form == "gbk":
        data = raw.encode("gb18030")
    elif form == "traditional":
        data = _S2T.convert(raw).encode("utf-8")
    elif form == "utf8_bom":
        data = b"\xef\xbb\xbf" + raw.encode("utf-8")
    elif form == "markdown":
        data = "\n".join(f"| {ln} |\n|---|---|" if ln.count("|") > 3 else ln for ln in raw.split("\n")).encode()
    elif form == "spaces":  # cells separated by runs of spaces, as text copied out of a PDF
        data = raw.replace(" | ", "   ").replace("|", "  ").encode()
    else:  # full-width digits and brackets
        data = raw.translate(str.maketrans("0123456789()", "０１２３４５６７８９（）")).encode()
    assert_matches(ingest.parse_bytes(data, seed.name), expected(seed))


def _glue(raw: str) -> str:
    """Drop the separators between numbers, as lossy scrapers do."""
    out = re.sub(r"(\d)[ \t]*\|[ \t]*(?=\d)", r"\1", raw)
    for _ in range(20):
        out = re.sub(r"(?m)^(\d+)\n\n(\d+)$", r"\1\2", out)
    return out


@pytest.mark.parametrize("seed", [s for s in SEEDS if s.stem[:3] in ("001", "003")], ids=lambda p: p.stem[:3])
def test_glued_digits_recovered_by_arithmetic(seed: Path) -> None:
    raw = seed.read_text(encoding="utf-8")
    glued = _glue(raw)
    assert glued != raw
    rec = ingest.parse_bytes(glued.encode(), seed.name)
    assert_matches(rec, expected(seed))
    assert rec["source"]["layout"] == "glued"
    assert any(i["code"] == "GLUED_SPLIT" for i in rec["issues"])


def test_glued_splits() -> None:
    row = (SumRule(tuple(range(6)), 6),)
    assert [v for v, _ in readings(["640020470"], 7, row).readings] == [(64, 0, 0, 2, 0, 4, 70)]
    # a negative number glued in, allowed only where the table allows one
    assert [v for v, _ in readings(["1-20"], 3, signed={1}).readings] == [(1, -2, 0)]
    assert readings(["1-20"], 3).readings == []
    # more than one reading: all are returned, so the caller can say so
    assert len(readings(["1041"], 3).readings) == 2
    assert readings(["00"], 3).readings == []


def test_ambiguous_glue_is_a_warning_not_a_silent_guess() -> None:
    text = (
        "二、主动公开政府信息情况\n第二十条第(五)项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n"
        "行政许可1041\n三、收到和处理政府信息公开申请情况\n"
    )
    rec = ingest.parse_bytes(("某某市某某局2020年政府信息公开工作年度报告\n" + text).encode(), "x.txt")
    amb = [i for i in rec["issues"] if i["code"] == "GLUED_AMBIGUOUS"]
    assert amb
    # 1|0|41 or 10|4|1: no first reading is kept; the cells are null and the candidates listed
    assert rec["table2"]["licensing"] == {"prior_year_items": None, "change": None, "decisions": None}
    assert amb[0]["candidates"]["licensing.decisions"] == [1, 41]


def test_word_scanner() -> None:
    assert split_word("41815092.政府公报") == [("num", "4181509"), ("label", "2.政府公报")]
    assert split_word("行政许可644") == [("label", "行政许可"), ("num", "644")]
    assert split_word("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000") == [
        ("label", "1.属于国家秘密"),
        ("num", "0000000"),
        ("label", "2.其他法律行政法规禁止公开"),
        ("num", "0000000"),
    ]
    assert split_word("2021年") == [("label", "2021年")]
    assert split_word("3件") == [("num", "3")]


@pytest.mark.parametrize(
    "label,group,key",
    [
        ("本年度办 理结果", None, None),
        ("一、本年新收政府信息公开申请数量", None, "new_received"),
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", None, "partially_granted"),
        ("3.危及“三安全一稳定”", "denied", "denied_security_stability"),
        ("5.要求行政机关确认或重新出具已取信息", "rejected", "rejected_confirmation"),
        ("3.其他", "other", "other_other"),
        ("3.其他", None, None),
        ("(七)总计", None, "total_processed"),
        ("合计", None, "total_processed"),
        ("四、结转下年度继续办理", None, "carried_forward"),
    ],
)
def test_label_table(label: str, group: str | None, key: str | None) -> None:
    assert L.match_t3_row(L.clean(label), group) == key


def test_label_typos_and_variants() -> None:
    assert L.match("t4_proc", L.clean("行政法复议")) == "reconsideration"
    assert L.match("t4_result", "合计") == "total"
    assert L.find_all("t2_measure", "信息内容本年新制作数量本年新公开数量对外公开总数量") == [
        "new_made",
        "new_published",
        "total_published",
    ]


# --- HTML ---------------------------------------------------------------------------------------

HTML_T3_TOTALS = {
    "new_received": 6,
    "granted": 2,
    "partially_granted": 1,
    "unable_not_held": 1,
    "unable_needs_creation": 2,
    "total_processed": 6,
    "carried_forward": 0,
}


def _check_html_record(rec: dict) -> None:
    assert rec["agency_name"] == "杭州市应急管理局"
    assert rec["report_year"] == 2021 and rec["format_version"] == "2021"
    assert rec["published_date"] == "2022-01-27"
    assert rec["source"]["kind"] == "html" and rec["source"]["layout"] == "html_table"
    for row, tot in HTML_T3_TOTALS.items():
        assert rec["table3"][row]["total"] == tot, row
    assert rec["table3"]["new_received"]["natural_person"] == 4
    assert rec["table3"]["new_received"]["commercial_enterprise"] == 2
    # the row printed with &nbsp; cells is zeros, with an info finding
    assert rec["table3"]["other_other"] == {c: 0 for c in L.T3_COLS}
    assert any(i["code"] == "CELL_EMPTY" and "other_other.total" in i["cells"] for i in rec["issues"])
    assert rec["table4"]["reconsideration"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    assert rec["table4"]["litigation_direct"]["corrected"] == 1
    assert rec["table2"]["fees"]["amount_10k_yuan"] == 1.25
    assert rec["table2"]["licensing"]["decisions"] == 644
    # the number written by the page's <script> was never read
    assert rec["table3"]["new_received"]["total"] != 54


def test_html_portal_page_gbk_merged_cells() -> None:
    rec = ingest.parse_file(HTML_PAGE)
    assert rec["source"]["encoding"].startswith("gb18030")
    _check_html_record(rec)
    assert not [i for i in rec["issues"] if i["severity"] != "info"]


def test_html_page_utf8_traditional_without_meta() -> None:
    page = HTML_PAGE.read_bytes().decode("gb18030").replace("charset=gb2312", "")
    rec = ingest.parse_bytes(_S2T.convert(page).encode("utf-8"), "trad.html")
    assert rec["source"]["traditional"] is True
    _check_html_record(rec)


def test_html_provenance_points_at_grid_cells() -> None:
    rec = ingest.parse_file(HTML_PAGE)
    cells = {(c["table"], c["row"], c["column"]): c for c in rec["cells"]}
    # every value of every table has exactly one cell with its origin
    n_values = sum(
        1 for t in ("table2", "table3", "table4") for r in rec[t].values() for v in r.values() if v is not None
    )
    assert len(rec["cells"]) == n_values == len(cells)
    c = cells[("table3", "new_received", "natural_person")]
    assert c["src"] == "html" and c["src_table"] == 1 and c["value"] == 4 and c["raw"] == "4"
    assert (c["src_row"], c["src_col"]) == (3, 3)  # below the three header rows, right of the 3-wide label
    t4 = cells[("table4", "litigation_direct", "corrected")]
    assert t4["src_table"] == 2 and t4["src_row"] == 3 and t4["src_col"] == 6


def test_text_provenance_points_at_lines() -> None:
    seed = next(s for s in SEEDS if s.stem.startswith("002"))
    rec = ingest.parse_file(seed)
    lines = seed.read_text(encoding="utf-8").split("\n")
    for c in rec["cells"]:
        assert c["src"] == "text" and c["src_line"] >= 1
        assert c["raw"] in lines[c["src_line"] - 1].replace(" ", "")
    row = next(c for c in rec["cells"] if c["row"] == "new_received" and c["column"] == "total")
    assert "本年新收" in lines[row["src_line"] - 1]


# --- findings -----------------------------------------------------------------------------------


def _broken_seed() -> bytes:
    raw = next(s for s in SEEDS if s.stem.startswith("002")).read_text(encoding="utf-8")
    # 予以公开: natural person 3 (row total stays 0), and a table-4 total of 5
    raw = raw.replace("(一)予以公开 | 0 | 0 |", "(一)予以公开 | 3 | 0 |", 1)
    lines = raw.split("\n")
    i = max(k for k, ln in enumerate(lines) if ln.startswith("0 | 0 | 0"))
    lines[i] = "0 | 0 | 0 | 0 | 5" + lines[i][len("0 | 0 | 0 | 0 | 0") :]
    return "\n".join(lines).encode()


def test_broken_arithmetic_is_recorded_not_fixed() -> None:
    rec = ingest.parse_bytes(_broken_seed(), "broken.txt")
    assert rec["table3"]["granted"]["natural_person"] == 3  # kept as printed
    assert rec["table4"]["reconsideration"]["total"] == 5
    codes = {i["code"]: i for i in rec["issues"]}
    assert {"T3_ROW_SUM", "T3_OUTCOME_SUM", "T4_TOTAL"} <= set(codes)
    assert "T3_COLUMN_BALANCE" not in codes  # totals were left as printed, so the balance still holds
    assert "granted.total" in codes["T3_ROW_SUM"]["cells"]
    assert codes["T4_TOTAL"]["severity"] == "warning"
    assert "NARRATIVE_MISMATCH" in codes  # the prose says no lawsuits or reconsiderations


def test_spam_is_a_content_integrity_warning() -> None:
    rec = ingest.parse_file(next(s for s in SEEDS if s.stem.startswith("002")))
    spam = [i for i in rec["issues"] if i["code"] == "SPAM_INJECTED"]
    assert spam and spam[0]["severity"] == "warning" and "足球比分" in spam[0]["message"]
    clean = ingest.parse_file(next(s for s in SEEDS if s.stem.startswith("001")))
    assert not [i for i in clean["issues"] if i["code"] == "SPAM_INJECTED"]


def test_missing_tables_are_null_with_prose_numbers() -> None:
    rec = ingest.parse_file(next(s for s in SEEDS if s.stem.startswith("004")))
    assert rec["table2"] is None and rec["table3"] is None and rec["table4"] is None
    assert any(i["code"] == "TABLES_MISSING" for i in rec["issues"])
    assert rec["narrative"]["litigation_total"] == 3


def test_missing_tables_are_found_inside_a_layout_table() -> None:
    # a portal page whose article sits in one layout table: its headings are inside that grid
    article = (
        "某区综合行政执法局2022年度政府信息公开工作年度报告<br>一、总体情况<br>全年答复办理政府信息公开申请1216件。<br>"
        "二、主动公开政府信息情况<br>三、收到和处理政府信息公开申请情况<br>四、政府信息公开行政复议、行政诉讼情况<br>"
        "五、存在的主要问题及改进情况<br>无。"
    )
    page = f"<html><body><div>首页</div><table><tr><td>{article}</td></tr></table></body></html>"
    rec = ingest.parse_bytes(page.encode(), "layout.html")
    assert rec["table2"] is None and rec["table3"] is None and rec["table4"] is None
    assert [i["code"] for i in rec["issues"]].count("TABLES_MISSING") == 1
    assert rec["narrative"]["requests_answered"] == 1216


def test_pre2019_report_has_no_tables() -> None:
    text = (
        "某某县人民政府办公室2017年政府信息公开工作年度报告\n一、概述\n2017年,共收到政府信息公开申请十二件,"
        "已全部答复。未发生行政复议。\n二、主动公开政府信息情况\n本年度主动公开政府信息1200条。\n"
    )
    rec = ingest.parse_bytes(text.encode("gb18030"), "old.txt")
    assert rec["format_version"] == "pre2019" and rec["report_year"] == 2017
    assert rec["table3"] is None and rec["table4"] is None
    assert rec["narrative"]["requests_received"] == 12  # Chinese numerals
    assert rec["narrative"]["reconsideration_total"] == 0
    assert rec["agency_name"] == "某某县人民政府办公室"


def test_unknown_metadata_is_null_with_a_warning() -> None:
    rec = ingest.parse_bytes("三、收到和处理政府信息公开申请情况\n无。\n".encode(), "bare.txt")
    assert rec["agency_name"] is None and rec["report_year"] is None
    codes = {i["code"] for i in rec["issues"]}
    assert {"AGENCY_NOT_FOUND", "YEAR_NOT_FOUND"} <= codes


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_prints_one_json_line_per_file(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.html"
    garbage.write_bytes(bytes(range(256)) * 20)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    files = [str(SEEDS[1]), str(garbage), str(empty), str(missing), str(HTML_PAGE)]
    proc = subprocess.run([sys.executable, "-m", "ingest", "parse", *files], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr
    recs = [json.loads(ln) for ln in proc.stdout.decode("utf-8").splitlines()]
    assert [r["file"] for r in recs] == files
    by = {Path(r["file"]).name: r for r in recs}
    for name, code in (("garbage.html", "NOT_TEXT"), ("empty.txt", "EMPTY_FILE"), ("missing.txt", "READ_ERROR")):
        errs = [i for i in by[name]["issues"] if i["severity"] == "error"]
        assert errs and errs[0]["code"] == code and name in errs[0]["message"]
        assert by[name]["table3"] is None
    assert by[SEEDS[1].name]["table3"]["new_received"]["total"] == 6
    for r in recs:  # the contract's keys are always there
        assert {
            "file",
            "report_id",
            "agency_name",
            "report_year",
            "format_version",
            "table2",
            "table3",
            "table4",
            "narrative",
            "issues",
        } <= set(r)
    strict = subprocess.run([sys.executable, "-m", "ingest", "parse", "--strict", str(garbage)], capture_output=True)
    assert strict.returncode == 1


@pytest.mark.parametrize(
    "title,agency,year",
    [
        ("杭州市应急管理局2021年政府信息公开工作年度报告", "杭州市应急管理局", 2021),
        ("2022年度嵊州市人民政府办公室政府信息公开工作年度报告", "嵊州市人民政府办公室", 2022),
        ("杭州市应急管理局关于2021年政府信息公开工作年度报告", "杭州市应急管理局", 2021),
        ("浙江省财政厅 2021年度政府信息公开工作年度报告", "浙江省财政厅", 2021),
        ("宁波市统计局政府信息公开工作年度报告(2020年度)", "宁波市统计局", 2020),
        ("首页>信息公开>某某县自然资源和规划局2023年政府信息公开年报", "某某县自然资源和规划局", 2023),
        ("杭州市西湖区2021年政府信息公开工作年度报告", "杭州市西湖区", 2021),
        ("从化区民族宗教事务局2014年政府信息公开工作年度报告", "从化区民族宗教事务局", 2014),
        ("厦门市湖里区体育局2021年政府信息公开工作年度报告", "厦门市湖里区体育局", 2021),
        ("现将我局2021年政府信息公开工作年度报告", None, 2021),
    ],
)
def test_title_forms(title: str, agency: str | None, year: int) -> None:
    from ingest.parser import meta

    org, y, _ = meta.find_title(title, None)
    assert (org, y) == (agency, year)


def test_publication_date_is_not_the_statistics_period() -> None:
    from ingest.parser import meta

    text = "统计期限从2022年1月1日起到12月31日止。……嵊州市人民政府办公室 2023年1月20日"
    assert meta.find_published(text, 2022) == "2023-01-20"
    assert meta.find_published("本报告统计期限为2022年1月1日至12月31日。", 2022) is None


def test_html_one_paragraph_per_cell_with_a_wrong_meta_charset() -> None:
    """Tables flattened to one <p> per cell, and a page declaring big5 that is really UTF-8."""
    import html as html_lib

    seed = next(s for s in SEEDS if s.stem.startswith("001"))
    body = "".join(
        f"<p>{html_lib.escape(ln)}</p>\n" for ln in seed.read_text(encoding="utf-8").split("\n") if ln.strip()
    )
    page = f"<html><head><meta charset='big5'></head><body><div class=article>{body}</div></body></html>"
    rec = ingest.parse_bytes(page.encode("utf-8"), "p.html")
    assert rec["source"]["kind"] == "html" and rec["source"]["layout"] == "cell_per_line"
    assert_matches(rec, expected(seed))


def test_html_whole_report_in_one_table_with_headings_as_rows() -> None:
    import html as html_lib

    seed = next(s for s in SEEDS if s.stem.startswith("002"))
    rows = "".join(
        "<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in ln.split("|")) + "</tr>"
        for ln in seed.read_text(encoding="utf-8").split("\n")
        if ln.strip()
    )
    rec = ingest.parse_bytes(f"<html><body><table>{rows}</table></body></html>".encode("gb18030"), "q.html")
    assert rec["source"]["layout"] == "html_table"
    assert_matches(rec, expected(seed))


def test_a_table_of_contents_before_the_report_does_not_end_the_tables() -> None:
    seed = next(s for s in SEEDS if s.stem.startswith("002"))
    toc = (
        "目录 一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 "
        "四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项\n"
    )
    rec = ingest.parse_bytes((toc + seed.read_text(encoding="utf-8")).encode(), seed.name)
    assert_matches(rec, expected(seed))


# --- text taken out of PDFs and PDF converters ------------------------------------------------------

FORMS = FIX / "forms"
FORM_FILES = sorted(p for p in FORMS.iterdir() if p.suffix in (".txt", ".md"))
_LIT = [f"litigation_{p}.{r}" for p in ("direct", "after_reconsideration") for r in L.T4_RESULTS]
# cells the printed form cannot decide (the evidence allows several readings): null, never a guess
UNDECIDABLE = {
    # the two lawsuit groups' pieces fit either order; the prose names only their sum
    "huaian_2024_reading_order": set(_LIT),
    "huaian_reading_order": set(_LIT),
    # 12|1|1|6|20 or 1|2|1|16|20; 1|0|11 or 10|1|1 …: glued digits with no rule to choose
    "huaian_one_line": {f"litigation_after_reconsideration.{r}" for r in ("upheld", "corrected", "other", "pending")}
    | {f"{i}.{m}" for i in ("rules", "normative_documents") for m in ("made", "repealed", "in_force")},
    "seed002_one_line": {
        f"{i}.{m}" for i in ("licensing", "other_services") for m in ("prior_year_items", "change", "decisions")
    },
}
# every zero printed blank: two applicant columns never show, so no value can be placed in a column
ALL_BLANK = "huaian_layout_blank_zeros"


def _form_cells(rec: dict, exp: dict):
    for t in ("table2", "table3", "table4"):
        for row, cols in (exp[t] or {}).items():
            for col, v in cols.items():
                yield t, f"{row}.{col}", v, ((rec[t] or {}).get(row) or {}).get(col)


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_text_forms_cell_by_cell(path: Path) -> None:
    exp = json.loads((FORMS / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    rec = ingest.parse_file(path)
    assert rec["report_year"] == exp["report_year"]
    assert rec["format_version"] == exp["format_version"]
    # one page flattened into one line glues the portal's field values to the title: no name then
    assert rec["agency_name"] == exp["agency_name"] or (path.stem == "seed001_one_line" and rec["agency_name"] is None)
    flagged = {c for i in rec["issues"] if i["code"] in ("GLUED_AMBIGUOUS", "CELL_UNREADABLE") for c in i["cells"]}
    allowed = UNDECIDABLE.get(path.stem, set())
    for t, cell, want, got in _form_cells(rec, exp):
        if got is None:
            assert path.stem == ALL_BLANK or cell in allowed, f"{t}.{cell}: null, expected {want}"
            assert cell in flagged, f"{t}.{cell}: null without a finding"
        else:
            assert got == want, f"{t}.{cell}: read {got}, the report says {want}"
    assert not [i for i in rec["issues"] if i["severity"] == "error"]


def test_all_blank_zeros_keep_what_the_columns_decide() -> None:
    """Zeros printed blank everywhere: the totals are certain (the last printed value of a row), the
    applicant columns are not (two never show); nothing is guessed."""
    rec = ingest.parse_file(FORMS / f"{ALL_BLANK}.txt")
    exp = json.loads((FORMS / f"{ALL_BLANK}.expected.json").read_text(encoding="utf-8"))
    for row, cols in exp["table3"].items():
        got = rec["table3"][row]
        if got["total"] is not None or any(v for v in cols.values()):
            assert got["total"] == cols["total"], row
    assert rec["table4"] == exp["table4"] and rec["table2"] == exp["table2"]


def test_real_pdf_layout_text_reads_every_cell_with_page_numbers_skipped() -> None:
    rec = ingest.parse_file(FORMS / "huaian_2024_layout.txt")
    codes = {i["code"] for i in rec["issues"]}
    assert "PAGE_NUMBER_SKIPPED" in codes
    assert not codes & {"T3_ROW_SUM", "T3_COLUMN_BALANCE", "T3_OUTCOME_SUM", "T4_TOTAL", "GLUED_AMBIGUOUS"}
    assert rec["agency_name"] == "淮安市人民政府"  # the title printed over two lines
    assert rec["narrative"] == {
        "requests_received": 3119,
        "requests_answered": 3050,
        "reconsideration_total": 351,
        "reconsideration_corrected": 64,
        "litigation_total": 46,
        "litigation_lost": 5,
        "info_processing_fee_yuan": 3940,
    }


def test_reading_order_rows_placed_by_the_template_when_the_arithmetic_confirms() -> None:
    rec = ingest.parse_file(FORMS / "huaian_2024_reading_order.txt")
    pos = [i for i in rec["issues"] if i["code"] == "ROWS_BY_POSITION" and i["table"] == "table3"]
    assert pos and "granted" in pos[0]["message"]
    assert rec["table3"]["granted"]["total"] == 1362
    amb = next(i for i in rec["issues"] if i["code"] == "GLUED_AMBIGUOUS" and i["table"] == "table4")
    assert amb["candidates"]["litigation_direct.total"] == [20, 26]
    # the prose states 复议 351: of the pieces' orders, only those with that total are kept
    assert rec["table4"]["reconsideration"] == {
        "upheld": 72,
        "corrected": 64,
        "other": 178,
        "pending": 37,
        "total": 351,
    }


def test_position_needs_the_template_row_count_and_the_arithmetic() -> None:
    raw = (FORMS / "huaian_markdown_shredded.md").read_text(encoding="utf-8")
    rec = ingest.parse_bytes(raw.encode(), "m.md")
    assert any(i["code"] == "ROWS_BY_POSITION" for i in rec["issues"])
    # one row of values gone: the count no longer matches, so unlabelled rows are not placed
    lines = raw.split("\n")
    gone = next(i for i, ln in enumerate(lines) if ln.startswith("| 2.没有现成信息"))
    rec2 = ingest.parse_bytes("\n".join(lines[:gone] + lines[gone + 1 :]).encode(), "m.md")
    assert not any(i["code"] == "ROWS_BY_POSITION" for i in rec2["issues"])
    assert rec2["table3"]["granted"]["total"] is None
    assert all(v is None or v == rec["table3"][r][c] for r, cols in rec2["table3"].items() for c, v in cols.items())
    # the arithmetic broken: rows are not placed by position either
    broken = raw.replace("| 1288 | 21 |", "| 1289 | 21 |")
    rec3 = ingest.parse_bytes(broken.encode(), "m.md")
    assert not any(i["code"] == "ROWS_BY_POSITION" for i in rec3["issues"])


def test_markdown_placeholder_headers_are_not_values() -> None:
    assert split_word("数据1") == [("label", "数据1")]
    assert split_word("Column12") == [("label", "Column12")]
    rec = ingest.parse_file(FORMS / "seed001_markdown_shredded.md")
    assert rec["table2"]["rules"] == {"made": 0, "repealed": 0, "in_force": 0}


@pytest.mark.parametrize(
    "text,key,value",
    [
        ("本年度未收到政府信息公开申请。", "requests_received", 0),
        ("2016年,我局未发生因政府信息公开引起的行政复议和行政诉讼。", "reconsideration_total", 0),
        ("2016年,我局未发生因政府信息公开引起的行政复议和行政诉讼。", "litigation_total", 0),
        ("全年未收到行政复议申请,也未收到行政诉讼。", "litigation_total", 0),
        ("全年共受理依申请公开12件,办结12件。", "requests_received", 12),
        ("全年共受理依申请公开12件,办结12件。", "requests_answered", 12),
        ("依申请公开工作中未收取任何费用。", "info_processing_fee_yuan", 0),
        ("申请人逾期未按收费通知要求缴纳费用", "info_processing_fee_yuan", None),
        ("共收到政府信息公开申请十二件", "requests_received", 12),
    ],
)
def test_prose_numbers_and_zeros_in_words(text: str, key: str, value) -> None:
    from ingest.parser import narrative

    assert narrative.extract(text).get(key) == value


def test_old_statistics_table_rows() -> None:
    from ingest.parser import narrative

    table = (
        "政府信息公开情况统计表\n"
        "统计指标 单位 统计数 累计数\n"
        "主动公开政府信息数 条 425 1516\n"
        "收到申请数 件 12 40\n"
        "申请答复数 件 11 39\n"
        "同意公开答复数 件 8 20\n"
        "行政复议数量 件 2 3\n"
        "被依法纠错数 件 1 1\n"
        "行政诉讼数量 件 1 1\n"
        "被依法纠错数 件 0 0\n"
        "举报投诉数量 件 3 5\n"
        "依申请公开信息收取的费用 万元 0.05 0.1\n"
    )
    # the table's figures win over a prose statement of the same thing
    got = narrative.extract("本年度主动公开政府信息400条。\n" + table)
    assert got == {
        "proactive_items": 425,
        "requests_received": 12,
        "requests_answered": 11,
        "requests_granted": 8,
        "reconsideration_total": 2,
        "reconsideration_corrected": 1,
        "litigation_total": 1,
        "litigation_lost": 0,
        "complaints_total": 3,
        "info_processing_fee_yuan": 500,
    }
    assert set(got) <= set(narrative.KEYS)


def test_pre2019_report_reads_prose_and_statistics_table() -> None:
    text = (
        "某某县财政局2016年政府信息公开工作年度报告\n一、概述\n2016年,某某县财政局认真贯彻落实《条例》。\n"
        "二、主动公开政府信息情况\n本年度主动公开政府信息152条。\n三、依申请公开政府信息情况\n"
        "本年度未收到政府信息公开申请。\n四、因政府信息公开申请提起行政复议、行政诉讼情况\n"
        "本年度未发生因政府信息公开申请提起的行政复议和行政诉讼。\n"
    )
    rec = ingest.parse_bytes(text.encode(), "old.txt")
    assert rec["format_version"] == "pre2019" and rec["table3"] is None
    assert rec["narrative"] == {
        "requests_received": 0,
        "reconsideration_total": 0,
        "litigation_total": 0,
        "proactive_items": 152,
    }


@pytest.mark.parametrize(
    "name,ok",
    [
        ("现公布区政府国资局", False),
        ("区政府国资局", False),
        ("市政府", False),
        ("我市人民政府", False),
        ("全县各级行政机关", False),
        ("特此公布某某局", False),
        ("淮安市人民政府", True),
        ("杭州市机构编制委员会办公室", True),
        ("杭州市西湖区文化广电旅游体育局", True),
    ],
)
def test_agency_must_be_a_name_not_a_sentence_fragment(name: str, ok: bool) -> None:
    from ingest.parser import meta

    assert (meta.valid_org(name) == name) is ok


def test_agency_fragment_in_the_title_gives_null_with_a_warning() -> None:
    text = "现公布区政府国资局2020年政府信息公开工作年度报告\n一、总体情况\n2020年,我局认真贯彻。"
    rec = ingest.parse_bytes(text.encode(), "f.txt")
    assert rec["agency_name"] is None
    assert any(i["code"] == "AGENCY_NOT_FOUND" for i in rec["issues"])


def test_more_values_than_cells_is_no_first_n_guess() -> None:
    text = (
        "某某市某某局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "| 一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 5 | 7 |\n"
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |  |  |\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    rec = ingest.parse_bytes(text.encode(), "x.txt")
    assert rec["table3"]["new_received"] == {c: None for c in L.T3_COLS}
    assert rec["table3"]["carried_over"]["total"] == 0  # blank padding cells are left out
    assert any(i["code"] == "EXTRA_VALUES" and "not known" in i["message"] for i in rec["issues"])


def test_glued_table4_against_the_prose() -> None:
    """Digits that fit the group totals one way, while the prose states another total that a
    different split gives: the report's totals may be broken, so the cells they dispute are null."""
    head = "某某市某某局2021年政府信息公开工作年度报告\n一、总体情况\n全年发生政府信息公开行政复议11件。\n"
    table = (
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n"
        "结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉\n"
        "10001160311040004\n五、存在的主要问题及改进情况\n"
    )
    rec = ingest.parse_bytes((head + table).encode(), "x.txt")
    assert rec["narrative"]["reconsideration_total"] == 11
    assert rec["table4"]["reconsideration"]["total"] is None
    assert any(i["code"] == "GLUED_AMBIGUOUS" and "prose states 11" in i["message"] for i in rec["issues"])
