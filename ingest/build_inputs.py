"""What the published warehouse was built from, so that a run can tell it would build the same file.

dbt's output is a function of its inputs: the dbt project (models, macros, seeds, tests, its yml
files), the vars of the calendar, the versions of dbt and DuckDB, and the lake files its sources read
(the raw index, the quarantine list, every year's parsed Parquet files). `current` fingerprints them:

    code    the dbt project's files, the calendar vars, the dbt-core, dbt-duckdb and duckdb versions
    whole   the raw index, the quarantine list and every parsed file (what the dimensions and the
            reporting marts read: a run rebuilds them whole)
    years   year -> that year's parsed files (what the year's incremental facts read)

The publish step stamps the warehouse with `stamp_after` (`marts.build_info.inputs`, JSON): the code
and whole fingerprints of its run, and for each year the code and files its facts were last built
from (a run rebuilds the facts of its own years; the others keep what an earlier run stamped). A run
whose inputs are `up_to_date` with that stamp would build what is already published: its dbt steps
can skip the build (dagster_project/assets/dbt.py). Anything else, a changed model, a new report, a
year built by an older model, builds as before.

Pure apart from reading files; no Dagster.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import duckdb

from . import flatten, landing, storage

# What dbt reads from its project folder (target/, logs/ and dbt_packages/ are its output)
DBT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots")
DBT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
VERSIONED = ("dbt-core", "dbt-duckdb", "duckdb")
_YEAR = re.compile(r"year=(\d{4})")


@dataclass(frozen=True)
class Inputs:
    code: str
    whole: str
    years: dict[int, str]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def code_fingerprint(dbt_dir: Path, variables: Mapping[str, Any]) -> str:
    """The dbt project's files, the calendar vars, and the versions of what runs them."""
    digest = hashlib.sha256(json.dumps(dict(variables), sort_keys=True).encode())
    for package in VERSIONED:
        digest.update(f"\0{package}={_version(package)}".encode())
    files = [dbt_dir / name for name in DBT_FILES if (dbt_dir / name).is_file()]
    for folder in DBT_FOLDERS:
        if (dbt_dir / folder).is_dir():
            files += [f for f in (dbt_dir / folder).rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    for f in sorted(files):
        digest.update(b"\0" + f.relative_to(dbt_dir).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def year_files(data_root: Path) -> dict[int, list[storage.Location]]:
    """year -> the parsed Parquet files of that year, every table (what dbt's sources glob)."""
    lake = storage.lake_root(data_root)
    out: dict[int, list[storage.Location]] = {}
    for table in sorted(flatten.SCHEMAS):
        for location in storage.glob(storage.join(lake, "parsed", table), "year=*/*.parquet"):
            match = _YEAR.search(str(location))
            if match:
                out.setdefault(int(match.group(1)), []).append(location)
    return out


def _files_fingerprint(locations: Iterable[storage.Location], data_root: Path) -> str:
    lake = storage.as_string(storage.lake_root(data_root)).rstrip("/")
    digest = hashlib.sha256()
    for location in locations:
        name = storage.as_string(location).removeprefix(lake)  # the same files in another lake are the same
        digest.update(f"{name}\0{storage.sha256(location)}\n".encode())
    return digest.hexdigest()


def current(data_root: Path, dbt_dir: Path, variables: Mapping[str, Any]) -> Inputs:
    """The fingerprints of what a dbt build would read now (one pass over the parsed files' bytes)."""
    every = {year: _files_fingerprint(files, data_root) for year, files in sorted(year_files(data_root).items())}
    digest = hashlib.sha256()
    for location in (landing.index_path(data_root), landing.quarantine_path(data_root)):
        digest.update(f"{storage.sha256(location) if storage.exists(location) else 'absent'}\n".encode())
    for year, fingerprint in every.items():
        digest.update(f"{year}:{fingerprint}\n".encode())
    first, last = variables.get("first_year"), variables.get("last_complete_year")
    years = {  # the facts hold the calendar's years: a run for them rebuilds those
        year: fingerprint
        for year, fingerprint in every.items()
        if (first is None or year >= int(first)) and (last is None or year <= int(last))
    }
    return Inputs(code=code_fingerprint(dbt_dir, variables), whole=digest.hexdigest(), years=years)


def _year_stamp(code: str, files: str) -> str:
    return hashlib.sha256(f"{code}\0{files}".encode()).hexdigest()


def stamp_after(previous: Mapping[str, Any] | None, now: Inputs, run_years: Iterable[int]) -> dict[str, Any]:
    """The stamp of a warehouse after a run over `run_years` built it from `now`: the facts of those
    years from these files and this code, the other years' as `previous` said. Pure."""
    years: dict[str, str] = dict((previous or {}).get("years") or {})
    for year in run_years:
        if year in now.years:
            years[str(year)] = _year_stamp(now.code, now.years[year])
        else:
            years.pop(str(year), None)
    return {"code": now.code, "whole": now.whole, "years": dict(sorted(years.items()))}


def up_to_date(stamp: Mapping[str, Any] | None, now: Inputs) -> tuple[bool, str]:
    """Whether a warehouse with this stamp is what a build from `now` would give, and why not. Pure."""
    if not stamp:
        return False, "the published warehouse records no inputs (a first build, or one from before they were recorded)"
    if stamp.get("code") != now.code:
        return False, "the dbt project, the calendar vars or the dbt/DuckDB versions changed"
    if stamp.get("whole") != now.whole:
        return False, "the raw index, the quarantine list or a parsed file changed"
    expected = {str(year): _year_stamp(now.code, files) for year, files in now.years.items()}
    stale = sorted(
        y for y in set(expected) | set(stamp.get("years") or {}) if (stamp.get("years") or {}).get(y) != expected.get(y)
    )
    if stale:
        return False, f"the facts of {', '.join(stale)} were built from other inputs (a run for part of the years)"
    return True, "the published warehouse was built from these very inputs: same dbt project, vars and files"


def stamp_token(stamp: Mapping[str, Any]) -> str:
    """One string for a whole stamp (what stored dbt test results are keyed by)."""
    return hashlib.sha256(json.dumps(stamp, sort_keys=True).encode()).hexdigest()


def read_stamp(warehouse: Path) -> dict[str, Any] | None:
    """The inputs stamp of a warehouse file (`marts.build_info.inputs`), None when it has none."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            (text,) = con.execute("select inputs from marts.build_info").fetchone() or (None,)
    except duckdb.Error:  # no build_info yet, or one from before the column existed
        return None
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None
