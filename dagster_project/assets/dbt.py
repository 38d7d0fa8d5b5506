"""dbt assets in two build steps, each followed by a step of its dbt tests.

    dbt_core_models   seeds, staging, intermediate, dims, facts     (dbt build, data tests excluded)
    dbt_tests_core    their dbt data tests, as blocking asset checks (dbt test)
    dbt_reporting_models   marts/reporting                        (dbt build, data tests excluded)
    dbt_tests_reporting    their dbt data tests                   (dbt test)

The split of the builds is by the layer tag `reporting` that dbt_project.yml sets on
models/marts/reporting, not by model names. It exists for the gates: a blocking check only stops
assets computed in a *later* step that are downstream of the checked asset, so the GX gates and the
dbt tests on the facts stop the reporting marts, and every gate stops the publish step.

Why the data tests are steps of their own: inside `dbt build` a test runs as soon as dbt's own
selection picks it. dbt's default (eager) indirect selection also picks a test of an unselected model
that merely references a selected one (`relationships` from mart_agency_year to dim_agency in the
core step), which then ran against last build's mart, before that mart was rebuilt, and came back to
Dagster as an `AssetObservation` with a warning instead of a check result. Here the build steps run
`dbt build --exclude-resource-type test` (models and seeds; unit tests stay, they gate their model
and read no data), and each test step runs `dbt test` on exactly the tests of the checks Dagster
selected, after both ends of every relationship are built (a relationship test is a check on the
model it is declared on, and its step depends on the model it refers to).

Only dbt writes the DuckDB file. Steps of a run execute one after the other in one process (the
in-process executor, see definitions.py) and the instance runs one run at a time
(scripts/dagster.yaml), so nothing else holds the DuckDB lock while dbt runs.
"""

import contextlib
import datetime as dt
import graphlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetSpec,
    BackfillPolicy,
    MetadataValue,
    Output,
    PartitionKeyRange,
    deserialize_value,
    multi_asset_check,
    serialize_value,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ingest import build_inputs, calendar, storage
from ingest.lock import build_lock
from ingest.publish import prepare_build

from ..jobs import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from ..partitions import dbt_vars, yearly_partitions, years_after, years_in_range
from ..resources import OgiPaths, dbt_project
from .ingest import PARSED_KEYS, PREVIEW_ROWS, RAW_REPORTS, row_scope

# dbt selection of the second step: the folder models/marts/reporting, by its tag in dbt_project.yml.
REPORTING_SELECT = "tag:reporting"
# dbt's working layers (seeds, staging and intermediate views): in a run's build, never in the
# published file (ingest.publish keeps only marts).
WORKING_LAYERS_SELECT = "tag:reference tag:staging tag:intermediate"
# The build steps build models and seeds (and run unit tests); data tests are the test steps' work.
BUILD_ARGS = ["build", "--exclude-resource-type", "test"]

# dbt source (source_name, table) -> the ingest asset that writes it.
SOURCE_KEYS: dict[tuple[str, str], AssetKey] = {
    **{("parsed", table): key for table, key in PARSED_KEYS.items()},
    ("raw", "index"): RAW_REPORTS,
    ("raw", "quarantine"): RAW_REPORTS,
}
# Dagster group of a dbt node, one per layer: its folder under models/; seeds are reference data.
GROUP_BY_FOLDER: dict[str, str] = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}
GROUP_BY_RESOURCE_TYPE: dict[str, str] = {"seed": "reference", "snapshot": "reference"}
DESCRIPTION_MAX = 240  # a check's description is one line


