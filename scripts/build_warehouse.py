"""Build the whole warehouse in process: every year partition, one Dagster run, then a summary.

    python scripts/build_warehouse.py [--first FIRST_YEAR] [--last LAST_COMPLETE_YEAR]

Uses the Dagster instance in $DAGSTER_HOME (the Makefile sets .dagster_home/), OGI_DATA_DIR
(default data/) and the DuckDB file dbt writes (default data/warehouse.duckdb).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SQL = """\
select agency_name, report_year, requests_new, granted, partially_granted, denied, unable,
       round(disclosure_rate, 3) as disclosure_rate
from marts.mart_agency_year
where requests_new is not null
order by requests_new desc, agency_name
limit 5"""


def main(argv: list[str] | None = None) -> int:
    from dagster import DagsterInstance

    from dagster_project.definitions import defs
    from dagster_project.jobs import range_tags
    from dagster_project.partitions import FIRST_YEAR, last_complete_year
    from dagster_project.recovery import fail_orphaned_runs, process_tags
    from dagster_project.resources import OgiPaths
    from ingest.lock import build_lock

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--first", type=int, default=FIRST_YEAR)
    ap.add_argument("--last", type=int, default=last_complete_year())
    args = ap.parse_args(argv)

    os.environ.setdefault("DAGSTER_HOME", str(REPO / ".dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    paths = OgiPaths()
    t0 = time.perf_counter()
    job = defs.resolve_job_def("warehouse_job")
    # one writer at a time on the data folder: a second `make run`, or a Dagster run, waits here
    with build_lock(paths.root(), "make run"), DagsterInstance.get() as instance:
        for run_id in fail_orphaned_runs(instance):
            print(f"run {run_id} was left STARTED by a build that died; marked failed")
        tags = {**range_tags(args.first, args.last), **process_tags()}
        result = job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)
    seconds = time.perf_counter() - t0
    # a gate records one result per year: name each failed check once, with its years
    failed: dict[tuple[str, str], list[str]] = {}
    for e in result.all_events:
        data = e.asset_check_evaluation_data if e.event_type_value == "ASSET_CHECK_EVALUATION" else None
        if data is not None and not data.passed:
            key = (f"{data.asset_key.to_user_string()}:{data.check_name}", data.severity.value)
            failed.setdefault(key, []).append(data.partition or "")
    failed_checks = [
        f"{name} ({severity}{': ' + ', '.join(y for y in years if y) if any(years) else ''})"
        for (name, severity), years in failed.items()
    ]
    print(
        f"\nDagster run {result.run_id}: {'SUCCESS' if result.success else 'FAILURE'} "
        f"in {seconds:.0f} s, partitions {args.first}-{args.last}"
    )
    if failed_checks:
        print("checks not passed: " + ", ".join(failed_checks))
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"step failed: {event.step_key}: {event.event_specific_data.error.message.strip()[:500]}")
        return 1
    from ingest import landing, storage

    print_summary(paths.warehouse_path(), storage.as_string(landing.index_path(paths.root())))
    print_outputs(paths.export_dir(), paths.report_path())
    return 0


def print_summary(warehouse: Path, raw_index: str) -> None:
    import duckdb

    from ingest import storage

    with duckdb.connect(str(warehouse), read_only=True) as con:
        storage.configure_duckdb(con)  # the raw index may be on S3 (OGI_LAKE_URL)
        # the raw index is not in the published file (it holds marts only): read its Parquet file
        landed = con.execute(
            "select status, count(*) from read_parquet(?) group by 1 order by 1", [raw_index]
        ).fetchall()
        years = con.execute("select report_year, count(*) from marts.mart_agency_year group by 1 order by 1").fetchall()
        quarantine = con.execute("select path, code from marts.quarantine order by path").fetchall()
        findings = con.execute(
            "select severity, count(*) from marts.fct_report_findings group by 1 order by 1"
        ).fetchall()
        example = con.execute(EXAMPLE_SQL).df()
    print(f"\nwarehouse: {warehouse}")
    print("landing files by status: " + ", ".join(f"{s} {n}" for s, n in landed))
    print("agency-years by report year: " + ", ".join(f"{y}: {n}" for y, n in years))
    print("findings by severity: " + ", ".join(f"{s} {n}" for s, n in findings))
    print(
        f"quarantined files ({len(quarantine)}): "
        + ", ".join(f"{p} [{c}]" for p, c in quarantine[:10])
        + (" ..." if len(quarantine) > 10 else "")
    )
    print("\nexample query:\n" + EXAMPLE_SQL + ";\n")
    print(example.to_string(index=False))
    print(
        f"\nopen it yourself:  .venv/bin/duckdb -readonly {warehouse.relative_to(REPO) if warehouse.is_relative_to(REPO) else warehouse}"
    )


def print_outputs(export_dir: Path, report: Path) -> None:
    """Where the run put the marts as files and the charts page."""
    import json

    manifest = export_dir / "manifest.json"
    if manifest.exists():
        tables = json.loads(manifest.read_text(encoding="utf-8")).get("tables", {})
        print(f"exports:  {_shown(export_dir)}/ ({len(tables)} tables as Parquet and CSV, manifest.json)")
    if report.exists():
        print(f"charts:   {_shown(report)}")


def _shown(path: Path) -> Path:
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


if __name__ == "__main__":
    raise SystemExit(main())
