"""dbt assets in two steps: everything up to marts/core (seeds, staging, intermediate, dims, facts),
then marts/reporting (mart_agency_year, mart_region_year, mart_agency_year_peers, quarantine).

The split is by the layer tag `reporting` that dbt_project.yml sets on models/marts/reporting, not by
model names. It exists for the gates: the GX checks on the facts are blocking, and a blocking check
only stops assets computed in a *later* step that are downstream of the checked asset (the reporting
marts read the facts). Only dbt writes the DuckDB file. Steps of a run execute one
after the other in one process (the in-process executor, see definitions.py) and the instance runs
one run at a time (scripts/dagster.yaml), so nothing else holds the DuckDB lock while dbt runs.
"""

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetSpec,
    BackfillPolicy,
    MetadataValue,
    Output,
    PartitionKeyRange,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ingest import calendar
from ingest.lock import build_lock
from ingest.publish import prepare_build

from ..partitions import dbt_vars, yearly_partitions, years_after
from ..resources import OgiPaths, dbt_project
from .ingest import PARSED_KEYS, RAW_REPORTS

# dbt selection of the second step: the folder models/marts/reporting, by its tag in dbt_project.yml.
REPORTING_SELECT = "tag:reporting"
# dbt's working layers (seeds, staging and intermediate views): in a run's build, never in the
# published file (ingest.publish keeps only marts).
WORKING_LAYERS_SELECT = "tag:reference tag:staging tag:intermediate"

# dbt source (source_name, table) -> the ingest asset that writes it.
SOURCE_KEYS: dict[tuple[str, str], AssetKey] = {
    **{("parsed", table): key for table, key in PARSED_KEYS.items()},
    ("raw", "index"): RAW_REPORTS,
    ("raw", "quarantine"): RAW_REPORTS,
}
# Dagster group of a dbt node: its folder under models/; seeds are reference data in staging.
GROUP_BY_FOLDER: dict[str, str] = {"staging": "staging", "intermediate": "staging", "marts": "marts"}
GROUP_BY_RESOURCE_TYPE: dict[str, str] = {"seed": "staging", "snapshot": "staging"}


class OgiDbtTranslator(DagsterDbtTranslator):
    """Sources are the ingest assets' keys; groups come from the model folders."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            key = SOURCE_KEYS.get((props["source_name"], props["name"]))
            return spec.replace_attributes(key=key) if key else spec
        fqn = props.get("fqn") or []
        folder = fqn[1] if len(fqn) > 2 else None
        group = GROUP_BY_FOLDER.get(folder) or GROUP_BY_RESOURCE_TYPE.get(props["resource_type"])
        return spec.replace_attributes(group_name=group) if group else spec


translator = OgiDbtTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True,  # dbt data tests and unit tests become asset checks
        enable_duplicate_source_asset_keys=True,  # raw.index and raw.quarantine -> raw_reports
    )
)


def _relation(manifest: Mapping[str, Any], unique_id: str) -> str | None:
    node = manifest.get("nodes", {}).get(unique_id)
    if not node or node.get("resource_type") not in ("model", "seed", "snapshot"):
        return None
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def _with_table_metadata(events: list, manifest: Mapping[str, Any], warehouse: str) -> Iterator:
    """Add row counts and a preview to each materialized model (read-only, after dbt has exited)."""
    try:
        con = duckdb.connect(warehouse, read_only=True)
    except duckdb.Error:
        yield from events
        return
    with con:
        for event in events:
            unique_id = event.metadata.get("unique_id") if isinstance(event, Output) else None
            unique_id = getattr(unique_id, "value", unique_id)
            relation = _relation(manifest, unique_id) if unique_id else None
            if relation is None:
                yield event
                continue
            try:
                n = con.execute(f"select count(*) from {relation}").fetchone()[0]
                head = con.execute(f"select * from {relation} limit 5").df()
            except duckdb.Error:
                yield event
                continue
            yield event.with_metadata(
                {
                    **event.metadata,
                    "dagster/row_count": MetadataValue.int(int(n)),
                    "preview": MetadataValue.md(head.to_markdown(index=False) if len(head) else "_no rows_"),
                }
            )


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


def run_dbt_build(
    context: AssetExecutionContext, dbt: DbtCliResource, paths: OgiPaths, builds_working_layers: bool
) -> Iterator:
    """`dbt build` for the selected models with the calendar and the run's years as --vars.

    The build starts as a copy of the published file, which holds only marts: when this step is the
    run's first and does not build the working layers itself (a run of part of the graph, or of the
    reporting marts alone), they are recreated first, so the selected models find their inputs."""
    variables = dbt_cli_vars(context.partition_key_range)
    context.log.info(f"dbt vars: {variables}")
    build = paths.build_path(context.run_id)
    with build_lock(paths.root(), f"dbt, run {context.run_id[:8]}", log=context.log.info):
        fresh = prepare_build(paths.warehouse_path(), build, paths.build_dir(), context.run_id)
        if fresh:
            context.log.info(f"building into {build} (a copy of the published warehouse)")
        with _env("OGI_DBT_TARGET_PATH", str(build)):
            if fresh and not builds_working_layers:
                context.log.info(f"restoring the working layers first: dbt build --select {WORKING_LAYERS_SELECT}")
                dbt.cli(
                    [
                        "build",
                        *("--select", WORKING_LAYERS_SELECT),
                        *("--resource-type", "seed", "--resource-type", "model"),
                        *("--vars", json.dumps(variables)),
                    ],
                    manifest=dbt_project.manifest_path,
                ).wait()
            invocation = dbt.cli(["build", "--vars", json.dumps(variables)], context=context)
            events = list(invocation.stream())  # dbt has exited and released the DuckDB lock after this
        yield from _with_refreshed_partitions(
            _with_table_metadata(events, invocation.manifest, str(build)), invocation.manifest, context
        )


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
