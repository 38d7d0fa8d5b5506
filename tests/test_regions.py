"""ingest.regions: divisions by year, region resolution, agency type and identity."""

from __future__ import annotations

import csv
import json
import random

import pytest
from conftest import ROOT, SEEDS

from ingest import regions as R

EXPECTED = ROOT / "tests" / "fixtures" / "expected"


def _seed_rows(name: str) -> list[dict[str, str]]:
    with open(R.REFERENCE_DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the five seed reports ---------------------------------------------------------------------
SEED_CODES = {
    "000": ("330100", "name", "department"),  # 杭州市人民防空办公室
    "001": ("330100", "name", "department"),  # 杭州市应急管理局
    "002": ("341700", "name", "department"),  # 池州市人民防空办公室
    "003": ("330108", "alias", "department"),  # 杭州高新区(滨江)行政服务中心
    "004": ("330683", "name", "government_office"),  # 嵊州市人民政府办公室
}


@pytest.mark.parametrize("prefix", sorted(SEED_CODES))
def test_seed_report_agencies_resolve(prefix):
    expected = json.loads(next(EXPECTED.glob(f"{prefix}_*.expected.json")).read_text(encoding="utf-8"))
    text = next(SEEDS.glob(f"{prefix}_*")).read_text(encoding="utf-8", errors="replace")
    code, method, kind = SEED_CODES[prefix]
    for given_text in (None, text):
        res = R.resolve(expected["agency_name"], expected["report_year"], text=given_text)
        assert (res.code, res.method, res.agency_type) == (code, method, kind), res.reason
        assert res.valid_in_year is True
        assert res.reason.startswith(code)


def test_seed_report_region_fields():
    res = R.resolve("嵊州市人民政府办公室", 2022)
    assert res.code == "330683"
    assert (res.level, res.path) == ("county", "浙江省/绍兴市/嵊州市")
    assert (res.province_code, res.province_name) == ("330000", "浙江省")
    assert (res.prefecture_code, res.prefecture_name) == ("330600", "绍兴市")
    assert (res.county_code, res.county_name) == ("330683", "嵊州市")
    assert res.agency_level == "county"

    res = R.resolve("池州市人民防空办公室", 2020)
    assert (res.code, res.level, res.province_name, res.county_code) == ("341700", "prefecture", "安徽省", None)


# --- names, nesting, ambiguity -----------------------------------------------------------------
def test_name_prefix_is_a_division_not_a_cut_word():
    res = R.resolve("南京市城市管理局", 2021)
    assert (res.code, res.name, res.level) == ("320100", "南京市", "prefecture")
    assert R.resolve("嘉善县市场监督管理局", 2021).code == "330421"
    assert R.resolve("杭州市市场监督管理局", 2021).code == "330100"


def test_nesting_and_city_in_text():
    assert R.resolve("杭州市滨江区应急管理局", 2021).code == "330108"
    assert R.resolve("浙江省杭州市滨江区应急管理局", 2021).code == "330108"
    res = R.resolve("滨江区应急管理局", 2021, text="杭州市滨江区应急管理局2021年政府信息公开工作年度报告")
    assert res.code == "330108"
    assert (res.province_code, res.prefecture_code) == ("330000", "330100")


def test_same_district_with_and_without_its_city():
    a = R.resolve("余杭区人民政府", 2022)
    b = R.resolve("杭州市余杭区人民政府", 2022)
    assert a.code == b.code == "330110"
    assert a.agency_key == b.agency_key


def test_ambiguous_district_is_unknown_without_other_evidence():
    res = R.resolve("朝阳区人民政府", 2021)
    assert res.code is None and res.method == "unknown"
    assert {"110105", "220104"} <= set(res.candidates)
    assert "110105" in res.reason and "220104" in res.reason
    assert res.agency_level == "county"  # every candidate is a county


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "北京市朝阳区人民政府2021年政府信息公开工作年度报告"},
        {"url": "http://www.beijing.gov.cn/gongkai/2022/nb.html"},
        {"url": "www.bjchy.gov.cn/affair/nb/2021.html"},
        {"manifest_region": "北京市朝阳区"},
        {"manifest_code": "110105"},
    ],
)
def test_ambiguous_district_settled_by_evidence(kwargs):
    res = R.resolve("朝阳区人民政府", 2021, **kwargs)
    assert res.code == "110105", res.reason
    assert res.province_code == "110000" and res.prefecture_code is None  # a municipal district
    assert res.path == "北京市/朝阳区"


