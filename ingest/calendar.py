"""The project's calendar: the first report year and the last complete year, defined once.

Every layer asks here: the raw step (which years a file may belong to), the Dagster partitions,
the sensor, the schedule, dbt (through `--vars`) and the Great Expectations bounds. Years are
decided in China's time zone: on 31 December at 20:00 UTC it is already 1 January in Beijing.
"""

from __future__ import annotations

import datetime as dt
import sys
from zoneinfo import ZoneInfo

# The Regulations on Open Government Information took effect on 1 May 2008: the first reports
# cover 2008.
FIRST_YEAR = 2008
TIMEZONE = "Asia/Shanghai"
TZ = ZoneInfo(TIMEZONE)


def today() -> dt.date:
    """Today's date in China."""
    return dt.datetime.now(TZ).date()


def last_complete_year(when: dt.date | dt.datetime | None = None) -> int:
    """The last calendar year that has ended in China (reports on it are due by 31 March after).

    `when` is a date (taken as China's date) or an aware datetime (converted to China's time); a
    naive datetime is taken as UTC.
    """
    if when is None:
        return today().year - 1
    if isinstance(when, dt.datetime):
        aware = when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
        return aware.astimezone(TZ).year - 1
    return when.year - 1


def years(last: int | None = None) -> list[int]:
    """Every partition year, FIRST_YEAR up to the last complete year."""
    return list(range(FIRST_YEAR, (last_complete_year() if last is None else last) + 1))


def format_generation(year: int | None) -> str | None:
    """The template generation a report of `year` is expected to follow (REPORT_FORMAT.md)."""
    if year is None:
        return None
    if year <= 2018:
        return "pre2019"
    return "2019" if year <= 2020 else "2021"


def dbt_vars(when: dt.date | dt.datetime | None = None) -> dict[str, int]:
    """The calendar as dbt `--vars`: dbt models read var('first_year') and var('last_complete_year')."""
    return {"first_year": FIRST_YEAR, "last_complete_year": last_complete_year(when)}


def main(argv: list[str] | None = None) -> int:
    """`python -m ingest.calendar --dbt-vars` prints the vars as JSON for a `dbt` command line."""
    import json

    args = sys.argv[1:] if argv is None else argv
    if args == ["--dbt-vars"]:
        print(json.dumps(dbt_vars()))
        return 0
    print(f"first year {FIRST_YEAR}, last complete year {last_complete_year()} ({TIMEZONE})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
