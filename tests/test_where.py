"""Who and where: GB/T 2260 regions and agency identity in the warehouse, the regional marts, and the
cross-year rules, which stay right when only one year is rebuilt.

Fast: the committed seeds are the package's lists, the derived finding codes agree between their home
and the dbt model, the cross-year suite warns. Slow: real dbt over the five seed reports plus a few
made-up ones (a renamed body, two Hangzhou bodies with known figures, a district two cities have),
and two real Dagster runs where rebuilding year Y-1 alone refreshes year Y's cross-year findings.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import SEEDS, Pipeline, make_instance, year_before
from dagster import AssetKey

import synth
from expectations import cross_year
from ingest import landing, regions, warehouse_findings

ROOT = Path(__file__).resolve().parent.parent
REGION_SEEDS = ROOT / "dbt" / "seeds" / "regions"
MANIFEST = ROOT / "dbt" / "target" / "manifest.json"


# --- fast ---------------------------------------------------------------------------------------
def test_region_seeds_are_the_package_lists(tmp_path):
    """dbt/seeds/regions is exactly what `python -m ingest.regions write-seeds` writes from the
    pinned package: a new package version shows here, and in review as a diff of the CSV."""
    written = regions.write_seeds(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in REGION_SEEDS.glob("*.csv"))
    for path in written:
        committed = REGION_SEEDS / path.name
        regenerate = "python -m ingest.regions write-seeds dbt/seeds/regions"
        assert committed.read_bytes() == path.read_bytes(), f"{path.name} is stale: {regenerate}"
    rows = regions.seed_tables()["divisions"]
    assert len({r["region_key"] for r in rows}) == len(rows) == len(regions.divisions())
    assert {r["level"] for r in rows} == set(regions.LEVELS)
    hz = [r for r in rows if r["region_code"] == "330100"]
    assert len(hz) == 1 and hz[0]["region_key"] == "330100:1980" and hz[0]["valid_to"] is None
    linan = next(r for r in rows if r["region_code"] == "330185")
    assert (linan["region_name"], linan["valid_to"], linan["parent_code"]) == ("临安市", 2016, "330100")


def test_region_member_is_the_run_of_the_year():
    assert regions.region_key("330185", 2015) == "330185:1996"  # 临安市, until 2016
    assert regions.region_key("330112", 2021) == "330112:2017"  # 临安区, from 2017
    assert regions.region_key("330113", 2019) == "330113:2021"  # 临平区 named too early: the nearest run
    assert regions.region_key(None, 2021) == regions.region_key("unknown", 2021) == "unknown"


def _manifest_tests(model: str) -> list[dict]:
    nodes = json.loads(MANIFEST.read_text(encoding="utf-8"))["nodes"].values()
    uid = f"model.ogi_warehouse.{model}"
    return [n for n in nodes if n["resource_type"] == "test" and uid in n["depends_on"]["nodes"]]


def test_derived_finding_codes_agree_with_the_dbt_model():
    """ingest.warehouse_findings is the home of the derived codes, numbers and severities; the dbt
    model's accepted values are the same sets (the rows themselves are checked in the warehouse)."""
    accepted = {
        t["column_name"]: set(t["test_metadata"]["kwargs"]["values"])
        for t in _manifest_tests("int_findings_derived")
        if t["test_metadata"]["name"] == "accepted_values"
    }
    assert accepted["code"] == set(warehouse_findings.CODES)
    assert {int(v) for v in accepted["finding_no"]} == {no for _sev, no, _m in warehouse_findings.CODES.values()}
    assert accepted["severity"] == {sev for sev, _no, _m in warehouse_findings.CODES.values()}
    sql = (ROOT / "dbt" / "models" / "intermediate" / "int_findings_derived.sql").read_text(encoding="utf-8")
    for code, (severity, no, _meaning) in warehouse_findings.CODES.items():
        assert f"{no} as finding_no,\n        '{code}' as code,\n        '{severity}' as severity" in sql, code


def test_cross_year_suite_only_warns_and_names_the_rule():
    rows = [
        ("t3_carryover", "a1", 2021, "r21", "r20", "table3", "carried_over", "total", 0.0, 2.0),
        ("t3_carryover", "a2", 2021, "s21", "s20", "table3", "carried_over", "total", 1.0, 1.0),
        ("t2_in_force", "a2", 2021, "s21", "s20", "table2", "rules", "in_force", 8.0, 8.0),
    ]
    df = pd.DataFrame(rows, columns=cross_year.COLUMNS[:-1]).assign(difference=lambda d: d.printed - d.expected)
    out = cross_year.validate(df)
    assert out.success_error and not out.success_all
    assert [(f["rule"], f["severity"], f["unexpected_count"]) for f in out.failures] == [
        ("t3_carryover_matches", "WARN", 1)
    ]
    assert cross_year.validate(df[df.agency_id == "a2"]).success_all
    assert cross_year.validate(df.iloc[0:0]).success_all  # nothing to compare


