"""The Dagster definitions load and are wired as the issue asks (no run needed)."""

from __future__ import annotations

import datetime as dt

from dagster import (
    AssetKey,
    BackfillPolicy,
    DefaultScheduleStatus,
    Definitions,
    PartitionKeyRange,
    build_schedule_context,
)

from dagster_project.assets.dbt import (
    REPORTING_SELECT,
    SOURCE_KEYS,
    dbt_cli_vars,
    dbt_core_models,
    dbt_reporting_models,
    translator,
)
from dagster_project.definitions import defs
from dagster_project.partitions import dbt_vars, last_complete_year, yearly_partitions
from dagster_project.resources import dbt_project
from dagster_project.schedules import yearly_refresh
from ingest import calendar


def test_definitions_load():
    Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("warehouse_job") is not None


def test_one_yearly_partitions_definition_2008_to_last_complete_year():
    keys = yearly_partitions.get_partition_keys()
    assert keys[0] == "2008"
    assert keys[-1] == str(dt.date.today().year - 1) == str(last_complete_year())


def test_every_asset_shares_the_partitions_and_the_single_run_policy():
    """Dagster's asset backfill puts two assets in one run only when they have the same partitions
    definition and backfill policy: one unpartitioned asset (the raw step, a seed) upstream of the
    rest split a UI backfill into runs queued one behind the other. Every asset shares both, so a
    backfill of a year range over the whole graph is one run."""
    graph = defs.resolve_asset_graph()
    nodes = [graph.get(k) for k in graph.get_all_asset_keys() if graph.get(k).is_materializable]
    assert len(nodes) > 40
    for node in nodes:
        assert node.partitions_def == yearly_partitions, node.key
        assert node.backfill_policy == BackfillPolicy.single_run(), node.key
    assert defs.resolve_job_def("warehouse_job").backfill_policy == BackfillPolicy.single_run()


def test_dbt_vars_is_a_pure_function_of_the_partition_range():
    assert dbt_vars(PartitionKeyRange("2021", "2021")) == {"min_year": 2021, "max_year": 2021}
    assert dbt_vars(PartitionKeyRange("2015", "2021"), 2025) == {
        "min_year": 2015,
        "max_year": 2021,
        "last_complete_year": 2025,
    }


def test_dbt_runs_get_the_calendar_merged_with_the_partition_range():
    """The --vars of every dbt step: ingest.calendar's first and last complete year (decided in
    China's time zone) and the run's years. Pure: the date is an argument."""
    new_year_in_beijing = dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)  # 1 January 2026 04:00 there
    assert dbt_cli_vars(PartitionKeyRange("2015", "2021"), new_year_in_beijing) == {
        "first_year": calendar.FIRST_YEAR,
        "last_complete_year": 2025,
        "min_year": 2015,
        "max_year": 2021,
    }
    assert dbt_cli_vars(PartitionKeyRange("2021", "2021"), dt.date(2025, 6, 1)) == {
        **calendar.dbt_vars(dt.date(2025, 6, 1)),
        "min_year": 2021,
        "max_year": 2021,
    }
    today = dbt_cli_vars(PartitionKeyRange("2020", "2020"))
    assert today["last_complete_year"] == last_complete_year() == calendar.last_complete_year()


