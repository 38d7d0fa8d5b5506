"""python -m expectations TABLE SOURCE [--db FILE] [--docs DIR] [--json]

SOURCE is a Parquet file or glob (e.g. data/parsed/cells/year=2021/part.parquet, or s3://... when the
lake is on S3, see ingest/storage.py) or a DuckDB query
(e.g. "select * from marts.fct_requests where report_year = 2021", run on --db, by default
$OGI_WAREHOUSE or data/warehouse.duckdb, opened read-only). Prints the outcome; exit status 0 when
every ERROR rule passed, 1 when one failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from expectations import SCHEMAS, SUITES
from expectations.schemas import DbtContract, dbt_tests

_QUERY = re.compile(r"^\s*(select|with|from|table|values)\b", re.IGNORECASE)


def load(source: str, db: str | None = None):
    """A DataFrame from a Parquet path/glob or a DuckDB query."""
    import duckdb

    from ingest import storage

    if _QUERY.match(source):
        db = (
            db
            or os.environ.get("OGI_WAREHOUSE")
            or str(Path(os.environ.get("OGI_DATA_DIR", "data")) / "warehouse.duckdb")
        )
        if db != ":memory:" and not Path(db).exists():
            db = ":memory:"  # a query over read_parquet(...) needs no warehouse
        con = duckdb.connect(db, read_only=db != ":memory:")
        try:
            storage.configure_duckdb(con)  # read_parquet('s3://...') of a lake on S3
            return con.execute(source).df()
        finally:
            con.close()
    con = duckdb.connect()
    try:
        storage.configure_duckdb(con, source if storage.is_url(source) else None)
        # hive_partitioning off: the year=YYYY folder must not add a column the file lacks
        return con.execute("select * from read_parquet(?, hive_partitioning = false)", [source]).df()
    finally:
        con.close()


def rules(table: str) -> list[str]:
    """One line per rule on the table: owner, severity, rule, check, columns. GX rules first, then
    the tests dbt runs on the same model (its keys, accepted values and relationships)."""
    seen: dict[tuple[str, str], list[str]] = {}
    for e in SUITES[table]().expectations:
        kw = e.configuration.kwargs
        cols = kw.get("column") or ",".join(kw.get("column_list") or []) or "(table)"
        seen.setdefault((e.meta["severity"], e.meta["rule"]), [e.expectation_type, cols])
    lines = [f"GX  {sev:5s} {rule:48s} {etype} [{cols}]" for (sev, rule), (etype, cols) in sorted(seen.items())]
    schema = SCHEMAS[table]
    if isinstance(schema, DbtContract):
        for t in sorted(dbt_tests(schema.model), key=lambda t: (t["test"], t["column"] or "")):
            cols = t["column"] or ",".join(t["kwargs"].get("combination_of_columns") or []) or "(table)"
            lines.append(f"dbt {t['severity']:5s} {t['test']:48s} dbt test [{cols}]")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m expectations", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("table", help=f"one of: {', '.join(SUITES)}")
    p.add_argument("source", nargs="?", help="Parquet file/glob, or a DuckDB query")
    p.add_argument("--rules", action="store_true", help="list the suite's rules and exit")
    p.add_argument("--db", help="DuckDB file for a query (default $OGI_WAREHOUSE)")
    p.add_argument("--docs", help="write GX Data Docs to this folder")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    a = p.parse_args(argv)
    if a.table not in SUITES:
        p.error(f"unknown table {a.table!r}; known: {', '.join(SUITES)}")
    if a.rules:
        for line in rules(a.table):
            print(line)
        return 0
    if a.source is None:
        p.error("a SOURCE (Parquet file or DuckDB query) is needed")
    try:
        df = load(a.source, a.db)
    except Exception as e:
        print(f"cannot read {a.source!r}: {e}", file=sys.stderr)
        return 2
    from expectations.runner import validate

    out = validate(a.table, df, docs_dir=a.docs)
    print(json.dumps(out.to_dict(), ensure_ascii=False, indent=1) if a.json else out)
    return 0 if out.success_error else 1


if __name__ == "__main__":
    sys.exit(main())
