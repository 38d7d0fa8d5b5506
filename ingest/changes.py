"""Change detection over the landing folder, for the landing sensor: which years need a run.

The state is {path: [mtime_ns, size, sha256, year]}. A file is read (and hashed) only when its mtime
or size moved. A changed file's partition comes from its parsed record: the one in the record store
(`raw/records/<parser version>/`, keyed by sha256) when this parser version has read those bytes
before, else a new parse. New parses go through the raw step's worker pool (one worker per core,
each file with its time and memory budget), and the sensor keeps what it parsed: the object in the
raw store and its record in the record store, both content-addressed and written atomically, so the
run it requests parses nothing again (parse once). The raw index stays the raw step's alone.

A tick parses for at most `PARSE_BUDGET_S` seconds (a sensor evaluation has a deadline): files it did
not reach are left out of the new state, so the next tick sees them as new and goes on (`deferred`).

The state is kept in a file, not in the sensor's cursor (one entry per landing file is tens of
kilobytes, which the Dagster UI prints above the tick history): `save_state` writes it once under
`data/sensor/landing/<version>.json.gz`, named by the hash of its content, and returns that version,
a 32-character cursor; `load_state` reads it back. The newest KEEP_STATES files are kept, so the
state a cursor not yet committed by the daemon points at is still there on the next tick.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .calendar import last_complete_year
from .landing import (
    MANIFEST_NAME,
    Parser,
    classify,
    default_parser,
    landing_dir,
    load_record,
    load_summaries,
    object_path,
    read_index,
    read_manifests,
    save_record,
    sha256_hex,
    store_object,
    write_read_only,
)

KEEP_STATES = 8
PARSE_BUDGET_S = float(os.environ.get("OGI_SENSOR_PARSE_BUDGET", 30))
VERSION_CHARS = 32
_VERSION = re.compile(rf"^[0-9a-f]{{{VERSION_CHARS}}}$")


def landing_fingerprint(data_root: str | os.PathLike) -> dict[str, list]:
    """{path: [mtime_ns, size]} of every landing file (and manifest): cheap change detection."""
    root = landing_dir(data_root)
    out: dict[str, list] = {}
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            full = Path(dirpath, name)
            try:
                st = full.stat()
            except OSError:
                continue
            out[full.relative_to(root).as_posix()] = [st.st_mtime_ns, st.st_size]
    return dict(sorted(out.items()))


def year_of(
    data: bytes, path: str, manifest: Mapping[str, Any] | None, max_year: int, parse: Parser | None = None
) -> int | None:
    """The partition a file would go to (None when it would be quarantined), parsing it in process."""
    parse = parse or default_parser()
    try:
        record, error = parse(data, path), None
    except Exception as exc:  # same rule as build_entries
        record, error = None, str(exc)
    return _partition(path, record, manifest, max_year, error)


def _partition(
    path: str, record: Mapping[str, Any] | None, manifest: Mapping[str, Any] | None, max_year: int, error: str | None
) -> int | None:
    year, _source, code, _reason = classify(path, record, manifest, max_year, error)
    return None if code else year


@dataclass
class YearLookup:
    """How the years of a tick's changed files were learned."""

    reused: int = 0  # from the record store
    parsed: int = 0  # parsed now (and stored)
    deferred: list[str] = field(default_factory=list)  # not reached within the budget: next tick


def years_of(
    data_root: str | os.PathLike,
    todo: Mapping[str, tuple[str, Mapping[str, Any] | None]],
    max_year: int,
    parse: Parser | None = None,
    budget_s: float | None = None,
) -> tuple[dict[str, int | None], YearLookup]:
    """{path: partition} for changed files, given {path: (sha256, manifest row)}.

    Records this parser version stored are read (their summaries, when the raw step kept them), not
    parsed again. With `parse` (tests), the rest is parsed in process; otherwise the worker pool
    parses their bytes from the raw store (`diff_landing` put them there), and each record is stored
    for the run to reuse. Files not reached within `budget_s` are left out of the answer and listed
    in `deferred`.
    """
    out: dict[str, int | None] = {}
    stats = YearLookup()
    pending: dict[str, str] = {}  # sha -> first path
    paths_of: dict[str, list[str]] = {}
    known = load_summaries(data_root) if parse is None else {}
    for path, (sha, manifest) in todo.items():
        record = known.get(sha) or (load_record(data_root, sha, path) if parse is None else None)
        if record is not None:
            out[path] = _partition(path, record, manifest, max_year, None)
            stats.reused += 1
        elif parse is not None:
            data = (landing_dir(data_root) / path).read_bytes()
            out[path] = year_of(data, path, manifest, max_year, parse)
            stats.parsed += 1
        else:
            pending.setdefault(sha, path)
            paths_of.setdefault(sha, []).append(path)
    if not pending:
        return out, stats
    from .workers import ParsePool

    deadline = time.monotonic() + (PARSE_BUDGET_S if budget_s is None else budget_s)
    done: set[str] = set()
    with ParsePool() as pool:
        tasks = [(sha, str(object_path(data_root, sha)), path) for sha, path in pending.items()]
        for sha, outcome in pool.parse_many(tasks):
            done.add(sha)
            stats.parsed += 1
            error = None if outcome.record is not None else f"{outcome.code}: {outcome.reason}"
            if outcome.record is not None:
                save_record(data_root, sha, outcome.record)
            for path in paths_of[sha]:
                out[path] = _partition(path, outcome.record, todo[path][1], max_year, error)
            if time.monotonic() > deadline:
                break
    stats.deferred = sorted(p for sha in pending if sha not in done for p in paths_of[sha])
    return out, stats