class OgiDbtTranslator(DagsterDbtTranslator):
    """Sources are the ingest assets' keys; groups come from the model folders; a dbt test's check
    carries the test's own description (`description:` in its yml), else one made from its yml
    arguments (what it asserts, on which column, against which model)."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            key = SOURCE_KEYS.get((props["source_name"], props["name"]))
            return spec.replace_attributes(key=key) if key else spec
        fqn = props.get("fqn") or []
        folder = fqn[1] if len(fqn) > 2 else None
        group = GROUP_BY_RESOURCE_TYPE.get(props["resource_type"]) or GROUP_BY_FOLDER.get(folder or "")
        return spec.replace_attributes(group_name=group) if group else spec

    def get_asset_check_spec(
        self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=test_description(manifest, unique_id),
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=spec.blocking,
        )


def _ref_name(ref: str) -> str:
    """`ref('dim_report')` -> dim_report."""
    return ref.split("(", 1)[-1].rstrip(")").strip().strip("'\"") if "(" in ref else ref


def _values(values: list) -> str:
    text = ", ".join(str(v) for v in values)
    return text if len(text) <= 120 else text[:119] + "…"


def test_description(manifest: Mapping[str, Any], unique_id: str) -> str:
    """One line saying what a dbt data test asserts: its yml `description:` when it has one, else
    one made from the test's yml arguments. Pure."""
    node = manifest["nodes"][unique_id]
    own = " ".join((node.get("description") or "").split())
    if own:
        return own if len(own) <= DESCRIPTION_MAX else own[: DESCRIPTION_MAX - 1] + "…"
    meta = node.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), "")
    model = attached.split(".")[-1]
    column = kwargs.get("column_name")
    name = meta.get("name")
    if name == "not_null":
        return f"{column} of {model} is never null."
    if name == "unique":
        return f"No two rows of {model} share a {column}."
    if name == "relationships":
        to = _ref_name(str(kwargs.get("to", "")))
        return f"Every {column} of {model} is in {to}.{kwargs.get('field')} (nulls aside)."
    if name == "accepted_values":
        return f"{column} of {model} is one of: {_values(kwargs.get('values') or [])} (nulls aside)."
    if name == "unique_combination":
        return f"No two rows of {model} share ({', '.join(kwargs.get('combination_of_columns') or [])}): its key."
    if name:  # another generic test: its name says what it asserts
        return f"{name.replace('_', ' ')}: {column or ''} of {model}.".replace(":  of", ": of")
    return f"Singular test {node['name']} on {model}: returns no row."


def _translator(checks: bool) -> OgiDbtTranslator:
    return OgiDbtTranslator(
        settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=checks,
            enable_duplicate_source_asset_keys=True,  # raw.index and raw.quarantine -> raw_reports
        )
    )


# The build steps carry no checks (their tests are the test steps'); the test steps' check specs
# and results come from the same translator with checks on.
translator = _translator(checks=False)
tests_translator = _translator(checks=True)


def _relation(manifest: Mapping[str, Any], unique_id: str) -> str | None:
    node = manifest.get("nodes", {}).get(unique_id)
    if not node or node.get("resource_type") not in ("model", "seed", "snapshot"):
        return None
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def table_metadata(con: duckdb.DuckDBPyConnection, relation: str, years: list[int]) -> dict[str, MetadataValue]:
    """Row counts and a preview of one built relation, meaning what they mean on every layer
    (`ingest.row_scope`): the rows of the run's report years and the total, or every row of a
    table that is not by report year (seeds, the static dimensions, quarantine)."""
    columns = {r[0] for r in con.execute(f"select column_name from (describe {relation})").fetchall()}
    total = int(con.execute(f"select count(*) from {relation}").fetchone()[0])
    if "report_year" in columns:
        where = f"where report_year between {int(years[0])} and {int(years[-1])}"
        n = int(con.execute(f"select count(*) from {relation} {where}").fetchone()[0])
        head = con.execute(f"select * from {relation} {where} order by all limit {PREVIEW_ROWS}").df()
        scope = row_scope(n, total, years)
    else:
        head = con.execute(f"select * from {relation} order by all limit {PREVIEW_ROWS}").df()
        scope = row_scope(total, None, None)
    return {**scope, "preview": MetadataValue.md(head.to_markdown(index=False) if len(head) else "_no rows_")}


def _with_table_metadata(events: list, manifest: Mapping[str, Any], warehouse: str, years: list[int]) -> Iterator:
    """Add row counts and a preview to each materialized model (read-only, after dbt has exited)."""
    try:
        con = duckdb.connect(warehouse, read_only=True)
    except duckdb.Error:
        yield from events
        return
    with con:
        storage.configure_duckdb(con)  # the staging views read the lake (httpfs when it is on S3)
        for event in events:
            unique_id = event.metadata.get("unique_id") if isinstance(event, Output) else None
            unique_id = getattr(unique_id, "value", unique_id)
            relation = _relation(manifest, unique_id) if unique_id else None
            if relation is None:
                yield event
                continue
            try:
                extra = table_metadata(con, relation, years)
            except duckdb.Error:
                yield event
                continue
            yield event.with_metadata({**event.metadata, **extra})


