"""Yearly refresh: on 1 April (the reports are due by 31 March) rebuild the last complete year.

A plain @schedule: the partitioned-schedule helper would request the partition of the cron tick's
own window, which for a yearly cron on 1 April is not a complete year yet.
"""

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from .jobs import warehouse_job
from .partitions import TIMEZONE


def last_complete_year_at(context: ScheduleEvaluationContext) -> str:
    """The year before the tick's year (the last complete one), as a partition key."""
    tick = context.scheduled_execution_time
    return str(tick.year - 1)


@schedule(
    name="yearly_refresh",
    job=warehouse_job,
    cron_schedule="0 6 1 4 *",  # 06:00 on 1 April, Beijing time
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every 1 April: re-ingest landing and rebuild the last complete year's partition.",
)
def yearly_refresh(context: ScheduleEvaluationContext) -> RunRequest:
    year = last_complete_year_at(context)
    return RunRequest(run_key=f"yearly_refresh:{year}", partition_key=year)
