"""Great Expectations suites: real GX on real DataFrames (column names exactly as in LAYERS.md).

Good frames pass at ERROR level; targeted corruptions fail with the named rule at ERROR, or are
caught by the dbt test that owns them (and by no GX rule as well); a report whose arithmetic is broken
(values valid, sums inconsistent) still passes ERROR; Data Docs HTML is written. The suites' columns
and types agree with their homes (the parsed layer's pyarrow schemas, the dbt contracts), and the
README's rule table agrees with the suites and the dbt manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import expectations
from expectations import SCHEMAS, SUITES
from expectations.runner import _condition_of, normalise, validate
from expectations.schemas import MANIFEST_PATH, DbtContract, ParquetSchema, dbt_tests
from ingest import calendar, flatten, warehouse_findings
from ingest.parser import findings, labels, narrative

PARSER_VERSION = "0.1.0"


def _sha(i: int) -> str:
    return hashlib.sha256(f"report-{i}".encode()).hexdigest()


def _md5(name: str) -> str:
    """A 32-hex agency key (the warehouse's is ingest.regions.agency_key, of the same form)."""
    return hashlib.md5(name.encode()).hexdigest()


AGENCIES = ["杭州市应急管理局", "杭州市滨江区应急管理局", "浙江省司法厅"]
# where each is (ingest.regions' answer), with a value in every column so a Parquet round trip keeps its type
PLACES = {
    "杭州市应急管理局": {
        "agency_level": "prefecture",
        "region_key": "330100:1980",
        "region_code": "330100",
        "region_name": "杭州市",
        "region_level": "prefecture",
        "region_conflicts": "the URL host (sx.gov.cn) gives 330600 浙江省/绍兴市, not inside 330100 浙江省/杭州市",
        "region_changes": None,
        "prefecture_code": "330100",
        "prefecture_name": "杭州市",
        "county_code": None,
        "county_name": None,
    },
    "杭州市滨江区应急管理局": {
        "agency_level": "county",
        "region_key": "330108:1996",
        "region_code": "330108",
        "region_name": "滨江区",
        "region_level": "county",
        "region_conflicts": None,
        "region_changes": "2021: 江干区 330104 partly went to 钱塘区 330114",
        "prefecture_code": "330100",
        "prefecture_name": "杭州市",
        "county_code": "330108",
        "county_name": "滨江区",
    },
    "浙江省司法厅": {
        "agency_level": "province",
        "region_key": "330000:1980",
        "region_code": "330000",
        "region_name": "浙江省",
        "region_level": "province",
        "region_conflicts": None,
        "region_changes": None,
        "prefecture_code": None,
        "prefecture_name": None,
        "county_code": None,
        "county_name": None,
    },
}
REPORTS = [  # (report_id, year, agency)
    (_sha(i), 2021 + (i % 2), AGENCIES[i % 3]) for i in range(6)
]


def _t3_values(seed: int, broken: bool = False) -> dict[str, dict[str, int]]:
    """A table 3 (2021 layout) whose arithmetic holds, unless `broken`."""
    rng = np.random.default_rng(seed)
    outcome_rows = labels.T3_OUTCOME_ROWS_2021
    t: dict[str, dict[str, int]] = {r: {} for r in labels.T3_ROWS_2021}
    for col in labels.T3_APPLICANT_COLS:
        outs = {r: int(rng.integers(0, 4)) for r in outcome_rows}
        total = sum(outs.values())
        forward = int(rng.integers(0, 3))
        carried = int(rng.integers(0, 3))
        for r, v in outs.items():
            t[r][col] = v
        t["total_processed"][col] = total
        t["carried_forward"][col] = forward
        t["carried_over"][col] = carried
        t["new_received"][col] = total + forward - carried if total + forward >= carried else 0
        if t["new_received"][col] == 0:
            t["carried_over"][col] = total + forward
    for r in t:
        t[r]["total"] = sum(t[r][c] for c in labels.T3_APPLICANT_COLS)
    if broken:  # printed totals that do not add up; every value is still a valid count
        t["total_processed"]["total"] += 7
        t["granted"]["natural_person"] += 3
        t["new_received"]["total"] = 0
    return t


def _cells_of(report_id: str, year: int, seed: int, broken: bool = False) -> list[dict]:
    rows = []
    line = 10

    def add(table, row, col, value):
        nonlocal line
        line += 1
        rows.append(
            {
                "report_id": report_id,
                "report_year": year,
                "table_name": table,
                "row_key": row,
                "column_key": col,
                "value": None if value is None else float(value),
                "raw_text": "" if value == 0 else str(value),
                "was_empty": value == 0,
                "src": "text",
                "src_table": None,
                "src_row": None,
                "src_col": None,
                "src_line": line,
                "parser_version": PARSER_VERSION,
            }
        )

    for item, measures in labels.TABLE2_LAYOUT["2021"].items():
        for m in measures:
            add("table2", item, m, 12.5 if m == "amount_10k_yuan" else seed + 3)
    for row, cols in _t3_values(seed, broken).items():
        for col, v in cols.items():
            add("table3", row, col, v)
    for proc in labels.T4_PROCS:
        vals = {"upheld": 1, "corrected": seed % 2, "other": 0, "pending": 1}
        vals["total"] = sum(vals.values()) + (5 if broken else 0)
        for res, v in vals.items():
            add("table4", proc, res, v)
    return rows


def reports_frame() -> pd.DataFrame:
    rows = []
    for i, (rid, year, agency) in enumerate(REPORTS):
        rows.append(
            {
                "report_id": rid,
                "report_year": year,
                "path": f"{year}/r{i}.html",
                "agency_name": agency,
                "agency_id": _md5(agency),
                "agency_canonical_name": agency,
                "agency_type": "department",
                "region_method": "name",
                "region_reason": "from the name",
                "region_valid_in_year": True,
                "province_code": "330000",
                "province_name": "浙江省",
                **PLACES[agency],
                "url": f"https://example.gov.cn/{i}.html",
                "format_version": "2021",
                "published_date": dt.date(year + 1, 1, 20 + i),
                "encoding": "utf-8",
                "traditional": i == 1,
                "layout": "html_table" if i % 2 else "pipe",
                "has_table2": True,
                "has_table3": True,
                "has_table4": True,
                "n_errors": 0,
                "n_warnings": i % 2,
                "n_infos": 2,
                "parser_version": PARSER_VERSION,
            }
        )
    return pd.DataFrame(rows)


def cells_frame(broken: bool = False) -> pd.DataFrame:
    rows = []
    for i, (rid, year, _) in enumerate(REPORTS):
        rows += _cells_of(rid, year, i, broken and i == 0)
    df = pd.DataFrame(rows)
    # a table-2 signed change in a 2019-style report: negative is valid there
    extra = dict(
        rows[0],
        table_name="table2",
        row_key="licensing",
        column_key="change",
        value=-2.0,
        raw_text="-2",
        was_empty=False,
        src_line=999,
    )
    return pd.concat([df, pd.DataFrame([extra])], ignore_index=True)


def findings_frame() -> pd.DataFrame:
    rows = []
    for i, (rid, year, _) in enumerate(REPORTS):
        for n, (code, sev) in enumerate([("T3_COLUMN_BALANCE", "warning"), ("CELL_EMPTY", "info")], start=1):
            rows.append(
                {
                    "report_id": rid,
                    "report_year": year,
                    "finding_no": n,
                    "code": code,
                    "severity": sev,
                    "message": f"{code} in report {i}",
                    "table_name": "table3",
                    "cells": json.dumps(["new_received.total"]),
                    "parser_version": PARSER_VERSION,
                }
            )
    return pd.DataFrame(rows)


def narrative_frame() -> pd.DataFrame:
    rows = []
    for rid, year, _ in REPORTS:
        for k, v in [("requests_received", 9.0), ("requests_answered", 9.0), ("litigation_total", 0.0)]:
            rows.append({"report_id": rid, "report_year": year, "key": k, "value": v})
    return pd.DataFrame(rows)


def _fact_rows(
    table: str, rename: dict[str, str], measure: str, cells: pd.DataFrame, reports: pd.DataFrame
) -> pd.DataFrame:
    c = cells[cells.table_name == table].rename(columns=rename | {"value": measure})
    c = c.merge(reports[["report_id", "agency_id", "path"]], on="report_id")
    c["is_primary"], c["arithmetic_ok"] = True, True  # dim_report's flags of the row's report
    return c.drop(columns=["table_name"]).reset_index(drop=True)


def fct_requests_frame(cells=None) -> pd.DataFrame:
    cells = cells_frame() if cells is None else cells
    c = cells[cells.row_key.isin(labels.T3_STAGE_ROWS)]
    df = _fact_rows("table3", {"row_key": "stage", "column_key": "applicant_type"}, "requests", c, reports_frame())
    df["requests"] = df["requests"].astype("int64")
    return df


def fct_request_outcomes_frame(cells=None) -> pd.DataFrame:
    cells = cells_frame() if cells is None else cells
    c = cells[~cells.row_key.isin(labels.T3_STAGE_ROWS)]
    df = _fact_rows("table3", {"row_key": "outcome", "column_key": "applicant_type"}, "requests", c, reports_frame())
    df["outcome_group"] = df["outcome"].map(lambda k: labels.TABLE3_ROWS[k][1])
    df["requests"] = df["requests"].astype("int64")
    return df


def fct_litigation_frame(cells=None) -> pd.DataFrame:
    cells = cells_frame() if cells is None else cells
    df = _fact_rows("table4", {"row_key": "proceeding", "column_key": "result"}, "cases", cells, reports_frame())
    df["cases"] = df["cases"].astype("int64")
    return df


def fct_proactive_disclosure_frame(cells=None) -> pd.DataFrame:
    cells = cells_frame() if cells is None else cells
    return _fact_rows("table2", {"row_key": "item", "column_key": "measure"}, "value", cells, reports_frame())


def fct_report_findings_frame() -> pd.DataFrame:
    f = findings_frame().merge(reports_frame()[["report_id", "agency_id", "path"]], on="report_id")
    f["finding_id"] = f["report_id"] + "-" + f["finding_no"].astype(str)
    return f


MART_FIGURES = (
    "requests_new",
    "requests_carried_over",
    "requests_total_processed",
    "requests_carried_forward",
    "granted",
    "partially_granted",
    "denied",
    "unable",
    "rejected",
    "other_processed",
    "reconsideration_total",
    "reconsideration_corrected",
    "reconsideration_pending",
    "litigation_total",
    "litigation_corrected",
    "litigation_pending",
)


def mart_agency_year_frame() -> pd.DataFrame:
    rows = []
    for rid, year, agency in REPORTS:
        granted, partial, denied, unable, rejected, other = 5, 1, 2, 1, 0, 1
        total = granted + partial + denied + unable + rejected + other
        rows.append(
            {
                "agency_id": _md5(agency),
                "report_year": year,
                "agency_name": agency,
                "agency_type": "department",
                "format_version": "2021",
                "region_method": "name",
                "province_code": "330000",
                "province_name": "浙江省",
                **{k: v for k, v in PLACES[agency].items() if k not in ("region_conflicts", "region_changes")},
                "report_id": rid,
                "n_reports": 1,
                "requests_new": total,
                "requests_carried_over": 0,
                "requests_total_processed": total,
                "requests_carried_forward": 0,
                "granted": granted,
                "partially_granted": partial,
                "denied": denied,
                "unable": unable,
                "rejected": rejected,
                "other_processed": other,
                "disclosure_rate": (granted + partial) / total,
                "denial_rate": denied / total,
                "reconsideration_total": 2,
                "reconsideration_corrected": 1,
                "reconsideration_pending": 0,
                "reconsideration_correction_rate": 0.5,
                "reconsideration_decided_correction_rate": 0.5,
                "litigation_total": 0,
                "litigation_corrected": 0,
                "litigation_pending": 0,
                "litigation_correction_rate": None,
                "litigation_decided_correction_rate": None,
                # every figure printed in the report's table (a report without one would say 'prose')
                **{f"{figure}_source": "table" for figure in MART_FIGURES},
                "arithmetic_ok": True,
                "n_findings_error": 0,
                "n_findings_warning": 1,
                "n_findings_info": 1,
            }
        )
    return pd.DataFrame(rows)


GOOD = {
    "parsed_reports": reports_frame,
    "parsed_cells": cells_frame,
    "parsed_findings": findings_frame,
    "parsed_narrative": narrative_frame,
    "fct_requests": fct_requests_frame,
    "fct_request_outcomes": fct_request_outcomes_frame,
    "fct_litigation": fct_litigation_frame,
    "fct_proactive_disclosure": fct_proactive_disclosure_frame,
    "fct_report_findings": fct_report_findings_frame,
    "mart_agency_year": mart_agency_year_frame,
}


def _error_rules(outcome) -> set[str]:
    return {f["rule"] for f in outcome.failures if f["severity"] == "ERROR"}


# --- suites ---------------------------------------------------------------------------------------
def test_every_suite_is_registered_and_tagged():
    assert set(GOOD) == set(SUITES) == set(SCHEMAS)
    for table, build in SUITES.items():
        suite = build()
        assert suite.name == table
        rules = [e.meta["rule"] for e in suite.expectations]
        # a rule spans several expectations only as one row condition per table/group
        repeated = {r for r in rules if rules.count(r) > 1}
        assert all(
            getattr(e, "row_condition", None) is not None for e in suite.expectations if e.meta["rule"] in repeated
        ), table
        assert all(e.meta["severity"] in ("ERROR", "WARN") for e in suite.expectations)
        types = {type(e).__name__ for e in suite.expectations}
        assert "UnexpectedRowsExpectation" not in types
        # the grain: GX's on a parsed partition, dbt's on a model (unique or unique_combination)
        if isinstance(SCHEMAS[table], ParquetSchema):
            assert "key_unique" in rules, table
        else:
            assert "key_unique" not in rules, table
            assert {"unique", "unique_combination"} & {t["test"] for t in dbt_tests(table)}, table


# --- columns, types and known values from their homes ----------------------------------------------
PARSED_SUITES = [t for t, home in SCHEMAS.items() if isinstance(home, ParquetSchema)]
WAREHOUSE_SUITES = [t for t, home in SCHEMAS.items() if isinstance(home, DbtContract)]


def _schema_rules(table: str) -> tuple[set[str], set[str]]:
    """The columns the suite's `columns_present` rule lists, and the columns it has a type rule on."""
    suite = SUITES[table]()
    present = next(e for e in suite.expectations if e.meta["rule"] == "columns_present")
    typed = {e.column for e in suite.expectations if e.expectation_type == "expect_column_values_to_be_in_type_list"}
    return set(present.column_set), typed


def _contract(model: str) -> dict[str, str]:
    """column -> data_type of the model's enforced contract, read straight from the manifest."""
    nodes = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["nodes"].values()
    node = next(n for n in nodes if n["resource_type"] == "model" and n["name"] == model)
    assert node["config"]["contract"]["enforced"], model
    return {c: col["data_type"] for c, col in node["columns"].items()}


@pytest.mark.parametrize("table", PARSED_SUITES)
def test_parsed_suite_covers_its_parquet_schema_and_nothing_else(table, tmp_path):
    arrow = flatten.SCHEMAS[SCHEMAS[table].table]
    present, typed = _schema_rules(table)
    assert present == set(arrow.names), set(arrow.names) ^ present
    assert typed == set(arrow.names), set(arrow.names) ^ typed
    # the kinds fit the Arrow types: a frame written with the schema passes every type rule
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(GOOD[table](), schema=arrow, preserve_index=False), path)
    for df in (pd.read_parquet(path), duckdb.sql(f"select * from read_parquet('{path}')").df()):
        out = validate(table, df)
        assert out.success_all, str(out)


