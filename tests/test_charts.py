"""The charts page (data/docs/report/index.html) of the session warehouse, opened in headless
Chromium: every chart is drawn (SVG with real marks), nothing is fetched, nothing is logged as an
error; and the pooled rates agree with the warehouse's own (mart_region_year).

Chromium is Debian's (`/usr/bin/chromium`, or OGI_CHROMIUM), driven by Playwright without its own
browser download. `.ci/run` installs it; in CI a missing browser fails the test, elsewhere it skips
with the reason."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, Pipeline

from ingest.charts import FIGURES, POOLED_RATES, coverage

pytestmark = pytest.mark.slow

CHART_IDS = {
    "requests-by-year",
    "rates-by-year",
    "disclosure-distribution",
    "top-agencies",
    "findings-by-code",
    "province-view",
}
COVERS = re.compile(r"^Covers (.+: )?([\d,]+ reports? from [\d,]+ agenc(y|ies), years? \d{4}(–\d{4})?|no reports) · ")


def report(pipeline: Pipeline) -> Path:
    return pipeline.root / "docs" / "report" / "index.html"


def test_the_page_names_its_build_and_loads_nothing(pipeline: Pipeline):
    page = report(pipeline).read_text(encoding="utf-8")
    (build_id,) = pipeline.query("select build_id from marts.build_info")[0]
    assert build_id in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page.lower()
    # the only URLs are XML namespace names, which nothing fetches
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert page.count("<figure") == len(FIGURES)


def test_pooled_rates_agree_with_the_regional_mart(pipeline: Pipeline):
    """The page pools a rate as Σ(rate × denominator) / Σ denominator over mart_agency_year; the
    warehouse pools in mart_region_year (dbt). Grouped by province and year, they must agree."""
    measures = ", ".join(f"{r.sql()} as {r.rate}" for r in POOLED_RATES)
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        ours = con.execute(
            f"select coalesce(province_code, 'unknown'), report_year, {measures} "
            "from marts.mart_agency_year group by all order by all"
        ).fetchall()
        theirs = con.execute(
            f"select region_code, report_year, {', '.join(r.rate for r in POOLED_RATES)} "
            "from marts.mart_region_year where level = 'province' order by all"
        ).fetchall()
    assert len(ours) == len(theirs) > 3
    defined = 0
    for mine, dbt in zip(ours, theirs):
        assert mine[:2] == dbt[:2]
        for a, b in zip(mine[2:], dbt[2:]):
            assert (a is None) == (b is None), (mine, dbt)
            if a is not None:
                assert a == pytest.approx(b, rel=1e-9), (mine, dbt)
                defined += 1
    assert defined > 3


def test_every_figure_says_which_reports_it_covers(pipeline: Pipeline):
    page = report(pipeline).read_text(encoding="utf-8")
    captions = re.findall(r"<p class='coverage'>(.*?)</p>", page)
    assert len(captions) >= len(FIGURES)
    for caption in captions:
        assert COVERS.match(caption.replace("&#x27;", "'")), caption
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        everything = coverage(con)
    assert everything.reports > 20 and everything.first_year == 2020 and everything.last_year == 2022
    assert f"Covers {everything.text()}" in page


def test_charts_render_in_headless_chromium_offline(pipeline: Pipeline, tmp_path):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-zenhei (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    page_file = report(pipeline)
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        (years,) = con.execute(
            "select count(distinct report_year) from marts.mart_agency_year where requests_new is not null"
        ).fetchone()
        (finding_bars,) = con.execute(
            "select count(*) from (select distinct code, severity from marts.fct_report_findings)"
        ).fetchone()
        (rates_drawn,) = con.execute(
            "select " + " + ".join(f"(count({r.rate}) > 0)::int" for r in POOLED_RATES) + " from marts.mart_agency_year"
        ).fetchone()
        provinces = {
            name
            for (name,) in con.execute(
                "select region_name from marts.mart_region_year where level = 'province'"
            ).fetchall()
        }
        (provinces_with_requests,) = con.execute(
            "select count(distinct coalesce(province_code, 'unknown')) from marts.mart_agency_year "
            "where requests_new is not null"
        ).fetchone()
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.on("request", lambda r: requests.append(r.url))
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri(), wait_until="load")
            figures = page.evaluate(
                """() => Object.fromEntries([...document.querySelectorAll('figure')].map(f => {
                    const svg = f.querySelector('svg');
                    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                    return [f.id, {
                        width: box.width, height: box.height,
                        bars: f.querySelectorAll('g.mark-rect path').length,
                        symbols: f.querySelectorAll('g.mark-symbol path').length,
                        lines: f.querySelectorAll('g.mark-line path').length,
                        texts: [...f.querySelectorAll('svg text')].map(t => t.textContent),
                        rows: f.querySelectorAll('tbody tr').length,
                    }];
                }))"""
            )
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()

    assert errors == []
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests
    assert set(figures) >= CHART_IDS and "province-year" in figures
    for chart in CHART_IDS:
        assert figures[chart]["width"] > 300 and figures[chart]["height"] > 150, (chart, figures[chart])
    assert figures["requests-by-year"]["bars"] == years
    assert figures["rates-by-year"]["lines"] == rates_drawn >= 1
    assert figures["rates-by-year"]["symbols"] >= years
    assert figures["disclosure-distribution"]["bars"] >= 3
    assert figures["top-agencies"]["bars"] >= 5
    assert figures["findings-by-code"]["bars"] == finding_bars
    assert figures["province-view"]["bars"] == provinces_with_requests
    assert figures["province-year"]["rows"] == len(provinces)
    assert provinces <= set(figures["province-view"]["texts"])  # every province named, as text in the SVG
    assert figures["province-view"]["symbols"] >= 1
    assert shot.stat().st_size > 50_000


def test_an_empty_warehouse_gives_a_page_that_says_so(pipeline: Pipeline, tmp_path):
    from ingest.charts import write_report

    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(pipeline.warehouse.read_bytes())
    with duckdb.connect(str(warehouse)) as con:
        for table in ("mart_agency_year", "mart_region_year", "mart_agency_year_peers", "fct_report_findings"):
            con.execute(f"delete from marts.{table}")
    figures = write_report(warehouse, tmp_path / "index.html")
    assert len(figures) == len(FIGURES)
    for figure in figures:
        assert "Nothing to draw yet" in figure.body and "<svg" not in figure.body, figure.id
        assert all("no reports" in line for line in figure.coverage), figure.id