def refreshed_partitions(manifest: Mapping[str, Any], key_range: PartitionKeyRange) -> dict[str, list[str]]:
    """dbt unique_id -> the partition keys after the run's range that the model also rebuilt: its
    meta `refreshes_years_after` (dbt_project.yml), the partitions that exist. Pure."""
    out: dict[str, list[str]] = {}
    for unique_id, node in manifest.get("nodes", {}).items():
        meta = (node.get("config") or {}).get("meta") or {}
        years = years_after(key_range, int(meta.get("refreshes_years_after") or 0))
        if node.get("resource_type") == "model" and years:
            out[unique_id] = [str(y) for y in years]
    return out


def _with_refreshed_partitions(
    events: Iterator, manifest: Mapping[str, Any], context: AssetExecutionContext
) -> Iterator:
    """After a model's output, a materialization of each later partition it rebuilt as well."""
    refreshed = refreshed_partitions(manifest, context.partition_key_range)
    window = f"{context.partition_key_range.start}-{context.partition_key_range.end}"
    for event in events:
        yield event
        unique_id = event.metadata.get("unique_id") if isinstance(event, Output) else None
        unique_id = getattr(unique_id, "value", unique_id)
        for key in refreshed.get(unique_id, []) if unique_id else []:
            yield AssetMaterialization(
                asset_key=context.asset_key_for_output(event.output_name),
                partition=key,
                description=f"rebuilt by the run for {window}: its rows of {key} read the year before",
                metadata={"unique_id": unique_id, "run_window": window},
            )


def dbt_cli_vars(key_range: PartitionKeyRange, when: dt.date | dt.datetime | None = None) -> dict[str, int]:
    """The `--vars` of a dbt run: the calendar (first year, last complete year, from ingest.calendar)
    and the partition range's years (min_year, max_year). Pure: `when` pins the date."""
    return {**calendar.dbt_vars(when), **dbt_vars(key_range)}


def _restore_working_layers(dbt: DbtCliResource, variables: Mapping[str, int], log) -> None:
    log(f"restoring the working layers first: dbt build --select {WORKING_LAYERS_SELECT}")
    dbt.cli(
        [
            "build",
            *("--select", WORKING_LAYERS_SELECT),
            *("--resource-type", "seed", "--resource-type", "model"),
            *("--vars", json.dumps(variables)),
        ],
        manifest=dbt_project.manifest_path,
    ).wait()


def run_dbt_build(
    context: AssetExecutionContext, dbt: DbtCliResource, paths: OgiPaths, builds_working_layers: bool
) -> Iterator:
    """`dbt build` (data tests excluded) for the selected models with the calendar and the run's
    years as --vars.

    The build starts as a copy of the published file, which holds only marts: when this step is the
    run's first and does not build the working layers itself (a run of part of the graph, or of the
    reporting marts alone), they are recreated first, so the selected models find their inputs.

    When nothing was built yet in this run and the published file was built from exactly what dbt
    would read now (`ingest.build_inputs`), there is nothing to build: the models are reported
    unchanged, with their rows read from the published file, and the run makes no build (the gates
    read the published file, the publish step has nothing to publish)."""
    variables = dbt_cli_vars(context.partition_key_range)
    context.log.info(f"dbt vars: {variables}")
    build = paths.build_path(context.run.run_id)
    years = years_in_range(context.partition_key_range)
    with build_lock(paths.root(), f"dbt, run {context.run.run_id[:8]}", log=context.log.info):
        if not build.exists():
            same, why = published_up_to_date(paths, context.run.run_id)
            if same:
                context.log.info(f"dbt build skipped: {why}")
                yield from _unchanged_outputs(context, paths, why, years)
                return
            context.log.info(f"dbt build: {why}")
        fresh = prepare_build(paths.warehouse_path(), build, paths.build_dir(), context.run.run_id)
        if fresh:
            context.log.info(f"building into {build} (a copy of the published warehouse)")
        with _env("OGI_DBT_TARGET_PATH", str(build)), _env(storage.LAKE_ENV, lake_location(paths)):
            if fresh and not builds_working_layers:
                _restore_working_layers(dbt, variables, context.log.info)
            invocation = dbt.cli([*BUILD_ARGS, "--vars", json.dumps(variables)], context=context)
            events = list(invocation.stream())  # dbt has exited and released the DuckDB lock after this
        record_build_step(paths, context, years)
        yield from _with_refreshed_partitions(
            _with_table_metadata(events, invocation.manifest, str(build), years), invocation.manifest, context
        )