@pytest.mark.parametrize("table", WAREHOUSE_SUITES)
def test_warehouse_suite_columns_are_the_dbt_contract(table):
    contract = _contract(table)
    present, typed = _schema_rules(table)
    assert present == set(contract), set(contract) ^ present
    assert typed == set(contract), set(contract) ^ typed
    # the kinds fit the contract's types as DuckDB returns them: a table of those types passes
    con = duckdb.connect()
    con.execute("create table t (" + ", ".join(f'"{c}" {t}' for c, t in contract.items()) + ")")
    con.register("good", GOOD[table]())
    con.execute("insert into t select " + ", ".join(f'"{c}"' for c in contract) + " from good")
    out = validate(table, con.execute("select * from t").df())
    assert out.success_all, str(out)


@pytest.mark.parametrize("table", list(SUITES))
def test_rules_name_only_columns_of_the_schema(table):
    columns = set(SCHEMAS[table].kinds())
    for e in SUITES[table]().expectations:
        kw = e.configuration.kwargs
        named = {kw.get("column"), *(kw.get("column_list") or [])} - {None}
        condition = _condition_of(kw)
        if condition:
            named.add(condition.split()[0])
        assert named <= columns, (table, e.meta["rule"], named - columns)


def test_known_sets_and_years_come_from_their_homes():
    def rule(table: str, name: str):
        return next(e for e in SUITES[table]().expectations if e.meta["rule"] == name)

    assert rule("parsed_findings", "code_known").value_set == list(findings.CODES)
    # the warehouse's findings: the parser's codes and those dbt derives (int_findings_derived)
    derived = [c for c in warehouse_findings.CODES if c not in findings.CODES]
    assert rule("fct_report_findings", "code_known").value_set == list(findings.CODES) + derived
    assert set(rule("parsed_findings", "severity_known").value_set) == {s for s, _ in findings.CODES.values()}
    assert rule("parsed_narrative", "key_known").value_set == list(narrative.KEYS)
    for table in SUITES:
        e = rule(table, "report_year_valid")
        assert (e.min_value, e.max_value) == (calendar.FIRST_YEAR, calendar.last_complete_year()), table


