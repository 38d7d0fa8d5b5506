"""The data dictionary, in English and Chinese, in the project, in the published file and on the docs site.

Convention: every column of a mart model (dbt/models/marts/**) has an English description that ends
with its Chinese term, " 中文：<term>" (full-width colon), e.g. "Requests received in the year (the
report's printed total). 中文：本年新收政府信息公开申请数量". dbt persists the descriptions as DuckDB
comments (persist_docs), so `duckdb_columns()` of the published warehouse shows them; `make docs`
writes them to the static docs site.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import MANIFEST, ROOT, Pipeline

TERM = re.compile(r"^(?P<en>.*\S) 中文：(?P<zh>[^\s：].*)$", re.S)
CJK = re.compile(r"[\u4e00-\u9fff]")


def convention_problem(description: str | None) -> str | None:
    """Why a mart column's description breaks the convention, or None."""
    text = (description or "").strip()
    if text.count("中文：") != 1:
        return "needs exactly one ' 中文：<term>', at the end"
    m = TERM.match(text)
    if m is None:
        return "must end with ' 中文：<term>' (a space, 中文, a full-width colon, the term)"
    if not re.search(r"[A-Za-z]{3}", m["en"]):
        return "has no English description before the Chinese term"
    if "\n" in m["zh"] or not CJK.search(m["zh"]) or re.search(r"[A-Za-z]", m["zh"]):
        return "the term after 中文： is not a Chinese term on one line, the last words of the description"
    return None


def mart_models() -> dict[str, dict]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }


def test_the_convention_check_can_fail():
    assert convention_problem("Requests received in the year. 中文：本年新收政府信息公开申请数量") is None
    assert convention_problem("Requests received in the year.") is not None  # no term
    assert convention_problem("Requests received. 中文:本年新收") is not None  # ASCII colon
    assert convention_problem("中文：本年新收") is not None  # no English
    assert convention_problem("Requests. 中文：本年新收 中文：新收") is not None  # two terms
    assert convention_problem("Requests. 中文：本年新收. More English after it.") is not None  # term not last
    assert convention_problem("Requests. 中文：new requests") is not None  # the term is not Chinese


def test_every_mart_column_has_english_and_its_chinese_term():
    models = mart_models()
    assert {"mart_agency_year", "fct_requests", "dim_outcome", "dim_table2_crosswalk"} <= set(models)
    problems = [
        f"{name}.{column}: {problem}"
        for name, node in sorted(models.items())
        for column, col in node["columns"].items()
        if (problem := convention_problem(col.get("description")))
    ]
    assert problems == [], "\n".join(problems)
    assert all(node["description"].strip() for node in models.values())  # the table comment
    assert sum(len(node["columns"]) for node in models.values()) > 200


def test_a_shared_docs_block_has_one_chinese_term_everywhere():
    """Shared docs blocks (models/docs.md) carry no term: each mart column adds its own after the
    block, and the columns named after a block all say the same thing in Chinese."""
    import yaml

    terms: dict[str, set[str]] = {}
    for yml in sorted((ROOT / "dbt" / "models" / "marts").rglob("*.yml")):
        for model in yaml.safe_load(yml.read_text(encoding="utf-8")).get("models", []):
            for column in model.get("columns", []):
                m = re.match(r"^\{\{ doc\('(\w+)'\) \}\}.* 中文：(.+)$", column.get("description", "").strip(), re.S)
                if m and m[1] == column["name"]:
                    terms.setdefault(m[1], set()).add(m[2])
    assert "report_id" in terms and "label_zh" in terms
    assert {block: t for block, t in terms.items() if len(t) > 1} == {}
    docs = (ROOT / "dbt" / "models" / "docs.md").read_text(encoding="utf-8")
    assert "中文：" not in docs.split("-#}", 1)[1]


def test_the_docs_are_persisted_for_every_mart():
    """persist_docs is configured once, on the marts folder, for tables and incremental facts."""
    for name, node in mart_models().items():
        assert node["config"]["persist_docs"] == {"relation": True, "columns": True}, name