def test_text_naming_both_candidates_leaves_it_unknown():
    res = R.resolve("朝阳区人民政府", 2021, text="北京 长春")
    assert res.method == "unknown"


def test_ambiguous_within_named_province_keeps_what_is_shared():
    res = R.resolve("江苏省鼓楼区人民政府", 2021)
    assert res.code is None and set(res.candidates) == {"320106", "320302"}
    assert (res.province_code, res.province_name, res.prefecture_code) == ("320000", "江苏省", None)
    assert R.resolve("江苏省鼓楼区人民政府", 2021, text="南京").code == "320106"


def test_place_inside_the_name():
    res = R.resolve("国家税务总局杭州市税务局", 2021)
    assert res.code == "330100" and "inside the name" in res.reason


def test_no_place_at_all_is_unknown_with_a_reason():
    res = R.resolve("市应急管理局", 2021)
    assert res.method == "unknown" and res.code is None and res.candidates == ()
    assert res.reason.startswith("unknown")


# --- evidence order ----------------------------------------------------------------------------
def test_url_host_through_reviewed_domains():
    res = R.resolve("杭州市应急管理局", 2021, url="https://yjglj.hangzhou.gov.cn/art/2022/1/27/art_1.html")
    assert (res.code, res.method, res.evidence) == ("330100", "url", ("url", "name"))
    res = R.resolve("嵊州市人民政府办公室", 2022, url="http://www.zj.gov.cn/x")
    assert (res.code, res.method, res.evidence) == ("330683", "name", ("url", "name"))  # the name refines
    assert R.resolve("某单位", 2021, url="https://notagov.example.cn/").method == "unknown"


def test_higher_evidence_wins_and_the_conflict_is_kept():
    res = R.resolve("池州市人民防空办公室", 2020, url="https://www.hangzhou.gov.cn/")
    assert res.code == "330100" and res.method == "url"
    assert res.conflicts and "341700" in res.conflicts[0]
    res = R.resolve("杭州市应急管理局", 2021, manifest_code="341700", url="https://www.hangzhou.gov.cn/")
    assert res.code == "341700" and res.method == "manifest" and len(res.conflicts) == 2


def test_manifest_codes():
    assert R.resolve("区行政服务中心", 2021, manifest_code="330108000000").code == "330108"
    assert R.resolve(None, 2021, manifest_code="330108").code == "330108"
    res = R.resolve("区行政服务中心", 2021, manifest_code="999999")
    assert res.method == "unknown" and "999999" in res.reason
    assert R.resolve(None, 2021, manifest_code="110100").code == "110000"  # 市辖区 heading -> the municipality


def test_development_zone_alias():
    res = R.resolve("杭州高新区(滨江)行政服务中心", 2021)
    assert (res.code, res.method) == ("330108", "alias")
    assert R.resolve("杭州高新區（濱江）行政服務中心", 2021).code == "330108"


# --- codes by year -----------------------------------------------------------------------------
def test_new_district_before_and_after_it_existed():
    before = R.resolve("临平区人民政府", 2020)
    after = R.resolve("临平区人民政府", 2022)
    assert after.code == "330113" and after.valid_in_year is True
    assert before.code == "330113" and before.valid_in_year is False
    assert any("not in 2020" in c for c in before.changes)
    assert any("330110" in c for c in before.changes)  # it came from 余杭区
    assert R.resolve("钱塘区人民政府", 2022).code == "330114"


def test_split_district_keeps_its_code_and_says_so():
    for year in (2020, 2022):
        res = R.resolve("余杭区人民政府", year)
        assert res.code == "330110" and res.valid_in_year is True
        assert any("临平区 330113" in c for c in res.changes)


def test_abolished_districts():
    res = R.resolve("下城区人民政府", 2022)  # merged whole into 拱墅区
    assert res.code == "330105" and res.valid_in_year is True
    assert any("下城区 330103" in c for c in res.changes)
    res = R.resolve("江干区人民政府", 2022)  # split: no single successor
    assert res.code == "330104" and res.valid_in_year is False
    assert any("330102" in c for c in res.changes) and any("330114" in c for c in res.changes)
    assert R.resolve("江干区人民政府", 2019).valid_in_year is True