# --- one owner per rule ---------------------------------------------------------------------------
# GX expectation types that check what a dbt test of that name checks on the same column(s).
SAME_AS_DBT = {
    "not_null": {"expect_column_values_to_not_be_null"},
    "unique": {"expect_column_values_to_be_unique"},
    "unique_combination": {"expect_compound_columns_to_be_unique"},
    "accepted_values": {"expect_column_values_to_be_in_set"},
    "relationships": {"expect_column_values_to_be_in_set"},
}


def _dbt_columns(test: dict) -> str | None:
    return test["column"] or ",".join(test["kwargs"].get("combination_of_columns") or []) or None


@pytest.mark.parametrize("table", WAREHOUSE_SUITES)
def test_no_gx_rule_repeats_a_dbt_test_on_the_same_model(table):
    """Keys, accepted values and relationships on a dbt model are dbt's: when dbt gains a test GX
    still carries ("GX until dbt" in the README), this fails until the GX rule goes."""
    dbt = [(t["test"], _dbt_columns(t)) for t in dbt_tests(table)]
    for e in SUITES[table]().expectations:
        kw = e.configuration.kwargs
        if kw.get("row_condition") is not None:
            continue  # a rule on a pair of columns: no dbt test says the same
        cols = kw.get("column") or ",".join(kw.get("column_list") or [])
        same = [(test, c) for test, c in dbt if e.expectation_type in SAME_AS_DBT.get(test, ()) and c == cols]
        assert same == [], f"{table}: GX rule {e.meta['rule']} repeats dbt's {same}"


