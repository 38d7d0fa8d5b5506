"""Parser benchmark on a synthetic corpus, on ONE core, two parts printed side by side in one run:

- HTML: full parse vs bare BeautifulSoup(lxml) soup construction of the same pages (the portal mix).
- PDF: `ingest.parse_bytes` on typical 5-page generated report PDFs vs pypdfium2's bare text
  extraction of the same files (open, every page's text, close): the floor any PDF reader pays.

    python -m synth.bench [--n 400] [--seed 7] [--repeats 3] [--pdf-n 40] [--pdf-pages 5] [--only html|pdf]

Each timing is `--repeats` runs over the whole set (best and median). Prints corpus sizes, reports/s,
MB/s, the ratios parse/soup (target <= 2.0) and parse/pdfium, whether 60 reports/s is met, what the
parser made of the PDFs (reports with table 3, most frequent findings) and peak RSS.
No assertions: a report.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable

TARGET_RPS = 60.0
TARGET_RATIO = 2.0


def _pin_one_core() -> str:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return f"cpu {cpus[0]}"
    except (AttributeError, OSError):
        return "not pinned"


def _time(fn: Callable, docs: list[tuple[str, bytes]], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        for name, data in docs:
            fn(data, name)
        out.append(time.perf_counter() - t0)
    return out


def _row(label: str, times: list[float], n: int, mb: float, pages: int | None = None) -> str:
    best, med = min(times), statistics.median(times)
    extra = f" {pages / best:8.1f}" if pages is not None else ""
    return f"{label:13s}  {best:8.2f} {med:9.2f} {n / best:10.1f} {mb / best:7.1f}{extra}"


def bench_html(a, synth, ingest) -> None:
    import bs4

    t0 = time.perf_counter()
    pages = [(name, data) for name, data, _t, _m in synth.corpus(a.n, a.seed)]
    styles: Counter = Counter(m["style"] for _n, _d, _t, m in synth.corpus(min(a.n, 400), a.seed))
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
    n = len(pages)
    rps = n / min(parse_t)
    ratio = min(parse_t) / min(soup_t)
    print("== HTML and text pages (the portal mix)")
    print(
        f"corpus       : {n} pages, {total_mb:.1f} MB, median page {sizes[n // 2] / 1024:.1f} KB "
        f"(min {sizes[0] / 1024:.1f}, max {sizes[-1] / 1024:.1f}); seed {a.seed}; built in {gen_s:.1f}s"
    )
    print("styles       : " + ", ".join(f"{k} {v}" for k, v in sorted(styles.items())))
    print(f"{'':13s}  {'best s':>8s} {'median s':>9s} {'reports/s':>10s} {'MB/s':>7s}")
    print(_row("soup (lxml)", soup_t, n, total_mb))
    print(_row("parse_bytes", parse_t, n, total_mb))
    print(
        f"ratio        : parse / soup = {ratio:.2f} (target <= {TARGET_RATIO}) -> "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(
        f"throughput   : {rps:.1f} reports/s on one core (target >= {TARGET_RPS:.0f}) -> "
        f"{'met' if rps >= TARGET_RPS else 'NOT met'}"
    )


def typical_pdfs(synth, n: int, seed: int, pages: int) -> list[tuple[str, bytes]]:
    """n generated report PDFs (2019-2024, tables included) of exactly `pages` pages."""
    out: list[tuple[str, bytes]] = []
    for name, data, _t, m in synth.corpus(40 * n, seed, styles=["pdf"]):  # a generator: stops early
        if m["pages"] == pages:
            out.append((name, data))
            if len(out) == n:
                break
    return out[:n]


def bench_pdf(a, synth, ingest) -> None:
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    docs = typical_pdfs(synth, a.pdf_n, a.seed, a.pdf_pages)
    gen_s = time.perf_counter() - t0
    if not docs:
        print(f"== PDF: no {a.pdf_pages}-page PDF generated")
        return
    n = len(docs)
    mb = sum(len(d) for _, d in docs) / 1e6
    n_pages = n * a.pdf_pages

    def floor(data: bytes, name: str):
        pdf = pdfium.PdfDocument(data)
        try:
            return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        finally:
            pdf.close()

    def parse(data: bytes, name: str):
        return ingest.parse_bytes(data, name)

    floor(docs[0][1], docs[0][0])
    recs = [parse(d, name) for name, d in docs]  # warm, and what the parser makes of them
    floor_t = _time(floor, docs, a.repeats)
    parse_t = _time(parse, docs, a.repeats)
    ratio = min(parse_t) / min(floor_t)
    with_t3 = sum(1 for r in recs if r.get("table3"))
    codes = Counter(i["code"] for r in recs for i in r.get("issues", []))
    print(f"== PDF attachments ({a.pdf_pages}-page generated reports, text layer, ruled tables)")
    print(f"corpus       : {n} PDFs, {n_pages} pages, {mb:.1f} MB, {mb * 1e3 / n:.0f} KB each; built in {gen_s:.1f}s")
    print(f"{'':13s}  {'best s':>8s} {'median s':>9s} {'reports/s':>10s} {'MB/s':>7s} {'pages/s':>8s}")
    print(_row("pdfium text", floor_t, n, mb, n_pages))
    print(_row("parse_bytes", parse_t, n, mb, n_pages))
    print(f"ratio        : parse / pdfium text = {ratio:.2f}")
    print(
        f"parser read  : table 3 in {with_t3}/{n} PDFs; findings: "
        + (", ".join(f"{c} {k}" for c, k in codes.most_common(5)) or "none")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m synth.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400, help="HTML/text pages")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--pdf-n", type=int, default=40, help="PDFs")
    ap.add_argument("--pdf-pages", type=int, default=5, help="pages of each PDF")
    ap.add_argument("--only", choices=["html", "pdf"], default=None)
    a = ap.parse_args(argv)

    pinned = _pin_one_core()
    import ingest
    import synth

    print(f"core         : {pinned}; repeats {a.repeats}")
    if a.only in (None, "html"):
        bench_html(a, synth, ingest)
    if a.only in (None, "pdf"):
        bench_pdf(a, synth, ingest)
    print(f"peak RSS     : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
