"""Synthetic 政府信息公开工作年度报告: random canonical records rendered as realistic documents.

The generator is the parser's round-trip oracle, the benchmark corpus and the warehouse's sample
data, so the documents look like the real ones: long prose sections 一 to 六 around the three
standard tables, portal chrome, Word-exported HTML, ``|`` text tables, one cell per line, numbers
whose separators were lost, prose only; traditional characters, GBK bytes, BOMs, full-width digits,
injected gambling spam, empty cells, label noise.

Everything is driven by one ``random.Random``: a seed gives the same bytes on every run.

    random_truth(rng, year=None) -> truth record (canonical keys, as ``ingest.parse_bytes`` returns)
    render(truth, rng, style=None) -> (bytes, meta)   meta says what was applied
    corpus(n, seed, years=range(2019, 2025), styles=None) -> (filename, bytes, truth, meta), ...
    python -m synth --out DIR --n 300 --seed 20240101 [--years 2019-2024] [--styles pdf,docx]

Modules: places (agencies), truth (records, arithmetic, breaking it), prose (sections, titles,
chrome lines), layouts (tables as cell grids), glued (readings of glued digits), renderers/ (one
module per family of forms), corpus (the corpus and the command line), bench (parser speed).
The long fixed texts are in templates/.
"""

from .corpus import corpus, main, parse_years, write_corpus, write_sample
from .glued import t3_row_splits, t4_run_splits
from .places import CITY_BODIES, COUNTY_BODIES, PLACES, PROVINCE_BODIES, TOWNS, ZONE_BODIES
from .renderers import ALL_STYLES, EXTENSIONS, FORM_STYLES, SPAM_TERMS, STYLE_WEIGHTS, STYLES, render
from .truth import BROKEN_CODES, check_arith, citywide_numbers, hybrid_other_total, random_truth

__all__ = [
    "ALL_STYLES",
    "BROKEN_CODES",
    "CITY_BODIES",
    "COUNTY_BODIES",
    "EXTENSIONS",
    "FORM_STYLES",
    "PLACES",
    "PROVINCE_BODIES",
    "SPAM_TERMS",
    "STYLES",
    "STYLE_WEIGHTS",
    "TOWNS",
    "ZONE_BODIES",
    "check_arith",
    "citywide_numbers",
    "corpus",
    "hybrid_other_total",
    "main",
    "parse_years",
    "random_truth",
    "render",
    "t3_row_splits",
    "t4_run_splits",
    "write_corpus",
    "write_sample",
]
