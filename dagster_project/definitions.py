"""The code location: every asset, check, job, schedule and sensor of ogi-warehouse."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from .assets.dbt import DBT_TEST_CHECKS, dbt_core_models, dbt_reporting_models
from .assets.exports import charts, exports
from .assets.ingest import parsed_tables, raw_reports
from .assets.publish import published_warehouse
from .checks import ALL_CHECKS
from .cross_year_checks import CROSS_YEAR_CHECKS
from .jobs import warehouse_job
from .resources import RESOURCES
from .schedules import yearly_refresh
from .sensors import landing_sensor

defs = Definitions(
    assets=[raw_reports, parsed_tables, dbt_core_models, dbt_reporting_models, published_warehouse, exports, charts],
    asset_checks=[*ALL_CHECKS, *DBT_TEST_CHECKS, *CROSS_YEAR_CHECKS],
    jobs=[warehouse_job],
    schedules=[yearly_refresh],
    sensors=[landing_sensor],
    resources=RESOURCES,
    # One process per run, steps in order: the DuckDB file has one writer (dbt) and the read-only
    # gates never overlap it. The work is small; parallel steps would only add lock fights.
    executor=in_process_executor,
)
