"""The dbt project end to end: the five seed reports -> landing -> raw -> parsed Parquet -> `dbt build`.

Runs the real parser, ingest.landing and ingest.flatten into a temporary data root, then real dbt
(a subprocess in dbt/, as dagster-dbt runs it, with the calendar of ingest.calendar as --vars) with
OGI_DATA_DIR / OGI_WAREHOUSE pointing there, and checks exact values with DuckDB. The incremental test
rewrites partitions and runs one year. The project's shape (layers flowing one way, config by folder,
one yml per model, the calendar only from vars) is checked on the files and the parsed manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SEEDS, dbt_executable

from ingest import calendar, flatten, landing
from ingest.parser import labels

# every test here runs real dbt builds on a DuckDB file: the slow tier
pytestmark = pytest.mark.slow

DBT_DIR = ROOT / "dbt"
LAST_COMPLETE_YEAR = calendar.last_complete_year()

HZ_EMERGENCY = "杭州市应急管理局"
CHIZHOU = "池州市人民防空办公室"
BINJIANG = "杭州高新区(滨江)行政服务中心"
SHENGZHOU = "嵊州市人民政府办公室"


def dbt_vars(partition_vars: dict | None = None) -> dict:
    """What every dbt invocation passes: the calendar (ingest.calendar), then the run's own vars."""
    return {**calendar.dbt_vars(), **(partition_vars or {})}


