"""Bundled sample landing data, deterministic: the 5 seed reports and N generated ones.

    python scripts/sample_data.py [--data DIR] [--n 300] [--seed 20240101] [--years 2019-2024]

Writes DIR/landing/seeds/ (copies of tests/fixtures/seeds) and DIR/landing/generated/ (made by
`python -m ingest.synth` with a fixed seed; both folders are replaced). The generator's truth file
goes to DIR/synth/truth.jsonl, outside landing, so it is not taken for a report.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "fixtures" / "seeds"


def make_sample(data: Path, n: int, seed: int, years: str) -> dict[str, int]:
    landing = data / "landing"
    seeds_dir, generated_dir = landing / "seeds", landing / "generated"
    for folder in (seeds_dir, generated_dir):
        shutil.rmtree(folder, ignore_errors=True)
    seeds_dir.mkdir(parents=True)
    for src in sorted(SEEDS.iterdir()):
        if src.is_file():
            shutil.copyfile(src, seeds_dir / src.name)
    generated = 0
    if n > 0:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ingest.synth",
                    "--out",
                    tmp,
                    "--n",
                    str(n),
                    "--seed",
                    str(seed),
                    "--years",
                    years,
                ],
                check=True,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
            )
            generated_dir.mkdir(parents=True)
            for src in sorted(Path(tmp).iterdir()):
                if src.name == "truth.jsonl":
                    (data / "synth").mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, data / "synth" / "truth.jsonl")
                elif src.is_file():
                    shutil.copyfile(src, generated_dir / src.name)
                    generated += 1
    return {"seeds": len(list(seeds_dir.iterdir())), "generated": generated}


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
