"""Landing sensor: watch data/landing/ and request a run for each year whose files changed.

The landing state ({path: [mtime_ns, size, sha256, year]}; a file is read only when its mtime or size
moved) lives in a file under data/sensor/landing/ (`ingest.changes.save_state`); the cursor is its
version, 32 hex digits, so the sensor page shows a short cursor however many files landed. With no
cursor yet, or when the file it names is gone, the state the raw index recorded is the baseline, so
turning the sensor on after `make run` does not rebuild everything. A cursor written before the state
moved to a file (the state itself, as JSON) is read once as it is.

A changed file's year comes from its stored record when this parser version has one; else the tick
parses it in the worker pool and stores object and record, so the run it requests parses nothing
again. A tick parses for 30 s at most (OGI_SENSOR_PARSE_BUDGET); the rest waits for the next tick.
"""

import json

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from ingest import changes, landing

from .jobs import warehouse_job
from .partitions import last_complete_year, yearly_partitions


def landing_run_requests(previous: dict, data_root) -> tuple[list[RunRequest], dict, changes.LandingDiff]:
    """Run requests (one per changed year) and the new state. Pure enough to test without a daemon."""
    diff = changes.diff_landing(data_root, previous, max_year=last_complete_year())
    token = landing.sha256_hex(
        json.dumps(diff.changed_paths).encode() + json.dumps(diff.state, sort_keys=True).encode()
    )[:16]
    keys = sorted(str(y) for y in diff.years if yearly_partitions.has_partition_key(str(y)))
    if not keys and diff.unpartitioned:
        # only files that will be quarantined changed: refresh raw (and so the quarantine table)
        keys = [yearly_partitions.get_last_partition_key()]
    requests = [
        RunRequest(run_key=f"landing:{key}:{token}", partition_key=key, tags={"ogi/trigger": "landing_sensor"})
        for key in keys
    ]
    return requests, diff.state, diff


def previous_state(cursor: str | None, data_root) -> dict | None:
    """The state a cursor points at: the raw index's without a cursor, the state file it names, the
    cursor itself when it is an old-style JSON state; None when the file it names is gone."""
    if not cursor:
        return changes.state_from_index(data_root)
    if cursor.lstrip().startswith("{"):
        return json.loads(cursor)
    return changes.load_state(data_root, cursor)


@sensor(
    name="landing_sensor",
    job=warehouse_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Requests a warehouse run for every report year whose files in data/landing/ "
    "were added, changed or removed.",
)
def landing_sensor(context: SensorEvaluationContext):
    root = landing.default_data_root()
    previous = previous_state(context.cursor, root)
    if previous is None:
        context.log.warning(f"the landing state {context.cursor!r} is gone; starting from the raw index")
        previous = changes.state_from_index(root)
    requests, state, diff = landing_run_requests(previous, root)
    cursor = changes.save_state(root, state)
    lookup = diff.lookup
    if lookup.reused or lookup.parsed or lookup.deferred:
        context.log.info(
            f"years of changed files: {lookup.reused} from stored records, {lookup.parsed} parsed now "
            f"(stored for the run), {len(lookup.deferred)} left for the next tick"
        )
    if not requests:
        return SensorResult(skip_reason=SkipReason("no landing file changed"), cursor=cursor)
    context.log.info(f"changed: {diff.changed_paths[:20]} -> years {sorted(diff.years)}")
    return SensorResult(run_requests=requests, cursor=cursor)