class Warehouse:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.data = tmp / "data"
        self.db = tmp / "data" / "warehouse.duckdb"

    def dbt(self, *args: str, vars: dict | None = None) -> dict:
        """Run dbt in dbt/ (like dagster-dbt); returns run_results.json."""
        env = dict(
            os.environ,
            OGI_DATA_DIR=str(self.data),
            OGI_WAREHOUSE=str(self.db),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DBT_USE_COLORS="false",
        )
        all_vars = dbt_vars(vars)
        cmd = [
            dbt_executable(),
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(self.tmp / "target"),
            "--log-path",
            str(self.tmp / "logs"),
            "--vars",
            json.dumps(all_vars),
        ]
        proc = subprocess.run(cmd, cwd=DBT_DIR, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
        return json.loads((self.tmp / "target" / "run_results.json").read_text())

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(query, params or []).fetchall()

    def one(self, query: str, params: list | None = None):
        rows = self.sql(query, params)
        assert len(rows) == 1, rows
        return rows[0][0] if len(rows[0]) == 1 else rows[0]

    def report_id(self, agency: str) -> str:
        return self.one("select report_id from staging.stg_parsed__reports where agency_name = ?", [agency])


def _land(data: Path) -> None:
    """The five seeds, a duplicate, an empty file (quarantined) and a manifest giving a URL and region."""
    land = data / "landing"
    (land / "hz").mkdir(parents=True)
    (land / "ah").mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        folder = "ah" if seed.name.startswith("002") else "hz"
        shutil.copy(seed, land / folder / seed.name)
    shutil.copy(SEEDS / "001_14e0d869ad77c16d.txt", land / "hz" / "copy_of_001.txt")
    (land / "hz" / "empty.txt").write_bytes(b"")
    (land / "ah" / "manifest.csv").write_text(
        "file,url,region\n002_987b09836dacbc77.txt,http://example.org/chizhou,安徽省池州市\n", encoding="utf-8"
    )


def write_partitions(data: Path, years, edit=None) -> None:
    for year in years:
        items = list(landing.partition_inputs(data, year))
        if edit:
            items = edit(year, items)
        flatten.write_partition(items, data, year)


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    w = Warehouse(tmp_path_factory.mktemp("dbt"))
    _land(w.data)
    result = landing.ingest_landing(w.data, max_year=LAST_COMPLETE_YEAR)
    assert result.counts() == {"landed": 7, "ok": 5, "duplicate": 1, "quarantined": 1}
    write_partitions(w.data, sorted(result.years()))
    w.build_results = w.dbt("build")
    return w


# --- the build ----------------------------------------------------------------------------------
def test_build_passes_with_unit_tests_and_contracts(wh):
    results = wh.build_results["results"]
    assert results and all(r["status"] in ("success", "pass") for r in results), [
        (r["unique_id"], r["status"]) for r in results if r["status"] not in ("success", "pass")
    ]
    ids = [r["unique_id"] for r in results]
    unit = [i for i in ids if i.startswith("unit_test.")]
    assert len(unit) >= 10
    assert any("test_mart_agency_year_formulas" in i for i in unit)
    assert sum(i.startswith("test.") for i in ids) > 50


def test_schemas_are_named_exactly(wh):
    tables = dict(wh.sql("select table_name, table_schema from information_schema.tables"))
    for view in (
        "stg_parsed__reports",
        "stg_parsed__cells",
        "stg_parsed__findings",
        "stg_parsed__narrative",
        "stg_raw__index",
        "stg_raw__quarantine",
    ):
        assert tables[view] == "staging"
    for view in ("int_reports_ranked", "int_findings_derived", "int_narrative_figures"):
        assert tables[view] == "intermediate"
    for mart in (
        "dim_agency",
        "dim_year",
        "dim_region",
        "dim_applicant_type",
        "dim_outcome",
        "dim_stage",
        "dim_proceeding",
        "dim_result",
        "dim_table2_item",
        "dim_table2_measure",
        "dim_report",
        "fct_requests",
        "fct_request_outcomes",
        "fct_litigation",
        "fct_proactive_disclosure",
        "fct_report_findings",
        "mart_agency_year",
        "mart_region_year",
        "mart_agency_year_peers",
        "quarantine",
    ):
        assert tables[mart] == "marts"
    assert not any(s.startswith("main_") for s in tables.values())


def test_requests_of_hangzhou_emergency_2021(wh):
    rid = wh.report_id(HZ_EMERGENCY)
    rows = dict(
        wh.sql(
            """select applicant_type, requests from marts.fct_requests
                          where report_id = ? and stage = 'new_received'""",
            [rid],
        )
    )
    assert rows["natural_person"] == 4 and rows["commercial_enterprise"] == 2 and rows["total"] == 6
    assert len(rows) == 7
    assert wh.one("""select count(*) from marts.fct_requests where report_id = ?""", [rid]) == 28
    assert wh.one("""select report_year from marts.fct_requests where report_id = ? limit 1""", [rid]) == 2021


def test_outcomes_of_hangzhou_emergency_2021(wh):
    rid = wh.report_id(HZ_EMERGENCY)
    total = dict(
        wh.sql(
            """select outcome, requests from marts.fct_request_outcomes
                           where report_id = ? and applicant_type = 'total'""",
            [rid],
        )
    )
    assert total["granted"] == 2 and total["partially_granted"] == 1
    assert total["unable_not_held"] + total["unable_needs_creation"] == 3
    assert "other_total" not in total and total["other_other"] == 0  # 2021 format: three leaves
    groups = dict(
        wh.sql(
            """select outcome_group, sum(requests) from marts.fct_request_outcomes
                            where report_id = ? and applicant_type = 'total' group by 1""",
            [rid],
        )
    )
    assert groups == {"granted": 2, "partially_granted": 1, "denied": 0, "unable": 3, "rejected": 0, "other": 0}


def test_litigation_of_hangzhou_emergency_all_zero(wh):
    rid = wh.report_id(HZ_EMERGENCY)
    rows = wh.sql("select proceeding, result, cases from marts.fct_litigation where report_id = ?", [rid])
    assert len(rows) == 15 and {r[2] for r in rows} == {0}


def test_provenance_opens_the_source_in_one_query(wh):
    rid = wh.report_id(HZ_EMERGENCY)
    path, src, src_line, raw, empty, version = wh.one(
        """select path, src, src_line, raw_text, was_empty, parser_version from marts.fct_requests
           where report_id = ? and stage = 'new_received' and applicant_type = 'natural_person'""",
        [rid],
    )
    assert path == "hz/001_14e0d869ad77c16d.txt"  # the first path; the duplicate copy is not loaded
    assert src == "text" and src_line >= 1 and raw == "4" and empty is False and version
    line = (wh.data / "landing" / path).read_bytes().decode("utf-8").splitlines()[src_line - 1]
    assert "4" in line
    for fact in ("fct_requests", "fct_request_outcomes", "fct_litigation", "fct_proactive_disclosure"):
        cols = {r[0] for r in wh.sql("select column_name from information_schema.columns where table_name = ?", [fact])}
        assert {
            "path",
            "src",
            "src_table",
            "src_row",
            "src_col",
            "src_line",
            "raw_text",
            "was_empty",
            "parser_version",
        } <= cols, fact


def test_chizhou_2020_is_2019_format_with_other_total(wh):
    rid = wh.report_id(CHIZHOU)
    assert wh.one("select format_version from marts.dim_year where report_year = 2020") == "2019"
    assert wh.one("select format_version from staging.stg_parsed__reports where report_id = ?", [rid]) == "2019"
    rows = wh.sql(
        """select outcome_group, requests from marts.fct_request_outcomes
                     where report_id = ? and outcome = 'other_total' and applicant_type = 'total'""",
        [rid],
    )
    assert rows == [("other", 0)]
    assert (
        wh.one(
            """select count(*) from marts.fct_request_outcomes
                     where report_id = ? and list_contains(?, outcome)""",
            [rid, sorted(set(labels.T3_ROWS_2021) - set(labels.T3_ROWS_2019))],
        )
        == 0
    )
    measures = dict(
        wh.sql(
            """select item || '.' || measure, value from marts.fct_proactive_disclosure
                              where report_id = ?""",
            [rid],
        )
    )
    assert measures["licensing.decisions"] == 41 and measures["other_services.prior_year_items"] == 6
    url, region = wh.one("select url, region_name from staging.stg_parsed__reports where report_id = ?", [rid])
    assert url == "http://example.org/chizhou" and region


def test_dim_year_generations(wh):
    rows = dict(wh.sql("select report_year, format_version from marts.dim_year"))
    assert min(rows) == calendar.FIRST_YEAR == 2008 and max(rows) == LAST_COMPLETE_YEAR
    assert rows[2008] == rows[2018] == "pre2019"
    assert rows[2019] == rows[2020] == "2019"
    assert rows[2021] == rows[2024] == "2021"
    assert wh.one("select bool_and(is_complete) from marts.dim_year") is True


def test_dims(wh):
    agencies = dict(wh.sql("select agency_name, n_reports from marts.dim_agency"))
    assert agencies == {HZ_EMERGENCY: 1, CHIZHOU: 1, BINJIANG: 1, SHENGZHOU: 1, "杭州市人民防空办公室": 1}
    assert wh.one("select count(*) from marts.dim_outcome") == len(labels.T3_ROWS) - len(labels.T3_STAGE_ROWS)
    assert wh.one("select outcome_group from marts.dim_outcome where outcome = 'other_total'") == "other"
    assert wh.one("select count(*) from marts.dim_applicant_type") == 7
    region_keys = {r[0] for r in wh.sql("select region_key from marts.dim_region")}
    assert {r[0] for r in wh.sql("select region_key from marts.dim_agency")} <= region_keys
    assert dict(wh.sql("select agency_name, region_code from marts.dim_agency")) == {
        HZ_EMERGENCY: "330100",
        CHIZHOU: "341700",
        BINJIANG: "330108",
        SHENGZHOU: "330683",
        "杭州市人民防空办公室": "330100",
    }
    # dim_region is the GB/T 2260 list by year, and the unknown member
    assert wh.one("select count(*) from marts.dim_region where is_current and level = 'province'") == 34
    assert wh.one(
        "select (region_name, level, parent_code) from marts.dim_region where region_key = '330108:1996'"
    ) == (
        "滨江区",
        "county",
        "330100",
    )


def test_every_coded_value_of_the_facts_has_a_chinese_label_in_a_dim(wh):
    for fact, column, dim in (
        ("fct_requests", "applicant_type", "dim_applicant_type"),
        ("fct_requests", "stage", "dim_stage"),
        ("fct_request_outcomes", "outcome", "dim_outcome"),
        ("fct_litigation", "proceeding", "dim_proceeding"),
        ("fct_litigation", "result", "dim_result"),
        ("fct_proactive_disclosure", "item", "dim_table2_item"),
        ("fct_proactive_disclosure", "measure", "dim_table2_measure"),
    ):
        rows, unlabelled = wh.one(
            f"""select count(*), count(*) filter (where d.label_zh is null)
                from marts.{fact} as f left join marts.{dim} as d on f.{column} = d.{column}"""
        )
        assert rows > 0 and unlabelled == 0, (fact, column)
    assert dict(wh.sql("select stage, label_zh from marts.dim_stage")) == {
        k: labels.TABLE3_ROWS[k][0] for k in labels.T3_STAGE_ROWS
    }
    assert dict(wh.sql("select proceeding, label_zh from marts.dim_proceeding")) == labels.TABLE4_PROCEEDINGS
    assert dict(wh.sql("select result, label_zh from marts.dim_result")) == labels.TABLE4_RESULTS
    assert dict(wh.sql("select item, label_zh from marts.dim_table2_item")) == labels.TABLE2_ITEMS
    assert dict(wh.sql("select measure, label_zh from marts.dim_table2_measure")) == labels.TABLE2_MEASURES
    litigation = {r[0] for r in wh.sql("select proceeding from marts.dim_proceeding where is_litigation")}
    assert litigation == {"litigation_direct", "litigation_after_reconsideration"}


def test_mart_agency_year(wh):
    cols = [
        "report_year",
        "n_reports",
        "requests_new",
        "requests_total_processed",
        "granted",
        "partially_granted",
        "unable",
        "disclosure_rate",
        "denial_rate",
        "reconsideration_total",
        "reconsideration_correction_rate",
        "litigation_total",
        "litigation_correction_rate",
    ]
    row = dict(
        zip(cols, wh.one(f"select {', '.join(cols)} from marts.mart_agency_year where agency_name = ?", [HZ_EMERGENCY]))
    )
    assert row == {
        "report_year": 2021,
        "n_reports": 1,
        "requests_new": 6,
        "requests_total_processed": 6,
        "granted": 2,
        "partially_granted": 1,
        "unable": 3,
        "disclosure_rate": 0.5,
        "denial_rate": 0.0,
        "reconsideration_total": 0,
        "reconsideration_correction_rate": None,
        "litigation_total": 0,
        "litigation_correction_rate": None,
    }
    # nothing processed: rates are NULL, not 0
    assert wh.one(
        """select (disclosure_rate, denial_rate, other_processed) from marts.mart_agency_year
                     where agency_name = ?""",
        [CHIZHOU],
    ) == (None, None, 0)
    # a report without tables keeps its row, with NULL figures and its findings counted
    tables_lost = wh.one(
        """select (requests_new, disclosure_rate, n_findings_warning) from marts.mart_agency_year
                            where agency_name = ? and report_year = 2022""",
        [SHENGZHOU],
    )
    assert tables_lost[0] is None and tables_lost[1] is None and tables_lost[2] >= 1
    assert wh.one("select count(*) from marts.mart_agency_year") == 5


def test_reports_without_tables_take_their_figures_from_the_prose(wh):
    """Seed 004 lost its tables but its text says 全年答复办理政府信息公开申请56件，其中涉及行政复议4件，
    被纠错2件；涉及行政诉讼3件，败诉0件; seed 000 (no tables either) says 9 requests received and answered."""
    cols = [
        "requests_new",
        "requests_new_source",
        "requests_total_processed",
        "requests_total_processed_source",
        "granted_source",
        "reconsideration_total",
        "reconsideration_corrected",
        "reconsideration_correction_rate",
        "reconsideration_decided_correction_rate",
        "reconsideration_total_source",
        "litigation_total",
        "litigation_corrected",
        "litigation_correction_rate",
        "litigation_corrected_source",
        "arithmetic_ok",
    ]
    query = f"select ({', '.join(cols)}) from marts.mart_agency_year where agency_name = ?"
    assert dict(zip(cols, wh.one(query, [SHENGZHOU]))) == {
        "requests_new": None,
        "requests_new_source": None,
        "requests_total_processed": 56,
        "requests_total_processed_source": "prose",
        "granted_source": None,
        "reconsideration_total": 4,
        "reconsideration_corrected": 2,
        "reconsideration_correction_rate": 0.5,
        "reconsideration_decided_correction_rate": None,  # the prose states no pending count
        "reconsideration_total_source": "prose",
        "litigation_total": 3,
        "litigation_corrected": 0,
        "litigation_correction_rate": 0.0,
        "litigation_corrected_source": "prose",
        "arithmetic_ok": True,
    }
    assert wh.one(
        "select (requests_new, requests_new_source, requests_total_processed, disclosure_rate) "
        "from marts.mart_agency_year where agency_name = '杭州市人民防空办公室'"
    ) == (9, "prose", 9, None)
    # a report with tables keeps the table's figures; its prose agrees, so no finding
    assert wh.one(
        "select (requests_new, requests_new_source) from marts.mart_agency_year where agency_name = ?", [HZ_EMERGENCY]
    ) == (6, "table")
    assert wh.one("select count(*) from marts.fct_report_findings where code like 'NARRATIVE%'") == 0


def test_dim_report(wh):
    rows = {
        r[0]: r[1:]
        for r in wh.sql(
            """select agency_name, path, format_version, format_expected, has_table3, arithmetic_ok, is_primary,
                      n_findings_warning + n_findings_info + n_findings_error
               from marts.dim_report"""
        )
    }
    assert len(rows) == 5 == wh.one("select count(*) from staging.stg_parsed__reports")
    assert rows[HZ_EMERGENCY][:6] == ("hz/001_14e0d869ad77c16d.txt", "2021", "2021", True, True, True)
    assert rows[CHIZHOU][1:3] == ("2019", "2019")  # 2019 layout: one (六)其他处理 row
    # no table: the generation is not detected (NULL), the year's is format_expected
    assert rows[SHENGZHOU][1:4] == (None, "2021", False)
    # every finding on a report is counted, as fct_report_findings holds them
    counted = dict(
        wh.sql(
            "select agency_name, count(*) from marts.fct_report_findings join marts.dim_report "
            "using (report_id) group by 1"
        )
    )
    for name, row in rows.items():
        assert row[6] == counted.get(name, 0), name
    assert wh.one("select count(*) from marts.dim_report where not is_primary") == 0


def test_findings_and_quarantine(wh):
    # the parser's findings, each once; the seeds all resolve, agree with no other year: none derived
    assert wh.one("select count(*) from marts.fct_report_findings") == wh.one(
        "select count(*) from staging.stg_parsed__findings"
    )
    assert wh.one("select count(*) from marts.fct_report_findings where finding_no > 1000") == 0
    assert wh.one("""select count(*) from marts.fct_report_findings
                     where finding_id = report_id || '-' || finding_no""") == wh.one(
        "select count(*) from marts.fct_report_findings"
    )
    path, code, reason = wh.one("select path, code, reason from marts.quarantine")
    assert path == "hz/empty.txt" and code and "hz/empty.txt" in reason


# --- incremental --------------------------------------------------------------------------------
def _set_cell(record: dict, table: str, row: str, col: str, value: int) -> dict:
    record = json.loads(json.dumps(record))
    record[table][row][col] = value
    for cell in record["cells"]:
        if (cell["table"], cell["row"], cell["column"]) == (table, row, col):
            cell["value"], cell["raw"] = value, str(value)
    return record


REVISED = "e" * 64  # the report_id of a revised 2021 report of the Hangzhou emergency bureau


def test_incremental_run_replaces_exactly_one_year(wh):
    hz = wh.report_id(HZ_EMERGENCY)
    chizhou = wh.report_id(CHIZHOU)
    before_2020 = wh.sql("select * from marts.fct_requests where report_year = 2020 order by all")
    rows_2021_before = wh.one("select count(*) from marts.fct_request_outcomes where report_year = 2021")
    assert wh.sql("select distinct is_primary from marts.fct_requests where report_id = ?", [hz]) == [(True,)]

    def edit(year, items):
        out = []
        for record, path, row in items:
            if record["agency_name"] == BINJIANG:
                continue  # dropped from 2021
            if record["agency_name"] == HZ_EMERGENCY:
                record = _set_cell(record, "table3", "new_received", "natural_person", 40)
                # a revised report lands for the same agency-year: same tables, published later
                revised = _set_cell(record, "table3", "new_received", "total", 7)
                revised["report_id"], revised["published_date"] = REVISED, "2022-06-30"
                out.append((revised, "hz/001_revised.txt", row))
            if record["agency_name"] == CHIZHOU:
                record = _set_cell(record, "table3", "new_received", "total", 7)
            out.append((record, path, row))
        return out

    # both years' files change, but only 2021 is run
    write_partitions(wh.data, [2020, 2021], edit)
    wh.dbt("build", vars={"min_year": 2021, "max_year": 2021})

    # the revision is now the agency-year's report: every fact row of 2021 says so, the mart reads
    # it, and a naive sum over is_primary gives the mart's figure
    for fact in ("fct_requests", "fct_request_outcomes", "fct_litigation", "fct_proactive_disclosure"):
        flags = dict(wh.sql(f"select report_id, bool_and(is_primary) from marts.{fact} group by 1"))
        assert flags[hz] is False and flags[REVISED] is True, fact
    assert wh.one(
        "select (report_id, n_reports, requests_new) from marts.mart_agency_year where agency_name = ?", [HZ_EMERGENCY]
    ) == (REVISED, 2, 7)
    assert wh.one(
        """select sum(requests) from marts.fct_requests
           where report_year = 2021 and is_primary and applicant_type = 'total' and stage = 'new_received'"""
    ) == wh.one(
        "select sum(requests_new) from marts.mart_agency_year where report_year = 2021 and requests_new_source = 'table'"
    )  # (the civil-defence office's 9 come from its prose: no fact row stands behind them)
    assert wh.one("select (is_primary, report_rank) from marts.dim_report where report_id = ?", [hz]) == (False, 2)

    assert (
        wh.one(
            """select requests from marts.fct_requests where report_id = ? and stage = 'new_received'
                     and applicant_type = 'natural_person'""",
            [hz],
        )
        == 40
    )
    assert (
        wh.one("""select count(distinct report_id) from marts.fct_request_outcomes
                     where report_year = 2021""")
        == 2
    )  # Binjiang's rows are gone; the emergency bureau's two reports are there
    assert wh.one("select count(*) from marts.fct_request_outcomes where report_year = 2021") == rows_2021_before
    # 2020 untouched: still the old value though its file now says 7
    assert wh.sql("select * from marts.fct_requests where report_year = 2020 order by all") == before_2020
    assert (
        wh.one(
            """select requests from marts.fct_requests where report_id = ? and stage = 'new_received'
                     and applicant_type = 'total'""",
            [chizhou],
        )
        == 0
    )

    # an emptied year is emptied in the facts too
    assert wh.one("select count(*) from marts.fct_report_findings where report_year = 2022") > 0
    flatten.write_partition([], wh.data, 2022)
    wh.dbt("run", "--select", "fct_report_findings", vars={"min_year": 2022, "max_year": 2022})
    assert wh.one("select count(*) from marts.fct_report_findings where report_year = 2022") == 0
    assert wh.one("select count(*) from marts.fct_report_findings where report_year = 2021") > 0

    # a full refresh rebuilds every year from the files
    wh.dbt("build", "--full-refresh")
    assert (
        wh.one(
            """select requests from marts.fct_requests where report_id = ? and stage = 'new_received'
                     and applicant_type = 'total'""",
            [chizhou],
        )
        == 7
    )
    assert wh.one("select count(*) from marts.mart_agency_year") == 3  # Binjiang and Shengzhou gone


def test_cross_year_carry_over_mismatch_is_a_finding(tmp_path):
    """The agency's 2021 report carries over 0, its 2020 report carried 2 forward: the warehouse
    derives a T3_CARRYOVER_MISMATCH warning on the 2021 report (no per-report parser can)."""
    w = Warehouse(tmp_path)
    land = w.data / "landing"
    land.mkdir(parents=True)
    text = (SEEDS / "001_14e0d869ad77c16d.txt").read_text(encoding="utf-8")
    shutil.copy(SEEDS / "001_14e0d869ad77c16d.txt", land / "hz_2021.txt")
    # the same agency's 2020 report (2019 format years), carrying 2 natural-person requests forward
    lines = text.replace("2021", "2020").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("四、結轉下年度"))
    values = [k for k in range(i + 1, len(lines)) if lines[k].strip().isdigit()][:7]
    lines[values[0]] = "2"
    lines[values[6]] = "2"
    (land / "hz_2020.txt").write_text("\n".join(lines), encoding="utf-8")
    result = landing.ingest_landing(w.data, max_year=LAST_COMPLETE_YEAR)
    assert result.years() == {2020: 1, 2021: 1}
    write_partitions(w.data, [2020, 2021])
    w.dbt("build")
    rows = w.sql(
        "select report_year, finding_no, severity, cells, message from marts.fct_report_findings "
        "where code = 'T3_CARRYOVER_MISMATCH'"
    )
    assert len(rows) == 1
    year, no, severity, cells, message = rows[0]
    assert (year, no, severity) == (2021, 1001, "warning")
    assert json.loads(cells) == ["carried_over.natural_person", "carried_over.total"]
    assert "natural_person (0 vs 2)" in message and "2020 report" in message