def test_county_level_city_that_became_a_district():
    assert R.resolve("临安市人民政府", 2016).code == "330185"
    res = R.resolve("临安市人民政府", 2018)
    assert res.code == "330112" and res.name == "临安区" and res.valid_in_year is True
    assert R.resolve("临安区人民政府", 2018).code == "330112"


def test_year_after_the_package_list_uses_the_latest():
    last = R.regions().last_year
    res = R.resolve("杭州市人民政府", last + 1)
    assert res.code == "330100" and res.valid_in_year is True
    assert any(str(last) in c for c in res.changes)


# --- the division table ------------------------------------------------------------------------
def test_division_table():
    d = {x.code: x for x in R.divisions(2022)}
    shorts = [d[code].short for code in ("330683", "330100", "640000", "110105")]
    assert shorts == ["嵊州", "杭州", "宁夏", "朝阳"]
    assert (d["330000"].level, d["330100"].level, d["330108"].level) == ("province", "prefecture", "county")
    assert (d["330108"].parent, d["330100"].parent, d["330000"].parent) == ("330100", "330000", None)
    assert d["110105"].parent == "110000"  # no 市辖区 level
    assert d["330108"].path == "浙江省/杭州市/滨江区"
    assert d["330113"].valid_from == 2021 and d["330113"].valid_to is None
    assert "330104" not in d and "330103" not in d
    old = R.division("330104", 2019)
    assert old is not None and old.name == "江干区" and old.valid_to == 2020
    levels = {x.level for x in d.values()}
    assert levels == {"province", "prefecture", "county"}
    assert sum(x.level == "province" for x in d.values()) == 34
    assert 2800 < sum(x.level == "county" for x in d.values()) < 3000


def test_every_division_name_survives_normalisation():
    bad = {x.name for x in R.divisions() if R.normalise_name(x.name) != x.name}
    assert not bad, bad  # e.g. OpenCC would turn 乾县 into 干县


def test_command_line_table(capsys):
    assert R.main(["divisions", "--year", "2022"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert list(rows[0]) == list(R.DIVISION_COLUMNS)
    assert {r["code"] for r in rows} >= {"330113", "330114", "110105"}


# --- agency identity and type ------------------------------------------------------------------
def test_normalise_name():
    assert R.normalise_name(" 杭州高新區（濱江）行政服務中心 ") == "杭州高新区(滨江)行政服务中心"
    assert R.normalise_name("杭州市\u3000应急管理局\u200b") == "杭州市应急管理局"
    assert R.normalise_name("杭州市【滨江】") == "杭州市(滨江)"
    assert R.normalise_name("杭州市应急管理局的") == "杭州市应急管理局"
    assert R.normalise_name("之江实验室") == "之江实验室"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("杭州市人民政府", "government"),
        ("浦东新区人民政府", "government"),
        ("嵊州市人民政府办公室", "government_office"),
        ("浙江省人民政府办公厅", "government_office"),
        ("杭州市应急管理局", "department"),
        ("杭州市发展和改革委员会", "department"),
        ("杭州市人民防空办公室", "department"),
        ("杭州市人民政府外事办公室", "department"),
        ("杭州市滨江区行政服务中心", "department"),
        ("杭州高新区(滨江)行政服务中心", "department"),
        ("嘉善县魏塘街道办事处", "township"),
        ("嵊州市长乐镇人民政府", "township"),
        ("淳安县王阜乡人民政府", "township"),
        ("杭州经济技术开发区管理委员会", "development_zone"),
        ("苏州工业园区管委会", "development_zone"),
        ("杭州高新区", "development_zone"),
        ("杭州市中级人民法院", "other"),
        ("中国人民银行杭州中心支行", "other"),
        ("浙江大学", "other"),
    ],
)
def test_agency_type(name, kind):
    assert R.agency_type(name) == kind


def test_agency_level():
    assert R.resolve("嘉善县魏塘街道办事处", 2021).agency_level == "township"
    assert R.resolve("嘉善县魏塘街道办事处", 2021).code == "330421"
    assert R.resolve("浙江省应急管理厅", 2021).agency_level == "province"
    assert R.resolve("杭州市应急管理局", 2021).agency_level == "prefecture"
    assert R.resolve("国务院办公厅", 2021).agency_level == "national"


