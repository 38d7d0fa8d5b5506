"""Landing -> raw: content-addressed raw store, raw index and quarantine list (docs/LAYERS.md).

Pure Python (no Dagster). `ingest_landing(data_root)` scans `data/landing/` recursively (any folder
layout), reads the optional `manifest.csv` files, stores every file's bytes once under
`data/raw/objects/ab/<sha256>` (never rewritten), parses each distinct file to learn its report
year, and writes

    data/raw/index.parquet        one row per landing path (status ok / duplicate / quarantined)
    data/raw/quarantine.parquet   files that cannot enter a year partition, with the reason

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
import hashlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .calendar import FIRST_YEAR, last_complete_year
from .flatten import write_table

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


def index_path(data_root: str | os.PathLike) -> Path:
    return Path(data_root) / "raw" / "index.parquet"


def quarantine_path(data_root: str | os.PathLike) -> Path:
    return Path(data_root) / "raw" / "quarantine.parquet"


def object_path(data_root: str | os.PathLike, sha256: str) -> Path:
    return Path(data_root) / "raw" / "objects" / sha256[:2] / sha256


# --- the raw store ------------------------------------------------------------------------------
def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_object(data_root: str | os.PathLike, data: bytes, sha256: str | None = None) -> Path:
    """Write the bytes to the content-addressed store once; an existing object is never touched."""
    sha256 = sha256 or sha256_hex(data)
    target = object_path(data_root, sha256)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".obj-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


def read_object(data_root: str | os.PathLike, sha256: str) -> bytes:
    return object_path(data_root, sha256).read_bytes()


# --- landing scan and manifest ------------------------------------------------------------------
def scan_landing(landing: str | os.PathLike) -> list[str]:
    """Every file under the landing folder as a `/`-separated relative path, sorted.

    Hidden files and folders (a leading dot) and `manifest.csv` files are not reports.
    """
    root = Path(landing)
    if not root.is_dir():
        return []
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or name == MANIFEST_NAME:
                continue
            rel = Path(dirpath, name).relative_to(root).as_posix()
            paths.append(rel)
    return sorted(paths)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_year(value: Any) -> int | None:
    """A manifest year: a 4-digit integer (e.g. '2021' or '2021.0'), else None."""
    text = _clean(value)
    if text is None:
        return None
    try:
        year = int(float(text))
    except ValueError:
        return None
    return year if 1000 <= year <= 9999 else None


def read_manifests(landing: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """Rows of every `manifest.csv` under landing, keyed by the landing path they describe.

    The `file` (or `path`) column is relative to the manifest's own folder. Columns: url, agency,
    year, region (all optional). A deeper manifest wins over a shallower one for the same file.
    """
    root = Path(landing)
    rows: dict[str, dict[str, Any]] = {}
    if not root.is_dir():
        return rows
    manifests = sorted(root.rglob(MANIFEST_NAME), key=lambda p: (len(p.parts), p.as_posix()))
    for manifest in manifests:
        folder = manifest.parent.relative_to(root)
        text = manifest.read_bytes().decode("utf-8-sig", errors="replace")
        for raw in csv.DictReader(io.StringIO(text)):
            row = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
            name = _clean(row.get("file")) or _clean(row.get("path"))
            if not name:
                continue
            rel = (folder / name.replace("\\", "/")).as_posix()
            if rel.startswith("./"):
                rel = rel[2:]
            rows[rel] = {
                "url": _clean(row.get("url")),
                "agency": _clean(row.get("agency")),
                "year": parse_year(row.get("year")),
                "region": _clean(row.get("region")),
            }
    return rows


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
        return None, None, "PARSE_EXCEPTION", f"{path}: the parser failed on this file ({error})"
    fatal = _first_fatal(record or {})
    if fatal is not None:
        message = str(fatal.get("message") or fatal.get("code"))
        if message.startswith(f"{path}: "):
            message = message[len(path) + 2 :]
        return None, None, str(fatal.get("code")), f"{path}: cannot be parsed as a report: {message}"
    if manifest.get("year") is not None:
        year, source = int(manifest["year"]), "manifest"
    elif (record or {}).get("report_year") is not None:
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


def build_entries(
    data_root: str | os.PathLike, parse: Parser | None = None, max_year: int | None = None, store: bool = True
) -> list[Entry]:
    """Scan landing, store raw objects, parse each distinct file once and classify every path."""
    parse = parse or default_parser()
    max_year = last_complete_year() if max_year is None else max_year
    landing = landing_dir(data_root)
    manifests = read_manifests(landing)
    entries: list[Entry] = []
    first_path_by_hash: dict[str, Entry] = {}
    for rel in scan_landing(landing):
        manifest = manifests.get(rel, {})
        try:
            data = (landing / rel).read_bytes()
        except OSError as exc:
            size = None
            with contextlib.suppress(OSError):
                size = (landing / rel).stat().st_size
            entries.append(
                Entry(
                    rel,
                    None,
                    size,
                    "quarantined",
                    code="UNREADABLE",
                    reason=f"{rel}: the file cannot be read ({exc.__class__.__name__}: {exc})",
                    manifest=manifest,
                )
            )
            continue
        sha = sha256_hex(data)
        if store:
            store_object(data_root, data, sha)
        first = first_path_by_hash.get(sha)
        if first is not None:
            ok = first.status == "ok"  # a copy of a quarantined file carries no year
            entries.append(
                Entry(
                    rel,
                    sha,
                    len(data),
                    "duplicate",
                    report_year=first.report_year if ok else None,
                    year_source=first.year_source if ok else None,
                    duplicate_of=first.path,
                    manifest=manifest,
                )
            )
            continue
        record, error = None, None
        try:
            record = parse(data, rel)
        except Exception as exc:  # the parser promises not to raise; never lose the batch if it does
            error = f"{exc.__class__.__name__}: {exc}"
        year, source, code, reason = classify(rel, record, manifest, max_year, error)
        entry = Entry(
            rel,
            sha,
            len(data),
            "quarantined" if code else "ok",
            report_year=year,
            year_source=source,
            code=code,
            reason=reason,
            manifest=manifest,
        )
        first_path_by_hash[sha] = entry
        entries.append(entry)
    return entries


# --- index and quarantine files -----------------------------------------------------------------
def _previous_first_seen(data_root: str | os.PathLike) -> dict[str, dt.datetime]:
    """first_seen by sha256 (or by `path:` for rows without a hash) from the existing files."""
    seen: dict[str, dt.datetime] = {}
    for path in (index_path(data_root), quarantine_path(data_root)):
        if not path.exists():
            continue
        table = pq.read_table(path, columns=["path", "sha256", "first_seen"])
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
            if e.status == "ok":
                out[e.report_year] = out.get(e.report_year, 0) + 1
        return dict(sorted(out.items()))


def ingest_landing(
    data_root: str | os.PathLike | None = None,
    parse: Parser | None = None,
    max_year: int | None = None,
    now: dt.datetime | None = None,
) -> LandingResult:
    """Run the whole landing -> raw step and write `raw/index.parquet` and `raw/quarantine.parquet`."""
    data_root = Path(data_root) if data_root is not None else default_data_root()
    entries = build_entries(data_root, parse=parse, max_year=max_year)
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
    return LandingResult(index, quarantine, entries)


def read_index(data_root: str | os.PathLike) -> list[dict[str, Any]]:
    path = index_path(data_root)
    return pq.read_table(path).to_pylist() if path.exists() else []


def partition_inputs(
    data_root: str | os.PathLike, year: int, parse: Parser | None = None
) -> Iterable[tuple[Mapping[str, Any], str, dict]]:
    """(record, path, index row) for every `ok` report of one year, read back from the raw store.

    The index row carries url / manifest_agency / manifest_region for `ingest.flatten`.
    """
    parse = parse or default_parser()
    for row in read_index(data_root):
        if row["status"] == "ok" and row["report_year"] == int(year):
            data = read_object(data_root, row["sha256"])
            yield parse(data, row["path"]), row["path"], row


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else default_data_root()
    result = ingest_landing(root)
    print(json.dumps({"counts": result.counts(), "years": result.years()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
