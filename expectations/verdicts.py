"""Verdicts already reached: a gate does not re-validate rows it has judged under the same rules.

A gate's verdict on one year is a function of two things, the year's rows and the rules. Both have a
fingerprint: the rows' (`parquet_fingerprint`: the SHA-256 of the year's parsed file, or
`warehouse_fingerprint`: a row count and an order-free sum of DuckDB's row hashes over the model's
rows of the year) and the rules' (`rules_fingerprint`: the suite's expectations as GX serializes them,
the code that runs and merges them, and the GX version). When both equal those of a stored verdict,
the gate reuses it and says so in its metadata; anything else (new rows, a changed rule, no stored
verdict) is validated again. So an unchanged rebuild validates nothing, and a run that changed one
year validates that year.

Passes and warnings are stored, with the metadata the check recorded (the offending rows of a
warning, its Data Docs link), serialized by the caller; an ERROR failure is not, so a blocked year is
validated again by every run until its rows change. `OGI_GATES_REVALIDATE=1` turns reuse off.

The store is one small JSON file per suite in the local data root (`<data>/gates/<suite>.json`),
year -> the fingerprints and the verdict, written whole by an atomic rename. Two runs writing at once
can at worst lose one entry, which only means validating that year again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from ingest import storage

REVALIDATE_ENV = "OGI_GATES_REVALIDATE"
# the code that turns a suite's results into a verdict: a change in it can change a verdict
_RUNNER_FILES = ("runner.py", "_common.py", "schemas.py", "verdicts.py")


def reuse_enabled() -> bool:
    return os.environ.get(REVALIDATE_ENV, "").strip().lower() not in ("1", "true", "yes")


def rules_fingerprint(suite: str) -> str:
    """The rules a gate applies: the suite's expectations (GX's own serialization, so a rule made
    from the dbt contract changes with it), the runner's code and the GX version."""
    import great_expectations as gx

    from expectations import SUITES

    digest = hashlib.sha256(f"{suite}\0{gx.__version__}\0".encode())
    digest.update(json.dumps(SUITES[suite]().to_json_dict(), sort_keys=True, default=str).encode())
    here = Path(__file__).resolve().parent
    for name in _RUNNER_FILES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def parquet_fingerprint(location: storage.Location) -> str | None:
    """A parsed file's bytes (None when there is no file)."""
    return f"sha256:{storage.sha256(location)}" if storage.exists(location) else None


def warehouse_fingerprint(warehouse: Path, schema: str, name: str, year: int) -> str:
    """A model's rows of one report year: their count and the sum of DuckDB's hash of each whole row
    (order-free, one scan of the year, read-only)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        n, total = con.execute(
            f'select count(*), coalesce(sum(hash(t)::hugeint), 0) from "{schema}"."{name}" t where report_year = ?',
            [year],
        ).fetchone()
    return f"rows:{int(n)}:hash:{int(total)}"


@dataclass(frozen=True)
class Verdict:
    """A stored verdict: what it was reached on, by which run, and what the check recorded."""

    data: str
    rules: str
    run_id: str
    at: str  # UTC, ISO 8601
    passed: bool
    description: str
    metadata: str  # the check's metadata, serialized by the caller


class VerdictStore:
    """Stored verdicts of one suite, year -> Verdict."""

    def __init__(self, data_root: str | os.PathLike, suite: str):
        self.path = Path(data_root) / "gates" / f"{suite}.json"
        self._verdicts: dict[str, Verdict] | None = None

    def _load(self) -> dict[str, Verdict]:
        if self._verdicts is None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._verdicts = {year: Verdict(**entry) for year, entry in raw.items()}
            except (OSError, ValueError, TypeError):  # none yet, or unreadable: validate again
                self._verdicts = {}
        return self._verdicts

    def get(self, year: int, data: str, rules: str) -> Verdict | None:
        found = self._load().get(str(year))
        return found if found and found.data == data and found.rules == rules else None

    def put(self, year: int, verdict: Verdict) -> None:
        self._load()[str(year)] = verdict

    def forget(self, year: int) -> None:
        self._load().pop(str(year), None)

    def save(self) -> None:
        if self._verdicts is None:
            return
        payload = json.dumps({y: asdict(v) for y, v in sorted(self._verdicts.items())}, indent=1, sort_keys=True)
        storage.write_bytes(self.path, payload.encode(), prefix=f".{self.path.name}.")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def describe(verdict: Verdict) -> str:
    """How a reused verdict reads in the check's metadata."""
    return (
        f"unchanged since run {verdict.run_id[:8]} ({verdict.at.replace('T', ' ')[:16]} UTC): the same "
        f"rows and rules, so its verdict is reused, not validated again ({REVALIDATE_ENV}=1 validates anyway)"
    )