# --- the project's shape (files and the parsed manifest; no build) ------------------------------
MODELS_DIR = DBT_DIR / "models"
# Folder -> layer tag, in the order data flows: a model reads only from its own or earlier folders.
LAYERS = {
    "models/staging/": "staging",
    "models/intermediate/": "intermediate",
    "models/marts/core/dims/": "core",
    "models/marts/core/facts/": "core",
    "models/marts/reporting/": "reporting",
}
FLOW = list(LAYERS)
# Columns documented once in models/docs.md and referenced with doc() wherever a model describes them.
SHARED_DOCS = (
    "report_id",
    "report_year",
    "agency_id",
    "path",
    "src",
    "src_table",
    "src_row",
    "src_col",
    "src_line",
    "raw_text",
    "was_empty",
    "parser_version",
    "finding_id",
    "applicant_type",
    "label_zh",
    "sort_order",
    "generations",
)


def _manifest() -> dict:
    path = DBT_DIR / "target" / "manifest.json"
    assert path.exists(), "run `make manifest` (tests/conftest.py parses when it is missing)"
    return json.loads(path.read_text(encoding="utf-8"))


def _folder(node: dict) -> str:
    return next(f for f in FLOW if node["original_file_path"].startswith(f))


def test_layers_flow_one_way():
    """staging -> intermediate -> marts/core (dims, then facts) -> marts/reporting, never back."""
    manifest = _manifest()
    nodes = manifest["nodes"]
    models = {uid: n for uid, n in nodes.items() if n["resource_type"] == "model"}
    assert models
    for uid, node in models.items():
        folder = _folder(node)
        assert LAYERS[folder] in node["tags"], uid
        for parent in node["depends_on"]["nodes"]:
            if parent.startswith(("source.", "seed.")):
                assert folder in ("models/staging/", "models/marts/core/dims/"), (uid, parent)
                continue
            assert FLOW.index(_folder(nodes[parent])) <= FLOW.index(folder), f"{uid} reads {parent}"
    parents = {p for n in models.values() for p in n["depends_on"]["nodes"]}
    fed = {uid for uid in models if uid in parents}
    staging = {uid for uid, n in models.items() if _folder(n) == "models/staging/"}
    # the raw index is read by the reconciliation (and tested against marts.quarantine), not by a model
    assert staging - fed == {"model.ogi_warehouse.stg_raw__index"}
    seeds = {uid for uid, n in nodes.items() if n["resource_type"] == "seed"}
    assert seeds and seeds <= parents, "every seed feeds a dim"
    reporting = {uid for uid, n in models.items() if "reporting" in n["tags"]}
    assert reporting == {
        f"model.ogi_warehouse.{m}"
        for m in ("mart_agency_year", "mart_region_year", "mart_agency_year_peers", "quarantine")
    }