# --- an unchanged warehouse is not built again ------------------------------------------------
REBUILD_ENV = "OGI_DBT_REBUILD"  # 1: build even when the published file was built from the same inputs
BUILD_STEPS = ("dbt_core_models", "dbt_reporting_models")
_INPUTS_OF_RUN: dict[str, build_inputs.Inputs] = {}  # run id -> what dbt reads, fingerprinted once a run


def inputs_now(paths: OgiPaths, run_id: str) -> build_inputs.Inputs:
    """What a dbt build of this run reads (fingerprinted once per run: the steps of a run share a
    process, and nothing writes the lake between its dbt and publish steps)."""
    if run_id not in _INPUTS_OF_RUN:
        _INPUTS_OF_RUN.clear()
        _INPUTS_OF_RUN[run_id] = build_inputs.current(paths.root(), dbt_project.project_dir, calendar.dbt_vars())
    return _INPUTS_OF_RUN[run_id]


def published_up_to_date(paths: OgiPaths, run_id: str) -> tuple[bool, str]:
    """Whether the published file is what this run's dbt would build, and why (or why not)."""
    if os.environ.get(REBUILD_ENV, "").strip().lower() in ("1", "true", "yes"):
        return False, f"{REBUILD_ENV} is set"
    return build_inputs.up_to_date(build_inputs.read_stamp(paths.warehouse_path()), inputs_now(paths, run_id))


def _build_record(paths: OgiPaths, run_id: str) -> Path:
    return paths.build_path(run_id).parent / "inputs.json"


def record_build_step(paths: OgiPaths, context: AssetExecutionContext, years: list[int]) -> None:
    """Note in the run's build folder that this build step ran, whole or for part of its models,
    and what the build is then made of (`build_inputs.stamp_after`); the publish step stamps the
    file with it only when every build step ran whole."""
    path = _build_record(paths, context.run.run_id)
    record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"steps": {}}
    previous = build_inputs.read_stamp(paths.warehouse_path())
    record["steps"][context.assets_def.node_def.name] = not context.is_subset
    record["stamp"] = build_inputs.stamp_after(previous, inputs_now(paths, context.run.run_id), years)
    path.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


def build_stamp(paths: OgiPaths, run_id: str, steps: tuple[str, ...] = BUILD_STEPS) -> dict[str, Any] | None:
    """The stamp of the run's build when each of these build steps ran whole in this run, else None
    (a build of part of the models is not known to be what its inputs give)."""
    path = _build_record(paths, run_id)
    if not path.exists():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    return record["stamp"] if all(record["steps"].get(step) for step in steps) else None


def _unchanged_outputs(context: AssetExecutionContext, paths: OgiPaths, why: str, years: list[int]) -> Iterator:
    """The selected models as outputs of this step, not rebuilt: their rows as published. (No
    materialization of the year after the run's range: nothing was refreshed there either.)"""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    selected = context.selected_asset_keys
    deps = context.assets_def.asset_deps
    order = graphlib.TopologicalSorter({key: deps.get(key, set()) & selected for key in selected})
    events = []
    for key in order.static_order():  # a multi-asset yields its outputs in the order of the graph
        unique_id = context.assets_def.specs_by_key[key].metadata["dagster_dbt/unique_id"]
        events.append(
            Output(
                None,
                output_name=context.assets_def.get_output_name_for_asset_key(key),
                metadata={"unique_id": unique_id, "rebuilt": MetadataValue.text(f"no: {why}")},
            )
        )
    yield from _with_table_metadata(events, manifest, str(paths.warehouse_path()), years)