def test_groups_by_layer_and_sources_are_the_ingest_assets():
    graph = defs.resolve_asset_graph()
    groups = {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups["raw_reports"] == "raw"
    assert groups["parsed_cells"] == "parsed"
    assert groups["staging/stg_parsed__cells"] == "staging"
    assert groups["staging/applicant_types"] == "reference"  # a seed: its schema is staging, its group its role
    assert groups["intermediate/int_reports_ranked"] == "intermediate"
    assert groups["marts/fct_requests"] == "marts"
    assert groups["marts/dim_stage"] == "marts"
    assert groups["published_warehouse"] == groups["exports"] == groups["charts"] == "published"
    assert set(groups.values()) == {"raw", "parsed", "reference", "staging", "intermediate", "marts", "published"}
    # dbt sources resolve to the ingest assets' keys: no dangling source assets
    parents = graph.get(AssetKey(["staging", "stg_parsed__cells"])).parent_keys
    assert parents == {AssetKey("parsed_cells")}
    assert graph.get(AssetKey(["staging", "stg_raw__index"])).parent_keys == {AssetKey("raw_reports")}
    assert set(SOURCE_KEYS.values()) <= set(graph.get_all_asset_keys())


def test_translator_overrides_only_the_specs():
    own = {name for name in type(translator).__dict__ if not name.startswith("__")}
    assert own == {"get_asset_spec", "get_asset_check_spec"}
    manifest = dbt_project.manifest_path
    assert manifest.exists()


def test_reporting_marts_are_a_separate_step_after_the_facts():
    assert REPORTING_SELECT == "tag:reporting"  # a folder's tag in dbt_project.yml, not a name pattern
    core = {k.to_user_string() for k in dbt_core_models.keys}
    reporting = {k.to_user_string() for k in dbt_reporting_models.keys}
    assert reporting == {
        "marts/mart_agency_year",
        "marts/mart_region_year",
        "marts/mart_agency_year_peers",
        "marts/quarantine",
    }
    assert {
        "marts/fct_requests",
        "marts/dim_stage",
        "staging/stg_parsed__cells",
        "intermediate/int_reports_ranked",
    } <= core
    assert not core & reporting
    # one way: nothing of the first step depends on the second; the reporting mart reads the facts,
    # so the facts' blocking gates stop it
    graph = defs.resolve_asset_graph()
    for key in dbt_core_models.keys:
        assert not graph.get(key).parent_keys & set(dbt_reporting_models.keys), key
    mart_parents = {k.to_user_string() for k in graph.get(AssetKey(["marts", "mart_agency_year"])).parent_keys}
    assert {"marts/fct_requests", "marts/fct_request_outcomes", "marts/fct_litigation"} <= mart_parents
    assert "marts/fct_report_findings" in mart_parents


def test_checks_gx_blocking_and_dbt_tests():
    graph = defs.resolve_asset_graph()
    checks = {c.to_user_string(): c for c in graph.asset_check_keys}
    for name in (
        "parsed_reports:gx_parsed_reports",
        "parsed_cells:gx_parsed_cells",
        "parsed_findings:gx_parsed_findings",
        "parsed_narrative:gx_parsed_narrative",
        "marts/fct_requests:gx_fct_requests",
        "marts/fct_request_outcomes:gx_fct_request_outcomes",
        "marts/fct_litigation:gx_fct_litigation",
        "marts/fct_proactive_disclosure:gx_fct_proactive_disclosure",
        "marts/fct_report_findings:gx_fct_report_findings",
        "marts/mart_agency_year:gx_mart_agency_year",
        "raw_reports:raw_reconciliation",
        "parsed_reports:parsed_reconciliation",
    ):
        assert name in checks, name
        assert graph.get_check_spec(checks[name]).blocking, name
    dbt_tests = [n for n in checks if n.startswith("marts/fct_requests:") and "gx_" not in n]
    assert any(n.split(":")[1].startswith("unique") for n in dbt_tests)
    # the cross-year rules only warn: a report's inconsistency with last year never stops the marts
    cross_year = checks["marts/mart_agency_year:gx_cross_year"]
    assert not graph.get_check_spec(cross_year).blocking


def test_a_run_records_the_findings_it_refreshed_after_its_window():
    """fct_report_findings rebuilds the year after a run's window (its cross-year findings read the
    year before): dbt's meta says so, and the dbt step records those partitions as materialized."""
    import json

    from dagster_project.assets.dbt import refreshed_partitions
    from dagster_project.partitions import years_after

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    findings = "model.ogi_warehouse.fct_report_findings"
    assert refreshed_partitions(manifest, PartitionKeyRange("2021", "2021")) == {findings: ["2022"]}
    assert refreshed_partitions(manifest, PartitionKeyRange("2015", "2020")) == {findings: ["2021"]}
    last = str(last_complete_year())
    assert refreshed_partitions(manifest, PartitionKeyRange(last, last)) == {}  # no partition after the last
    assert years_after(PartitionKeyRange("2019", "2020"), 2) == [2021, 2022]
    assert years_after(PartitionKeyRange("2019", "2020"), 0) == []


def test_job_covers_the_whole_graph_with_checks():
    job = defs.resolve_job_def("warehouse_job")
    assert job.partitions_def == yearly_partitions
    graph = defs.resolve_asset_graph()
    assert set(job.asset_layer.executable_asset_keys) >= {
        k for k in graph.get_all_asset_keys() if graph.get(k).is_executable
    }
    assert len(job.asset_layer.asset_graph.asset_check_keys) == len(graph.asset_check_keys)


def test_schedule_requests_the_last_complete_year_on_1_april():
    assert yearly_refresh.cron_schedule == "0 6 1 4 *"
    assert yearly_refresh.execution_timezone == "Asia/Shanghai"
    assert yearly_refresh.default_status == DefaultScheduleStatus.RUNNING
    tick = dt.datetime(dt.date.today().year, 4, 1, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    request = yearly_refresh(build_schedule_context(scheduled_execution_time=tick))
    assert request.partition_key == str(tick.year - 1)
    assert yearly_partitions.has_partition_key(request.partition_key)


# The one internal name the project uses: the target of a check evaluation on one partition of a
# range run (dagster 1.13 builds it only inside AssetCheckResult, for a single-partition step).
ALLOWED_PRIVATE = "from dagster._core.definitions.asset_checks.asset_check_evaluation import ("


def test_nothing_private_from_dagster():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in [*(root / "dagster_project").rglob("*.py"), *(root / "scripts").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name == "checks.py":
            assert text.count(ALLOWED_PRIVATE) == 1, path
            text = text.replace(ALLOWED_PRIVATE, "")
        assert "dagster._" not in text and "dagster_dbt._" not in text, path


def test_dbt_tests_are_checks_of_their_own_steps_after_the_builds():
    """No dbt data test runs inside a build step (dbt's indirect selection there ran tests of models
    the step did not build, against their last build, and they came back as observations): the
    tests are the checks of two steps, each after its build step, a relationship's step after the
    model it refers to as well."""
    from dagster_project.assets.dbt import BUILD_ARGS, dbt_tests_core, dbt_tests_reporting

    assert BUILD_ARGS == ["build", "--exclude-resource-type", "test"]
    assert not dbt_core_models.check_specs and not dbt_reporting_models.check_specs
    graph = defs.resolve_asset_graph()
    core_checks = {k.to_user_string() for k in dbt_tests_core.check_keys}
    reporting_checks = {k.to_user_string() for k in dbt_tests_reporting.check_keys}
    assert "marts/fct_requests:relationships_fct_requests_stage__stage__ref_dim_stage_" in core_checks
    relationship = "marts/mart_agency_year:relationships_mart_agency_year_agency_id__agency_id__ref_dim_agency_"
    assert relationship in reporting_checks
    assert {k.asset_key for k in dbt_tests_core.check_keys} <= set(dbt_core_models.keys)
    assert {k.asset_key for k in dbt_tests_reporting.check_keys} <= set(dbt_reporting_models.keys)
    dbt_checks = {k for k in graph.asset_check_keys if not k.name.startswith("gx_") and "reconciliation" not in k.name}
    assert {k.to_user_string() for k in dbt_checks} == core_checks | reporting_checks
    assert len(dbt_checks) > 200

    job = defs.resolve_job_def("warehouse_job")
    deps = job.graph.dependency_structure

    def upstream(node: str) -> set[str]:
        return {o.node.name for outs in deps.input_to_upstream_outputs_for_node(node).values() for o in outs}

    assert "dbt_core_models" in upstream("dbt_tests_core")
    assert {"dbt_core_models", "dbt_reporting_models"} <= upstream("dbt_tests_reporting")  # both ends built
    assert "dbt_tests_core" in upstream("dbt_reporting_models")  # the facts' tests stop the reporting marts
    assert {"dbt_tests_core", "dbt_tests_reporting"} <= upstream("published_warehouse")


def test_every_check_says_in_one_line_what_it_asserts():
    """The UI lists a check by its description: every check has one, on one line; a dbt test's is
    its yml `description:` or, where the yml has none, made from the test's own arguments."""
    import json

    from dagster_project.assets.dbt import test_description

    graph = defs.resolve_asset_graph()
    for key in graph.asset_check_keys:
        description = graph.get_check_spec(key).description
        assert description and "\n" not in description and len(description) <= 300, key
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    by_name = {n["name"]: uid for uid, n in nodes.items() if n["resource_type"] == "test"}
    described = [uid for uid in by_name.values() if nodes[uid].get("description")]
    assert described, "no dbt test carries a description in its yml"
    for uid in described:
        assert test_description(manifest, uid) == " ".join(nodes[uid]["description"].split())
    assert test_description(manifest, by_name["not_null_fct_requests_report_id"]) == (
        "report_id of fct_requests is never null."
    )
    assert test_description(manifest, by_name["relationships_fct_requests_stage__stage__ref_dim_stage_"]) == (
        "Every stage of fct_requests is in dim_stage.stage (nulls aside)."
    )
    spec = graph.get_check_spec(
        next(k for k in graph.asset_check_keys if k.name == "relationships_fct_requests_stage__stage__ref_dim_stage_")
    )
    assert spec.description == "Every stage of fct_requests is in dim_stage.stage (nulls aside)."
    assert spec.blocking


def test_publishing_depends_on_what_it_publishes_and_every_gate_stops_it():
    """published_warehouse reads the marts (the file holds nothing else): a dependency on each of
    them, not on the working layers; and the step of every blocking check is upstream of the
    publish step in the job, so a failing gate or dbt test anywhere stops publishing."""
    from dagster_project.assets.publish import PUBLISHED_WAREHOUSE

    graph = defs.resolve_asset_graph()
    marts = {k for k in dbt_core_models.keys | dbt_reporting_models.keys if k.path[0] == "marts"}
    assert graph.get(PUBLISHED_WAREHOUSE).parent_keys == marts and len(marts) > 15

    job = defs.resolve_job_def("warehouse_job")
    deps = job.graph.dependency_structure
    closure, todo = set(), ["published_warehouse"]
    while todo:
        for outs in deps.input_to_upstream_outputs_for_node(todo.pop()).values():
            for out in outs:
                if out.node.name not in closure:
                    closure.add(out.node.name)
                    todo.append(out.node.name)
    node_of_check = {key: d.node_def.name for d in [*defs.assets, *defs.asset_checks] for key in d.check_keys}
    blocking = [k for k in graph.asset_check_keys if graph.get_check_spec(k).blocking]
    assert len(blocking) > 200
    for check in blocking:
        assert node_of_check[check] in closure, check


def test_every_check_of_ours_says_in_one_line_what_it_protects():
    """The GX gates, the reconciliations and the cross-year rules (dbt tests describe themselves)."""
    from dagster_project.checks import ALL_CHECKS
    from dagster_project.cross_year_checks import CROSS_YEAR_CHECKS

    specs = [spec for checks in (*ALL_CHECKS, *CROSS_YEAR_CHECKS) for spec in checks.check_specs]
    assert len(specs) == 13
    for spec in specs:
        assert spec.description and spec.description.startswith("Protects "), spec.name
        assert "\n" not in spec.description and len(spec.description) < 300, spec.name


def test_one_code_location_for_dg_dagster_and_the_workspace_file():
    """`dg dev` / `dg check defs` read [tool.dg], the `dagster` CLI [tool.dagster] or workspace.yaml:
    the same module under the same name."""
    import tomllib
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    tool = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    (entry,) = yaml.safe_load((root / "workspace.yaml").read_text(encoding="utf-8"))["load_from"]
    locations = {
        ("workspace.yaml", entry["python_module"]["module_name"], entry["python_module"]["location_name"]),
        ("tool.dagster", tool["dagster"]["module_name"], tool["dagster"]["code_location_name"]),
        ("tool.dg", tool["dg"]["project"]["code_location_target_module"], tool["dg"]["project"]["code_location_name"]),
    }
    assert {(module, name) for _, module, name in locations} == {("dagster_project.definitions", "ogi_warehouse")}
    assert tool["dg"]["directory_type"] == "project" and tool["dg"]["project"]["root_module"] == "dagster_project"
