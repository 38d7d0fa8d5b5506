"""Parser benchmark on a synthetic corpus: full parse vs bare BeautifulSoup(lxml) soup construction.

    python -m synth.bench [--n 400] [--seed 7] [--repeats 3]

Builds the corpus in memory (synth's realistic mix of styles), pins the process to ONE core,
and times (a) `bs4.BeautifulSoup(data, "lxml")` and (b) `ingest.parse_bytes` on the same pages, each
`--repeats` times (best and median of the runs). Prints pages, MB, median page KB, reports/s for both,
the ratio parse_time / soup_time (target <= 2.0), whether 60 reports/s is met, and peak RSS.
No assertions: a report, side by side, in one run.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time

TARGET_RPS = 60.0
TARGET_RATIO = 2.0


def _pin_one_core() -> str:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return f"cpu {cpus[0]}"
    except (AttributeError, OSError):
        return "not pinned"


def _time(fn, pages, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        for name, data in pages:
            fn(data, name)
        out.append(time.perf_counter() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m synth.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)

    pinned = _pin_one_core()
    import bs4

    import ingest
    import synth

    t0 = time.perf_counter()
    pages = [(name, data) for name, data, _t, _m in synth.corpus(a.n, a.seed)]
    styles: dict[str, int] = {}
    for _n, _d, _t, m in synth.corpus(min(a.n, 400), a.seed):
        styles[m["style"]] = styles.get(m["style"], 0) + 1
    gen_s = time.perf_counter() - t0
    sizes = sorted(len(d) for _, d in pages)
    total_mb = sum(sizes) / 1e6

    def soup(data: bytes, name: str):
        return bs4.BeautifulSoup(data, "lxml")

    def parse(data: bytes, name: str):
        return ingest.parse_bytes(data, name)

    parse(pages[0][1], pages[0][0])  # warm imports, OpenCC, regexes
    soup(pages[0][1], pages[0][0])
    soup_t = _time(soup, pages, a.repeats)
    parse_t = _time(parse, pages, a.repeats)
    s_best, p_best = min(soup_t), min(parse_t)
    s_med, p_med = statistics.median(soup_t), statistics.median(parse_t)
    n = len(pages)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rps = n / p_best
    ratio = p_best / s_best
    print(
        f"corpus       : {n} pages, {total_mb:.1f} MB, median page {sizes[n // 2] / 1024:.1f} KB "
        f"(min {sizes[0] / 1024:.1f}, max {sizes[-1] / 1024:.1f}); seed {a.seed}; built in {gen_s:.1f}s"
    )
    print("styles       : " + ", ".join(f"{k} {v}" for k, v in sorted(styles.items())))
    print(f"core         : {pinned}; repeats {a.repeats}")
    print(f"{'':13s}  {'best s':>8s} {'median s':>9s} {'reports/s':>10s} {'MB/s':>7s}")
    print(f"{'soup (lxml)':13s}  {s_best:8.2f} {s_med:9.2f} {n / s_best:10.1f} {total_mb / s_best:7.1f}")
    print(f"{'parse_bytes':13s}  {p_best:8.2f} {p_med:9.2f} {rps:10.1f} {total_mb / p_best:7.1f}")
    print(
        f"ratio        : parse / soup = {ratio:.2f} (target <= {TARGET_RATIO}) -> "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(
        f"throughput   : {rps:.1f} reports/s on one core (target >= {TARGET_RPS:.0f}) -> "
        f"{'met' if rps >= TARGET_RPS else 'NOT met'}"
    )
    print(f"peak RSS     : {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