# --- a dbt warehouse of the seeds and a few made-up reports ---------------------------------------
def _renamed(text: str) -> str:
    """Seed 000 a year later, under the body's new name (人民防空办公室 -> 国防动员办公室)."""
    return text.replace("2022", "2023").replace("2021", "2022").replace("人民防空辦公室", "國防動員辦公室")


def _minimal(title: str, body: str = "") -> str:
    return (
        f"{title}\n\n一、总体情况\n本机关认真贯彻落实《中华人民共和国政府信息公开条例》。{body}\n"
        "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
    )


def _hangzhou_body(name: str, seed: int) -> tuple[bytes, dict]:
    """A generated 2021 report of a Hangzhou city body, with tables whose arithmetic holds."""
    rng = random.Random(seed)
    while True:
        truth = synth.random_truth(rng, year=2021)
        processed = (truth["table3"] or {}).get("total_processed", {}).get("total") or 0
        if processed >= 6 and not truth["broken"]:
            break
    truth["agency_name"] = name
    truth["region"] = {"province": "浙江省", "city": "杭州市", "county": None}
    data, _meta = synth.render(truth, random.Random(seed), style="html_table")
    return data, truth


HANGZHOU_BODIES = {"杭州市财政局": 11, "杭州市教育局": 12}


class Built:
    def __init__(self, warehouse, truths: dict[str, dict]):
        self.wh, self.truths = warehouse, truths


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from test_dbt import LAST_COMPLETE_YEAR, Warehouse, write_partitions

    w = Warehouse(tmp_path_factory.mktemp("where"))
    land = w.data / "landing"
    (land / "seeds").mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, land / "seeds" / seed.name)
    (land / "renamed").mkdir()
    seed000 = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    (land / "renamed" / "hz_gdb_2022.txt").write_text(_renamed(seed000), encoding="utf-8")
    truths = {}
    (land / "generated").mkdir()
    for name, seed in HANGZHOU_BODIES.items():
        data, truths[name] = _hangzhou_body(name, seed)
        (land / "generated" / f"{seed}.html").write_bytes(data)
    (land / "ambiguous").mkdir()
    (land / "ambiguous" / "jiangbei_finance.txt").write_text(
        _minimal("江北区财政局2021年政府信息公开工作年度报告"), encoding="utf-8"
    )
    (land / "ambiguous" / "jiangbei_emergency.txt").write_text(
        _minimal("江北区应急管理局2021年政府信息公开工作年度报告", "在宁波市委、市政府的领导下开展工作。"),
        encoding="utf-8",
    )
    result = landing.ingest_landing(w.data, max_year=LAST_COMPLETE_YEAR)
    assert result.counts()["quarantined"] == 0, result.quarantine.to_pylist()
    write_partitions(w.data, sorted(result.years()))
    w.build_results = w.dbt("build")
    return Built(w, truths)


def _member(b: Built, agency_name: str, year: int) -> dict:
    cols = [
        "region_code",
        "region_key",
        "region_method",
        "region_valid_in_year",
        "province_code",
        "prefecture_code",
        "county_code",
        "agency_id",
        "agency_type",
        "agency_level",
    ]
    row = b.wh.one(
        f"select ({', '.join(cols)}) from staging.stg_parsed__reports where agency_name = ? and report_year = ?",
        [agency_name, year],
    )
    return dict(zip(cols, row))


@pytest.mark.slow
def test_build_passes(built):
    results = built.wh.build_results["results"]
    assert [(r["unique_id"], r["status"]) for r in results if r["status"] not in ("success", "pass")] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "agency,year,code,method,prefecture,county",
    [
        ("杭州市应急管理局", 2021, "330100", "name", "330100", None),
        ("杭州市人民防空办公室", 2021, "330100", "name", "330100", None),
        ("杭州市国防动员办公室", 2022, "330100", "name", "330100", None),
        ("池州市人民防空办公室", 2020, "341700", "name", "341700", None),
        ("杭州高新区(滨江)行政服务中心", 2021, "330108", "alias", "330100", "330108"),
        ("嵊州市人民政府办公室", 2022, "330683", "name", "330600", "330683"),
        ("江北区应急管理局", 2021, "330205", "name", "330200", "330205"),  # the text names 宁波市
    ],
)
def test_agencies_resolve_in_the_warehouse(built, agency, year, code, method, prefecture, county):
    m = _member(built, agency, year)
    assert (m["region_code"], m["region_method"], m["prefecture_code"], m["county_code"]) == (
        code,
        method,
        prefecture,
        county,
    )
    assert m["region_valid_in_year"] is True
    valid_from, valid_to, level = built.wh.one(
        "select (valid_from, valid_to, level) from marts.dim_region where region_key = ?", [m["region_key"]]
    )
    assert valid_from <= year <= (valid_to or year) and m["region_key"] == f"{code}:{valid_from}"
    mart = built.wh.one(
        "select (region_code, region_key, region_level) from marts.mart_agency_year "
        "where agency_id = ? and report_year = ?",
        [m["agency_id"], year],
    )
    assert mart == (code, m["region_key"], level)


