"""The one partitions definition: the year a report is about, the first report year up to the last complete year."""

from __future__ import annotations

from dagster import PartitionKeyRange, TimeWindowPartitionsDefinition

from ingest.calendar import FIRST_YEAR, TIMEZONE

# No end date: a yearly window is a partition once it has ended, so the last partition is always
# the last complete year (2025 during 2026). Every partitioned asset in the project uses this.
yearly_partitions = TimeWindowPartitionsDefinition(
    start=str(FIRST_YEAR),
    fmt="%Y",
    cron_schedule="0 0 1 1 *",
    timezone=TIMEZONE,
)


def last_complete_year() -> int:
    """The last partition key as a year (the last calendar year that has ended in China); the same
    as `ingest.calendar.last_complete_year()`, which a test pins."""
    return int(yearly_partitions.get_last_partition_key())


def years_in_range(key_range: PartitionKeyRange) -> list[int]:
    """Every year of a partition key range, in order."""
    return list(range(int(key_range.start), int(key_range.end) + 1))


def dbt_vars(key_range: PartitionKeyRange, last_complete: int | None = None) -> dict[str, int]:
    """The dbt `--vars` for a partition key range: the facts reload exactly these years."""
    out = {"min_year": int(key_range.start), "max_year": int(key_range.end)}
    if last_complete is not None:
        out["last_complete_year"] = int(last_complete)
    return out


def years_after(key_range: PartitionKeyRange, n: int) -> list[int]:
    """The (up to) `n` partition years right after a range, those that exist: the years a model
    that also rebuilds the years after its window (dbt meta `refreshes_years_after`) refreshed."""
    last = int(yearly_partitions.get_last_partition_key())
    return [y for y in range(int(key_range.end) + 1, int(key_range.end) + 1 + max(n, 0)) if y <= last]