def test_config_by_folder_not_in_models():
    manifest = _manifest()
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        config, folder = node["config"], _folder(node)
        assert "config(" not in (DBT_DIR / node["original_file_path"]).read_text(encoding="utf-8"), uid
        if folder.startswith("models/marts/"):
            assert node["schema"] == "marts" and config["contract"]["enforced"], uid
        if folder == "models/marts/core/facts/":
            assert config["materialized"] == "incremental", uid
            assert config["incremental_strategy"] == "delete+insert" and config["unique_key"] == "report_year", uid
            assert [h["sql"] for h in config["pre-hook"]] == ["{{ delete_year_window() }}"], uid
        else:
            assert config["materialized"] == ("view" if folder in FLOW[:2] else "table"), uid


def test_one_yml_per_model_and_shared_column_docs_written_once():
    import yaml

    sql_files = sorted(MODELS_DIR.rglob("*.sql"))
    assert sql_files
    for sql in sql_files:
        yml = sql.with_suffix(".yml")
        assert yml.exists(), f"{sql.name} has no {yml.name} beside it"
        described = yaml.safe_load(yml.read_text(encoding="utf-8"))
        assert [m["name"] for m in described["models"]] == [sql.stem], yml
        for column in described["models"][0].get("columns", []):
            if column["name"] in SHARED_DOCS and "description" in column:
                assert column["description"].startswith("{{ doc('" + column["name"] + "') }}"), (yml.name, column)
    for yml in MODELS_DIR.rglob("*.yml"):
        models = (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("models", [])
        assert not models or yml.with_suffix(".sql").exists(), yml
    docs = (MODELS_DIR / "docs.md").read_text(encoding="utf-8")
    for name in SHARED_DOCS:
        assert docs.count("{% docs " + name + " %}") == 1, name


def test_calendar_reaches_dbt_only_as_vars():
    """ingest.calendar is the one home of the first and last complete year: dbt_project.yml gives
    them no default of its own (or, if it ever does, the same values), and no SQL restates them."""
    import yaml

    project_vars = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    calendar_vars = calendar.dbt_vars()
    assert set(calendar_vars) == {"first_year", "last_complete_year"}
    for name, value in calendar_vars.items():
        assert project_vars.get(name, value) == value, f"dbt_project.yml var {name} disagrees with ingest.calendar"
    sql = {
        p: p.read_text(encoding="utf-8").lower() for p in [*MODELS_DIR.rglob("*.sql"), *DBT_DIR.glob("macros/*.sql")]
    }
    for path, text in sql.items():
        assert str(calendar.FIRST_YEAR) not in text, path
        for clock in ("current_date", "now()", "current_timestamp", "today()"):
            assert clock not in text, (path, clock)
    dim_year = (MODELS_DIR / "marts" / "core" / "dims" / "dim_year.sql").read_text(encoding="utf-8")
    assert "var('first_year')" in dim_year and "var('last_complete_year')" in dim_year


def test_dbt_without_the_calendar_vars_fails(tmp_path):
    env = dict(os.environ, OGI_DATA_DIR=str(tmp_path), OGI_WAREHOUSE=str(tmp_path / "w.duckdb"))
    proc = subprocess.run(
        [
            dbt_executable(),
            "compile",
            "--select",
            "dim_year",
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=DBT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "first_year" in proc.stdout + proc.stderr


def test_arithmetic_codes_are_parser_codes_of_the_tables_own_sums():
    """dim_report.arithmetic_ok keys on the macro arithmetic_finding_codes: each is a parser code, and
    they are the parser's arithmetic checks (ingest.parser.findings check_t3 / check_t4). The parser
    files them as warnings, which is why the flag keys on the codes and not on a severity."""
    import inspect
    import re

    from ingest.parser import findings

    text = (DBT_DIR / "macros" / "metrics.sql").read_text(encoding="utf-8")
    body = text.split("macro arithmetic_finding_codes()", 1)[1].split("endmacro", 1)[0]
    codes = set(re.findall(r"'([A-Z0-9_]+)'", body))
    raised = set(
        re.findall(
            r'"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"',
            inspect.getsource(findings.check_t3) + inspect.getsource(findings.check_t4),
        )
    )
    assert codes == raised == {"T3_COLUMN_BALANCE", "T3_OUTCOME_SUM", "T3_ROW_SUM", "T4_TOTAL"}
    assert {findings.CODES[c][0] for c in codes} == {"warning"}
