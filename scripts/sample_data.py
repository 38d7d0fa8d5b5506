"""Bundled sample landing data, deterministic: the 5 seed reports and N generated ones.

    python scripts/sample_data.py [--data DIR] [--n 300] [--seed 20240101] [--years 2019-2024]

Writes DIR/landing/seeds/ (copies of tests/fixtures/seeds) and DIR/landing/generated/ (made by the
generator `synth` with a fixed seed; both folders are replaced). The generator's truth file goes to
DIR/synth/truth.jsonl, outside landing, so it is not taken for a report.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import synth

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "fixtures" / "seeds"


def make_sample(data: Path, n: int, seed: int, years: str) -> dict[str, int]:
    return synth.write_sample(data, n, seed, years, seeds=SEEDS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("OGI_DATA_DIR", REPO / "data")))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--years", default="2019-2024")
    args = ap.parse_args(argv)
    counts = make_sample(args.data, args.n, args.seed, args.years)
    print(
        f"sample landing data in {args.data / 'landing'}: {counts['seeds']} seed reports, "
        f"{counts['generated']} generated (seed {args.seed}, years {args.years})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