def _readme_table() -> list[tuple[list[str], str, str]]:
    """(rule names, owner, severity) per row of the README's rule table."""
    text = (Path(expectations.__file__).parent / "README.md").read_text(encoding="utf-8")
    lines = text.split("| rule | owner | severity | what it protects |", 1)[1].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rule, owner, severity, _protects = (c.strip() for c in line.strip().strip("|").split("|"))
        rows.append((re.findall(r"`([^`]+)`", rule), owner, severity.split()[0]))
    assert rows
    return rows


def test_readme_rule_table_matches_the_suites():
    rows = [(names, severity) for names, owner, severity in _readme_table() if owner.startswith("GX")]
    names = [n for ns, _ in rows for n in ns]
    assert len(names) == len(set(names)), "a rule listed twice in the README"
    exact = {n: sev for ns, sev in rows for n in ns if "<" not in n}
    patterns = {n: (re.compile("^" + re.sub(r"<[a-z]+>", "[a-z0-9_]+", n) + "$"), sev) for ns, sev in rows for n in ns}
    patterns = {n: p for n, p in patterns.items() if n not in exact}
    used = set()
    for table, build in SUITES.items():
        for e in build().expectations:
            name, severity = e.meta["rule"], e.meta["severity"]
            if name in exact:
                documented = {(name, exact[name])}
            else:
                documented = {(n, sev) for n, (rx, sev) in patterns.items() if rx.match(name)}
            assert documented, f"{table}: rule {name} is not in the README table"
            assert {sev for _, sev in documented} == {severity}, (table, name, severity, documented)
            used |= {n for n, _ in documented}
    assert used == set(names), f"README rows no suite has: {set(names) - used}"
    until_dbt = {n for ns, owner, _ in _readme_table() if owner == "GX until dbt" for n in ns}
    for table in PARSED_SUITES:  # "until dbt" is said of rules on dbt models only
        assert not until_dbt & {e.meta["rule"] for e in SUITES[table]().expectations}, table


def test_readme_dbt_rows_match_the_manifest():
    documented = {n: sev for ns, owner, sev in _readme_table() if owner == "dbt" for n in ns}
    actual: dict[str, set[str]] = {}
    for table in WAREHOUSE_SUITES:
        for t in dbt_tests(table):
            actual.setdefault(t["test"], set()).add(t["severity"])
    assert set(documented) == set(actual)
    for name, severity in documented.items():
        assert actual[name] == {severity}, name


def test_without_the_dbt_manifest_the_parsed_suites_still_run(tmp_path, monkeypatch):
    from expectations import runner, schemas

    monkeypatch.setattr(schemas, "MANIFEST_PATH", tmp_path / "manifest.json")
    runner.reset()
    try:
        assert validate("parsed_cells", cells_frame()).success_all
        with pytest.raises(schemas.ManifestMissing, match="make manifest"):
            validate("fct_requests", fct_requests_frame())
    finally:
        runner.reset()


@pytest.mark.parametrize("table", list(GOOD))
def test_good_frame_passes(table):
    df = GOOD[table]()
    out = validate(table, df)
    assert out.success_error, str(out)
    assert out.success_all, str(out)
    assert out.statistics["rows"] == len(df) > 0
    md = out.to_metadata()
    json.dumps(md)
    assert md["success_error"] is True and md["n_error_failures"] == 0


def test_good_frames_pass_after_a_parquet_round_trip(tmp_path):
    """Readers give other dtypes (pandas: nullable INTEGER -> float64, DATE -> object; duckdb:
    Int32, datetime64): the suites judge the values, not the reader."""
    for table in ("parsed_reports", "parsed_cells", "mart_agency_year"):
        path = tmp_path / f"{table}.parquet"
        GOOD[table]().to_parquet(path)
        for df in (pd.read_parquet(path), duckdb.sql(f"select * from read_parquet('{path}')").df()):
            out = validate(table, df)
            assert out.success_error, (table, str(out))