def lake_location(paths: OgiPaths) -> str:
    """The lake as dbt's sources read it (OGI_LAKE_URL for the dbt process): the URL, or the
    absolute local folder (dbt runs in dbt/, so a relative path would mean another folder)."""
    return storage.as_string(paths.lake())


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    """Set one environment variable for the dbt process this step starts (restored afterwards)."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    exclude=REPORTING_SELECT,
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    name="dbt_core_models",
)
def dbt_core_models(context: AssetExecutionContext, dbt: DbtCliResource, paths: OgiPaths):
    """Reference seeds, staging views, intermediate models, then marts/core: dims and the facts
    (incremental by report year)."""
    yield from run_dbt_build(context, dbt, paths, builds_working_layers=not context.is_subset)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=REPORTING_SELECT,
    partitions_def=yearly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    name="dbt_reporting_models",
)
def dbt_reporting_models(context: AssetExecutionContext, dbt: DbtCliResource, paths: OgiPaths):
    """marts/reporting: the wide analyst marts (mart_agency_year, mart_region_year,
    mart_agency_year_peers, quarantine), built once the facts passed their gates."""
    yield from run_dbt_build(context, dbt, paths, builds_working_layers=False)


# --- the dbt data tests, one step per build step ----------------------------------------------
def dbt_test_specs(select: str = "fqn:*", exclude: str = "") -> list[AssetCheckSpec]:
    """The asset checks of the dbt data tests declared on the models of one build step's dbt
    selection: the specs dagster-dbt makes for that selection with checks on (a test is a check on
    the model it is declared on; a relationship's other model is an extra dependency of the check)."""

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=tests_translator,
        select=select,
        exclude=exclude,
    )
    def _with_tests(context: AssetExecutionContext):  # never executed: only its check specs are used
        raise NotImplementedError

    return sorted(_with_tests.check_specs, key=lambda s: s.key.to_user_string())


def _unique_id(spec: AssetCheckSpec) -> str:
    value = spec.metadata.get("dagster_dbt/unique_id")
    return str(getattr(value, "value", value))


def run_years_of(context: AssetCheckExecutionContext) -> PartitionKeyRange | None:
    """The run's partition range, from its tags (a check of the whole table is not partitioned)."""
    tags = context.run.tags
    if PARTITION_RANGE_START_TAG in tags and PARTITION_RANGE_END_TAG in tags:
        return PartitionKeyRange(tags[PARTITION_RANGE_START_TAG], tags[PARTITION_RANGE_END_TAG])
    if "dagster/partition" in tags:
        return PartitionKeyRange(tags["dagster/partition"], tags["dagster/partition"])
    return None


