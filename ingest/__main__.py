"""Command line: `python -m ingest parse FILE [FILE ...]` prints one JSON object per file (JSON Lines).

Exit code 0 when every file produced a record (a file that cannot be parsed still gives one, with an
`error` finding); with --strict, 1 when any record carries an `error` finding; 2 on usage errors. It never dies with a traceback on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import PARSER_VERSION
from .parser import parse_file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"ogi-warehouse parser {PARSER_VERSION}")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("parse", help="parse report files and print JSON Lines")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--no-cells", action="store_true", help="leave out the per-cell provenance list")
    p.add_argument("--strict", action="store_true", help="exit 1 when any record has an error finding")
    p.add_argument("--indent", type=int, default=None, help="pretty-print (not JSON Lines)")
    a = ap.parse_args(argv)
    out = sys.stdout
    errors = 0
    for f in a.files:
        rec = parse_file(f)
        if a.no_cells:
            rec.pop("cells", None)
        if any(i["severity"] == "error" for i in rec["issues"]):
            errors += 1
        out.write(json.dumps(rec, ensure_ascii=False, indent=a.indent) + "\n")
        out.flush()
    return 1 if (a.strict and errors) else 0


if __name__ == "__main__":
    sys.exit(main())