CORRUPTIONS = [
    # (table, rule, corrupt(df))
    ("parsed_reports", "report_id_not_null", lambda d: d.assign(report_id=[None] + list(d.report_id[1:]))),
    ("parsed_reports", "key_unique", lambda d: d.assign(report_id=[d.report_id[1]] + list(d.report_id[1:]))),
    ("parsed_reports", "report_year_valid", lambda d: d.assign(report_year=[1999] + list(d.report_year[1:]))),
    ("parsed_reports", "n_errors_non_negative", lambda d: d.assign(n_errors=[-1] + list(d.n_errors[1:]))),
    ("parsed_reports", "format_version_known", lambda d: d.assign(format_version="2020")),
    ("parsed_reports", "report_year_type", lambda d: d.assign(report_year=d.report_year.astype(str))),
    ("parsed_reports", "columns_present", lambda d: d.drop(columns=["has_table3"])),
    ("parsed_cells", "key_unique", lambda d: pd.concat([d, d.iloc[[5]]], ignore_index=True)),
    ("parsed_cells", "row_key_known", lambda d: d.assign(row_key=d.row_key.replace({"granted": "grantd"}))),
    ("parsed_cells", "row_key_known", lambda d: d.assign(row_key=d.row_key.where(d.table_name != "table4", "granted"))),
    ("parsed_cells", "column_key_known", lambda d: d.assign(column_key=d.column_key.replace({"total": "sum"}))),
    ("parsed_cells", "value_non_negative", lambda d: d.assign(value=d.value.where(d.index != 40, -3.0))),
    ("parsed_cells", "report_year_valid", lambda d: d.assign(report_year=1999)),
    ("parsed_cells", "value_type", lambda d: d.assign(value=d.value.astype(str))),
    ("parsed_findings", "severity_known", lambda d: d.assign(severity="fatal")),
    ("parsed_findings", "key_unique", lambda d: d.assign(finding_no=1)),
    ("parsed_findings", "finding_no_positive", lambda d: d.assign(finding_no=d.finding_no - 1)),
    ("parsed_findings", "code_known", lambda d: d.assign(code="MADE_UP")),
    ("parsed_narrative", "value_non_negative", lambda d: d.assign(value=-1.0)),
    ("parsed_narrative", "key_unique", lambda d: d.assign(key="requests_received")),
    ("fct_requests", "requests_non_negative", lambda d: d.assign(requests=d.requests - 100)),
    ("fct_request_outcomes", "outcome_group_matches_outcome", lambda d: d.assign(outcome_group="denied")),
    ("fct_litigation", "cases_type", lambda d: d.assign(cases=d.cases + 0.5)),
    ("fct_proactive_disclosure", "value_non_negative", lambda d: d.assign(value=-1.0)),
    ("mart_agency_year", "granted_non_negative", lambda d: d.assign(granted=-5)),
    ("mart_agency_year", "report_year_valid", lambda d: d.assign(report_year=dt.date.today().year + 1)),
    ("fct_request_outcomes", "outcome_group_known", lambda d: d.assign(outcome_group="maybe")),
    ("fct_report_findings", "code_known", lambda d: d.assign(code="MADE_UP")),
    ("fct_report_findings", "finding_id_format", lambda d: d.assign(finding_id="r1-1")),
    ("fct_requests", "columns_present", lambda d: d.drop(columns=["stage"])),
]

# Corruptions of the facts and marts that a dbt test owns (keys, accepted values, relationships):
# (table, dbt test, column(s), corrupt(df)). dbt's ERROR tests are blocking Dagster checks.
DBT_OWNED = [
    ("fct_requests", "relationships", "stage", lambda d: d.assign(stage="granted")),
    ("fct_requests", "not_null", "report_id", lambda d: d.assign(report_id=None)),
    (
        "fct_request_outcomes",
        "relationships",
        "outcome",
        lambda d: d.assign(outcome=d.outcome.replace({"granted": "new_received"})),
    ),
    ("fct_litigation", "relationships", "result", lambda d: d.assign(result=d.result.replace({"pending": "open"}))),
    ("fct_proactive_disclosure", "relationships", "item", lambda d: d.assign(item="bylaws")),
    ("fct_report_findings", "unique", "finding_id", lambda d: d.assign(finding_id=d.finding_id[0])),
    ("fct_report_findings", "not_null", "finding_id", lambda d: d.assign(finding_id=[None] + list(d.finding_id[1:]))),
    ("mart_agency_year", "unique_combination", "agency_id,report_year", lambda d: d.assign(report_year=2021)),
    ("mart_agency_year", "not_null", "agency_id", lambda d: d.assign(agency_id=[None] + list(d.agency_id[1:]))),
]


@pytest.mark.parametrize(
    "table,rule,corrupt", CORRUPTIONS, ids=[f"{t}-{r}-{i}" for i, (t, r, _) in enumerate(CORRUPTIONS)]
)
def test_corruption_fails_the_named_rule_at_error(table, rule, corrupt):
    out = validate(table, corrupt(GOOD[table]()))
    assert not out.success_error
    assert not out.success_all
    assert rule in _error_rules(out), str(out)
    failure = next(f for f in out.failures if f["rule"] == rule)
    assert failure["severity"] == "ERROR"
    assert failure["expectation"].startswith("expect_")
    json.dumps(out.to_metadata())


@pytest.mark.parametrize("table,test,columns,corrupt", DBT_OWNED, ids=[f"{t}-{k}-{c}" for t, k, c, _ in DBT_OWNED])
def test_dbt_owns_key_and_value_set_corruptions(table, test, columns, corrupt):
    """The corruption has one owner: a blocking (ERROR) dbt test on the model's column(s); GX does
    not report it a second time (a rule on a pair of columns, with a row condition, may still fire)."""
    owned = [t for t in dbt_tests(table) if t["test"] == test and _dbt_columns(t) == columns]
    assert owned and all(t["severity"] == "ERROR" for t in owned), (table, test, columns)
    good, bad = GOOD[table](), corrupt(GOOD[table]())
    assert not bad.equals(good)
    out = validate(table, bad)
    doubled = [
        f
        for f in out.failures
        if f["column"] == columns and f["expectation"] in SAME_AS_DBT[test] and not f.get("condition")
    ]
    assert doubled == [], str(out)


def test_rate_above_one_warns_but_does_not_block():
    """A rate above 1 comes from a report's own broken totals: shown, never a reason to stop."""
    bad = GOOD["mart_agency_year"]().assign(disclosure_rate=lambda d: [1.5] + list(d.disclosure_rate[1:]))
    out = validate("mart_agency_year", bad)
    assert out.success_error and not out.success_all
    f = next(f for f in out.failures if f["rule"] == "disclosure_rate_in_unit_interval")
    assert f["severity"] == "WARN" and f["unexpected_count"] == 1


def test_failure_names_column_and_sample():
    df = cells_frame()
    df.loc[3, "row_key"] = "not_a_key"
    out = validate("parsed_cells", df)
    f = next(f for f in out.failures if f["rule"] == "row_key_known")
    assert f["column"] == "row_key" and f["unexpected_count"] == 1
    assert f["sample"] == ["not_a_key"]
    assert f["condition"] == "table_name == 'table2'"


