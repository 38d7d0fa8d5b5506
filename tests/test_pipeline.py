"""The whole graph, for real: Dagster runs in process, dbt, Great Expectations and DuckDB.

One session warehouse (tests/conftest.py `pipeline`): the 5 seed reports, 24 generated ones, the
2020 report of seed 001's bureau, a binary file, a report without a year and a duplicate copy of a
seed, materialized for 2020-2022 in
one run (the way a single-run backfill of that range runs). SQL on the DuckDB file then checks the
seed values exactly.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DBT_DIR, SEEDS, Pipeline, data_env, make_instance
from dagster import AssetKey, AssetSelection, Definitions, build_sensor_context, define_asset_job

from dagster_project.jobs import range_tags

pytestmark = pytest.mark.slow

HANGZHOU_EMERGENCY = "杭州市应急管理局"
CHIZHOU_CIVIL_DEFENCE = "池州市人民防空办公室"
RUN_YEARS = {"2020", "2021", "2022"}


def check_evaluations(result) -> dict[str, object]:
    """'asset:check' -> AssetCheckEvaluation of a run."""
    out = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.asset_check_evaluation_data
            out[f"{data.asset_key.to_user_string()}:{data.check_name}"] = data
    return out


def evaluations_by_partition(result, name: str) -> dict[str | None, object]:
    """partition -> AssetCheckEvaluation of the check 'asset:check' in a run."""
    out = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.asset_check_evaluation_data
            if f"{data.asset_key.to_user_string()}:{data.check_name}" == name:
                out[data.partition] = data
    return out


def materialization_metadata(result, key: str) -> dict:
    """The metadata of an asset's (last) materialization in a run."""
    found = [
        e.event_specific_data.materialization.metadata
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.to_user_string() == key
    ]
    assert found, f"{key} was not materialized"
    return found[-1]


def materialized_keys(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}


# --- the build ----------------------------------------------------------------------------------
def test_build_run_succeeds_with_every_gate(pipeline: Pipeline):
    assert pipeline.result.success
    evaluations = check_evaluations(pipeline.result)
    for name in (
        "raw_reports:raw_reconciliation",
        "parsed_reports:parsed_reconciliation",
        "parsed_cells:gx_parsed_cells",
        "parsed_reports:gx_parsed_reports",
        "marts/fct_requests:gx_fct_requests",
        "marts/mart_agency_year:gx_mart_agency_year",
    ):
        assert name in evaluations, name
    errors = [k for k, v in evaluations.items() if not v.passed and v.severity.value == "ERROR"]
    assert errors == []
    keys = materialized_keys(pipeline.result)
    assert {
        "raw_reports",
        "parsed_reports",
        "parsed_cells",
        "marts/fct_requests",
        "marts/mart_agency_year",
        "marts/quarantine",
    } <= keys


def test_a_range_run_records_every_check_once_per_year(pipeline: Pipeline):
    """A single-run backfill records each partitioned check's result on each year it covered, aimed at
    that year's latest materialization, so the UI shows every gate passed per year (not skipped)."""
    from dagster import AssetCheckKey

    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    partitioned = [k for k in graph.asset_check_keys if graph.get_check_spec(k).partitions_def is not None]
    ours = [k for k in partitioned if k.name.startswith("gx_") or k.name == "parsed_reconciliation"]
    assert len(ours) == 12  # ten suites, the cross-year rules, the parsed reconciliation
    for key in ours:
        name = key.to_user_string()
        evaluations = evaluations_by_partition(pipeline.result, name)
        expected = RUN_YEARS | ({"2023"} if key.name == "gx_cross_year" else set())  # and the year after
        assert set(evaluations) == expected, name
        for year, evaluation in evaluations.items():
            assert evaluation.passed or evaluation.severity.value == "WARN", (name, year)
            assert evaluation.metadata["year"].value == year
    infos = pipeline.instance.event_log_storage.get_asset_check_partition_info(
        [AssetCheckKey(AssetKey("parsed_cells"), "gx_parsed_cells")]
    )
    status = {i.partition_key: (i.latest_execution_status.value, i.is_current) for i in infos}
    assert {y: status[y] for y in RUN_YEARS} == {y: ("SUCCEEDED", True) for y in RUN_YEARS}
    docs = evaluations_by_partition(pipeline.result, "parsed_cells:gx_parsed_cells")["2022"].metadata["data_docs"]
    assert docs.value.startswith("http://127.0.0.1:") and "/gx/validations/" in docs.value