def run_dbt_tests(
    context: AssetCheckExecutionContext,
    dbt: DbtCliResource,
    paths: OgiPaths,
    specs: list[AssetCheckSpec],
    needs: tuple[str, ...],
) -> Iterator[AssetCheckResult]:
    """`dbt test` on exactly the selected checks' tests, in the run's build; one result per check.

    A test dbt could not run (an error compiling it, a relation missing) fails its check with the
    status dbt gave; a test with no result at all fails too, so no selected check goes unreported.

    Results on a build whose build steps `needs` ran whole in this run are stored with the build's
    inputs stamp; a run that built nothing, because the published file was built from the same
    inputs, reuses them (when every selected test has one) instead of testing the same rows again."""
    selected = [s for s in specs if s.key in context.selected_asset_check_keys]
    if not selected:
        return
    build = paths.build_path(context.run.run_id)
    if not build.exists() and published_up_to_date(paths, context.run.run_id)[0]:
        stamp = build_inputs.read_stamp(paths.warehouse_path()) or {}
        stored = stored_test_results(paths, build_inputs.stamp_token(stamp))
        missing = [s for s in selected if s.key.to_user_string() not in stored]
        if not missing:
            context.log.info(
                f"dbt test skipped: the published file was built from these inputs and {len(selected)} results stored"
            )
            for spec in selected:
                yield reused_test_result(spec, stored[spec.key.to_user_string()])
            return
        context.log.info(
            f"{len(missing)} of {len(selected)} tests have no stored result on these inputs: running dbt test"
        )
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    names = [manifest["nodes"][_unique_id(s)]["name"] for s in selected]
    key_range = run_years_of(context)
    variables = dbt_cli_vars(key_range) if key_range else calendar.dbt_vars()
    results: dict[AssetCheckKey, AssetCheckResult] = {}
    with build_lock(paths.root(), f"dbt test, run {context.run.run_id[:8]}", log=context.log.info):
        fresh = prepare_build(paths.warehouse_path(), build, paths.build_dir(), context.run.run_id)
        with _env("OGI_DBT_TARGET_PATH", str(build)), _env(storage.LAKE_ENV, lake_location(paths)):
            if fresh:  # a run of checks alone: test the published marts, with the working layers back
                _restore_working_layers(dbt, variables, context.log.info)
            context.log.info(f"dbt test: {len(names)} tests of {len({s.asset_key for s in selected})} models")
            invocation = dbt.cli(
                ["test", "--select", " ".join(names), "--vars", json.dumps(variables)],
                manifest=manifest,
                dagster_dbt_translator=tests_translator,
                raise_on_error=False,
            )
            for event in invocation.stream():
                if isinstance(event, AssetCheckEvaluation):
                    results[AssetCheckKey(event.asset_key, event.check_name)] = AssetCheckResult(
                        asset_key=event.asset_key,
                        check_name=event.check_name,
                        passed=event.passed,
                        severity=event.severity,
                        metadata=event.metadata,
                    )
    stamp = build_stamp(paths, context.run.run_id, needs)
    if stamp is not None:  # the build is what its inputs give: its results hold while they do
        store_test_results(paths, build_inputs.stamp_token(stamp), results.values())
    for spec in selected:
        yield results.get(spec.key) or AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            metadata={"status": MetadataValue.text("dbt returned no result for this test: see the step's log")},
        )


def _test_results_path(paths: OgiPaths) -> Path:
    return paths.root() / "gates" / "dbt_tests.json"


def stored_test_results(paths: OgiPaths, token: str) -> dict[str, dict[str, Any]]:
    """check key -> a stored dbt test result on the warehouse whose inputs stamp has this token."""
    try:
        stored = json.loads(_test_results_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored.get("results", {}) if stored.get("token") == token else {}


def store_test_results(paths: OgiPaths, token: str, results: Iterable[AssetCheckResult]) -> None:
    """Keep dbt's results on a build made whole from known inputs (one warehouse's worth: a new
    token replaces the old ones)."""
    kept = stored_test_results(paths, token)
    for r in results:
        kept[AssetCheckKey(r.asset_key, r.check_name).to_user_string()] = {
            "passed": r.passed,
            "severity": r.severity.value,
            "metadata": serialize_value(dict(r.metadata or {})),
        }
    payload = json.dumps({"token": token, "results": dict(sorted(kept.items()))}, indent=1).encode()
    storage.write_bytes(_test_results_path(paths), payload, prefix=".dbt_tests.json.")


def reused_test_result(spec: AssetCheckSpec, stored: Mapping[str, Any]) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=stored["passed"],
        severity=AssetCheckSeverity(stored["severity"]),
        metadata={
            **deserialize_value(stored["metadata"], as_type=dict),
            "result_reused": MetadataValue.text(
                "the published file was built from the same inputs this result was reached on: dbt test not run again"
            ),
        },
    )


def _dbt_tests_step(name: str, what: str, needs: tuple[str, ...], select: str = "fqn:*", exclude: str = ""):
    specs = dbt_test_specs(select, exclude)

    @multi_asset_check(
        specs=specs,
        name=name,
        can_subset=True,
        description=f"`dbt test`: the dbt data tests of {what}, after they are built.",
    )
    def _tests(context: AssetCheckExecutionContext, dbt: DbtCliResource, paths: OgiPaths):
        yield from run_dbt_tests(context, dbt, paths, specs, needs)

    return _tests


dbt_tests_core = _dbt_tests_step(
    "dbt_tests_core", "the seeds, staging, intermediate and core marts", BUILD_STEPS[:1], exclude=REPORTING_SELECT
)
dbt_tests_reporting = _dbt_tests_step(
    "dbt_tests_reporting", "the reporting marts", BUILD_STEPS, select=REPORTING_SELECT
)
DBT_TEST_CHECKS = [dbt_tests_core, dbt_tests_reporting]