def test_broken_arithmetic_is_not_an_error():
    """A report whose totals do not add up is a finding in the data, not a GX failure."""
    cells = cells_frame(broken=True)
    t3 = cells[(cells.report_id == REPORTS[0][0]) & (cells.table_name == "table3")]
    grid = t3.pivot(index="row_key", columns="column_key", values="value")
    assert (grid[labels.T3_APPLICANT_COLS].sum(axis=1) != grid["total"]).any()  # really broken
    for table, frame in [
        ("parsed_cells", cells),
        ("fct_requests", fct_requests_frame(cells)),
        ("fct_request_outcomes", fct_request_outcomes_frame(cells)),
        ("fct_litigation", fct_litigation_frame(cells)),
    ]:
        out = validate(table, frame)
        assert out.success_error, (table, str(out))
    mart = mart_agency_year_frame()
    mart.loc[0, "requests_total_processed"] += 40  # no longer the sum of the outcomes
    assert validate("mart_agency_year", mart).success_error


def test_warn_rules_never_block():
    df = reports_frame().assign(n_errors=3, layout="scanned")  # every report has error findings
    out = validate("parsed_reports", df)
    assert out.success_error and not out.success_all
    warn = {f["rule"] for f in out.failures}
    assert {"most_reports_without_errors", "layout_known"} <= warn
    assert all(f["severity"] == "WARN" for f in out.failures)


def test_normalise_keeps_values_and_leaves_misfits_to_the_type_rule():
    df = pd.read_parquet(_write(reports_frame()))
    n = normalise("parsed_reports", df)
    assert df["published_date"].dtype == object  # pandas reads DATE as datetime.date objects
    assert str(n["published_date"].dtype) == "datetime64[us]"
    assert pd.api.types.is_integer_dtype(n["report_year"].dtype)
    assert n["report_id"].tolist() == df["report_id"].tolist()
    fractional = normalise("fct_litigation", fct_litigation_frame().assign(cases=0.5))
    assert fractional["cases"].dtype == "float64"


def _write(df: pd.DataFrame) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "t.parquet"
    df.to_parquet(path)
    return path


def test_parser_output_of_the_seed_reports_passes(tmp_path):
    """The real parser and flatten on the five bundled reports: the parsed layer passes ERROR."""
    from ingest import parse_file
    from ingest.flatten import partition_tables

    seeds = sorted((Path(__file__).parent / "fixtures" / "seeds").iterdir())
    records = [(parse_file(p), p.name) for p in seeds]
    years = sorted({r["report_year"] for r, _ in records if r.get("report_year")})
    assert years
    for year in years:
        tables = partition_tables([x for x in records if x[0].get("report_year") == year], year)
        for name, table in tables.items():
            out = validate(f"parsed_{name}", table.to_pandas())
            assert out.success_error, (year, name, str(out))


# --- Data Docs, CLI, speed ------------------------------------------------------------------------
def test_data_docs_are_written(tmp_path):
    docs = tmp_path / "gx"
    bad = reports_frame().assign(report_year=1999)
    out1 = validate("parsed_reports", reports_frame(), docs_dir=docs, run_name="2021")
    out2 = validate("parsed_reports", bad, docs_dir=docs, run_name="2022")
    assert out1.success_error and not out2.success_error
    assert (docs / "index.html").is_file()
    assert (docs / "expectations" / "parsed_reports.html").is_file()
    pages = sorted((docs / "validations" / "parsed_reports").rglob("*.html"))
    assert len(pages) == 2
    assert out2.data_docs and out2.data_docs.startswith("file://")
    assert Path(out2.data_docs.removeprefix("file://")).is_file()
    html = Path(out2.data_docs.removeprefix("file://")).read_text(encoding="utf-8")
    assert "report_year" in html
    assert "parsed_reports" in (docs / "index.html").read_text(encoding="utf-8")

    # a later process (fresh context) keeps the earlier pages and lists them on the index
    from expectations import runner

    runner.reset()
    out3 = validate("parsed_narrative", narrative_frame(), docs_dir=docs, run_name="2021")
    assert out3.success_error
    assert len(sorted((docs / "validations").rglob("*.html"))) == 3
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "parsed_reports" in index and "parsed_narrative" in index