def test_one_run_backfilled_the_range_for_every_partitioned_asset(pipeline: Pipeline):
    instance = pipeline.instance
    for key in (AssetKey("parsed_cells"), AssetKey(["marts", "fct_requests"]), AssetKey(["marts", "mart_agency_year"])):
        assert instance.get_materialized_partitions(key) == RUN_YEARS, key
    run = instance.get_run_by_id(pipeline.result.run_id)
    assert run.tags["dagster/asset_partition_range_start"] == "2020"
    assert run.tags["dagster/asset_partition_range_end"] == "2022"


def preview_years(markdown: str) -> set[int]:
    """The report_year column of a Markdown preview table."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    column = header.index("report_year")
    return {int(float(r.strip("|").split("|")[column])) for r in lines[2:]}


def test_row_counts_mean_the_same_on_every_layer(pipeline: Pipeline):
    """dagster/row_count is the rows of the run's report years on every layer (raw index, parsed
    Parquet, dbt views and tables), with the total beside it, and the preview shows rows of those
    years; a table that is not by year (a seed, a static dimension, quarantine) counts every row
    and says so."""
    instance = pipeline.instance
    years = sorted(int(y) for y in RUN_YEARS)

    def metadata(*key: str) -> dict:
        return instance.get_latest_materialization_event(AssetKey(list(key))).asset_materialization.metadata

    raw = metadata("raw_reports")
    assert raw["files_quarantined"].value == 2
    assert raw["files_duplicate"].value == 1
    assert "broken/garbage.bin" in raw["quarantine"].value
    index = pq.read_table(pipeline.root / "raw" / "index.parquet").to_pandas()
    assert raw["dagster/row_count"].value == int(index["report_year"].isin(years).sum())
    assert raw["rows_total"].value == len(index) == raw["files_landed"].value

    files = sorted((pipeline.root / "parsed" / "cells").rglob("*.parquet"))
    cells = pa.concat_tables(pq.read_table(f) for f in files).to_pandas()
    in_run = int(cells["report_year"].isin(years).sum())
    assert metadata("parsed_cells")["dagster/row_count"].value == in_run
    assert metadata("parsed_cells")["rows_total"].value == len(cells)

    for key, table in (
        (("staging", "stg_parsed__cells"), "staging.stg_parsed__cells"),
        (("marts", "fct_requests"), "marts.fct_requests"),
        (("marts", "mart_agency_year"), "marts.mart_agency_year"),
    ):
        md = metadata(*key)
        if key[0] == "staging":  # the working layers are not published: count the parsed files
            expected, total = in_run, len(cells)
        else:
            (expected,) = pipeline.query(f"select count(*) from {table} where report_year between 2020 and 2022")[0]
            (total,) = pipeline.query(f"select count(*) from {table}")[0]
        assert md["dagster/row_count"].value == expected > 0, key
        assert md["rows_total"].value == total, key
        assert md["rows_counted"].value.startswith("report years 2020-2022"), key
        assert preview_years(md["preview"].value) <= set(years), key

    for key, table in ((("marts", "dim_stage"), "marts.dim_stage"), (("marts", "quarantine"), "marts.quarantine")):
        md = metadata(*key)
        (total,) = pipeline.query(f"select count(*) from {table}")[0]
        assert md["dagster/row_count"].value == total, key
        assert "rows_total" not in md and md["rows_counted"].value.startswith("every row"), key
    seed = metadata("staging", "applicant_types")
    seed_rows = (DBT_DIR / "seeds" / "applicant_types.csv").read_text(encoding="utf-8").strip().splitlines()
    assert seed["dagster/row_count"].value == len(seed_rows) - 1


def test_dbt_tests_ran_in_their_own_steps_after_both_ends(pipeline: Pipeline):
    """Every dbt data test came back as a check result (no observation, nothing from dbt's indirect
    selection) from a test step, and a relationship from a reporting mart to a dimension ran after
    the reporting build."""
    events = pipeline.result.all_events
    assert not [e for e in events if e.event_type_value == "ASSET_OBSERVATION"]
    by_step: dict[str, set[str]] = {}
    for e in events:
        if e.event_type_value == "ASSET_CHECK_EVALUATION":
            data = e.asset_check_evaluation_data
            by_step.setdefault(e.step_key, set()).add(f"{data.asset_key.to_user_string()}:{data.check_name}")
    assert "dbt_core_models" not in by_step and "dbt_reporting_models" not in by_step
    relationship = "marts/mart_agency_year:relationships_mart_agency_year_agency_id__agency_id__ref_dim_agency_"
    assert relationship in by_step["dbt_tests_reporting"]
    assert "marts/fct_requests:relationships_fct_requests_stage__stage__ref_dim_stage_" in by_step["dbt_tests_core"]
    assert len(by_step["dbt_tests_core"]) + len(by_step["dbt_tests_reporting"]) > 200
    order = [e.step_key for e in events if e.event_type_value in ("STEP_START", "STEP_SUCCESS")]
    assert order.index("dbt_tests_reporting") > order.index("dbt_reporting_models")
    assert order.index("dbt_reporting_models") > order.index("dbt_tests_core")


# --- seed values, exactly -------------------------------------------------------------------------
def test_hangzhou_emergency_2021_requests(pipeline: Pipeline):
    rows = dict(
        pipeline.query(
            """select f.applicant_type, f.requests from marts.fct_requests f
           join marts.dim_agency a using (agency_id)
           where a.agency_name = ? and f.report_year = 2021 and f.stage = 'new_received'""",
            [HANGZHOU_EMERGENCY],
        )
    )
    assert rows == {
        "natural_person": 4,
        "commercial_enterprise": 2,
        "research_institution": 0,
        "social_welfare_org": 0,
        "legal_service_org": 0,
        "other_org": 0,
        "total": 6,
    }


def test_hangzhou_emergency_2021_outcomes_and_litigation(pipeline: Pipeline):
    (row,) = pipeline.query(
        """select requests_new, granted, partially_granted, unable, denied, rejected,
                  reconsideration_total, reconsideration_corrected, litigation_total,
                  litigation_corrected
           from marts.mart_agency_year where agency_name = ? and report_year = 2021""",
        [HANGZHOU_EMERGENCY],
    )
    assert row == (6, 2, 1, 3, 0, 0, 0, 0, 0, 0)
    groups = dict(
        pipeline.query(
            """select o.outcome_group, sum(o.requests) from marts.fct_request_outcomes o
           join marts.dim_agency a using (agency_id)
           where a.agency_name = ? and o.report_year = 2021 and o.applicant_type = 'total'
           group by 1""",
            [HANGZHOU_EMERGENCY],
        )
    )
    assert groups["granted"] == 2 and groups["partially_granted"] == 1 and groups["unable"] == 3
    (cases,) = pipeline.query(
        """select count(*), sum(cases) from marts.fct_litigation l
           join marts.dim_agency a using (agency_id)
           where a.agency_name = ? and l.report_year = 2021""",
        [HANGZHOU_EMERGENCY],
    )
    assert cases[0] > 0 and cases[1] == 0


def test_chizhou_2020_is_2019_format_with_other_total(pipeline: Pipeline):
    (report,) = pipeline.query(
        "select report_id, format_version from marts.mart_agency_year where agency_name = ? and report_year = 2020",
        [CHIZHOU_CIVIL_DEFENCE],
    )
    assert report[1] == "2019"
    others = pipeline.query(
        "select distinct outcome from marts.fct_request_outcomes where report_id = ? and outcome like 'other%'",
        [report[0]],
    )
    assert others == [("other_total",)]


# --- summing the facts ----------------------------------------------------------------------------
def test_a_naive_sum_over_primary_reports_is_the_marts_figure(pipeline: Pipeline):
    """The facts' warning, checked: filtered on is_primary and on the applicant columns (not the
    printed total), a plain sum gives mart_agency_year's figure for every agency-year whose report
    adds up; the printed total column alone gives it for every agency-year with a table."""
    rows = pipeline.query(
        """with facts as (
               select agency_id, report_year,
                      sum(requests) filter (where applicant_type <> 'total') as by_applicant,
                      sum(requests) filter (where applicant_type = 'total') as printed_total,
                      bool_and(arithmetic_ok) as arithmetic_ok
               from marts.fct_requests
               where is_primary and stage = 'new_received'
               group by all
           )
           select m.requests_new, m.requests_new_source, f.by_applicant, f.printed_total, f.arithmetic_ok,
                  m.arithmetic_ok
           from marts.mart_agency_year as m
           left join facts as f using (agency_id, report_year)"""
    )
    assert len(rows) >= 25
    table = [r for r in rows if r[1] == "table"]
    assert len(table) >= 20 and all(r[0] == r[3] for r in table)
    assert all(r[0] == r[2] for r in table if r[4])
    assert all(r[4] == r[5] for r in table)  # the fact rows carry the report's flag the mart has
    # the prose figures are the mart's own: no fact row stands behind them
    prose = [r for r in rows if r[1] == "prose"]
    assert prose and all(r[3] is None for r in prose)
    # every fact row of a report that is not its agency-year's primary is flagged, none is NULL
    for fact in ("fct_requests", "fct_request_outcomes", "fct_litigation", "fct_proactive_disclosure"):
        assert pipeline.query(
            f"select count(*) from marts.{fact} where is_primary is null or arithmetic_ok is null"
        ) == [(0,)], fact


# --- quarantine, duplicates, reconciliation ------------------------------------------------------
def test_quarantine_lists_broken_files_with_reasons(pipeline: Pipeline):
    rows = {
        path: (code, reason)
        for path, code, reason in pipeline.query("select path, code, reason from marts.quarantine order by path")
    }
    assert set(rows) == {"broken/garbage.bin", "broken/no_year.txt"}
    assert rows["broken/garbage.bin"][0] == "NOT_TEXT"
    assert rows["broken/no_year.txt"][0] == "YEAR_UNKNOWN"
    for path, (_code, reason) in rows.items():
        assert reason.startswith(path)


def test_reconciliation_landed_equals_parsed_plus_quarantined_plus_duplicates(pipeline: Pipeline):
    landed = sum(1 for p in (pipeline.root / "landing").rglob("*") if p.is_file())
    # the raw index and the parsed layer are Parquet files (the published warehouse holds marts only)
    index, reports = pipeline.root / "raw" / "index.parquet", pipeline.root / "parsed" / "reports" / "*" / "*.parquet"
    status = dict(pipeline.query("select status, count(*) from read_parquet(?) group by 1", [str(index)]))
    (parsed,) = pipeline.query("select count(*) from read_parquet(?)", [str(reports)])
    (quarantined,) = pipeline.query("select count(*) from marts.quarantine")
    assert status["duplicate"] == 1
    assert landed == sum(status.values())
    assert parsed[0] == status["ok"]
    assert quarantined[0] == status["quarantined"] == 2
    assert landed == parsed[0] + quarantined[0] + status["duplicate"]
    # the same bytes under two paths: the first path in sort order is the original
    assert pipeline.query(
        "select path, duplicate_of from read_parquet(?) where status = 'duplicate'", [str(index)]
    ) == [("seeds/001_14e0d869ad77c16d.txt", "copies/again.txt")]
    assert check_evaluations(pipeline.result)["raw_reports:raw_reconciliation"].passed


def test_raw_store_is_content_addressed(pipeline: Pipeline):
    data = (SEEDS / "001_14e0d869ad77c16d.txt").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    stored = pipeline.root / "raw" / "objects" / sha[:2] / sha
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o222 == 0  # written once, read-only


def test_gx_data_docs_written(pipeline: Pipeline):
    assert (pipeline.root / "docs" / "gx" / "index.html").exists()


def test_duckdb_cli_opens_the_warehouse(pipeline: Pipeline):
    """What the README tells an analyst to do, with the CLI `pip install -e .` puts in the venv."""
    cli = Path(sys.executable).parent / "duckdb"
    assert cli.exists(), "duckdb-cli is a dependency: .venv/bin/duckdb"
    out = subprocess.run(
        [str(cli), "-readonly", str(pipeline.warehouse), "-csv", "-c", "select count(*) from marts.mart_agency_year"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip().splitlines()[-1]) > 0


# --- rerun ----------------------------------------------------------------------------------------
def snapshot(p: Pipeline) -> dict[str, list]:
    tables = p.query(
        "select table_schema, table_name from information_schema.tables where table_schema = 'marts' order by 1, 2"
    )
    out = {}
    for schema, name in tables:
        if (schema, name) == ("marts", "build_info"):  # the stamp of each publish: differs by design
            continue
        out[f"{schema}.{name}"] = sorted(p.query(f'select * from "{schema}"."{name}"'), key=repr)
    return out


def parsed_files(p: Pipeline) -> dict[str, str]:
    return {
        f.relative_to(p.root).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted((p.root / "parsed").rglob("*.parquet"))
    }


def test_rerun_gives_an_identical_warehouse(pipeline: Pipeline):
    before, files_before = snapshot(pipeline), parsed_files(pipeline)
    published_bytes = hashlib.sha256(pipeline.warehouse.read_bytes()).hexdigest()
    assert "marts.mart_agency_year" in before and "marts.fct_requests" in before
    mtimes = {f: f.stat().st_mtime_ns for f in (pipeline.root / "parsed").rglob("*.parquet")}
    result = pipeline.run("2020", "2022")
    assert result.success
    assert parsed_files(pipeline) == files_before
    # nothing changed: no object parsed again (every year from its summary) and no parsed file rewritten
    raw = materialization_metadata(result, "raw_reports")
    assert raw["records_parsed"].value == 0 and raw["records_reused_from_summaries"].value > 0
    parsed = materialization_metadata(result, "parsed_cells")
    assert parsed["years_written"].value == "none" and parsed["years_unchanged"].value.startswith("2020, 2021, 2022")
    assert {f: f.stat().st_mtime_ns for f in (pipeline.root / "parsed").rglob("*.parquet")} == mtimes
    # the gates validated nothing again: each year the first run passed has the same rows and rules
    gates = {
        f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}"
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name != "gx_cross_year"
    }
    gates = {g for g in gates if g.split(":")[1].startswith("gx_")}
    assert len(gates) == 10
    reused = 0
    for gate in sorted(gates):
        first, again = evaluations_by_partition(pipeline.result, gate), evaluations_by_partition(result, gate)
        for year, evaluation in first.items():
            if evaluation.passed and evaluation.metadata["rows"].value > 0:
                meta = again[year].metadata
                assert again[year].passed and meta["verdict_reused"].value, (gate, year)
                assert meta["verdict_of_run"].value == pipeline.result.run_id
                reused += 1
    assert reused >= 20
    # dbt built nothing: the published file was built from these inputs, so it is left as it was
    for model in ("marts/fct_requests", "marts/mart_agency_year", "marts/dim_agency"):
        meta = materialization_metadata(result, model)
        assert meta["rebuilt"].value.startswith("no: the published warehouse was built from these very inputs")
        assert meta["dagster/row_count"].value > 0 and "preview" in meta
    findings = {
        e.event_specific_data.materialization.partition
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.to_user_string() == "marts/fct_report_findings"
    }
    assert findings == RUN_YEARS  # not the year after: nothing was refreshed there
    assert materialization_metadata(result, "published_warehouse")["published"].value is False
    assert hashlib.sha256(pipeline.warehouse.read_bytes()).hexdigest() == published_bytes
    dbt_tests = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.step_key.startswith("dbt_tests_")
    ]
    assert len(dbt_tests) > 100 and all(t.passed and "result_reused" in t.metadata for t in dbt_tests)
    after = snapshot(pipeline)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name


# --- a corrupted parsed partition is stopped by its gate ----------------------------------------
def corrupt_negative(table: pa.Table) -> pa.Table:
    values = table.column("value").to_pylist()
    values[0] = -5.0
    return table.set_column(table.schema.get_field_index("value"), "value", pa.array(values, pa.float64()))


def corrupt_unknown_row(table: pa.Table) -> pa.Table:
    keys = table.column("row_key").to_pylist()
    keys[0] = "no_such_row"
    return table.set_column(table.schema.get_field_index("row_key"), "row_key", pa.array(keys))


@pytest.mark.parametrize("corrupt", [corrupt_negative, corrupt_unknown_row])
def test_corrupted_parsed_partition_blocks_downstream(pipeline: Pipeline, tmp_path, corrupt):
    from dagster_project.assets.ingest import PARSED_KEYS
    from dagster_project.definitions import defs

    copy = Pipeline(tmp_path / "data", tmp_path / "dagster_home")
    shutil.copytree(pipeline.root, copy.root)
    copy.instance = make_instance(copy.home)
    cells = copy.root / "parsed" / "cells" / "year=2021" / "part.parquet"
    table = pq.read_table(cells)
    pq.write_table(corrupt(table), cells)
    warehouse_hash = hashlib.sha256(copy.warehouse.read_bytes()).hexdigest()

    # the gates on the parsed layer and everything dbt builds, without re-parsing (which would
    # rewrite the corrupted file)
    gate_job = define_asset_job(
        "gates_and_warehouse",
        selection=AssetSelection.checks_for_assets(*PARSED_KEYS.values())
        | AssetSelection.groups("reference", "staging", "intermediate", "marts"),
    )
    test_defs = Definitions.merge(defs, Definitions(jobs=[gate_job]))
    with copy.env():  # 2020-2022 in one run: the gate fails 2021 only, and names the row
        result = test_defs.resolve_job_def("gates_and_warehouse").execute_in_process(
            instance=copy.instance, tags=range_tags("2020", "2022"), raise_on_error=False
        )
    assert not result.success
    gates = evaluations_by_partition(result, "parsed_cells:gx_parsed_cells")
    assert {y: g.passed for y, g in gates.items()} == {"2020": True, "2021": False, "2022": True}
    gate = gates["2021"]
    assert gate.severity.value == "ERROR"
    (offending,) = gate.metadata["offending_rows"].value.records  # the one corrupted cell
    first = table.slice(0, 1).to_pylist()[0]
    report = pq.read_table(copy.root / "parsed" / "reports" / "year=2021" / "part.parquet").to_pandas()
    report = report.set_index("report_id").loc[first["report_id"]]
    assert offending.data["report_id"] == first["report_id"]
    assert offending.data["report_year"] == "2021"
    assert offending.data["path"] == report["path"] and offending.data["agency"] == report["agency_name"]
    bad = corrupt(table).slice(0, 1).to_pylist()[0]
    assert offending.data["cell"] == f"{bad['table_name']} {bad['row_key']}.{bad['column_key']}"
    assert offending.data["value"] in ("-5.0", "no_such_row")
    assert materialized_keys(result) == set()
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert "dbt_core_models" not in started and "dbt_reporting_models" not in started
    assert hashlib.sha256(copy.warehouse.read_bytes()).hexdigest() == warehouse_hash


# --- sensor ---------------------------------------------------------------------------------------
def test_landing_sensor_requests_the_changed_years(tmp_path):
    from dagster_project.sensors import landing_sensor
    from ingest import changes, landing

    root = tmp_path / "data"
    seeds = root / "landing" / "seeds"
    seeds.mkdir(parents=True)
    for name in ("001_14e0d869ad77c16d.txt", "002_987b09836dacbc77.txt"):  # 2021, 2020
        shutil.copyfile(SEEDS / name, seeds / name)
    with data_env(root):
        landing.ingest_landing(root)

        def tick(cursor):
            result = landing_sensor(build_sensor_context(cursor=cursor))
            return sorted(r.partition_key for r in result.run_requests), result.cursor

        keys, cursor = tick(None)
        assert keys == []  # the raw index is the baseline: nothing changed since it was written

        with open(seeds / "001_14e0d869ad77c16d.txt", "ab") as fh:
            fh.write("\n附：更正说明。\n".encode())
        keys, cursor = tick(cursor)
        assert keys == ["2021"]

        keys, cursor = tick(cursor)
        assert keys == []  # nothing new

        shutil.copyfile(SEEDS / "004_a968aa8c87558394.txt", seeds / "new_2022.txt")
        (seeds / "002_987b09836dacbc77.txt").unlink()
        keys, cursor = tick(cursor)
        assert keys == ["2020", "2022"]

        os.utime(seeds / "new_2022.txt", ns=(1, 1))  # touched, same bytes
        keys, cursor = tick(cursor)
        assert keys == []
        state = changes.load_state(root, cursor)  # the cursor names the state kept under data/sensor/
        assert state["seeds/new_2022.txt"][3] == 2022