@pytest.mark.slow
def test_the_seed_mart_rows_answer_where_in_one_hop(built):
    row = built.wh.one(
        """select (agency_type, agency_level, format_version, province_code, province_name, prefecture_code,
                   prefecture_name, county_code, county_name, region_name)
           from marts.mart_agency_year where agency_name = '嵊州市人民政府办公室'"""
    )
    assert row == (
        *("government_office", "county", "2021"),
        *("330000", "浙江省", "330600", "绍兴市", "330683", "嵊州市", "嵊州市"),
    )
    chizhou = built.wh.one(
        "select (province_name, prefecture_name, county_code, format_version) from marts.mart_agency_year "
        "where agency_name = '池州市人民防空办公室'"
    )
    assert chizhou == ("安徽省", "池州市", None, "2019")


@pytest.mark.slow
def test_seed_000s_two_names_are_one_agency(built):
    old = _member(built, "杭州市人民防空办公室", 2021)
    new = _member(built, "杭州市国防动员办公室", 2022)
    assert old["agency_id"] == new["agency_id"] and len(old["agency_id"]) == 32
    rows = built.wh.sql(
        """select agency_name, agency_canonical_name, printed_names, n_printed_names, n_reports, first_year,
                  last_year, agency_type, region_code
           from marts.dim_agency where agency_id = ?""",
        [old["agency_id"]],
    )
    assert rows == [
        (
            "杭州市国防动员办公室",  # printed once each: the latest name
            "杭州市人民防空办公室",  # the name it first reported under
            "杭州市人民防空办公室 | 杭州市国防动员办公室",
            2,
            2,
            2021,
            2022,
            "department",
            "330100",
        )
    ]
    years = built.wh.sql(
        "select report_year from marts.mart_agency_year where agency_id = ? order by 1", [old["agency_id"]]
    )
    assert years == [(2021,), (2022,)]
    # one agency in dim_agency per key; the Hangzhou emergency bureau stays another
    assert built.wh.one("select count(*) from marts.dim_agency where printed_names like '杭州市%防%'") == 1
    assert _member(built, "杭州市应急管理局", 2021)["agency_id"] != old["agency_id"]


@pytest.mark.slow
def test_every_agency_year_has_exactly_one_region_member(built):
    wh = built.wh
    agency_years = wh.one(
        "select count(*) from (select distinct agency_id, report_year from staging.stg_parsed__reports "
        "where agency_id is not null)"
    )
    joined = wh.sql(
        """select m.agency_id, m.report_year, count(r.region_key) as members,
                  bool_and(r.region_key = 'unknown' or m.report_year between r.valid_from
                           and coalesce(r.valid_to, m.report_year)) as valid
           from marts.mart_agency_year as m left join marts.dim_region as r on m.region_key = r.region_key
           group by all"""
    )
    assert len(joined) == agency_years == wh.one("select count(*) from marts.mart_agency_year")
    assert {(members, valid) for _a, _y, members, valid in joined} == {(1, True)}
    # the members every report of an agency-year points at: one per agency-year here
    assert (
        wh.sql(
            """select agency_id, report_year from staging.stg_parsed__reports where agency_id is not null
           group by all having count(distinct region_key) <> 1"""
        )
        == []
    )
    # and the unknown member is a member too, never a NULL
    assert wh.one("select count(*) from marts.mart_agency_year where region_key = 'unknown'") == 1


