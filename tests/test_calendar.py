"""The calendar has one home (ingest.calendar); every layer that needs a year agrees with it."""

from __future__ import annotations

import datetime as dt
import inspect
import re

from conftest import ROOT

from dagster_project.partitions import last_complete_year as partition_last_year
from dagster_project.partitions import yearly_partitions
from ingest import calendar, changes, landing


def test_last_complete_year_is_decided_in_china():
    # 31 December 16:30 UTC is already 1 January 00:30 in Beijing: the year has ended there
    assert calendar.last_complete_year(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)) == 2026
    assert calendar.last_complete_year(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC)) == 2025
    assert calendar.last_complete_year(dt.datetime(2026, 12, 31, 16, 30)) == 2026  # naive = UTC
    assert calendar.last_complete_year(dt.date(2027, 1, 1)) == 2026


def test_partitions_and_calendar_agree():
    keys = yearly_partitions.get_partition_keys()
    assert keys[0] == str(calendar.FIRST_YEAR)
    assert keys[-1] == str(calendar.last_complete_year()) == str(partition_last_year())
    assert [int(k) for k in keys] == calendar.years()
    assert yearly_partitions.timezone == calendar.TIMEZONE


def test_the_raw_step_and_the_sensor_take_the_calendars_year():
    # no module computes its own "last complete year" or first year
    for module in (landing, changes):
        src = inspect.getsource(module)
        assert "date.today()" not in src and "2008" not in src, module.__name__
    assert landing.last_complete_year is calendar.last_complete_year
    assert landing.FIRST_YEAR == calendar.FIRST_YEAR


def test_no_other_python_module_restates_the_first_year():
    offenders = []
    for folder in ("ingest", "dagster_project", "expectations", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "calendar.py":
                continue
            if re.search(r"(?<![\d.])2008(?![\d])", path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_format_generation_by_year():
    assert [calendar.format_generation(y) for y in (2008, 2018, 2019, 2020, 2021, 2025)] == [
        "pre2019",
        "pre2019",
        "2019",
        "2019",
        "2021",
        "2021",
    ]
    assert calendar.format_generation(None) is None
