"""A corpus: n documents from one seed (document i from its own `random.Random`, so a prefix of a
corpus is the smaller corpus), and the command line that writes one to a folder with truth.jsonl."""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .renderers import ALL_STYLES, EXTENSIONS, FORM_STYLES, STYLES, forms, render
from .truth import random_truth


def corpus(
    n: int, seed: int, years: Iterable[int] = range(2019, 2025), styles: Iterable[str] | None = None
) -> Iterator[tuple[str, bytes, dict, dict]]:
    """(filename, bytes, truth, meta) for n documents, deterministic for a seed. `styles`: any of
    ALL_STYLES (default: the portal mix, STYLES); "forms" stands for every FORM_STYLES."""
    years = list(years)
    styles = expand_styles(styles)
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        year = rng.choice(years)
        truth = random_truth(rng, year)
        style = rng.choice(styles) if styles else None
        extra: list[str] = []
        if style in FORM_STYLES:
            truth, extra = forms.prepare(truth, rng, style)
        elif style and truth["format_version"] == "pre2019":
            style = "prose_only"
        data, meta = render(truth, rng, style)
        if extra:
            meta["variations"] = extra + meta["variations"]
        yield f"gen_{truth['report_year']}_{i:06d}.{EXTENSIONS[meta['kind']]}", data, truth, meta


def expand_styles(styles: Iterable[str] | None) -> list[str] | None:
    out: list[str] = []
    for s in styles or []:
        if s == "forms":
            out.extend(FORM_STYLES)
        elif s in ALL_STYLES:
            out.append(s)
        else:
            raise ValueError(f"unknown style {s!r}; one of {', '.join(ALL_STYLES)} or forms")
    return out or None


def parse_years(s: str) -> range:
    if "-" in s:
        a, b = s.split("-", 1)
        return range(int(a), int(b) + 1)
    return range(int(s), int(s) + 1)


def write_corpus(out: Path, n: int, seed: int, years: Iterable[int], styles: Iterable[str] | None = None) -> int:
    """Write the documents and truth.jsonl (one line per file: the truth and `render`, the meta) to out;
    returns the number of bytes of documents written."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    with open(out / "truth.jsonl", "w", encoding="utf-8", newline="\n") as tf:
        for fname, data, truth, meta in corpus(n, seed, years, styles):
            (out / fname).write_bytes(data)
            total += len(data)
            rec = {"file": fname, **truth, "render": meta}
            tf.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m synth", description="Generate synthetic annual reports and their truth."
    )
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--years", default="2019-2024", help="e.g. 2019-2024 or 2014-2024")
    ap.add_argument(
        "--styles",
        default="",
        help=f"comma-separated styles (default: the portal mix {','.join(STYLES)}); also "
        + ",".join(FORM_STYLES)
        + ", or forms for all of those",
    )
    a = ap.parse_args(argv)
    styles = [s for s in a.styles.split(",") if s] or None
    total = write_corpus(a.out, a.n, a.seed, parse_years(a.years), styles)
    print(f"wrote {a.n} files ({total / 1e6:.1f} MB) and truth.jsonl to {a.out}", file=sys.stderr)
    return 0


def write_sample(data: Path, n: int, seed: int, years: str, seeds: Path | None = None) -> dict[str, int]:
    """The warehouse's sample landing data: copies of the seed reports in data/landing/seeds/ and n
    generated ones in data/landing/generated/ (both folders replaced); the truth goes to
    data/synth/truth.jsonl, outside landing, so it is not taken for a report."""
    import shutil

    landing = data / "landing"
    seeds_dir, generated_dir = landing / "seeds", landing / "generated"
    for folder in (seeds_dir, generated_dir):
        shutil.rmtree(folder, ignore_errors=True)
    seeds_dir.mkdir(parents=True)
    for src in sorted(seeds.iterdir()) if seeds else []:
        if src.is_file():
            shutil.copyfile(src, seeds_dir / src.name)
    generated = 0
    if n > 0:
        write_corpus(generated_dir, n, seed, parse_years(years))
        (data / "synth").mkdir(parents=True, exist_ok=True)
        (generated_dir / "truth.jsonl").replace(data / "synth" / "truth.jsonl")
        generated = sum(1 for p in generated_dir.iterdir() if p.is_file())
    return {"seeds": sum(1 for _ in seeds_dir.iterdir()), "generated": generated}