def test_renamed_body_keeps_one_key_across_years():
    a = R.resolve("杭州市人民防空办公室", 2021)
    b = R.resolve("杭州市国防动员办公室", 2023)
    c = R.resolve("杭州市國防動員辦公室", 2024)
    assert a.agency_key == b.agency_key == c.agency_key
    assert a.agency_name == b.agency_name == "杭州市人民防空办公室"
    assert R.agency_key("杭州市应急管理局") != a.agency_key


def test_agency_key_uses_the_region_only_when_the_name_needs_it():
    assert R.agency_key("杭州市应急管理局", "330100") == R.agency_key("杭州市应急管理局", None)
    assert R.agency_key("区行政服务中心", "330108") != R.agency_key("区行政服务中心", "330106")
    beijing = R.agency_key("朝阳区人民政府", "110105")
    assert beijing != R.agency_key("朝阳区人民政府", "220104")
    assert beijing == R.agency_key("北京市朝阳区人民政府")


# --- the seed files ----------------------------------------------------------------------------
SEED_FILES = {
    "agency_aliases.csv": ["alias", "canonical", "source", "note"],
    "zone_aliases.csv": ["alias", "code", "source", "note"],
    "government_domains.csv": ["domain", "code", "name", "source", "note"],
    "division_changes.csv": ["year", "old_code", "old_name", "new_code", "new_name", "kind", "source", "note"],
}


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_seed_files_have_a_header_and_sources(name):
    rows = _seed_rows(name)
    assert rows
    assert list(rows[0]) == SEED_FILES[name]
    assert all(r["source"].strip() for r in rows)


def test_government_domains_resolve():
    for row in _seed_rows("government_domains.csv"):
        assert R.regions().host_code(f"https://www.{row['domain']}/a/b.html") == (row["domain"], row["code"])
        d = R.division(row["code"], 2022)
        assert d is not None and d.valid_in(2022), row
        assert d.path.replace("/", "").endswith(row["name"]) or d.name == row["name"], row
        assert R.resolve(None, 2022, url=f"{row['domain']}/x").code == row["code"]


def test_zone_aliases_resolve():
    for row in _seed_rows("zone_aliases.csv"):
        res = R.resolve(row["alias"] + "管理委员会", 2022)
        assert (res.code, res.method) == (row["code"], "alias"), row


def test_agency_aliases_resolve():
    for row in _seed_rows("agency_aliases.csv"):
        alias, canonical = R.resolve(row["alias"], 2022), R.resolve(row["canonical"], 2021)
        assert canonical.code is not None, row
        assert alias.code == canonical.code, row
        assert alias.agency_key == canonical.agency_key, row
        assert alias.agency_name == R.normalise_name(row["canonical"])


def test_division_changes_match_the_lists():
    for row in _seed_rows("division_changes.csv"):
        year = int(row["year"])
        old = R.division(row["old_code"], year - 1)
        new = R.division(row["new_code"], year)
        assert old is not None and old.valid_in(year - 1) and old.name == row["old_name"], row
        assert new is not None and new.valid_in(year) and new.name == row["new_name"], row
        assert row["kind"] in ("merged", "part")


# --- many names ---------------------------------------------------------------------------------
def test_generated_names_of_every_division_resolve():
    # speed is measured by the benchmark (python -m synth.bench), not asserted here
    R.regions()
    rnd = random.Random(7)
    places = R.divisions(2022)
    bodies = ["人民政府", "人民政府办公室", "应急管理局", "市场监督管理局", "城市管理局", "教育局", "行政服务中心"]
    names = []
    for i in range(3_000):
        d = rnd.choice(places)
        place = d.path.replace("/", "") if i % 2 else d.name
        names.append((f"{place}{rnd.choice(bodies)}", rnd.choice((2019, 2021, 2023)), place))
    out = [R.resolve(n, y) for n, y, _ in names]
    assert sum(r.code is not None for r in out) > 0.9 * len(out)
    # a full path (浙江省杭州市滨江区) always decides
    assert all(
        r.code is not None for r, (_, _, place) in zip(out, names) if "/" not in place and place.count("省") == 1
    )