@pytest.mark.slow
def test_a_name_two_cities_have_is_unknown_with_a_finding(built):
    m = _member(built, "江北区财政局", 2021)
    assert (m["region_code"], m["region_key"], m["region_method"], m["province_code"]) == (
        "unknown",
        "unknown",
        "unknown",
        None,
    )
    assert (m["agency_type"], m["agency_level"]) == ("department", "county")  # both candidates are districts
    assert built.wh.one("select (region_name, level) from marts.dim_region where region_key = 'unknown'") == (
        "未知",
        "unknown",
    )
    finding = built.wh.one(
        """select (f.finding_no, f.severity, f.message, f.agency_id) from marts.fct_report_findings as f
           join staging.stg_parsed__reports as r using (report_id)
           where r.agency_name = '江北区财政局' and f.code = 'REGION_UNRESOLVED'"""
    )
    assert finding[:2] == (1003, "warning") and finding[3] == m["agency_id"]
    assert "330205" in finding[2] and "500105" in finding[2]  # the candidates, named
    # resolved reports get no region finding
    assert built.wh.one("select count(*) from marts.fct_report_findings where code like 'REGION_%'") == 1
    # it counts in the province-level `unknown` row only
    assert built.wh.sql(
        "select level, agencies_reporting from marts.mart_region_year where region_code = 'unknown'"
    ) == [("province", 1)]


@pytest.mark.slow
def test_derived_findings_have_the_codes_home_severity_and_number(built):
    rows = built.wh.sql(
        "select code, severity, finding_no, count(*) from marts.fct_report_findings "
        "where finding_no > 1000 group by all"
    )
    assert rows
    for code, severity, no, _n in rows:
        assert warehouse_findings.CODES[code][:2] == (severity, no), code
    parser_rows = built.wh.one("select count(*) from marts.fct_report_findings where finding_no < 1000")
    assert parser_rows == built.wh.one("select count(*) from staging.stg_parsed__findings")


def _disclosed(t3: dict) -> tuple[int, int]:
    """(granted + partially_granted, total_processed) of a table 3, total column."""
    return t3["granted"]["total"] + t3["partially_granted"]["total"], t3["total_processed"]["total"]


@pytest.mark.slow
def test_region_rollups_pool_sum_over_sum(built):
    """Hangzhou 2021 by hand: the emergency bureau (seed 001) disclosed 2 + 1 of 6; the two
    generated city bodies their truth's figures; the Binjiang service centre (a county body inside
    Hangzhou) processed 0 and the civil-defence office printed no tables, so neither has a rate. The
    civil-defence office's prose says it answered 9 requests: they count in the region's processed
    requests, not in its rate (no outcome figures to go with them)."""
    wh = built.wh
    pairs = [(3, 6)] + [_disclosed(t["table3"]) for t in built.truths.values()]
    numerator, denominator = sum(n for n, _ in pairs), sum(d for _, d in pairs)
    row = wh.one(
        """select (reports_received, agencies_reporting, requests_total_processed, granted + partially_granted,
                   disclosure_rate, mean_agency_disclosure_rate, agencies_with_disclosure_rate, region_name,
                   parent_code, region_key)
           from marts.mart_region_year where level = 'prefecture' and region_code = '330100' and report_year = 2021"""
    )
    assert row[:4] == (5, 5, denominator + 9, numerator)
    assert row[4] == pytest.approx(numerator / denominator, abs=1e-12)
    assert row[5] == pytest.approx(sum(n / d for n, d in pairs) / len(pairs), abs=1e-12)
    assert row[4] != pytest.approx(row[5])  # pooled is not the mean of the agency rates
    assert row[6:] == (3, "杭州市", "330000", "330100:1980")
    # the county row holds only the Binjiang body, the province row everything in Zhejiang
    assert wh.one(
        "select (agencies_reporting, disclosure_rate) from marts.mart_region_year "
        "where level = 'county' and region_code = '330108' and report_year = 2021"
    ) == (1, None)
    zhejiang = wh.one(
        "select agencies_reporting from marts.mart_region_year "
        "where level = 'province' and region_code = '330000' and report_year = 2021"
    )
    assert zhejiang == 6  # and 江北区应急管理局, in 宁波市
    # every row, every rate: sum over sum of the agency-years whose own rate is defined
    with duckdb.connect(str(wh.db), read_only=True) as con:
        marts = con.execute("select * from marts.mart_agency_year").df()
        regions_rows = con.execute(
            "select level, region_code, report_year, disclosure_rate from marts.mart_region_year"
        )
        rolled = regions_rows.fetchall()
    for level, code, year, rate in rolled:
        column = {"province": "province_code", "prefecture": "prefecture_code", "county": "county_code"}[level]
        inside = marts[(marts.report_year == year) & (marts[column].fillna("unknown") == code)]
        defined = inside[inside.disclosure_rate.notna()]
        if defined.empty:
            assert rate is None, (level, code, year)
        else:
            expected = (defined.granted + defined.partially_granted).sum() / defined.requests_total_processed.sum()
            assert rate == pytest.approx(expected, abs=1e-12), (level, code, year)


