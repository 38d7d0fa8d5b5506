"""Exports: every table of the published warehouse's `marts` schema as Parquet and as CSV.

    python -m ingest.export [WAREHOUSE] [OUT_DIR]

For analysts who do not use DuckDB: `data/export/<table>.parquet` and `data/export/<table>.csv`
(UTF-8 with a byte-order mark, so Excel shows the Chinese names; NULL is an empty field), and
`data/export/manifest.json` saying which build they come from (build id, parser version, years) and
how many rows and which columns each file has.

- The tables are whatever the `marts` schema holds when the export runs (a new mart is exported
  without a change here), read from the PUBLISHED file, opened read-only: an analyst may hold it
  open, and a build never writes it (see `ingest.publish`).
- Each file is written under a hidden temporary name in the same folder and renamed over the old
  one, so a reader of `data/export/` sees the old file or the new one, never half a file; a reader
  that opened the old file keeps reading it. The manifest is written last, the same way.
- Files that the previous manifest listed and this export no longer writes (a mart that was
  dropped) are removed; nothing else in the folder is touched.

Pure Python + duckdb, no Dagster; the caller holds the data folder's writer lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from . import storage

SCHEMA = "marts"
MANIFEST = "manifest.json"
FORMATS = ("parquet", "csv")
BOM = b"\xef\xbb\xbf"
MANIFEST_VERSION = 1


@dataclass
class ExportedTable:
    name: str
    rows: int
    columns: dict[str, str]  # name -> DuckDB type, in column order
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # format -> {file, bytes, sha256}


def mart_tables(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> list[str]:
    """Every table and view of `schema` in the connection's own database, by name."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [name for (name,) in rows]


def build_info(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> dict[str, Any]:
    """The published build's stamp (`marts.build_info`), or an empty dict for a file without one."""
    if "build_info" not in mart_tables(con, schema):
        return {}
    cursor = con.execute(f"select * from {_ident(schema)}.build_info limit 1")
    row = cursor.fetchone()
    if row is None:
        return {}
    names = [d[0] for d in cursor.description]
    return {name: _jsonable(value) for name, value in zip(names, row)}


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` (hidden, this process's own) that replaces `target` in one
    rename when the block ends without an error, and is removed when it raises."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def export_marts(warehouse: Path, out_dir: Path, schema: str = SCHEMA) -> dict[str, Any]:
    """Write every table of `schema` as Parquet and CSV under `out_dir`, then the manifest.

    Returns the manifest (also written to `out_dir/manifest.json`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out_dir)
    tables: list[ExportedTable] = []
    # read_only: never a writer of the published file, and works while others hold it open
    with duckdb.connect(str(warehouse), read_only=True) as con:
        info = build_info(con, schema)
        for name in mart_tables(con, schema):
            tables.append(_export_table(con, schema, name, out_dir))
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "warehouse": warehouse.name,
        "schema": schema,
        "build_id": info.get("build_id"),
        "published_at": info.get("published_at"),
        "first_year": info.get("first_year"),
        "last_year": info.get("last_year"),
        "parser_version": info.get("parser_version"),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "csv": "UTF-8 with a byte-order mark, comma-separated, header row, NULL as an empty field",
        "tables": {
            t.name: {"rows": t.rows, "columns": t.columns, **{fmt: t.files[fmt] for fmt in FORMATS}} for t in tables
        },
    }
    with atomic_path(out_dir / MANIFEST) as tmp:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written = {t.files[fmt]["file"] for t in tables for fmt in FORMATS}
    for stale in _manifest_files(previous) - written:
        path = out_dir / stale
        if path.parent == out_dir:  # only a plain file name of this folder, whatever the old manifest says
            path.unlink(missing_ok=True)
    return manifest


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The folder's manifest, or {} when there is none (or it is not readable JSON)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_files(manifest: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        return out
    for entry in tables.values():
        for fmt in FORMATS:
            name = entry.get(fmt, {}).get("file") if isinstance(entry, dict) else None
            if isinstance(name, str) and name and "/" not in name and not name.startswith("."):
                out.add(name)
    return out


def _export_table(con: duckdb.DuckDBPyConnection, schema: str, name: str, out_dir: Path) -> ExportedTable:
    relation = f"{_ident(schema)}.{_ident(name)}"
    columns = {
        column: str(kind)
        for column, kind in con.execute(
            "select column_name, data_type from information_schema.columns where table_catalog = current_database() "
            "and table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
    }
    (rows,) = con.execute(f"select count(*) from {relation}").fetchone() or (0,)
    table = ExportedTable(name, int(rows), columns)
    query = f"select * from {relation}"

    parquet = out_dir / f"{name}.parquet"
    with atomic_path(parquet) as tmp:
        con.execute(f"copy ({query}) to {_literal(tmp)} (format parquet, compression zstd)")
    table.files["parquet"] = _file_entry(parquet)

    csv = out_dir / f"{name}.csv"
    body = csv.with_name(f".{csv.name}.{os.getpid()}.body")
    try:
        con.execute(f"copy ({query}) to {_literal(body)} (format csv, header true, delimiter ',', quote '\"')")
        with atomic_path(csv) as tmp, tmp.open("wb") as out, body.open("rb") as src:
            out.write(BOM)
            shutil.copyfileobj(src, out, 1 << 20)
    finally:
        body.unlink(missing_ok=True)
    table.files["csv"] = _file_entry(csv)
    return table


def _file_entry(path: Path) -> dict[str, Any]:
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": storage.sha256(path)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def main(argv: list[str] | None = None) -> int:
    from .landing import default_data_root

    args = sys.argv[1:] if argv is None else argv
    root = default_data_root()
    warehouse = Path(args[0]) if args else Path(os.environ.get("OGI_WAREHOUSE") or root / "warehouse.duckdb")
    out_dir = Path(args[1]) if len(args) > 1 else root / "export"
    from .lock import build_lock

    with build_lock(root, "export"):
        manifest = export_marts(warehouse, out_dir)
    for name, entry in manifest["tables"].items():
        print(f"{name}: {entry['rows']:,} rows")
    print(f"{out_dir} (build {manifest['build_id']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