def test_cli_on_parquet(tmp_path, capsys):
    from expectations.__main__ import main

    path = tmp_path / "cells.parquet"
    cells_frame().to_parquet(path)
    assert main(["parsed_cells", str(path)]) == 0
    assert "PASS" in capsys.readouterr().out
    cells_frame().assign(report_year=1999).to_parquet(path)
    assert main(["parsed_cells", str(path), "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["success_error"] is False
    assert "report_year_valid" in {f["rule"] for f in printed["failures"]}
    assert main(["parsed_cells", f"select * from read_parquet('{path}') where report_year > 2000"]) == 0


def test_validation_of_a_larger_frame_counts_every_row():
    # how fast is the benchmark's business (no wall-time asserts on a shared machine)
    df = pd.concat([cells_frame()] * 3, ignore_index=True)  # ~3,600 rows
    df["report_id"] = [_sha(i // 300 + 100) for i in range(len(df))]
    out = validate("parsed_cells", df)
    assert out.table == "parsed_cells"
    assert out.statistics["evaluated_expectations"] > 0


# --- the Dagster gates ----------------------------------------------------------------------------
def test_every_suite_gates_its_asset_with_a_blocking_one_line_check():
    from dagster_project.assets.ingest import PARSED_KEYS
    from dagster_project.checks import ALL_CHECKS, dbt_asset_key

    specs = {s.name: s for c in ALL_CHECKS for s in c.check_specs}
    assert all(s.description and "\n" not in s.description for s in specs.values())
    for table, home in SCHEMAS.items():
        spec = specs[f"gx_{table}"]
        assert spec.blocking, table
        key = PARSED_KEYS[home.table] if isinstance(home, ParquetSchema) else dbt_asset_key(home.model)
        assert spec.asset_key == key, table


def test_gate_judges_each_year_and_names_the_offending_rows(tmp_path, monkeypatch):
    """One validation of a run's years gives one verdict per year: a rule that found rows fails their
    years (with the rows named), a rule on the whole table fails every year; WARN never blocks."""
    from dagster import AssetCheckSeverity

    from dagster_project.checks import gx_partition_results

    monkeypatch.setenv("OGI_DOCS_PORT", "4321")
    years = [2020, 2021, 2022]

    def results(frame):
        out = validate("mart_agency_year", frame, docs_dir=tmp_path / "docs" / "gx", run_name="2020-2022")
        return gx_partition_results(out, frame, frame["report_year"], years, pd.DataFrame(), tmp_path)

    good = results(mart_agency_year_frame())
    assert list(good) == ["2020", "2021", "2022"] and all(r.passed for r in good.values())
    assert good["2020"].metadata["rows"].value == 0 and good["2021"].metadata["rows"].value == 3

    frame = mart_agency_year_frame()
    bad = frame.index[frame.report_year == 2022][1]
    frame.loc[bad, "granted"] = -1
    error = results(frame)
    assert error["2021"].passed and error["2020"].passed
    assert not error["2022"].passed and error["2022"].severity == AssetCheckSeverity.ERROR
    assert error["2022"].metadata["failed_rules"].value == "granted_non_negative (ERROR, 1 rows)"
    (row,) = error["2022"].metadata["offending_rows"].value.records
    assert row.data["report_id"] == frame.loc[bad, "report_id"]
    assert row.data["agency"] == frame.loc[bad, "agency_name"]
    assert (row.data["report_year"], row.data["column"], row.data["value"]) == ("2022", "granted", "-1")
    docs = error["2022"].metadata["data_docs"].value
    assert docs.startswith("http://127.0.0.1:4321/gx/validations/") and docs.endswith(".html")
    assert Path(error["2022"].metadata["data_docs_file"].value).is_file()

    warn = results(
        mart_agency_year_frame().assign(disclosure_rate=lambda d: d.disclosure_rate.where(d.index != 0, 1.5))
    )
    assert warn["2022"].passed and not warn["2021"].passed
    assert warn["2021"].severity == AssetCheckSeverity.WARN

    whole = results(mart_agency_year_frame().drop(columns=["granted"]))  # no rows to blame: every year
    assert not any(r.passed for r in whole.values())
    assert all(r.severity == AssetCheckSeverity.ERROR for r in whole.values())
    assert "columns_present (ERROR)" in whole["2020"].metadata["failed_rules"].value


# --- bounded memory: a partition in chunks ---------------------------------------------------------
def _chunks(df: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [df.iloc[i : i + size] for i in range(0, len(df), size)] or [df]


@pytest.mark.parametrize("size", [400, 10_000])
def test_a_partition_in_chunks_fails_the_rules_the_whole_frame_fails(size):
    """validate_chunks gives the verdict, rules and counts of one validation of the whole frame, one
    chunk in memory at a time, with the offending rows named across chunks."""
    from expectations.runner import validate_chunks

    frame = cells_frame().sort_values("report_id", kind="stable").reset_index(drop=True)
    frame.loc[[3, len(frame) - 2], "value"] = -4.0
    frame.loc[5, "table_name"] = "table9"
    whole = validate("parsed_cells", frame)
    chunked, offending = validate_chunks("parsed_cells", _chunks(frame, size), whole_by=None)
    assert chunked.success_error == whole.success_error is False
    assert [(f["rule"], f["unexpected_count"]) for f in chunked.failures] == [
        (f["rule"], f["unexpected_count"]) for f in whole.failures
    ]
    assert chunked.statistics["rows"] == len(frame) and chunked.statistics["chunks"] == -(-len(frame) // size)
    assert (offending["value"] == -4.0).sum() == 2 and "table9" in set(offending["value"])
    assert set(offending["report_id"]) == set(frame.loc[[3, 5, len(frame) - 2], "report_id"])

    good = cells_frame()
    ok, none = validate_chunks("parsed_cells", _chunks(good, size))
    assert ok.success_all and none.empty


def test_a_report_in_two_chunks_breaks_the_key():
    """Each chunk holds whole reports; a report_id met again in a later chunk is a duplicate key
    the chunks alone would not see, so it fails key_unique."""
    from expectations.runner import validate_chunks

    frame = reports_frame()
    again = frame.iloc[[0]]
    out, offending = validate_chunks("parsed_reports", [frame, again], whole_by="report_id")
    assert not out.success_error
    (failure,) = [f for f in out.failures if f["rule"] == "key_unique"]
    assert failure["unexpected_count"] == 1 and failure["sample"] == [frame.iloc[0]["report_id"]]
    assert list(offending["report_id"]) == [frame.iloc[0]["report_id"]]
    assert validate_chunks("parsed_reports", [frame.iloc[:2], frame.iloc[2:]], whole_by="report_id")[0].success_all


def test_empty_years_are_judged_once_and_the_last_year_with_rows_gets_the_docs(tmp_path, monkeypatch):
    """A run over many years validates an empty year once per gate (its verdict is the same for
    every such year), passes a year for which no report landed, and links Data Docs for the last
    year that has rows."""
    import expectations.runner as runner
    from dagster_project.checks import gate_years
    from dagster_project.resources import OgiPaths

    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path))
    calls = []
    real = runner.validate

    def counting(table, df, **kwargs):
        calls.append(len(df))
        return real(table, df, **kwargs)

    monkeypatch.setattr(runner, "validate", counting)
    frame = mart_agency_year_frame()
    rows = frame[frame.report_year == 2021]
    empty = frame.iloc[0:0]
    index = [
        {"path": f"r{year}.txt", "sha256": _sha(year), "status": "ok", "report_year": year}
        for year in (2018, 2019, 2020, 2021, 2022)
    ]
    write_index(tmp_path, index)
    years = [2017, 2018, 2019, 2020, 2021, 2022]
    results = gate_years("mart_agency_year", lambda y: [rows if y == 2021 else empty], years, OgiPaths())
    assert list(results) == [str(y) for y in years]
    assert sorted(calls) == [0, len(rows)]  # one validation of an empty frame for four empty years
    assert results["2021"].passed and "data_docs" in results["2021"].metadata
    for year in ("2018", "2019", "2020", "2022"):  # reports landed, yet no row: the has_rows warning
        assert results[year].metadata["rows"].value == 0 and "data_docs" not in results[year].metadata
        assert results[year].metadata["failed_rules"].value == "has_rows (WARN)"
        assert not results[year].passed and results[year].severity.value == "WARN"
    assert results["2017"].passed  # nothing landed for 2017: nothing to check
    assert results["2017"].description == "2017: no report landed for this year, nothing to check"


def test_a_verdict_is_reused_while_rows_and_rules_stay_the_same(tmp_path, monkeypatch):
    """A gate stores a year's pass or warning with the fingerprints of its rows and rules; a later run
    with the same rows and rules reuses it (and says so) instead of validating; new rows, an ERROR
    failure, changed rules or OGI_GATES_REVALIDATE=1 validate again."""
    import expectations.runner as runner
    from dagster_project.checks import gate_years
    from dagster_project.resources import OgiPaths
    from expectations import verdicts

    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(verdicts.REVALIDATE_ENV, raising=False)
    calls: list[int] = []
    real = runner.validate

    def counting(table, df, **kwargs):
        calls.append(int(df["report_year"].iloc[0]) if len(df) else 0)
        return real(table, df, **kwargs)

    monkeypatch.setattr(runner, "validate", counting)
    frame = mart_agency_year_frame()
    data = {year: frame[frame.report_year == year] for year in (2021, 2022)}
    write_index(tmp_path, [{"path": f"r{y}.txt", "sha256": _sha(y), "status": "ok", "report_year": y} for y in data])

    def gate(run_id: str):
        calls.clear()
        return gate_years(
            "mart_agency_year",
            lambda y: [data[y]],
            [2021, 2022],
            OgiPaths(),
            fingerprint_of=lambda y: hashlib.sha256(data[y].to_csv().encode()).hexdigest(),
            run_id=run_id,
        )

    first = gate("run-one")
    assert all(r.passed for r in first.values()) and sorted(set(calls)) == [2021, 2022]
    assert "verdict_reused" not in first["2021"].metadata
    assert json.loads((tmp_path / "gates" / "mart_agency_year.json").read_text()).keys() == {"2021", "2022"}

    second = gate("run-two")
    assert calls == []  # nothing validated
    for year in ("2021", "2022"):
        meta = second[year].metadata
        assert second[year].passed and meta["verdict_reused"].value and meta["verdict_of_run"].value == "run-one"
        assert meta["rows"].value == len(data[int(year)]) and "unchanged since run run-one" in meta["validated"].value
        assert meta["failed_rules"].value == "none" and second[year].description.startswith(
            f"{year}: every rule passed"
        )
        assert meta["evaluated_expectations"].value == first[year].metadata["evaluated_expectations"].value

    bad = data[2022].copy()
    bad.loc[bad.index[0], "granted"] = -1
    data[2022] = bad
    third = gate("run-three")
    assert set(calls) == {2022} and third["2021"].metadata["verdict_reused"].value
    assert not third["2022"].passed and third["2022"].metadata["failed_rules"].value.startswith("granted_non_negative")
    data[2022] = frame[frame.report_year == 2022]
    gate("run-four")
    assert set(calls) == {2022}  # the failure was not stored: the year is validated again

    data[2021] = data[2021].assign(disclosure_rate=lambda d: d.disclosure_rate.where(d.index != d.index[0], 1.5))
    warned = gate("run-five")
    assert set(calls) == {2021} and not warned["2021"].passed and warned["2021"].severity.value == "WARN"
    again = gate("run-six")  # a warning is a verdict too: reused with the rows it named
    assert calls == [] and not again["2021"].passed and again["2021"].severity.value == "WARN"
    assert again["2021"].metadata["verdict_of_run"].value == "run-five"
    for key in ("failed_rules", "offending_rows", "rows"):
        assert again["2021"].metadata[key] == warned["2021"].metadata[key]

    monkeypatch.setattr(verdicts, "rules_fingerprint", lambda suite: "other rules")
    gate("run-seven")
    assert set(calls) == {2021, 2022}
    monkeypatch.setenv(verdicts.REVALIDATE_ENV, "1")
    gate("run-eight")
    assert set(calls) == {2021, 2022}


def test_fingerprints_follow_the_rows_not_their_order(tmp_path):
    """The warehouse fingerprint of a year is its rows' (any order, that year only); the rules'
    changes with the suite."""
    from expectations import verdicts

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select i as v, 2000 + i % 2 as report_year from range(100) r(i)")
        con.execute("create table marts.u as select * from marts.t order by v desc")
    first = verdicts.warehouse_fingerprint(path, "marts", "t", 2000)
    assert first == verdicts.warehouse_fingerprint(path, "marts", "u", 2000)
    assert first.startswith("rows:50:") and first != verdicts.warehouse_fingerprint(path, "marts", "t", 2001)
    with duckdb.connect(str(path)) as con:
        con.execute("update marts.t set v = 1000 where v = 2")
    assert verdicts.warehouse_fingerprint(path, "marts", "t", 2000) != first
    assert verdicts.warehouse_fingerprint(path, "marts", "t", 2001) == verdicts.warehouse_fingerprint(
        path, "marts", "u", 2001
    )
    assert verdicts.parquet_fingerprint(tmp_path / "missing.parquet") is None
    assert verdicts.rules_fingerprint("parsed_reports") == verdicts.rules_fingerprint("parsed_reports")
    assert verdicts.rules_fingerprint("parsed_reports") != verdicts.rules_fingerprint("parsed_cells")


def write_index(data_root: Path, rows: list[dict]) -> None:
    """A raw index with these rows (the other columns empty), as the raw step writes it."""
    from ingest import landing

    full = [{name: row.get(name) for name in landing.INDEX_SCHEMA.names} for row in rows]
    path = data_root / "raw" / "index.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(full, schema=landing.INDEX_SCHEMA), path)
