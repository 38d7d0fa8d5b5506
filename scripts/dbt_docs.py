"""The dbt docs site as static files, next to the GX Data Docs: `data/docs/dbt/index.html`.

    python scripts/dbt_docs.py [--out DIR]

`dbt docs generate --static` writes one self-contained page (the manifest and the catalog inside it,
no server needed) from the project and the published warehouse: every model, column and its
description (English, ending with its Chinese term), lineage, and the column types and comments of
the marts tables (the catalog). It reads a copy of the published file, so it never locks the file
analysts read and never waits for a build. Without a published warehouse the site has no catalog.
Nothing reaches the network: dbt's usage statistics are off (dbt_project.yml flags, and the
environment here), and the page itself loads nothing and tracks nothing (the manifest says
send_anonymous_usage_stats: false).

Also writes manifest.json and catalog.json beside it, for tools.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DBT_DIR = REPO / "dbt"


def dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def warehouse_path(root: Path) -> Path:
    env = os.environ.get("OGI_WAREHOUSE")
    return Path(env) if env else root / "warehouse.duckdb"


def generate(root: Path, out: Path) -> Path:
    """Write `<out>/index.html` (plus manifest.json and catalog.json); returns the page's path."""
    from ingest import calendar

    published = warehouse_path(root)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-", dir=out.parent) as tmp:
        work = Path(tmp)
        # same file name as the published one: the manifest names the DuckDB catalog after it
        copy = work / published.name
        catalog_args = []
        if published.exists():
            shutil.copyfile(published, copy)  # one consistent version, even if a build publishes now
        else:
            catalog_args = ["--empty-catalog"]
        env = {
            **os.environ,
            "OGI_DATA_DIR": str(root),
            "OGI_DBT_TARGET_PATH": str(copy),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
        cmd = [
            dbt_executable(),
            "docs",
            "generate",
            "--static",
            *catalog_args,
            *("--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)),
            *("--target-path", str(work / "target"), "--log-path", str(work / "logs")),
            *("--vars", json.dumps(calendar.dbt_vars())),
        ]
        proc = subprocess.run(cmd, cwd=DBT_DIR, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"dbt docs generate failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
        target = work / "target"
        for name, dest in (("static_index.html", "index.html"), ("manifest.json", None), ("catalog.json", None)):
            tmp_dest = out / f".{dest or name}.tmp"
            shutil.copyfile(target / name, tmp_dest)
            os.replace(tmp_dest, out / (dest or name))  # a reader never sees half a page
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    from ingest.landing import default_data_root

    root = default_data_root()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=root / "docs" / "dbt", help="folder of the site (data/docs/dbt)")
    args = ap.parse_args(argv)
    page = generate(root, args.out)
    print(f"dbt docs: {page} ({page.stat().st_size:,} bytes); open it in a browser, no server needed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