# --- the published warehouse ----------------------------------------------------------------------
@pytest.mark.slow
def test_published_marts_carry_the_dictionary_as_comments(pipeline: Pipeline):
    models = mart_models()
    columns = pipeline.query(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts' "
        "order by table_name, column_index"
    )
    tables = {t for t, _c, _m in columns}
    assert tables == set(models) | {"build_info"}
    missing = [f"{t}.{c}" for t, c, comment in columns if not comment or "中文：" not in comment]
    assert missing == []
    for table, column, comment in columns:
        if table in models:  # dbt's description, docs blocks rendered, is the comment
            assert comment.strip() == models[table]["columns"][column]["description"].strip(), f"{table}.{column}"
    assert dict(pipeline.query("select table_name, comment is not null from duckdb_tables()")) == dict.fromkeys(
        tables, True
    )


@pytest.mark.slow
def test_every_coded_value_of_the_facts_has_its_chinese_labels(pipeline: Pipeline):
    """Stages, outcomes (leaf and group apart), proceedings, results, table-2 items and measures."""
    checks = {
        "stage": "select count(*) from marts.fct_requests f left join marts.dim_stage d using (stage) "
        "where d.label_zh is null",
        "outcome": "select count(*) from marts.fct_request_outcomes f left join marts.dim_outcome d using (outcome) "
        "where d.label_zh is null or d.leaf_label_zh is null or d.outcome_group_zh is null",
        "proceeding, result": "select count(*) from marts.fct_litigation f "
        "left join marts.dim_proceeding p using (proceeding) left join marts.dim_result r using (result) "
        "where p.label_zh is null or r.label_zh is null",
        "item, measure": "select count(*) from marts.fct_proactive_disclosure f "
        "left join marts.dim_table2_item i using (item) left join marts.dim_table2_measure m using (measure) "
        "where i.label_zh is null or m.label_zh is null",
    }
    assert {name: pipeline.query(sql)[0][0] for name, sql in checks.items()} == dict.fromkeys(checks, 0)
    labels = dict(pipeline.query("select outcome, (leaf_label_zh, outcome_group_zh) from marts.dim_outcome"))
    assert labels["granted"] == ("予以公开", "予以公开")
    assert labels["denied_state_secret"] == ("属于国家秘密", "不予公开")


@pytest.mark.slow
def test_table2_crosswalk_carries_a_series_across_the_format_change(pipeline: Pipeline):
    """The pipeline's years 2020 (2019 format) and 2021-2022 (2021 format): every table-2 fact finds
    its crosswalk row; the comparable measures give one series over both formats; fees never do."""
    (unmatched,) = pipeline.query(
        "select count(*) from marts.fct_proactive_disclosure f "
        "left join marts.dim_table2_crosswalk x using (item, measure) where x.item is null"
    )[0]
    assert unmatched == 0
    series = pipeline.query(
        """select x.item, x.harmonised_measure, list(distinct y.format_version order by y.format_version)
           from marts.fct_proactive_disclosure f
           join marts.dim_table2_crosswalk x using (item, measure)
           join marts.dim_year y using (report_year)
           where x.is_comparable
           group by all order by all"""
    )
    assert series == [
        ("coercion", "decisions", ["2019", "2021"]),
        ("licensing", "decisions", ["2019", "2021"]),
        ("normative_documents", "made", ["2019", "2021"]),
        ("penalty", "decisions", ["2019", "2021"]),
        ("rules", "made", ["2019", "2021"]),
    ]
    fees = pipeline.query("select measure, is_comparable from marts.dim_table2_crosswalk where item = 'fees'")
    assert sorted(fees) == [("amount_10k_yuan", False), ("change", False), ("prior_year_items", False)]


@pytest.mark.slow
def test_make_docs_writes_a_static_site_offline(pipeline: Pipeline, tmp_path):
    """What `make docs` runs: one static page with the manifest and the published catalog inside."""
    out = tmp_path / "docs" / "dbt"
    env = {**os.environ, "OGI_DATA_DIR": str(pipeline.root)}
    env.pop("OGI_WAREHOUSE", None)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dbt_docs.py"), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page = (out / "index.html").read_text(encoding="utf-8")
    for model in ("mart_agency_year", "fct_requests", "dim_table2_crosswalk", "stg_parsed__cells"):
        assert f'"model.ogi_warehouse.{model}"' in page, model
    assert '"send_anonymous_usage_stats": false' in page  # the page loads no tracker
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    column = catalog["nodes"]["model.ogi_warehouse.mart_agency_year"]["columns"]["requests_new"]
    assert column["comment"].endswith("中文：本年新收政府信息公开申请数量")
    assert sorted(p.name for p in out.parent.iterdir()) == ["dbt"]  # its working folder is gone