def state_from_index(data_root: str | os.PathLike) -> dict[str, list]:
    """A landing state ({path: [mtime_ns, size, sha256, year]}) as the raw index last saw it.

    mtime is unknown there (None), so the first comparison hashes every file once.
    """
    return {
        row["path"]: [
            None,
            row["size_bytes"],
            row["sha256"],
            row["report_year"] if row["status"] != "quarantined" else None,
        ]
        for row in read_index(data_root)
    }


@dataclass
class LandingDiff:
    state: dict[str, list]  # the new state, to keep as the sensor cursor
    years: set[int]  # partitions whose files were added, changed or removed
    changed_paths: list[str]  # landing paths whose bytes (or manifest row) changed
    unpartitioned: list[str]  # changed paths without a partition (would be quarantined)
    lookup: YearLookup = field(default_factory=YearLookup)  # records reused / parsed / deferred


def diff_landing(
    data_root: str | os.PathLike,
    previous: Mapping[str, list],
    parse: Parser | None = None,
    max_year: int | None = None,
    budget_s: float | None = None,
) -> LandingDiff:
    """Compare landing with a previous state and name the partitions that changed.

    Files whose mtime and size are unchanged are not read. A changed file counts only when its
    hash or its year changed; a removed file marks its old year; a changed manifest.csv re-reads
    the year of every file it lists. Years come from stored records where there are some (`years_of`).
    """
    max_year = last_complete_year() if max_year is None else max_year
    root = landing_dir(data_root)
    fingerprint = landing_fingerprint(data_root)
    manifests = read_manifests(root)
    manifest_changed = any(
        p.rsplit("/", 1)[-1] == MANIFEST_NAME and (previous.get(p) or [None, None])[:2] != fp
        for p, fp in fingerprint.items()
    ) or any(p.rsplit("/", 1)[-1] == MANIFEST_NAME and p not in fingerprint for p in previous)
    state: dict[str, list] = {}
    todo: dict[str, tuple[str, Mapping[str, Any] | None]] = {}
    for path, (mtime, size) in fingerprint.items():
        if path.rsplit("/", 1)[-1] == MANIFEST_NAME:
            state[path] = [mtime, size, None, None]
            continue
        old = previous.get(path)
        if old is not None and old[0] == mtime and old[1] == size and not manifest_changed:
            state[path] = list(old)
            continue
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue  # vanished or unreadable right now: the next tick sees it again
        sha = sha256_hex(data)
        if old is not None and old[2] == sha and not manifest_changed:
            state[path] = [mtime, size, sha, old[3]]
            continue
        if parse is None:
            store_object(data_root, data, sha)  # the pool parses the stored bytes, not a moving file
        todo[path] = (sha, manifests.get(path))
        state[path] = [mtime, size, sha, None]
    found, lookup = years_of(data_root, todo, max_year, parse, budget_s)
    years: set[int] = set()
    changed: list[str] = []
    unpartitioned: list[str] = []
    for path in todo:
        if path not in found:  # deferred: unseen for the next tick
            del state[path]
            continue
        year = found[path]
        state[path][3] = year
        old = previous.get(path)
        if old is not None and old[2] == state[path][2] and old[3] == year:
            continue
        changed.append(path)
        if old is not None and old[3] is not None:
            years.add(int(old[3]))
        if year is not None:
            years.add(int(year))
        else:
            unpartitioned.append(path)
    for path, old in previous.items():
        if path not in fingerprint and path.rsplit("/", 1)[-1] != MANIFEST_NAME:
            changed.append(path)
            if old[3] is not None:
                years.add(int(old[3]))
    return LandingDiff(dict(sorted(state.items())), years, sorted(changed), unpartitioned, lookup)


# --- the sensor's state, kept in a file ----------------------------------------------------------
def state_dir(data_root: str | os.PathLike) -> Path:
    """Where the landing sensor keeps its states: <data root>/sensor/landing/."""
    return Path(data_root) / "sensor" / "landing"


def save_state(data_root: str | os.PathLike, state: Mapping[str, list]) -> str:
    """Keep a landing state and return its version (the first 32 hex digits of the sha256 of its
    JSON): the same state is the same version and the same file. Older files beyond the newest
    KEEP_STATES are removed."""
    payload = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
    version = sha256_hex(payload)[:VERSION_CHARS]
    folder = state_dir(data_root)
    target = folder / f"{version}.json.gz"
    if not target.exists():
        write_read_only(target, gzip.compress(payload, mtime=0))
    # the newest by mtime, strictly (file clocks are coarse): the pruning keeps the newest files
    others = {p: p.stat().st_mtime_ns for p in folder.glob("*.json.gz") if p != target}
    newest = max(time.time_ns(), max(others.values(), default=0) + 1)
    os.utime(target, ns=(newest, newest))
    for old in sorted(others, key=others.__getitem__, reverse=True)[KEEP_STATES - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()
    return version


def load_state(data_root: str | os.PathLike, version: str) -> dict[str, list] | None:
    """The state saved under `version`, or None when there is none (removed, damaged, not a version)."""
    if not _VERSION.match(version or ""):
        return None
    try:
        payload = gzip.decompress((state_dir(data_root) / f"{version}.json.gz").read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if sha256_hex(payload)[:VERSION_CHARS] != version:
        return None
    state = json.loads(payload)
    return state if isinstance(state, dict) else None