@pytest.mark.slow
def test_peer_percentiles_keep_the_small_number_guard(built):
    rows = built.wh.sql(
        """select m.requests_total_processed, p.disclosure_rate, p.disclosure_rate_percentile, p.disclosure_peers
           from marts.mart_agency_year as m join marts.mart_agency_year_peers as p using (agency_id, report_year)"""
    )
    assert len(rows) == built.wh.one("select count(*) from marts.mart_agency_year")
    for processed, rate, percentile, peers in rows:
        if processed is None or processed < 30:
            assert (rate, percentile, peers) == (None, None, None)
        if percentile is not None:
            assert 0 <= percentile <= 100 and peers > 1


# --- Dagster: rebuilding Y-1 alone refreshes Y's cross-year findings -----------------------------
def _cross_year_findings(p: Pipeline, year: int) -> dict[str, str]:
    return dict(
        p.query(
            "select code, message from marts.fct_report_findings where report_year = ? and finding_no in (1001, 1002)",
            [year],
        )
    )


def _check(result, name: str, partition: str | None = None):
    """The check's first evaluation in the run (on `partition` when given: one per year)."""
    for event in result.all_events:
        if event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        data = event.asset_check_evaluation_data
        if data.check_name == name and partition in (None, data.partition):
            return data
    raise AssertionError(f"no evaluation of {name}")


def _materialized(result, key: str) -> set[str]:
    return {
        e.partition
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.to_user_string() == key
    }


@pytest.mark.slow
def test_rebuilding_one_year_refreshes_the_next_years_cross_year_findings(tmp_path):
    p = Pipeline(tmp_path / "data", tmp_path / "dagster_home")
    land = p.root / "landing" / "hz"
    land.mkdir(parents=True)
    text = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    (land / "yjglj_2021.txt").write_text(text, encoding="utf-8")
    (land / "yjglj_2020.txt").write_text(year_before(text), encoding="utf-8")
    p.instance = make_instance(p.home)

    first = p.run("2020", "2021")
    assert first.success
    assert _cross_year_findings(p, 2021) == {}  # the two years agree
    assert all(_check(first, "gx_cross_year", year).passed for year in ("2020", "2021"))

    # the 2020 report is corrected upstream: it now carried 2 requests forward and had 8 in force
    (land / "yjglj_2020.txt").write_text(year_before(text, forward=2, in_force=8), encoding="utf-8")
    second = p.run("2020", "2020")  # only 2020 is rebuilt
    assert second.success
    found = _cross_year_findings(p, 2021)
    assert set(found) == {"T3_CARRYOVER_MISMATCH", "T2_IN_FORCE_MISMATCH"}
    assert "natural_person (0 vs 2)" in found["T3_CARRYOVER_MISMATCH"]
    assert "2020 report" in found["T3_CARRYOVER_MISMATCH"]
    assert "normative_documents (8 vs 8 + 2 - 0)" in found["T2_IN_FORCE_MISMATCH"]
    counts = p.query("""select m.report_year, m.n_findings_warning from marts.mart_agency_year as m order by 1""")
    assert dict(counts)[2021] >= 2  # the mart counts them on the 2021 agency-year
    # Dagster did the dependency work: the 2020 run rebuilt and recorded 2021's findings, not its facts
    assert _materialized(second, "marts/fct_report_findings") == {"2020", "2021"}
    assert _materialized(second, "marts/fct_requests") == {"2020"}
    assert p.instance.get_materialized_partitions(AssetKey(["marts", "fct_report_findings"])) >= {
        "2020",
        "2021",
        "2022",
    }
    # the GX cross-year check warns (never blocks) on 2021, the year the run refreshed after its
    # window, naming both rules and the two reports of each mismatched cell; 2020 agrees with 2019
    assert _check(second, "gx_cross_year", "2020").passed
    check = _check(second, "gx_cross_year", "2021")
    assert not check.passed and check.severity.value == "WARN"
    assert check.metadata["cells_mismatched"].value == 3  # natural_person, total, normative_documents
    failed = check.metadata["failed_rules"].value
    assert failed == "t2_in_force_matches (WARN), t3_carryover_matches (WARN)"
    rows = [r.data for r in check.metadata["offending_rows"].value.records]
    assert {(r["path"], r["prior_path"]) for r in rows} == {("hz/yjglj_2021.txt", "hz/yjglj_2020.txt")}
    assert {r["cell"] for r in rows} == {
        "table3 carried_over.natural_person",
        "table3 carried_over.total",
        "table2 normative_documents.in_force",
    }
