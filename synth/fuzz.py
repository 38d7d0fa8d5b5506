"""A mutation fuzzer for the parser: realistic reports, mangled the ways portals and crawlers mangle them.

Every case must give one record: no traceback (a PARSE_ERROR finding is the parser admitting a bug),
within its time and memory budget. Cases run in the same worker pool the raw step uses
(ingest.workers), so a hang or a blow-up is measured, not suffered.

    python -m synth.fuzz --n 10000 --seed 1 [--timeout 20] [--memory-mb 1536] [--keep DIR]

prints the counts of crashes (PARSE_ERROR), inconsistent records (a value without its printed cell,
a number read from nothing printed), timeouts, memory kills, the slowest cases and the peak
memory of the workers; with --keep, every failing case is written to DIR for a regression test.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .corpus import corpus

FORMS = (
    "html_table",
    "pipe",
    "cell_per_line",
    "glued",
    "prose_only",
    "layout_text",
    "reading_order",
    "markdown_shredded",
    "one_line",
    "pdf",
    "docx",
)


def _flip(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 20)):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return b


def _control(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 5)):
        b[rng.randrange(len(b) + 1) : 0] = bytes([rng.choice([0x0B, 0x0C, 0x1B, 0x7F, 0x01, 0x08])])
    return b


def _delete(rng: random.Random, b: bytearray) -> bytearray:
    if len(b) > 10:
        i = rng.randrange(len(b))
        del b[i : i + rng.randint(1, max(1, len(b) // 10))]
    return b


def _duplicate(rng: random.Random, b: bytearray) -> bytearray:
    if len(b) > 10:
        i = rng.randrange(len(b))
        piece = b[i : i + rng.randint(1, 4000)]
        b[rng.randrange(len(b)) : 0] = piece * rng.randint(1, 20)
    return b


def _truncate(rng: random.Random, b: bytearray) -> bytearray:
    return b[: rng.randrange(len(b) + 1)]


def _digits(rng: random.Random, b: bytearray) -> bytearray:
    run = "".join(rng.choice("0123456789") for _ in range(rng.choice([12, 40, 500, 5000])))
    b[rng.randrange(len(b) + 1) : 0] = run.encode()
    return b


def _ranges(rng: random.Random, b: bytearray) -> bytearray:
    text = b.decode("utf-8", "replace")
    for token in ("1-20", "-4", "3000000000", "1,234", "2.5", "１２", "12%", "一二三", "(3)", "５-6"):
        if rng.random() < 0.3:
            i = rng.randrange(len(text) + 1)
            text = text[:i] + f" {token} " + text[i:]
    return bytearray(text.encode())


def _markup(rng: random.Random, b: bytearray) -> bytearray:
    pieces = [
        "<table><tr><td>" * rng.randint(1, 300),
        "</td></tr></table>" * rng.randint(1, 50),
        "<td rowspan=9999 colspan=9999>",
        "<td colspan=-3>",
        "<p " + " ".join(f"a{i}='x'" for i in range(rng.choice([10, 1000, 20000]))) + ">",
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
        "<script>while(1){}</script>",
        "<![CDATA[" * 10,
        "&#x0; &#xFFFFFF; &amp;&lt;",
    ]
    b[rng.randrange(len(b) + 1) : 0] = rng.choice(pieces).encode()
    return b


def _encoding(rng: random.Random, b: bytearray) -> bytearray:
    text = b.decode("utf-8", "replace")
    codec = rng.choice(["gb18030", "utf-16", "big5", "latin-1"])
    return bytearray(text.encode(codec, "replace"))


def _labels(rng: random.Random, b: bytearray) -> bytearray:
    words = [
        "本年新收",
        "予以公开",
        "行政复议",
        "总计",
        "维持",
        "纠正",
        "法人或其他组织",
        "自然人",
        "行政许可",
        "(六)其他处理",
    ]
    line = " ".join(rng.choice(words) for _ in range(rng.choice([100, 5000, 60000])))
    b[rng.randrange(len(b) + 1) : 0] = ("\n" + line + "\n").encode()
    return b


MUTATIONS: tuple[Callable[[random.Random, bytearray], bytearray], ...] = (
    _flip,
    _control,
    _delete,
    _duplicate,
    _truncate,
    _digits,
    _ranges,
    _markup,
    _encoding,
    _labels,
)


def cases(n: int, seed: int, base_docs: int = 60) -> Iterator[tuple[str, bytes]]:
    """n mutated documents (name, bytes): 1-3 mutations each on a realistic generated report."""
    rng = random.Random(seed)
    bases = [(name, data) for name, data, _truth, _meta in corpus(base_docs, seed, styles=FORMS)]
    for i in range(n):
        name, data = rng.choice(bases)
        b = bytearray(data)
        applied = []
        for _ in range(rng.randint(1, 3)):
            m = rng.choice(MUTATIONS)
            b = m(rng, b) or b
            applied.append(m.__name__.strip("_"))
        _stem, _dot, ext = name.rpartition(".")
        yield f"fuzz_{i:05d}_{'+'.join(applied)}.{ext or 'txt'}", bytes(b)


def inconsistencies(record: dict) -> list[str]:
    """What a record says of its cells that does not hang together: a table value with no cell entry
    (its printed text untraceable), or a cell read as a number from nothing printed that is not marked
    printed empty (a figure silently dropped)."""
    out = []
    have = {(c["table"], c["row"], c["column"]): c for c in record["cells"]}
    for table in ("table2", "table3", "table4"):
        for row, columns in (record[table] or {}).items():
            for column, value in columns.items():
                cell = have.get((table, row, column))
                if value is not None and cell is None:
                    out.append(f"{table}.{row}.{column}={value} has no cell entry")
                elif cell is not None and cell["value"] != value:
                    out.append(f"{table}.{row}.{column}: table {value} but cell {cell['value']}")
    for c in record["cells"]:
        if c["value"] is not None and not c["raw"].strip() and not c["empty"]:
            out.append(f"{c['table']}.{c['row']}.{c['column']}={c['value']} read from nothing printed")
    return out


def run(
    n: int, seed: int, timeout: float, memory_mb: int, workers: int | None = None, keep: Path | None = None
) -> dict:
    """Parse n fuzz cases in the worker pool; counts and the worst cases."""
    from ingest.workers import ParsePool

    counts = {
        "cases": 0,
        "records": 0,
        "crashes": 0,
        "inconsistent": 0,
        "timeouts": 0,
        "memory": 0,
        "errors_reported": 0,
    }
    slowest: list[tuple[float, str]] = []
    peak = 0.0
    failures: list[tuple[str, str]] = []
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, ParsePool(workers=workers, timeout=timeout, memory_mb=memory_mb) as pool:
        files = {}
        for name, data in cases(n, seed):
            path = Path(tmp) / name
            path.write_bytes(data)
            files[name] = path
        for name, outcome in pool.parse_many((name, str(path), name) for name, path in files.items()):
            counts["cases"] += 1
            peak = max(peak, outcome.peak_rss_mb)
            slowest = sorted([*slowest, (outcome.seconds, name)], reverse=True)[:5]
            if outcome.record is None:
                key = "timeouts" if outcome.code == "PARSE_TIMEOUT" else "memory"
                counts[key] += 1
                failures.append((name, f"{outcome.code}: {outcome.reason}"))
                continue
            counts["records"] += 1
            issues = outcome.record["issues"]
            if any(i["code"] == "PARSE_ERROR" for i in issues):
                counts["crashes"] += 1
                failures.append((name, next(i["message"] for i in issues if i["code"] == "PARSE_ERROR")))
                continue
            bad = inconsistencies(outcome.record)
            if bad:
                counts["inconsistent"] += 1
                failures.append((name, "inconsistent record: " + "; ".join(bad[:3])))
            if any(i["severity"] == "error" for i in issues):
                counts["errors_reported"] += 1
        if keep is not None and failures:
            keep.mkdir(parents=True, exist_ok=True)
            for name, _why in failures:
                (keep / name).write_bytes(files[name].read_bytes())
    return {
        **counts,
        "seconds": round(time.monotonic() - t0, 1),
        "peak_worker_rss_mb": round(peak, 1),
        "slowest": [(round(s, 2), name) for s, name in slowest],
        "failures": failures[:50],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m synth.fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per file (the raw step's budget)")
    ap.add_argument("--memory-mb", type=int, default=1536, help="memory per file (the raw step's budget)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="write failing cases here")
    a = ap.parse_args(argv)
    out = run(a.n, a.seed, a.timeout, a.memory_mb, a.workers, a.keep)
    print(
        f"{out['cases']} cases in {out['seconds']} s: {out['records']} records, "
        f"{out['crashes']} crashes (PARSE_ERROR), {out['inconsistent']} inconsistent records, "
        f"{out['timeouts']} timeouts, {out['memory']} over memory, "
        f"{out['errors_reported']} rejected with an error finding; peak worker RSS {out['peak_worker_rss_mb']} MB"
    )
    print("slowest: " + ", ".join(f"{name} {s} s" for s, name in out["slowest"]))
    for name, why in out["failures"]:
        print(f"  {name}: {why[:200]}")
    return 1 if (out["crashes"] or out["inconsistent"] or out["timeouts"] or out["memory"]) else 0


if __name__ == "__main__":
    sys.exit(main())
