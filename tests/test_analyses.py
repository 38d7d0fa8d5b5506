"""The example analyses (dbt/analyses, linked from the README) answer on a real warehouse.

`dbt compile` renders them (refs and the metric macros), then each compiled query runs on the session
warehouse (tests/conftest.py `pipeline`: real Dagster runs over 2020-2022), and its answer is checked
against the warehouse computed another way: from the facts where the analysis reads the mart, from
the mart where it reads the facts, and down to the landing file for the cells it names.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import DBT_DIR, ROOT, Pipeline, dbt_executable

from ingest import calendar

pytestmark = pytest.mark.slow

ANALYSES = DBT_DIR / "analyses"
HZ_EMERGENCY = "杭州市应急管理局"
SHENGZHOU = "嵊州市人民政府办公室"


def arithmetic_codes() -> set[str]:
    """The codes of the macro arithmetic_finding_codes, read from its one home."""
    text = (DBT_DIR / "macros" / "metrics.sql").read_text(encoding="utf-8")
    body = text.split("macro arithmetic_finding_codes()", 1)[1].split("endmacro", 1)[0]
    return set(re.findall(r"'([A-Z0-9_]+)'", body))


@pytest.fixture(scope="module")
def answers(pipeline: Pipeline, tmp_path_factory) -> dict[str, tuple[list[str], list[tuple]]]:
    """name -> (columns, rows) of every analysis, compiled by dbt and run on the session warehouse."""
    tmp = tmp_path_factory.mktemp("analyses")
    env = dict(
        os.environ,
        OGI_DATA_DIR=str(pipeline.root),
        # dbt names the database after the file: the compiled SQL says "warehouse"."marts"...,
        # which is the session warehouse's name too; dbt itself never opens the published file
        OGI_WAREHOUSE=str(tmp / "warehouse.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    cmd = [
        dbt_executable(),
        "compile",
        "--select",
        "path:analyses",
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
        "--vars",
        json.dumps(calendar.dbt_vars()),
    ]
    proc = subprocess.run(cmd, cwd=DBT_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    import duckdb

    out = {}
    compiled = tmp / "target" / "compiled" / "ogi_warehouse" / "analyses"
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        for path in sorted(compiled.glob("*.sql")):
            cur = con.execute(path.read_text(encoding="utf-8"))
            out[path.stem] = ([d[0] for d in cur.description], cur.fetchall())
    return out


def as_dicts(answer: tuple[list[str], list[tuple]]) -> list[dict]:
    columns, rows = answer
    return [dict(zip(columns, row)) for row in rows]


def test_every_analysis_compiles_runs_and_is_linked_from_the_readme(answers):
    names = {p.stem for p in ANALYSES.glob("*.sql")}
    assert (
        names
        == set(answers)
        == {
            "top_agencies",
            "year_over_year",
            "denial_reason_shares",
            "pooled_correction_rate",
            "reports_not_adding_up",
        }
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"(dbt/analyses/{name}.sql)" in readme, name
    project = (DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    assert 'analysis-paths: ["analyses"]' in project


def test_top_agencies_sum_what_the_facts_hold(answers, pipeline: Pipeline):
    rows = as_dicts(answers["top_agencies"])
    assert 5 <= len(rows) <= 20
    received = [r["requests_received"] for r in rows]
    assert received == sorted(received, reverse=True) and received[0] > 100
    # from the facts, without the mart: the primary report's printed total, every year
    printed = dict(
        pipeline.query(
            """select agency_id, sum(requests) from marts.fct_requests
               where is_primary and applicant_type = 'total' and stage = 'new_received' group by 1"""
        )
    )
    checked = 0
    for r in rows:
        if r["years_from_prose"] == 0:
            assert r["requests_received"] == printed[r["agency_id"]], r
            checked += 1
    assert checked >= 5
    # the bureau of seed 001 reported 6 requests in 2020 and in 2021, half of them disclosed; it is
    # listed exactly when fewer than 20 agencies received more
    hz = [r for r in rows if r["agency_name"] == HZ_EMERGENCY]
    (above,) = pipeline.query(
        "select count(*) from (select agency_id, sum(requests_new) as n from marts.mart_agency_year "
        "group by 1) where n > 12"
    )[0]
    if above < 20:
        assert [(r["requests_received"], r["years_reported"], r["disclosure_rate"]) for r in hz] == [(12, 2, 0.5)]
    else:
        assert hz == []
    # a figure taken from the prose counts and says so
    prose = pipeline.query(
        "select agency_id, requests_new from marts.mart_agency_year where requests_new_source = 'prose'"
    )
    assert prose
    by_agency = {r["agency_id"]: r for r in rows}
    for agency_id, n in prose:
        if agency_id in by_agency:
            assert by_agency[agency_id]["years_from_prose"] >= 1 and by_agency[agency_id]["requests_received"] >= n


def test_year_over_year_pairs_consecutive_years_of_one_agency(answers, pipeline: Pipeline):
    rows = as_dicts(answers["year_over_year"])
    hz = [r for r in rows if r["agency_name"] == HZ_EMERGENCY]
    assert hz == [
        {
            "agency_name": HZ_EMERGENCY,
            "report_year": 2021,
            "prior_requests_new": 6,
            "requests_new": 6,
            "difference": 0,
            "ratio": 1.0,
            "sources": "table -> table",
        }
    ]
    # every consecutive pair with both figures, and nothing else
    pairs = pipeline.query(
        """select count(*) from marts.mart_agency_year as a
           join marts.mart_agency_year as b on a.agency_id = b.agency_id and b.report_year = a.report_year - 1
           where a.requests_new is not null and b.requests_new is not null"""
    )[0][0]
    assert len(rows) == pairs
    for r in rows:
        assert r["difference"] == r["requests_new"] - r["prior_requests_new"]


def test_denial_reason_shares_add_up_to_the_marts_denials(answers, pipeline: Pipeline):
    rows = as_dicts(answers["denial_reason_shares"])
    assert rows and all(r["label_zh"] and r["outcome"].startswith("denied_") for r in rows)
    years = {r["report_year"] for r in rows}
    for year in years:
        in_year = [r for r in rows if r["report_year"] == year]
        total = in_year[0]["denied_in_year"]
        assert sum(r["requests"] for r in in_year) == total
        if total:
            assert sum(r["share_of_denied"] for r in in_year) == pytest.approx(1.0, abs=0.01)
        # the facts' denied rows of the primary reports = the mart's denied, reports that add up
        (mart,) = pipeline.query(
            "select sum(denied) from marts.mart_agency_year where report_year = ? and arithmetic_ok", [year]
        )[0]
        assert total == mart, year
    assert any(r["denied_in_year"] > 0 for r in rows)


def test_pooled_correction_rate_is_sum_over_sum_and_takes_prose_figures(answers, pipeline: Pipeline):
    rows = {r["report_year"]: r for r in as_dicts(answers["pooled_correction_rate"])}
    assert set(rows) == {2020, 2021, 2022}
    for year, r in rows.items():
        total, corrected, n = pipeline.query(
            """select sum(reconsideration_total), sum(reconsideration_corrected), count(*)
               from marts.mart_agency_year
               where report_year = ? and arithmetic_ok and reconsideration_correction_rate is not null""",
            [year],
        )[0]
        assert (r["reconsiderations"], r["reconsiderations_corrected"], r["agencies_with_reconsiderations"]) == (
            total,
            corrected,
            n,
        )
        expected = None if not total else round(corrected / total, 4)
        assert r["reconsideration_correction_rate"] == expected
    # seed 004 has no table: its prose's 4 reconsiderations (2 corrected) and 3 lawsuits are in 2022
    assert pipeline.query(
        """select reconsideration_total, reconsideration_corrected, reconsideration_total_source,
                  litigation_total, litigation_corrected, reconsideration_decided_correction_rate
           from marts.mart_agency_year where agency_name = ?""",
        [SHENGZHOU],
    ) == [(4, 2, "prose", 3, 0, None)]
    assert rows[2022]["reconsiderations"] >= 4 and rows[2022]["lawsuits"] >= 3


def test_reports_not_adding_up_lead_to_the_printed_cell(answers, pipeline: Pipeline):
    rows = as_dicts(answers["reports_not_adding_up"])
    assert rows
    codes = arithmetic_codes()
    assert codes == {"T3_COLUMN_BALANCE", "T3_OUTCOME_SUM", "T3_ROW_SUM", "T4_TOTAL"}
    failing = {r[0] for r in pipeline.query("select report_id from marts.dim_report where not arithmetic_ok")}
    assert {r["report_id"] for r in rows} == failing
    for r in rows:
        assert r["code"] in codes and r["table_name"] in ("table3", "table4")
        assert r["path"] and r["raw_text"] is not None, r
        assert r["value"] == int(r["raw_text"]), r  # the number is the printed text
        source = (pipeline.root / "landing" / r["path"]).read_bytes()
        if r["src"] == "text":
            line = source.decode("utf-8", "replace").splitlines()[r["src_line"] - 1]
            assert r["raw_text"] in line, (r, line)
        else:
            assert r["src_table"] is not None and r["src_row"] is not None and r["src_col"] is not None
    # and in the facts, the same report's rows say it does not add up
    for report_id in failing:
        assert pipeline.query(
            "select bool_or(arithmetic_ok) from marts.fct_requests where report_id = ?", [report_id]
        ) == [(False,)]


def test_the_analyses_live_in_dbt_and_use_the_metric_macros():
    for path in ANALYSES.glob("*.sql"):
        sql = path.read_text(encoding="utf-8")
        assert "{{ ref(" in sql, path.name  # models by ref, never a schema name
        assert "marts." not in sql, path.name
    pooled = (ANALYSES / "pooled_correction_rate.sql").read_text(encoding="utf-8")
    assert "correction_rate(" in pooled and "decided_correction_rate(" in pooled
    assert Path(DBT_DIR / "analyses").is_dir()
